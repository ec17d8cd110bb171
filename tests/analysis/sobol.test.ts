/**
 * Sobol' and Morris indices against the Ishigami function, whose variance
 * decomposition is known in closed form (Ishigami & Homma 1990; Saltelli et al.
 * 2008, Global Sensitivity Analysis: The Primer, §4.9), and the Sobol' sequence
 * against the points of Joe and Kuo's generator.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  type Factor,
  fromUnit,
  morrisDesign,
  morrisIndices,
  realisedSteps,
  SALTELLI_MAX_PARAMETERS,
  SOBOL_DIMENSIONS,
  saltelliDesign,
  sobolIndices,
  sobolSequence,
} from '../../src/analysis/sobol.ts';

const A = 7;
const B = 0.1;

/** Ishigami's function of x in [-π, π]^3, given in the unit cube; further inputs are inert. */
function ishigami(u: readonly number[]): number {
  const [x1, x2, x3] = u.map((v) => -Math.PI + 2 * Math.PI * v) as [number, number, number];
  return Math.sin(x1) + A * Math.sin(x2) ** 2 + B * x3 ** 4 * Math.sin(x1);
}

/**
 * The analytic indices: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2,
 * V2 = a²/8, V3 = 0, V13 = b²π⁸(1/18 − 1/50) = 8b²π⁸/225 and no other term.
 */
function ishigamiIndices() {
  const pi4 = Math.PI ** 4;
  const pi8 = Math.PI ** 8;
  const v = (A * A) / 8 + (B * pi4) / 5 + (B * B * pi8) / 18 + 0.5;
  const v1 = (1 + (B * pi4) / 5) ** 2 / 2;
  const v2 = (A * A) / 8;
  const v13 = (8 * B * B * pi8) / 225;
  return { first: [v1 / v, v2 / v, 0], total: [(v1 + v13) / v, v2 / v, v13 / v] };
}

describe("Sobol' sequence", () => {
  it("gives the points of Joe and Kuo's generator (new-joe-kuo-6.21201, Gray-code order)", () => {
    // Reference values from an independent implementation of the same table
    // (scipy.stats.qmc.Sobol, unscrambled).
    expect(sobolSequence(8, 6)).toEqual([
      [0, 0, 0, 0, 0, 0],
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25, 0.25, 0.75, 0.75],
      [0.25, 0.75, 0.75, 0.75, 0.25, 0.25],
      [0.375, 0.375, 0.625, 0.875, 0.375, 0.125],
      [0.875, 0.875, 0.125, 0.375, 0.875, 0.625],
      [0.625, 0.125, 0.875, 0.625, 0.625, 0.875],
      [0.125, 0.625, 0.375, 0.125, 0.125, 0.375],
    ]);
    const points = sobolSequence(1024, SOBOL_DIMENSIONS);
    const bits = (row: number[]) => row.map((v) => v * 2 ** 32);
    expect(bits(points[1000] as number[]).slice(120)).toEqual([
      1094713344, 3334471680, 2134900736, 2361393152, 1950351360, 2898264064, 725614592, 2336227328,
    ]);
    expect(bits(points[1023] as number[]).slice(0, 8)).toEqual([
      4194304, 3233808384, 2629828608, 624951296, 801112064, 1883242496, 599785472, 2654994432,
    ]);
  });

  it('puts one of the first 2^m points in each interval of width 2^-m, in every dimension', () => {
    const points = sobolSequence(1024, SOBOL_DIMENSIONS);
    for (let d = 0; d < SOBOL_DIMENSIONS; d++) {
      const cells = new Set(points.map((p) => Math.floor((p[d] as number) * 1024)));
      expect(cells.size, `dimension ${d + 1}`).toBe(1024);
    }
  });

  it('refuses more dimensions than its table holds', () => {
    expect(() => sobolSequence(4, SOBOL_DIMENSIONS + 1)).toThrow(RangeError);
    expect(() => saltelliDesign(4, SALTELLI_MAX_PARAMETERS + 1)).toThrow(RangeError);
  });
});

