import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  bernoulli,
  binomial,
  btrsConstants,
  exponential,
  logBinomialPmf,
  logPoissonPmf,
  normal,
  poisson,
  ptrsConstants,
  type Uniform,
} from '../../src/engine/samplers.ts';
import { chiSquareSurvival as chiSquareSf } from '../support/stats.ts';

// Statistical tests use fixed seeds, so they are deterministic: a pass is a pass forever, and a failure
// means the sampler (or the seed's luck, at the stated level) changed. Levels used throughout:
// - chi-square goodness of fit: reject if p-value ≤ 0.001;
// - sample mean and sample variance: reject if more than 5 standard errors from the exact moments.
const P_VALUE_LEVEL = 0.001;
const MAX_STANDARD_ERRORS = 5;
const SAMPLES = 200_000;

// ---------------------------------------------------------------------------------------------------------
// Chi-square machinery
// ---------------------------------------------------------------------------------------------------------

/** An integer range [lo, hi] of the support with its probability. */
interface Cell {
  lo: number;
  hi: number;
  prob: number;
}

/**
 * Probability cells covering [lo, hi]. With stride 1 each cell is one integer with its exact pmf. For very
 * wide distributions an odd stride h groups h integers and approximates their mass by h·f(centre) (midpoint
 * rule): relative error ≈ h²/(24σ²), far below what any sample size used here can detect.
 */
function pmfCells(logPmf: (k: number) => number, lo: number, hi: number, stride = 1): Cell[] {
  const cells: Cell[] = [];
  const half = (stride - 1) / 2;
  for (let k = lo; k <= hi; k += stride) {
    const top = Math.min(k + stride - 1, hi);
    const prob =
      stride === 1 ? Math.exp(logPmf(k)) : (top - k + 1) * Math.exp(logPmf(Math.min(k + half, top)));
    cells.push({ lo: k, hi: top, prob });
  }
  return cells;
}

/**
 * Merge adjacent cells until each has probability ≥ minProb. The tails end up binned together; the last
 * partial group is folded into its neighbour.
 */
function mergeCells(cells: readonly Cell[], minProb: number): Cell[] {
  const out: Cell[] = [];
  let current: Cell | undefined;
  for (const cell of cells) {
    current =
      current === undefined ? { ...cell } : { lo: current.lo, hi: cell.hi, prob: current.prob + cell.prob };
    if (current.prob >= minProb) {
      out.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) {
    const last = out.pop();
    out.push(last === undefined ? current : { lo: last.lo, hi: current.hi, prob: last.prob + current.prob });
  }
  return out;
}

/**
 * Pearson chi-square test of samples against cells (probabilities renormalised to the covered range; the
 * ranges used below leave out < 1e-15 of the mass). Samples outside the range count in the end cells.
 */
function chiSquareTest(
  samples: Float64Array,
  cells: readonly Cell[],
): { stat: number; df: number; p: number } {
  const total = cells.reduce((s, c) => s + c.prob, 0);
  const observed = new Float64Array(cells.length);
  for (const x of samples) {
    let lo = 0;
    let hi = cells.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((cells[mid] as Cell).lo <= x) lo = mid;
      else hi = mid - 1;
    }
    observed[lo] = (observed[lo] as number) + 1;
  }
  let stat = 0;
  cells.forEach((cell, i) => {
    const expected = (samples.length * cell.prob) / total;
    const diff = (observed[i] as number) - expected;
    stat += (diff * diff) / expected;
  });
  const df = cells.length - 1;
  return { stat, df, p: chiSquareSf(stat, df) };
}

// ---------------------------------------------------------------------------------------------------------
// Regime runner
// ---------------------------------------------------------------------------------------------------------

interface Regime {
  name: string;
  draw: (u: Uniform) => number;
  logPmf: (k: number) => number;
  mean: number;
  variance: number;
  /** Fourth central moment, for the standard error of the sample variance. */
  mu4: number;
  /** Upper end of the support (Infinity for Poisson). */
  max: number;
  /** Pmf summation stride for the chi-square cells (odd; 1 = exact). */
  stride?: number;
  /** Minimum expected count per chi-square bin: 5 by default; larger gives standardized bins. */
  minExpected?: number;
}

