/** Small, exact-enough statistics for tests with fixed seeds. */
import { chiSquareSurvival } from '../../src/analysis/statistics.ts';

/** The chi-square tail of src/analysis/statistics.ts, checked against R (tests/analysis/survival.test.ts). */
export { chiSquareSurvival };

/** Two-sample Kolmogorov-Smirnov statistic D and its asymptotic p-value. */
export function ksTwoSample(a: readonly number[], b: readonly number[]): { d: number; p: number } {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i] as number, y[j] as number);
    while (i < x.length && (x[i] as number) <= v) i++;
    while (j < y.length && (y[j] as number) <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = (x.length * y.length) / (x.length + y.length);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  // Kolmogorov distribution tail: 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2).
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, lambda < 0.3 ? 1 : p)) };
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}

export function standardError(xs: readonly number[]): number {
  const m = mean(xs);
  const variance = xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance / xs.length);
}

export interface ChiSquareTest {
  chiSquare: number;
  df: number;
  p: number;
  /** The pooled categories: `first..last` of the values each holds (ordered), or `a+b` (labels). */
  categories: string[];
}

/**
 * Chi-square test of homogeneity of two samples of categories (a 2 x k contingency
 * table). Categories are pooled until every expected count is at least 5:
 * `ordered` samples (counts) merge neighbours in ascending order, and with more
 * than `maxCategories` values they are first cut at quantiles of the pooled sample
 * (ties kept together); unordered ones (labels) pool their rarest categories. One
 * category left means the samples cannot differ: p = 1.
 */
export function chiSquareHomogeneity(
  a: readonly (number | string)[],
  b: readonly (number | string)[],
  { ordered = true, maxCategories = 10 } = {},
): ChiSquareTest {
  const tally = new Map<number | string, [number, number]>();
  for (const [k, sample] of [a, b].entries())
    for (const v of sample) {
      const cell = tally.get(v) ?? [0, 0];
      cell[k] = (cell[k] as number) + 1;
      tally.set(v, cell);
    }
  const values = [...tally.keys()].sort(
    ordered
      ? (x, y) => (x as number) - (y as number)
      : (x, y) =>
          (tally.get(y) as number[]).reduce((s, v) => s + v) -
          (tally.get(x) as number[]).reduce((s, v) => s + v),
  );
  const n = a.length + b.length;
  // Expected count of a cell is (row total)(column total)/n: at least 5 in the smaller row.
  const least = Math.ceil((5 * n) / Math.min(a.length, b.length));
  const target = ordered ? Math.max(least, Math.ceil(n / maxCategories)) : least;
  const groups: { members: (number | string)[]; counts: [number, number] }[] = [];
  let open: (typeof groups)[number] | undefined;
  for (const v of values) {
    const [x, y] = tally.get(v) as [number, number];
    open ??= { members: [], counts: [0, 0] };
    open.members.push(v);
    open.counts = [open.counts[0] + x, open.counts[1] + y];
    if (open.counts[0] + open.counts[1] >= target) {
      groups.push(open);
      open = undefined;
    }
  }
  // What is left over joins the last group.
  if (open) {
    const last = groups.pop();
    groups.push(
      last
        ? {
            members: [...last.members, ...open.members],
            counts: [last.counts[0] + open.counts[0], last.counts[1] + open.counts[1]],
          }
        : open,
    );
  }
  const categories = groups.map(({ members: m }) =>
    m.length === 1 ? `${m[0]}` : ordered ? `${m[0]}..${m[m.length - 1]}` : m.join('+'),
  );
  if (groups.length < 2) return { chiSquare: 0, df: 0, p: 1, categories };
  let chiSquare = 0;
  for (const g of groups) {
    const column = g.counts[0] + g.counts[1];
    for (const [k, size] of [a.length, b.length].entries()) {
      const expected = (size * column) / n;
      chiSquare += ((g.counts[k] as number) - expected) ** 2 / expected;
    }
  }
  const df = groups.length - 1;
  return { chiSquare, df, p: chiSquareSurvival(chiSquare, df), categories };
}