describe('parameter ranges', () => {
  it('maps the ends exactly and the middle of a log range to the geometric mean', () => {
    const lin = { name: 'x', low: 0.1, high: 0.7, scale: 'linear' as const };
    const log = { name: 'y', low: 1e-4, high: 1e-2, scale: 'log' as const };
    expect([fromUnit(0, lin), fromUnit(1, lin), fromUnit(0, log), fromUnit(1, log)]).toEqual([
      0.1, 0.7, 1e-4, 1e-2,
    ]);
    expect(fromUnit(0.5, lin)).toBeCloseTo(0.4, 15);
    expect(fromUnit(0.5, log) / 1e-3).toBeCloseTo(1, 12);
  });

  it('stays in the range and increases with u', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1e6, noNaN: true }),
        fc.double({ min: 1.000001, max: 1e6, noNaN: true }),
        fc.constantFrom('linear' as const, 'log' as const),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (low, ratio, scale, u, w) => {
          const f = { name: 'p', low, high: low * ratio, scale };
          const [a, b] = [fromUnit(Math.min(u, w), f), fromUnit(Math.max(u, w), f)];
          expect(a).toBeGreaterThanOrEqual(low);
          expect(b).toBeLessThanOrEqual(f.high);
          expect(b).toBeGreaterThanOrEqual(a);
        },
      ),
    );
  });
});

describe("Sobol' indices of the Ishigami function (a = 7, b = 0.1)", () => {
  const n = 8192;
  const design = saltelliDesign(n, 3);
  const y = design.map(ishigami);
  const result = sobolIndices(y, n, 3, {
    resamples: 1000,
    confidence: 0.95,
    random: seedrandom.alea('ishigami'),
  });
  const exact = ishigamiIndices();

  it('lays out A, AB_1 … AB_k and B per base row', () => {
    expect(design).toHaveLength(n * 5);
    for (const j of [0, 1, 777, n - 1]) {
      const [a, ab1, ab2, ab3, b] = design.slice(j * 5, j * 5 + 5) as number[][];
      expect(ab1).toEqual([b?.[0], a?.[1], a?.[2]]);
      expect(ab2).toEqual([a?.[0], b?.[1], a?.[2]]);
      expect(ab3).toEqual([a?.[0], a?.[1], b?.[2]]);
    }
  });

  it('has the analytic reference values', () => {
    expect(exact.first.map((s) => s.toFixed(4))).toEqual(['0.3139', '0.4424', '0.0000']);
    expect(exact.total.map((s) => s.toFixed(4))).toEqual(['0.5576', '0.4424', '0.2437']);
  });

  it('estimates every first-order and total index within 0.01 at N = 8192, inside its 95% interval', () => {
    result.first.forEach((s, i) => {
      expect(Math.abs(s.value - (exact.first[i] as number)), `S${i + 1} = ${s.value}`).toBeLessThan(0.01);
      expect(s.low).toBeLessThanOrEqual(exact.first[i] as number);
      expect(s.high).toBeGreaterThanOrEqual(exact.first[i] as number);
    });
    result.total.forEach((s, i) => {
      expect(Math.abs(s.value - (exact.total[i] as number)), `ST${i + 1} = ${s.value}`).toBeLessThan(0.01);
      expect(s.low).toBeLessThanOrEqual(exact.total[i] as number);
      expect(s.high).toBeGreaterThanOrEqual(exact.total[i] as number);
    });
    const v = (A * A) / 8 + (B * Math.PI ** 4) / 5 + (B * B * Math.PI ** 8) / 18 + 0.5;
    expect(result.variance / v).toBeCloseTo(1, 2);
    expect(result.mean).toBeCloseTo(A / 2, 3);
  });

  it('gives intervals a few hundredths wide that narrow as N grows', () => {
    const small = sobolIndices(saltelliDesign(1024, 3).map(ishigami), 1024, 3, {
      resamples: 1000,
      confidence: 0.95,
      random: seedrandom.alea('ishigami'),
    });
    for (const [big, few] of [
      [result.first, small.first],
      [result.total, small.total],
    ] as const) {
      big.forEach((s, i) => {
        expect(s.high - s.low).toBeLessThan(0.1);
        expect(s.high - s.low).toBeLessThan(
          (few[i] as { high: number; low: number }).high - (few[i] as { low: number }).low,
        );
      });
    }
  });

  it('is the same for the same seed, and NaN for a constant output', () => {
    const again = sobolIndices(y, n, 3, {
      resamples: 1000,
      confidence: 0.95,
      random: seedrandom.alea('ishigami'),
    });
    expect(again).toEqual(result);
    const flat = sobolIndices(new Array(40).fill(2), 8, 3, {
      resamples: 10,
      confidence: 0.9,
      random: Math.random,
    });
    expect(flat.variance).toBe(0);
    expect(flat.first.every((s) => Number.isNaN(s.value))).toBe(true);
  });
});