function binomialRegime(n: number, p: number, extra: Partial<Regime> = {}): Regime {
  const v = n * p * (1 - p);
  return {
    name: `binomial(n=${n}, p=${p})`,
    draw: (u) => binomial(u, n, p),
    logPmf: (k) => logBinomialPmf(k, n, p),
    mean: n * p,
    variance: v,
    mu4: 3 * v * v + v * (1 - 6 * p * (1 - p)),
    max: n,
    ...extra,
  };
}

function poissonRegime(lambda: number, extra: Partial<Regime> = {}): Regime {
  return {
    name: `poisson(lambda=${lambda})`,
    draw: (u) => poisson(u, lambda),
    logPmf: (k) => logPoissonPmf(k, lambda),
    mean: lambda,
    variance: lambda,
    mu4: lambda + 3 * lambda * lambda,
    max: Number.POSITIVE_INFINITY,
    ...extra,
  };
}

function runRegime(regime: Regime, seed: string): void {
  const u = seedrandom.alea(seed);
  const samples = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) samples[i] = regime.draw(u);

  // Support: integers in [0, max].
  for (const x of samples) {
    if (!Number.isInteger(x) || x < 0 || x > regime.max) throw new Error(`${regime.name}: bad variate ${x}`);
  }

  // Moments, on deviations from the exact mean (exact arithmetic even at 1e12).
  let sum = 0;
  for (const x of samples) sum += x - regime.mean;
  const meanDev = sum / SAMPLES;
  let ss = 0;
  for (const x of samples) ss += (x - regime.mean - meanDev) ** 2;
  const sampleVariance = ss / (SAMPLES - 1);
  const seMean = Math.sqrt(regime.variance / SAMPLES);
  const seVariance = Math.sqrt((regime.mu4 - regime.variance ** 2) / SAMPLES);
  expect(Math.abs(meanDev) / seMean, `${regime.name}: mean z-score`).toBeLessThan(MAX_STANDARD_ERRORS);
  expect(
    Math.abs(sampleVariance - regime.variance) / seVariance,
    `${regime.name}: variance z-score`,
  ).toBeLessThan(MAX_STANDARD_ERRORS);

  // Chi-square over mean ± 10 sd (clipped to the support): the mass outside is < 1e-20.
  const sd = Math.sqrt(regime.variance);
  const lo = Math.max(0, Math.floor(regime.mean - 10 * sd - 10));
  const hi = Math.min(regime.max, Math.ceil(regime.mean + 10 * sd + 10));
  const cells = mergeCells(
    pmfCells(regime.logPmf, lo, hi, regime.stride ?? 1),
    (regime.minExpected ?? 5) / SAMPLES,
  );
  const { stat, df, p } = chiSquareTest(samples, cells);
  expect(df, `${regime.name}: degrees of freedom`).toBeGreaterThanOrEqual(1);
  expect(p, `${regime.name}: chi-square ${stat.toFixed(1)} on ${df} df`).toBeGreaterThan(P_VALUE_LEVEL);
}

// ---------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------

describe('chi-square survival function (test helper)', () => {
  it('matches reference values (mpmath)', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(18.307038053275146, 10)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(124.34211340400407, 100)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(10, 3)).toBeCloseTo(0.018566135463043233, 12);
    expect(chiSquareSf(0.5, 2)).toBeCloseTo(0.7788007830714049, 12);
  });
});

