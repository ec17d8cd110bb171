/**
 * A comparison's numbers in words, one wording for `seedsoil compare` (printed
 * and in its report) and the page's compare view, so that both show the same
 * text for the same replicates. An undefined number is never printed as NaN: the
 * text says why there is none (no event, too few values, no pairs).
 */
import type { Comparison, FreeAt, Quantity } from './comparison.ts';
import type { Difference, LogRank, MedianEstimate } from './statistics.ts';

/** Below this many values no order-statistics interval reaches 95% coverage (see medianWithCi). */
const FEWEST_FOR_CI = 6;

/** A number to three decimals, without trailing zeros (2297.5, 0.027, 12). */
export function fixed(x: number): string {
  const s = x.toFixed(3);
  if (!s.includes('.')) return s;
  const trimmed = s.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

/** A median of replicates' values with its distribution-free 95% CI; `defined` is how many values it had. */
export function medianText(m: MedianEstimate, defined: number): string {
  if (defined === 0 || Number.isNaN(m.median)) return 'none (no replicate defines it)';
  if (Number.isNaN(m.low) || Number.isNaN(m.high))
    return `${fixed(m.median)} (no 95% CI from fewer than ${FEWEST_FOR_CI} values)`;
  return `${fixed(m.median)} [${fixed(m.low)}, ${fixed(m.high)}]`;
}

/**
 * The Kaplan–Meier median time with its 95% CI. A curve (or a limit of it) that
 * never falls to one half has not reached its median: "not reached", as R's NA.
 */
export function survivalMedianText(m: MedianEstimate, events: number): string {
  if (events === 0) return 'not reached (no events)';
  if (Number.isNaN(m.median) && Number.isNaN(m.low)) return 'not reached (the curve stays above one half)';
  const f = (x: number) => (Number.isNaN(x) ? 'not reached' : fixed(x));
  return `${f(m.median)} [${f(m.low)}, ${f(m.high)}]`;
}

/** B − A with its unpaired bootstrap 95% interval. */
export function differenceText(d: Difference): string {
  if (Number.isNaN(d.difference)) return 'none (an arm has no value)';
  return `${fixed(d.difference)} [${fixed(d.low)}, ${fixed(d.high)}]`;
}

/** B − A with its paired bootstrap 95% interval, or why there is none. */
export function pairedText(c: Comparison, q: Quantity): string {
  const { paired, pairs } = c.differences[q];
  if (!c.paired) return 'none (the arms have different seeds: not paired)';
  if (pairs === 0 || Number.isNaN(paired.difference)) return 'none (no replicate defines it in both arms)';
  return `${fixed(paired.difference)} [${fixed(paired.low)}, ${fixed(paired.high)}] over ${pairs} pairs`;
}

/** How B − A in the fraction free of the event gets its interval, said wherever that interval is shown. */
export const FREE_DIFFERENCE_CI =
  '95% CI, Greenwood; arms taken as independent, conservative for paired replicates';

/** An arm's Kaplan–Meier fraction free of the event at a horizon, or why there is none. */
export function freeAtText(free: number, years: number): string {
  return Number.isNaN(free) ? `none (not followed for ${years} years)` : fixed(free);
}

/** B − A in the fraction free of the event at a horizon with its 95% interval (FREE_DIFFERENCE_CI), or why there is none. */
export function freeDifferenceText(f: FreeAt): string {
  if (Number.isNaN(f.difference)) return `none (an arm was not followed for ${f.years} years)`;
  if (Number.isNaN(f.low)) return `${fixed(f.difference)} (no 95% CI: a curve has fallen to 0)`;
  const interval = `${fixed(f.difference)} [${fixed(f.low)}, ${fixed(f.high)}]`;
  // Greenwood's error is 0 before a curve's first event: an interval of zero width is no certainty.
  return f.stdErrA === 0 && f.stdErrB === 0
    ? `${interval} (no event by ${f.years} years in either arm)`
    : interval;
}

/** The log-rank test, or why there is none (no event, or an arm never at risk at one). */
export function logRankText(t: LogRank): string {
  return t.df === 0
    ? 'not defined (no event in either arm, or one arm never at risk at an event)'
    : `chi-square ${t.chiSquare.toFixed(3)}, p = ${t.p.toPrecision(3)}`;
}

/** Whole years at which the numbers at risk are shown: at most `most`, evenly spaced from 0. */
export function atRiskYears(c: Comparison, most: number): number[] {
  const last = Math.max(c.arms[0].atRisk.length, c.arms[1].atRisk.length) - 1;
  if (last < 0) return [0];
  const every = Math.max(1, Math.ceil(last / (most - 1)));
  return Array.from({ length: Math.floor(last / every) + 1 }, (_, k) => k * every);
}

/** The arms' names on legends and headers; one scenario compared with itself is told apart by its arm. */
export function armNames(a: string, b: string): [string, string] {
  return a === b ? [`${a} (A)`, `${b} (B)`] : [a, b];
}
