/**
 * Statistics over replicates, pure and deterministic: Kaplan–Meier survival and
 * distribution-free confidence intervals for the median.
 */
import { erfc } from '../engine/samplers.ts';

export interface KaplanMeierStep {
  time: number;
  survival: number;
  atRisk: number;
  events: number;
}

/** Kaplan–Meier estimate from (time, event) pairs; event false means censored at that time. */
export function kaplanMeier(times: readonly number[], events: readonly boolean[]): KaplanMeierStep[] {
  const order = times.map((_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number));
  const steps: KaplanMeierStep[] = [{ time: 0, survival: 1, atRisk: times.length, events: 0 }];
  let atRisk = times.length;
  let survival = 1;
  for (let k = 0; k < order.length; ) {
    const t = times[order[k] as number] as number;
    let d = 0;
    let removed = 0;
    while (k < order.length && times[order[k] as number] === t) {
      if (events[order[k] as number]) d++;
      removed++;
      k++;
    }
    if (d > 0) {
      survival *= 1 - d / atRisk;
      steps.push({ time: t, survival, atRisk, events: d });
    }
    atRisk -= removed;
  }
  return steps;
}

function binomialCdf(k: number, n: number): number {
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space to stay finite for large n.
  let logTerm = -n * Math.LN2;
  let total = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i);
    total += Math.exp(logTerm);
  }
  return total;
}

export interface MedianEstimate {
  median: number;
  low: number;
  high: number;
}

/** The 97.5% quantile of Student's t with df degrees of freedom (1.96 beyond the table). */
export function tQuantile975(df: number): number {
  const table = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
    2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  if (df < 1) return Number.NaN;
  if (df <= table.length) return table[df - 1] as number;
  return df <= 60 ? 2.0 : df <= 120 ? 1.98 : 1.96;
}

/**
 * Median with a distribution-free 95% confidence interval from order statistics:
 * the interval [x_(j), x_(n-j+1)] with the largest j such that the binomial(n, 1/2)
 * tail P(X < j) stays at or below 2.5% (coverage at least 95%).
 */
export function medianWithCi(values: readonly number[], level = 0.95): MedianEstimate {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  if (n === 0) return { median: Number.NaN, low: Number.NaN, high: Number.NaN };
  const median = n % 2 ? (x[(n - 1) / 2] as number) : ((x[n / 2 - 1] as number) + (x[n / 2] as number)) / 2;
  let j = 0;
  while (j + 1 <= n / 2 && binomialCdf(j, n) <= (1 - level) / 2) j++;
  // Below six values even [min, max] covers less than 95%: no interval is given.
  if (j === 0) return { median, low: Number.NaN, high: Number.NaN };
  return { median, low: x[j - 1] as number, high: x[n - j] as number };
}

export interface LogRank {
  chiSquare: number;
  p: number;
  observedA: number;
  expectedA: number;
}

/**
 * Log-rank test of two survival curves (Mantel 1966): at each event time the
 * observed events of arm A are compared with those expected if both arms shared
 * one hazard; the statistic is chi-square with one degree of freedom.
 */
export function logRank(
  timesA: readonly number[],
  eventsA: readonly boolean[],
  timesB: readonly number[],
  eventsB: readonly boolean[],
): LogRank {
  const all = [
    ...timesA.map((t, i) => ({ t, e: eventsA[i] as boolean, a: true })),
    ...timesB.map((t, i) => ({ t, e: eventsB[i] as boolean, a: false })),
  ].sort((x, y) => x.t - y.t);
  let atRiskA = timesA.length;
  let atRiskB = timesB.length;
  let observedA = 0;
  let expectedA = 0;
  let variance = 0;
  for (let k = 0; k < all.length; ) {
    const t = (all[k] as { t: number }).t;
    let dA = 0;
    let d = 0;
    let leftA = 0;
    let leftB = 0;
    while (k < all.length && (all[k] as { t: number }).t === t) {
      const x = all[k] as { e: boolean; a: boolean };
      if (x.e) {
        d++;
        if (x.a) dA++;
      }
      if (x.a) leftA++;
      else leftB++;
      k++;
    }
    const n = atRiskA + atRiskB;
    if (d > 0 && n > 1) {
      observedA += dA;
      expectedA += (d * atRiskA) / n;
      variance += (d * (atRiskA / n) * (atRiskB / n) * (n - d)) / (n - 1);
    } else if (d > 0) {
      observedA += dA;
      expectedA += (d * atRiskA) / n;
    }
    atRiskA -= leftA;
    atRiskB -= leftB;
  }
  const chiSquare = variance > 0 ? (observedA - expectedA) ** 2 / variance : 0;
  return { chiSquare, p: chiSquareSurvival1(chiSquare), observedA, expectedA };
}

/** P(X > x) for chi-square with one degree of freedom: erfc(sqrt(x / 2)). */
export function chiSquareSurvival1(x: number): number {
  return erfc(Math.sqrt(x / 2));
}

function median(values: readonly number[]): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? (x[(n - 1) / 2] as number) : ((x[n / 2 - 1] as number) + (x[n / 2] as number)) / 2;
}

export interface Difference {
  a: number;
  b: number;
  difference: number;
  low: number;
  high: number;
}

/**
 * Difference of medians (B − A) with a percentile bootstrap 95% interval from
 * `resamples` resamples of each arm, drawn from a seeded stream so the report is
 * reproducible.
 */
export function bootstrapMedianDifference(
  a: readonly number[],
  b: readonly number[],
  uniform: () => number,
  resamples = 2000,
): Difference {
  const diffs: number[] = [];
  const resample = (x: readonly number[]) =>
    Array.from(x, () => x[Math.floor(uniform() * x.length)] as number);
  for (let i = 0; i < resamples; i++) diffs.push(median(resample(b)) - median(resample(a)));
  diffs.sort((x, y) => x - y);
  const at = (q: number) => diffs[Math.max(0, Math.ceil(q * diffs.length) - 1)] as number;
  return { a: median(a), b: median(b), difference: median(b) - median(a), low: at(0.025), high: at(0.975) };
}