describe('binomial: goodness of fit', () => {
  const regimes: Regime[] = [
    binomialRegime(1, 0.3), // Bernoulli, inversion
    binomialRegime(20, 0.5), // BTRS at n·p = 10 exactly, p = ½
    binomialRegime(19, 0.5), // inversion at p = ½
    binomialRegime(1000, 0.003), // inversion
    binomialRegime(1000, 0.0099), // inversion, n·p = 9.9 just below the switch
    binomialRegime(100, 0.1), // BTRS at n·p = 10, where its hat is loosest
    binomialRegime(1000, 0.3), // BTRS
    binomialRegime(1e9, 9e-9), // inversion with huge n: must cost O(n·p), not O(n)
    // BTRS at n = 1e12: sd ≈ 31600, so bins merge ~2 % of the mass each (standardized bins), pmf exact.
    binomialRegime(1e12, 1e-3, { minExpected: SAMPLES / 50 }),
    // Symmetry branch with BTRS: sd ≈ 458000; cell masses by the midpoint rule over 101 integers.
    binomialRegime(1e12, 0.7, { minExpected: SAMPLES / 50, stride: 101 }),
    binomialRegime(50, 0.999), // symmetry branch with inversion
  ];
  regimes.forEach((regime, i) => {
    it(regime.name, () => runRegime(regime, `binomial-${i}`));
  });
});

describe('poisson: goodness of fit', () => {
  const regimes: Regime[] = [
    poissonRegime(0.5), // inversion
    poissonRegime(3), // inversion
    poissonRegime(9.9), // inversion, just below the switch
    poissonRegime(10), // PTRS at its lower limit
    poissonRegime(50), // PTRS
    poissonRegime(1e4), // PTRS
    // PTRS at λ = 1e12: sd = 1e6; standardized bins, cell masses by the midpoint rule over 201 integers.
    poissonRegime(1e12, { minExpected: SAMPLES / 50, stride: 201 }),
  ];
  regimes.forEach((regime, i) => {
    it(regime.name, () => runRegime(regime, `poisson-${i}`));
  });
});

describe('edge cases', () => {
  it('degenerate parameters return exactly and consume no uniforms', () => {
    let draws = 0;
    const u: Uniform = () => {
      draws++;
      return 0.5;
    };
    expect(binomial(u, 100, 0)).toBe(0);
    expect(binomial(u, 100, 1)).toBe(100);
    expect(binomial(u, 1e12, 1)).toBe(1e12);
    expect(binomial(u, 0, 0.5)).toBe(0);
    expect(binomial(u, 0, 1)).toBe(0);
    expect(poisson(u, 0)).toBe(0);
    expect(bernoulli(u, 0)).toBe(false);
    expect(bernoulli(u, 1)).toBe(true);
    expect(exponential(u, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(draws).toBe(0);
  });

  it('rejects invalid parameters', () => {
    const u = seedrandom.alea('invalid');
    expect(() => binomial(u, -1, 0.5)).toThrow(RangeError);
    expect(() => binomial(u, 1.5, 0.5)).toThrow(RangeError);
    expect(() => binomial(u, 2 ** 53 + 2, 0.5)).toThrow(RangeError);
    expect(() => binomial(u, 10, -0.1)).toThrow(RangeError);
    expect(() => binomial(u, 10, 1.1)).toThrow(RangeError);
    expect(() => binomial(u, 10, Number.NaN)).toThrow(RangeError);
    expect(() => poisson(u, -1)).toThrow(RangeError);
    expect(() => poisson(u, Number.NaN)).toThrow(RangeError);
    expect(() => poisson(u, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => exponential(u, -1)).toThrow(RangeError);
    expect(() => bernoulli(u, 1.5)).toThrow(RangeError);
  });

  it('binomial variates are integers in [0, n] for arbitrary n ≤ 2^53 and p ∈ [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 100 }), fc.maxSafeNat(), fc.constant(2 ** 53)),
        fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.5, 1e-300, 1 - 2 ** -53)),
        fc.string(),
        (n, p, seed) => {
          const u = seedrandom.alea(seed);
          for (let i = 0; i < 5; i++) {
            const x = binomial(u, n, p);
            if (!Number.isInteger(x) || x < 0 || x > n) return false;
          }
          return true;
        },
      ),
      { numRuns: 1000, seed: 20240601 },
    );
  });

  it('poisson variates are non-negative integers for λ ∈ [0, 1e12]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.string(), (lambda, seed) => {
        const u = seedrandom.alea(seed);
        for (let i = 0; i < 5; i++) {
          const x = poisson(u, lambda);
          if (!Number.isInteger(x) || x < 0) return false;
        }
        return true;
      }),
      { numRuns: 1000, seed: 20240602 },
    );
  });

  it('exponential and bernoulli have the right means', () => {
    const u = seedrandom.alea('helpers');
    const n = SAMPLES;
    let sumExp = 0;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      sumExp += exponential(u, 4);
      if (bernoulli(u, 0.2)) hits++;
    }
    // Exponential(4): mean 1/4, sd 1/4; Bernoulli(0.2): sd √0.16. Within 5 standard errors.
    expect(Math.abs(sumExp / n - 0.25) / (0.25 / Math.sqrt(n))).toBeLessThan(MAX_STANDARD_ERRORS);
    expect(Math.abs(hits / n - 0.2) / Math.sqrt(0.16 / n)).toBeLessThan(MAX_STANDARD_ERRORS);
  });
});