describe('Morris elementary effects of integer parameters', () => {
  // Run values are rounded: x0 is an integer on 0 … 2, x1 an integer on 1 … 2 sampled on the log scale.
  const factors: Factor[] = [
    { name: 'x0', low: 0, high: 2, scale: 'linear' },
    { name: 'x1', low: 1, high: 2, scale: 'log' },
  ];
  const trajectories = 200;
  const design = realisedSteps(morrisDesign(trajectories, 2, 8, seedrandom.alea('morris-integer')), factors, [
    true,
    true,
  ]);
  const value = (u: number[], i: number) => Math.round(fromUnit(u[i] as number, factors[i] as Factor));
  // Linear in the rounded values: over the whole range x0 adds 2, x1 adds 10.
  const y = design.points.map((u) => value(u, 0) + 10 * value(u, 1));
  const result = morrisIndices(y, design, {
    resamples: 100,
    confidence: 0.95,
    random: seedrandom.alea('morris-integer-bootstrap'),
  });

  it('divides by what the rounded value moved, so a linear output gives its whole-range change exactly', () => {
    expect(result.muStar[0]?.value).toBeCloseTo(2, 12);
    expect(result.mu[0]).toBeCloseTo(result.muStar[0]?.value as number, 12);
    expect(result.sigma[0]).toBeCloseTo(0, 12);
    expect(result.muStar[1]?.value).toBeCloseTo(10, 12);
    expect(result.sigma[1]).toBeCloseTo(0, 12);
  });

  it('drops, and counts, the moves that rounding cancelled', () => {
    // On 1 … 2 (log, 8 levels) a move from 1 to 2^(4/7) ≈ 1.49 rounds to 1 both times.
    expect(result.effects[0]).toBe(trajectories);
    expect(result.effects[1]).toBeGreaterThan(0);
    expect(result.effects[1]).toBeLessThan(trajectories);
  });
});

