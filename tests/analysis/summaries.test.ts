/** Summaries of an ensemble's outcome rows (src/analysis/summaries.ts), worked by hand. */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { describeSummary, standardError, summarise } from '../../src/analysis/summaries.ts';

// Outcome rows as runs.csv holds them: days are −1 when the event never happened.
const rows = [
  { first_macro_day: -1, metastases: 1, outcome: 'end' },
  { first_macro_day: 9.5, metastases: 2, outcome: 'death' },
  { first_macro_day: 0, metastases: 3, outcome: 'end' },
  { first_macro_day: 12, metastases: 4, outcome: 'end' },
  { first_macro_day: -1, metastases: 10, outcome: 'death' },
];

describe('summaries', () => {
  it('mean over replicates', () => {
    expect(summarise({ kind: 'mean', column: 'metastases' }, rows)).toBe(4);
  });

  it('proportion: the event happened (≥ 0, day 0 included), above a threshold, equal to a text', () => {
    expect(summarise({ kind: 'proportion', column: 'first_macro_day' }, rows)).toBe(3 / 5);
    expect(summarise({ kind: 'proportion', column: 'metastases', above: 3 }, rows)).toBe(2 / 5);
    // A day of -1 is "never", not a day above a negative threshold.
    expect(summarise({ kind: 'proportion', column: 'first_macro_day', above: -5 }, rows)).toBe(3 / 5);
    expect(summarise({ kind: 'proportion', column: 'outcome', equals: 'death' }, rows)).toBe(2 / 5);
  });

  it("quantile: R's type 7 (quantile(c(1, 2, 3, 4, 10), 0.3) is 2.2)", () => {
    expect(summarise({ kind: 'quantile', column: 'metastases', q: 0.3 }, rows)).toBeCloseTo(2.2, 12);
    expect(summarise({ kind: 'quantile', column: 'metastases', q: 0.5 }, rows)).toBe(3);
  });

  it('reads numbers written as text (a CSV read back) and gives NaN without rows', () => {
    const text = rows.map((r) => ({ metastases: String(r.metastases) }));
    expect(summarise({ kind: 'mean', column: 'metastases' }, text)).toBe(4);
    expect(summarise({ kind: 'mean', column: 'metastases' }, [])).toBeNaN();
  });

  it('standard errors: s/√n for a mean, √(p(1−p)/n) for a proportion, kept off 0 for an unseen event', () => {
    const u = seedrandom.alea('se');
    // metastases 1, 2, 3, 4, 10: s² = 12.5.
    expect(standardError({ kind: 'mean', column: 'metastases' }, rows, u)).toBeCloseTo(
      Math.sqrt(12.5 / 5),
      12,
    );
    expect(standardError({ kind: 'proportion', column: 'first_macro_day' }, rows, u)).toBeCloseTo(
      Math.sqrt((0.6 * 0.4) / 5),
      12,
    );
    expect(standardError({ kind: 'proportion', column: 'metastases', above: 100 }, rows, u)).toBeCloseTo(
      Math.sqrt((0.1 * 0.9) / 5),
      12,
    );
    const q = standardError({ kind: 'quantile', column: 'metastases', q: 0.5 }, rows, u);
    expect(q).toBeGreaterThan(0);
    expect(q).toBeLessThan(5);
  });

  it('reads as a table would say it', () => {
    expect(describeSummary({ kind: 'proportion', column: 'first_macro_day' })).toBe(
      'proportion with first_macro_day ≥ 0',
    );
    expect(describeSummary({ kind: 'quantile', column: 'metastases', q: 0.9 })).toBe(
      '0.9 quantile of metastases',
    );
  });
});