describe('determinism and draw accounting', () => {
  const sequence = (seed: string): number[] => {
    const u = seedrandom.alea(seed);
    const out: number[] = [];
    for (let i = 0; i < 50; i++) {
      out.push(binomial(u, 1000, 0.003), binomial(u, 1e12, 0.3), poisson(u, 2.5), poisson(u, 1e6));
      out.push(exponential(u, 1), bernoulli(u, 0.5) ? 1 : 0);
    }
    return out;
  };

  it('same seed gives the same sequence; a different seed does not', () => {
    expect(sequence('det')).toEqual(sequence('det'));
    expect(sequence('det')).not.toEqual(sequence('other'));
  });

  it('the p > ½ branch is exactly n − Bin(n, 1 − p) on the same uniforms', () => {
    for (const n of [50, 1000, 1e12]) {
      const u1 = seedrandom.alea(`sym-${n}`);
      const u2 = seedrandom.alea(`sym-${n}`);
      for (let i = 0; i < 1000; i++) expect(binomial(u1, n, 0.75)).toBe(n - binomial(u2, n, 0.25));
    }
  });

  it('inversion uses one uniform per variate; BTRS and PTRS use two per trial', () => {
    const base = seedrandom.alea('count');
    let draws = 0;
    const u: Uniform = () => {
      draws++;
      return base();
    };
    for (const [n, p] of [
      [1, 0.3],
      [1e9, 9e-9],
      [50, 0.999],
    ] as const) {
      draws = 0;
      for (let i = 0; i < 1000; i++) binomial(u, n, p);
      expect(draws).toBe(1000);
    }
    draws = 0;
    for (let i = 0; i < 1000; i++) poisson(u, 9.9);
    expect(draws).toBe(1000);
    draws = 0;
    for (let i = 0; i < 1000; i++) exponential(u, 2);
    expect(draws).toBe(1000);
    for (const draw of [() => binomial(u, 1000, 0.3), () => poisson(u, 1e4)]) {
      for (let i = 0; i < 1000; i++) {
        draws = 0;
        draw();
        expect(draws % 2).toBe(0);
        expect(draws).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('inversion with n = 1e9, n·p = 9 is fast (expected O(n·p) work, not O(n))', () => {
    const u = seedrandom.alea('fast');
    const start = performance.now();
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += binomial(u, 1e9, 9e-9);
    const elapsed = performance.now() - start;
    expect(sum).toBeGreaterThan(0);
    // Typically ~10 ms; a per-trial Bernoulli loop would take hours. Generous bound for slow CI machines.
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('log pmfs', () => {
  /** log C(n, k) by summing logs: no lgamma, exact up to accumulated rounding (~1e-13 here). */
  const logChoose = (n: number, k: number): number => {
    let s = 0;
    for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
    return s;
  };
  const logFactorial = (k: number): number => {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  };

  it('logBinomialPmf agrees with a sum-of-logs computation to 1e-10 for small n', () => {
    // n spans the stirlerr table (≤ 15) and every branch of its series (16–35, 36–80, 81–500, > 500).
    for (const n of [1, 2, 5, 10, 15, 16, 17, 30, 36, 60, 81, 100, 200, 501, 600]) {
      for (const p of [1e-3, 0.1, 0.3, 0.5, 0.77, 0.999]) {
        for (let k = 0; k <= n; k++) {
          const reference = logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
          const got = logBinomialPmf(k, n, p);
          if (Math.abs(got - reference) > 1e-10 * Math.max(1, Math.abs(reference))) {
            throw new Error(`logBinomialPmf(${k}, ${n}, ${p}) = ${got}, expected ${reference}`);
          }
        }
      }
    }
  });

  it('logPoissonPmf agrees with a sum-of-logs computation to 1e-10', () => {
    for (const lambda of [1e-3, 0.1, 1, 3.7, 10, 55.5, 150, 700]) {
      for (let k = 0; k <= 1000; k++) {
        const reference = k * Math.log(lambda) - lambda - logFactorial(k);
        const got = logPoissonPmf(k, lambda);
        if (Math.abs(got - reference) > 1e-10 * Math.max(1, Math.abs(reference))) {
          throw new Error(`logPoissonPmf(${k}, ${lambda}) = ${got}, expected ${reference}`);
        }
      }
    }
  });

  it('matches high-precision references (mpmath at 50 digits, rounded to double) for huge n and λ', () => {
    const cases: [number, number, number][] = [
      [logBinomialPmf(1e9, 1e12, 1e-3), -11.28007120159442, 1e-14],
      [logBinomialPmf(1000031607, 1e12, 1e-3), -11.780082952261116, 1e-14],
      [logBinomialPmf(999900000, 1e12, 1e-3), -16.285192928982813, 1e-14],
      [logBinomialPmf(1000200000, 1e12, 1e-3), -31.298857912835654, 1e-14],
      [logBinomialPmf(1, 1e12, 1e-3), -1000500312.8592671, 1e-14],
      [logBinomialPmf(0, 1e12, 1e-3), -1000500333.5835335, 1e-14],
      [logBinomialPmf(999999999999, 1e12, 1e-3), -6907755278947.6, 1e-14],
      [logBinomialPmf(1000, 2 ** 53, 2 ** -53), -5913.1281784882185, 1e-14],
      [logPoissonPmf(1e12, 1e12), -14.73444909116903, 1e-14],
      [logPoissonPmf(1e12 + 1e6, 1e12), -15.234449424502197, 1e-14],
      [logPoissonPmf(1e12 - 3e6, 1e12), -19.23445209117353, 1e-14],
      [logPoissonPmf(1, 1e12), -999999999972.369, 1e-14],
      [logPoissonPmf(1, 1e-300), -690.7755278982137, 1e-14],
    ];
    for (const [got, reference, relTol] of cases) {
      expect(Math.abs(got - reference)).toBeLessThanOrEqual(relTol * Math.abs(reference));
    }
  });

  it('pmfs sum to 1', () => {
    const sumExp = (logPmf: (k: number) => number, lo: number, hi: number): number => {
      let s = 0;
      for (let k = lo; k <= hi; k++) s += Math.exp(logPmf(k));
      return s;
    };
    for (const [n, p] of [
      [1, 0.3],
      [20, 0.5],
      [1000, 0.003],
      [1000, 0.3],
      [50, 0.999],
      [1e6, 0.5],
    ] as const) {
      expect(sumExp((k) => logBinomialPmf(k, n, p), 0, n)).toBeCloseTo(1, 12);
    }
    // n = 1e12: sum over mean ± 12 sd (outside mass < 1e-32).
    const sd = Math.sqrt(1e12 * 1e-3 * 0.999);
    const total = sumExp(
      (k) => logBinomialPmf(k, 1e12, 1e-3),
      Math.floor(1e9 - 12 * sd),
      Math.ceil(1e9 + 12 * sd),
    );
    expect(total).toBeCloseTo(1, 9);
    for (const lambda of [0.5, 9.9, 10, 1e4]) {
      expect(
        sumExp((k) => logPoissonPmf(k, lambda), 0, Math.ceil(lambda + 20 * Math.sqrt(lambda) + 50)),
      ).toBeCloseTo(1, 12);
    }
    expect(sumExp((k) => logPoissonPmf(k, 1e8), 1e8 - 12e4, 1e8 + 12e4)).toBeCloseTo(1, 9);
  });

  it('is −Infinity outside the support and exact at degenerate parameters', () => {
    expect(logBinomialPmf(-1, 10, 0.5)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBinomialPmf(11, 10, 0.5)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBinomialPmf(2.5, 10, 0.5)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBinomialPmf(0, 10, 0)).toBe(0);
    expect(logBinomialPmf(1, 10, 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBinomialPmf(10, 10, 1)).toBe(0);
    expect(logBinomialPmf(0, 0, 0.5)).toBe(0);
    expect(logPoissonPmf(0, 0)).toBe(0);
    expect(logPoissonPmf(1, 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(logPoissonPmf(-1, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(logPoissonPmf(0, 3)).toBe(-3);
  });
});

describe('transformed rejection: hat and squeeze conditions', () => {
  // BTRS and PTRS map U ∈ (−½, ½) to k = ⌊G(U) + c⌋, G(U) = (2a/us + b)·U, us = ½ − |U|, and accept k with
  // probability g(U) = F(k)·G'(U)/H, where G'(U) = a/us² + b, F(k) = f(k)/f(m) and H = α for BTRS, F = f
  // and H = 1/α for PTRS. Since G' integrates to 1 over the U-interval of each k, the output is exactly f
  // provided (1) g ≤ 1 everywhere (the hat dominates), (2) g ≥ v_r wherever us ≥ 0.07 (the squeeze only
  // accepts what the full test would), and for PTRS (3) g ≤ us wherever us < 0.013 (the quick rejection
  // only rejects what the full test would). G' is monotone in us, so the extremes of g over a k-interval
  // sit at its endpoints and the check below is exact, not a sampled grid.

  /** G⁻¹(y): the root in (−½, ½) of b·u² − (2a + b/2 + |y|)·|u| + |y|/2 = 0, in cancellation-free form. */
  const inverseG = (a: number, b: number, y: number): number => {
    const ay = Math.abs(y);
    const B = 2 * a + 0.5 * b + ay;
    return (Math.sign(y) * ay) / (B + Math.sqrt(B * B - 2 * b * ay));
  };

  interface Margins {
    hat: number; // min over k of 1 − sup g: must be ≥ 0
    squeeze: number; // min over k of inf g − v_r inside the squeeze: must be ≥ 0
    quick: number; // min over k of inf (us − g) in the quick-rejection zone: must be ≥ 0
  }

  const scan = (
    margins: Margins,
    consts: { a: number; b: number; c: number; vr: number },
    hat: number,
    logF: (k: number) => number,
    kLo: number,
    kHi: number,
    quick: boolean,
  ): void => {
    const { a, b, c, vr } = consts;
    let uLeft = inverseG(a, b, kLo - c);
    for (let k = kLo; k <= kHi; k++) {
      const uRight = inverseG(a, b, k + 1 - c);
      const fk = Math.exp(logF(k)) / hat;
      const usMin = 0.5 - Math.max(Math.abs(uLeft), Math.abs(uRight));
      const gMax = fk * (a / (usMin * usMin) + b);
      margins.hat = Math.min(margins.hat, 1 - gMax);
      const lo = Math.max(uLeft, -0.43);
      const hi = Math.min(uRight, 0.43);
      if (lo < hi) {
        const usMax = 0.5 - (lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi)));
        margins.squeeze = Math.min(margins.squeeze, fk * (a / (usMax * usMax) + b) - vr);
      }
      // us − g is increasing in us, so its minimum over the zone is at the smallest us.
      if (quick && usMin < 0.013) margins.quick = Math.min(margins.quick, usMin - gMax);
      uLeft = uRight;
    }
  };

  const fresh = (): Margins => ({
    hat: Number.POSITIVE_INFINITY,
    squeeze: Number.POSITIVE_INFINITY,
    quick: 0,
  });

  it('BTRS (Hörmann’s constants) satisfies them for n·p ≥ 10, p ≤ ½', () => {
    const margins = fresh();
    const check = (n: number, p: number): void => {
      const consts = btrsConstants(n, p);
      const sd = Math.sqrt(n * p * (1 - p));
      const logFm = logBinomialPmf(consts.m, n, p);
      const kLo = Math.max(0, Math.floor(n * p - 12 * sd - 20));
      const kHi = Math.min(n, Math.ceil(n * p + 12 * sd + 20));
      scan(margins, consts, consts.alpha, (k) => logBinomialPmf(k, n, p) - logFm, kLo, kHi, false);
    };
    // Dense over small n, where the hat is tightest (margin 0.0021 at n = 23, p ≈ 0.4583), and over n·p
    // near 10 with tiny p, where the squeeze is tightest (margin 0.004); then a logarithmic sweep of n·p
    // up to 1e5 for p from 1e-7 to ½.
    for (let n = 20; n <= 200; n++) {
      const steps = n <= 40 ? 1000 : 40;
      for (let j = 0; j <= steps; j++) check(n, 10 / n + ((0.5 - 10 / n) * j) / steps);
    }
    for (let np = 10; np < 30; np += 0.01) check(Math.ceil(np / 1e-7), 1e-7);
    for (const p of [1e-7, 1e-3, 0.05, 0.2, 0.35, 0.5]) {
      for (let e = 1; e <= 5; e += 0.05) check(Math.ceil(10 ** e / p), p);
    }
    expect(margins.hat).toBeGreaterThan(0);
    expect(margins.squeeze).toBeGreaterThan(0);
  });

  it('PTRS (constants with safety margin) satisfies them for λ ≥ 10', () => {
    const margins = fresh();
    const check = (lambda: number): void => {
      const consts = ptrsConstants(lambda);
      const sd = Math.sqrt(lambda);
      const kLo = Math.max(0, Math.floor(lambda - 12 * sd - 20));
      const kHi = Math.ceil(lambda + 12 * sd + 20);
      scan(margins, consts, consts.invAlpha, (k) => logPoissonPmf(k, lambda), kLo, kHi, true);
    };
    // Dense where Hörmann's original constants fail (worst near λ ≈ 14 and λ ≈ 31), then up to 1e7.
    for (let lambda = 10; lambda < 60; lambda += 0.02) check(lambda);
    for (let e = Math.log10(60); e <= 7; e += 0.01) check(10 ** e);
    expect(margins.hat).toBeGreaterThan(0);
    expect(margins.squeeze).toBeGreaterThan(0);
    expect(margins.quick).toBeGreaterThanOrEqual(0);
  });
});

describe('normal: goodness of fit', () => {
  it('puts the standard normal mass in each of eight bins (chi-square, 7 df)', () => {
    // Bin edges and the standard normal CDF there (tables: Abramowitz & Stegun 26.2).
    const edges = [-1.96, -1, -0.5, 0, 0.5, 1, 1.96];
    const cdf = [0.0249979, 0.1586553, 0.3085375, 0.5, 0.6914625, 0.8413447, 0.9750021];
    const probs = [...cdf, 1].map((c, i) => c - (i === 0 ? 0 : (cdf[i - 1] as number)));
    const u = seedrandom.alea('normal');
    const n = 200_000;
    const counts = new Array<number>(8).fill(0);
    let sum = 0;
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const z = normal(u);
      sum += z;
      squares += z * z;
      let k = 0;
      while (k < edges.length && z > (edges[k] as number)) k++;
      counts[k] = (counts[k] as number) + 1;
    }
    let chi = 0;
    counts.forEach((c, k) => {
      const e = n * (probs[k] as number);
      chi += (c - e) ** 2 / e;
    });
    expect(chiSquareSf(chi, 7)).toBeGreaterThan(P_VALUE_LEVEL);
    // Mean 0 and variance 1 within 5 standard errors (sd of the mean 1/sqrt(n), of z^2 sqrt(2/n)).
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(squares / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });
});
