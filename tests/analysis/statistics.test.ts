import { describe, expect, it } from 'vitest';
import { kaplanMeier, medianWithCi } from '../../src/analysis/statistics.ts';

describe('Kaplan–Meier', () => {
  it('matches a hand-worked table with censoring and ties', () => {
    // times 1,2,2,3+,4,5+ (+ = censored): S(1)=5/6, S(2)=5/6*2/4=5/12 ... worked below.
    const steps = kaplanMeier([1, 2, 2, 3, 4, 5], [true, true, true, false, true, false]);
    expect(steps.map((s) => [s.time, s.atRisk, s.events])).toEqual([
      [0, 6, 0],
      [1, 6, 1],
      [2, 5, 2],
      [4, 2, 1],
    ]);
    const s = steps.map((x) => x.survival);
    expect(s[1]).toBeCloseTo(5 / 6, 12);
    expect(s[2]).toBeCloseTo((5 / 6) * (3 / 5), 12);
    expect(s[3]).toBeCloseTo((5 / 6) * (3 / 5) * (1 / 2), 12);
  });
});

describe('median confidence interval', () => {
  it('uses the order statistics of the binomial rule', () => {
    // n = 10: P(X <= 1) = 11/1024 <= 0.025 < P(X <= 2) = 56/1024, so j = 2: [x(2), x(9)].
    const est = medianWithCi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(est).toEqual({ median: 5.5, low: 2, high: 9 });
  });

  it('falls back to the range when n is too small for 95%', () => {
    expect(medianWithCi([3, 1, 2])).toEqual({ median: 2, low: 1, high: 3 });
  });
});
