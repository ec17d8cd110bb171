import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  bootstrapMedianDifference,
  kaplanMeier,
  logRank,
  medianWithCi,
  pairedBootstrapMedianDifference,
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
  it('is centred on the difference and reproducible with a fixed stream', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const b = a.map((x) => x + 10);
    const d = bootstrapMedianDifference(a, b, seedrandom.alea('t'));
    expect(d.difference).toBe(10);
    expect(d.low).toBeLessThanOrEqual(10);
    expect(d.high).toBeGreaterThanOrEqual(10);
    expect(bootstrapMedianDifference(a, b, seedrandom.alea('t'))).toEqual(d);
  });

  it('draws exactly as before: B then A each resample, floor(uniform() · n), ceil(q·R)-th percentile', () => {
    // The implementation this module had before the survival work, kept here so reports stay reproducible.
    const before = (a: number[], b: number[], uniform: () => number, resamples = 2000) => {
      const median = (v: number[]) => {
        const x = [...v].sort((p, q) => p - q);
        const n = x.length;
        return n % 2 ? (x[(n - 1) / 2] as number) : ((x[n / 2 - 1] as number) + (x[n / 2] as number)) / 2;
      };
      const diffs: number[] = [];
      const resample = (x: number[]) => Array.from(x, () => x[Math.floor(uniform() * x.length)] as number);
      for (let i = 0; i < resamples; i++) diffs.push(median(resample(b)) - median(resample(a)));
      diffs.sort((x, y) => x - y);
      const at = (q: number) => diffs[Math.max(0, Math.ceil(q * diffs.length) - 1)] as number;
      return {
        a: median(a),
        b: median(b),
        difference: median(b) - median(a),
        low: at(0.025),
        high: at(0.975),
      };
    };
    const u = seedrandom.alea('arms');
    const a = Array.from({ length: 37 }, () => Math.floor(u() * 20));
    const b = Array.from({ length: 52 }, () => u() * 30);
    expect(bootstrapMedianDifference(a, b, seedrandom.alea('same'), 500)).toEqual(
      before(a, b, seedrandom.alea('same'), 500),
    );
  });

  it('paired: resamples replicate indices jointly, so a constant shift has a zero-width interval', () => {
    const u = seedrandom.alea('paired');
    const a = Array.from({ length: 41 }, () => u() * 100);
    const b = a.map((x) => x + 3);
    const paired = pairedBootstrapMedianDifference(a, b, seedrandom.alea('p'));
    expect(paired.difference).toBeCloseTo(3, 12);
    expect(paired.low).toBeCloseTo(3, 12);
    expect(paired.high).toBeCloseTo(3, 12);
    const unpaired = bootstrapMedianDifference(a, b, seedrandom.alea('p'));
    expect(unpaired.high - unpaired.low).toBeGreaterThan(10);
    expect(pairedBootstrapMedianDifference(a, b, seedrandom.alea('p'))).toEqual(paired);
  });

  it('paired: one draw per replicate index and resample, the percentile rule of the unpaired one', () => {
    let draws = 0;
    const stream = seedrandom.alea('count');
    const counted = () => {
      draws++;
      return stream();
    };
    const a = [5, 1, 4, 2, 3];
    const b = [9, 2, 7, 3, 8];
    const d = pairedBootstrapMedianDifference(a, b, counted, 40);
    expect(draws).toBe(5 * 40);
    // Replay the same stream by hand.
    const replay = seedrandom.alea('count');
    const median = (v: number[]) => [...v].sort((p, q) => p - q)[2] as number;
    const diffs = Array.from({ length: 40 }, () => {
      const idx = Array.from({ length: 5 }, () => Math.floor(replay() * 5));
      return median(idx.map((i) => b[i] as number)) - median(idx.map((i) => a[i] as number));
    }).sort((x, y) => x - y);
    expect([d.low, d.high]).toEqual([diffs[0], diffs[38]]);
    expect(d.difference).toBe(7 - 3);
  });

  it('paired: arms of different lengths are refused', () => {
    expect(() => pairedBootstrapMedianDifference([1, 2], [1], Math.random)).toThrow(RangeError);
  });
});
