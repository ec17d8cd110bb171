import { describe, expect, it } from 'vitest';
import {
  bootstrapMedianDifference,
  kaplanMeier,
  logRank,
  medianWithCi,
} from '../../src/analysis/statistics.ts';

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

  it('gives no interval when n is too small for 95%', () => {
    expect(medianWithCi([3, 1, 2])).toEqual({ median: 2, low: Number.NaN, high: Number.NaN });
  });
});

describe('log-rank', () => {
  it('matches a hand-worked table', () => {
    // A dies at 1, 2, 3; B at 4, 5, 6. O_A = 3; E_A = 3/6 + 2/5 + 1/4 = 1.15;
    // V = 0.25 + 0.24 + 0.1875 = 0.6775; chi-square = 1.85^2 / 0.6775 = 5.05166; p = 0.02461.
    const r = logRank([1, 2, 3], [true, true, true], [4, 5, 6], [true, true, true]);
    expect(r.observedA).toBe(3);
    expect(r.expectedA).toBeCloseTo(1.15, 12);
    expect(r.chiSquare).toBeCloseTo(5.05166, 4);
    expect(r.p).toBeCloseTo(0.02461, 4);
  });

  it('gives chi-square 0 for identical arms', () => {
    const t = [1, 3, 5, 7];
    const e = [true, false, true, true];
    expect(logRank(t, e, t, e).chiSquare).toBeCloseTo(0, 12);
  });
});

describe('bootstrap difference of medians', () => {
  it('is centred on the difference and reproducible with a fixed stream', async () => {
    const { default: seedrandom } = await import('seedrandom');
    const a = Array.from({ length: 50 }, (_, i) => i);
    const b = a.map((x) => x + 10);
    const d = bootstrapMedianDifference(a, b, seedrandom.alea('t'));
    expect(d.difference).toBe(10);
    expect(d.low).toBeLessThanOrEqual(10);
    expect(d.high).toBeGreaterThanOrEqual(10);
    expect(bootstrapMedianDifference(a, b, seedrandom.alea('t'))).toEqual(d);
  });
});