describe('Morris elementary effects of the Ishigami function', () => {
  const levels = 4;
  const k = 5; // x4 and x5 do not enter the function
  const design = morrisDesign(1000, k, levels, seedrandom.alea('morris'));
  const result = morrisIndices(design.points.map(ishigami), design, {
    resamples: 1000,
    confidence: 0.95,
    random: seedrandom.alea('morris-bootstrap'),
  });

  /**
   * E|EE_i| over the design: in a trajectory every other parameter is uniform on
   * all grid levels when parameter i moves, and i starts uniform on the levels
   * that can move up by Δ (moving down from the upper half mirrors it).
   */
  function exactMuStar(i: number): number {
    const jump = levels / 2;
    const delta = jump / (levels - 1);
    let sum = 0;
    let count = 0;
    for (let code = 0; code < levels ** 3; code++) {
      const level = [code % levels, Math.floor(code / levels) % levels, Math.floor(code / levels ** 2)];
      if ((level[i] as number) >= jump) continue;
      const x = level.map((l) => l / (levels - 1));
      const moved = level.map((l, j) => (j === i ? l + jump : l) / (levels - 1));
      sum += Math.abs(ishigami(moved) - ishigami(x)) / delta;
      count++;
    }
    return sum / count;
  }

  it('moves every parameter once per trajectory by ±Δ on the grid', () => {
    expect(design.points).toHaveLength(1000 * (k + 1));
    expect(design.delta).toBeCloseTo(2 / 3, 15);
    design.moves.forEach((moves, t) => {
      expect(moves.map((m) => m.parameter).sort()).toEqual([0, 1, 2, 3, 4]);
      moves.forEach(({ parameter, step }, s) => {
        const before = design.points[t * (k + 1) + s] as number[];
        const after = design.points[t * (k + 1) + s + 1] as number[];
        expect(after[parameter] as number).toBeCloseTo((before[parameter] as number) + step, 12);
        expect(after.filter((v, j) => v !== before[j])).toHaveLength(1);
        expect(after.every((v) => v >= 0 && v <= 1 && Number.isInteger(Math.round(v * 3 * 1e9) / 1e9))).toBe(
          true,
        );
      });
    });
  });

  it('estimates μ* within 0.6 of its exact value on the grid (x2: exactly, its effect is ±7.875 everywhere)', () => {
    const exact = [0, 1, 2].map(exactMuStar);
    expect(exact.map((m) => m.toFixed(3))).toEqual(['7.704', '7.875', '6.249']);
    exact.forEach((m, i) => {
      const est = result.muStar[i] as { value: number; low: number; high: number };
      expect(Math.abs(est.value - m), `mu*${i + 1} = ${est.value}`).toBeLessThan(0.6);
      expect(est.low).toBeLessThanOrEqual(m + 1e-9);
      expect(est.high).toBeGreaterThanOrEqual(m - 1e-9);
    });
    expect(result.muStar[1]?.value).toBeCloseTo(7.875, 12);
  });

  it('ranks the inputs: x1 and x2 ahead of x3 (interaction only), x3 ahead of the inert inputs', () => {
    const mu = result.muStar.map((m) => m.value);
    expect(Math.min(mu[0] as number, mu[1] as number)).toBeGreaterThan((mu[2] as number) + 1);
    expect(mu[2]).toBeGreaterThan(5);
    expect(mu.slice(3)).toEqual([0, 0]);
    expect(result.sigma.slice(3)).toEqual([0, 0]);
    // x1 acts in one direction at every grid step (μ = μ*); x2 and x3 act with both signs
    // (μ near 0, σ large).
    expect(result.mu[0]).toBeCloseTo(mu[0] as number, 12);
    expect(Math.abs(result.mu[1] as number)).toBeLessThan(1);
    expect(Math.abs(result.mu[2] as number)).toBeLessThan(1);
    expect(result.sigma[2]).toBeGreaterThan(result.sigma[0] as number);
  });

  it('draws the same trajectories from the same seed (no-regression snapshot)', () => {
    const d = morrisDesign(2, 3, 4, seedrandom.alea('snapshot'));
    expect({ points: d.points.map((p) => p.map((v) => Math.round(v * 3))), moves: d.moves }).toEqual(
      morrisSnapshot,
    );
  });
});

const D = 2 / 3;
const morrisSnapshot = {
  // Levels 0..3 of each parameter (value × 3).
  points: [
    [2, 1, 3],
    [2, 1, 1],
    [0, 1, 1],
    [0, 3, 1],
    [1, 3, 1],
    [1, 3, 3],
    [1, 1, 3],
    [3, 1, 3],
  ],
  moves: [
    [
      { parameter: 2, step: -D },
      { parameter: 0, step: -D },
      { parameter: 1, step: D },
    ],
    [
      { parameter: 2, step: D },
      { parameter: 1, step: -D },
      { parameter: 0, step: D },
    ],
  ],
};
