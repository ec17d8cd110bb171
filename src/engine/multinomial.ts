/**
 * Multinomial and categorical draws, built on the exact binomial: a multinomial is
 * a chain of conditional binomials, so its cost is the number of categories, not
 * the number of trials.
 */
import { binomial, type Uniform } from './samplers.ts';

/** Counts of n trials over categories with the given probabilities (summing to 1; the last takes the rest). */
export function multinomial(u: Uniform, n: number, probs: ArrayLike<number>): number[] {
  const counts = new Array<number>(probs.length).fill(0);
  let left = n;
  let mass = 1;
  for (let i = 0; i < probs.length - 1 && left > 0; i++) {
    const p = probs[i] as number;
    const k = p <= 0 ? 0 : p >= mass ? left : binomial(u, left, p / mass);
    counts[i] = k;
    left -= k;
    mass -= p;
  }
  counts[probs.length - 1] = left;
  return counts;
}

/** One draw from a categorical distribution (probabilities summing to 1; the last takes rounding). */
export function categorical(u: Uniform, probs: ArrayLike<number>): number {
  let x = u();
  for (let i = 0; i < probs.length - 1; i++) {
    x -= probs[i] as number;
    if (x < 0) return i;
  }
  return probs.length - 1;
}
