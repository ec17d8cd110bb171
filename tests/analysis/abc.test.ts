/**
 * ABC-SMC (src/analysis/abc.ts) on models whose posterior is known exactly: the
 * mean of normal data under a flat prior, a Poisson rate under the log-uniform
 * prior (a gamma posterior), and two correlated means. Fixed seeds; the
 * tolerances stated in each test are what a population of this size recovers.
 */
import { fc, test } from '@fast-check/vitest';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  type AbcParameter,
  abcSmc,
  cholesky,
  effectiveSampleSize,
  type Generation,
  importanceWeights,
  kernelOf,
  logPrior,
  mad,
  marginals,
  proposeRound,
  quantile,
  roundStream,
  type Settings,
  type Simulate,
  samplePrior,
  weightedCovariance,
  weightedQuantile,
} from '../../src/analysis/abc.ts';
import { regularizedGammaQ } from '../../src/analysis/statistics.ts';
import { normal, poisson } from '../../src/engine/samplers.ts';

/** A proposal's own stream: its summaries depend on its seed only, as a seeded replicate's do. */
const streamOf = (seed: number) => seedrandom.alea(`test:${seed}`);

function weightedMoments(g: Generation, k: number): { mean: number; sd: number } {
  const w = g.particles.map((p) => p.weight);
  const x = g.particles.map((p) => p.theta[k] as number);
  const mean = x.reduce((s, v, i) => s + v * (w[i] as number), 0);
  const variance = x.reduce((s, v, i) => s + (v - mean) ** 2 * (w[i] as number), 0);
  return { mean, sd: Math.sqrt(variance) };
}

describe('ABC-SMC recovers known posteriors', () => {
  // x̄ of n = 10 draws from N(μ, 1), observed 1.5, flat prior on [−10, 10]: μ | x̄ ~ N(1.5, 1/10).
  const n = 10;
  const normalMean: Settings = {
    parameters: [{ name: 'mu', prior: { kind: 'uniform', low: -10, high: 10 } }],
    observed: [1.5],
    uncertainty: [undefined],
    seed: 3,
    population: 1000,
    roundSize: 500,
    generations: 8,
    quantile: 0.5,
  };
  const normalModel: Simulate = ({ proposals }) =>
    proposals.map((p) => [(p.theta[0] as number) + normal(streamOf(p.seed)) / Math.sqrt(n)]);

  it('the mean of normal data: posterior mean within 0.05, sd within 10%, 95% interval within 0.08', async () => {
    const r = await abcSmc(normalMean, normalModel);
    const exactSd = 1 / Math.sqrt(n);
    const { mean, sd } = weightedMoments(r.posterior, 0);
    expect(Math.abs(mean - 1.5)).toBeLessThan(0.05);
    expect(Math.abs(sd / exactSd - 1)).toBeLessThan(0.1);
    const [m] = marginals(r.posterior, 1);
    expect(Math.abs((m?.low as number) - (1.5 - 1.96 * exactSd))).toBeLessThan(0.08);
    expect(Math.abs((m?.high as number) - (1.5 + 1.96 * exactSd))).toBeLessThan(0.08);
    // Tolerances fall, the scale came from generation 0's spread (no uncertainty given).
    const tolerances = r.generations.map((g) => g.tolerance);
    for (let g = 2; g < tolerances.length; g++)
      expect(tolerances[g] as number).toBeLessThan(tolerances[g - 1] as number);
    expect(r.scaleSources).toEqual(['mad']);
    expect(r.stopped).toBe('generations');
    expect(r.generations).toHaveLength(9);
  });

  it('a Poisson rate under a log-uniform prior: the gamma posterior within 2% at its median and 95% limits', async () => {
    // Σ of n = 10 counts is 60; prior ∝ 1/λ, so λ | data ~ Gamma(60, rate 10).
    const counts = 10;
    const sum = 60;
    const r = await abcSmc(
      {
        parameters: [{ name: 'lambda', prior: { kind: 'log-uniform', low: 0.01, high: 100 } }],
        observed: [sum / counts],
        uncertainty: [0.1],
        seed: 11,
        population: 2000,
        roundSize: 1000,
        generations: 10,
        // Distances here take whole values: a median would stall where half the population is 1 away.
        quantile: 0.3,
        finalTolerance: 0,
      },
      ({ proposals }) =>
        proposals.map((p) => {
          const u = streamOf(p.seed);
          let s = 0;
          for (let i = 0; i < counts; i++) s += poisson(u, p.theta[0] as number);
          return [s / counts];
        }),
    );
    // Distances are whole multiples of 1 / (10 · 0.1) = 1: the last generation accepts exact matches only.
    expect(r.posterior.tolerance).toBe(0);
    expect(r.stopped).toBe('tolerance');
    const gammaCdf = (x: number) => 1 - regularizedGammaQ(sum, counts * x);
    const gammaQuantile = (q: number) => {
      let lo = 0;
      let hi = 100;
      for (let i = 0; i < 100; i++) {
        const mid = (lo + hi) / 2;
        if (gammaCdf(mid) < q) lo = mid;
        else hi = mid;
      }
      return (lo + hi) / 2;
    };
    const [m] = marginals(r.posterior, 1);
    for (const [got, q] of [
      [m?.median, 0.5],
      [m?.low, 0.025],
      [m?.high, 0.975],
    ] as const)
      expect(Math.abs((got as number) / gammaQuantile(q) - 1)).toBeLessThan(0.02);
  });

  /** Binomial(5, p) / 5 with 2 of 5 observed, uncertainty 0.1: distances are 0, 2, 4, ... (discrete). */
  const twoOfFive = (seed: number, population: number, quantile: number) =>
    abcSmc(
      {
        parameters: [{ name: 'p', prior: { kind: 'uniform', low: 0, high: 1 } }],
        observed: [0.4],
        uncertainty: [0.1],
        seed,
        population,
        roundSize: population,
        generations: 12,
        quantile,
      },
      ({ proposals }) =>
        proposals.map((p) => {
          const u = streamOf(p.seed);
          let k = 0;
          for (let i = 0; i < 5; i++) if (u() < (p.theta[0] as number)) k++;
          return [k / 5];
        }),
    );

  it('stops at tolerance 0 instead of resampling it for the remaining generations', async () => {
    const r = await twoOfFive(5, 300, 0.3);
    expect(r.stopped).toBe('exact');
    expect(r.posterior.tolerance).toBe(0);
    expect(r.generations.filter((g) => g.tolerance === 0)).toHaveLength(1);
    expect(r.generations.length).toBeLessThan(13);
  });

  it('lowers the tolerance at every generation when tied distances hold the quantile', async () => {
    // A 0.9 quantile of the distances sits on a tie.
    const r = await twoOfFive(6, 200, 0.9);
    const tolerances = r.generations.map((g) => g.tolerance);
    for (let g = 1; g < tolerances.length; g++)
      expect(tolerances[g] as number).toBeLessThan(tolerances[g - 1] as number);
    expect(r.stopped).toBe('exact');
    expect(r.posterior.tolerance).toBe(0);
  });

  it('two correlated parameters: means within 0.05, sds within 10%, correlation within 0.08', async () => {
    // x1 = a + e1, x2 = a + b + e2, e ~ N(0, 0.2²), flat priors: a ~ N(x1, 0.04), b ~ N(x2 − x1, 0.08), corr −1/√2.
    const sigma = 0.2;
    const r = await abcSmc(
      {
        parameters: [
          { name: 'a', prior: { kind: 'uniform', low: -5, high: 5 } },
          { name: 'b', prior: { kind: 'normal', mean: 0, sd: 1000, low: -5, high: 5 } },
        ],
        observed: [1, 3],
        uncertainty: [sigma, sigma],
        seed: 5,
        population: 1500,
        roundSize: 1000,
        generations: 10,
        quantile: 0.5,
      },
      ({ proposals }) =>
        proposals.map((p) => {
          const u = streamOf(p.seed);
          const [a, b] = p.theta as [number, number];
          return [a + sigma * normal(u), a + b + sigma * normal(u)];
        }),
    );
    const a = weightedMoments(r.posterior, 0);
    const b = weightedMoments(r.posterior, 1);
    expect(Math.abs(a.mean - 1)).toBeLessThan(0.05);
    expect(Math.abs(b.mean - 2)).toBeLessThan(0.05);
    expect(Math.abs(a.sd / sigma - 1)).toBeLessThan(0.1);
    expect(Math.abs(b.sd / (sigma * Math.SQRT2) - 1)).toBeLessThan(0.1);
    const w = r.posterior.particles.map((p) => p.weight);
    const { covariance } = weightedCovariance(
      r.posterior.particles.map((p) => p.theta),
      w,
    );
    const corr = (covariance[0]?.[1] as number) / (a.sd * b.sd);
    expect(Math.abs(corr + Math.SQRT1_2)).toBeLessThan(0.08);
  });
});

describe('determinism', () => {
  const settings: Settings = {
    parameters: [
      { name: 'x', prior: { kind: 'uniform', low: 0, high: 1 } },
      { name: 'y', prior: { kind: 'log-uniform', low: 0.1, high: 10 } },
    ],
    observed: [0.3, 2],
    uncertainty: [0.05, undefined],
    seed: 9,
    population: 50,
    roundSize: 40,
    generations: 3,
    quantile: 0.5,
  };
  const model = (p: { theta: number[]; seed: number }) => {
    const u = streamOf(p.seed);
    return [(p.theta[0] as number) + 0.05 * normal(u), (p.theta[1] as number) * (1 + 0.1 * normal(u))];
  };

  it('gives the same populations whatever order and timing the simulations finish in', async () => {
    const plain = await abcSmc(settings, ({ proposals }) => proposals.map(model));
    const shuffled = await abcSmc(settings, async ({ proposals }) => {
      // Simulate in reverse order with random delays, as workers of a pool would.
      const out = new Array<number[]>(proposals.length);
      await Promise.all(
        [...proposals.keys()].reverse().map(async (i) => {
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          out[i] = model(proposals[i] as (typeof proposals)[number]);
        }),
      );
      return out;
    });
    expect(shuffled).toStrictEqual(plain);
  });

  it('discards the proposals of the last round beyond the population, in index order', async () => {
    const seen: number[] = [];
    const r = await abcSmc({ ...settings, generations: 1 }, ({ generation, proposals }) => {
      if (generation === 1) seen.push(proposals.length);
      return proposals.map(model);
    });
    const g = r.generations[1] as Generation;
    expect(g.simulated).toBe(seen.reduce((a, b) => a + b, 0));
    expect(g.proposals).toBeLessThanOrEqual(g.simulated);
    expect(g.proposals).toBeGreaterThan(g.simulated - settings.roundSize);
    const last = g.particles[g.particles.length - 1];
    expect(last?.round).toBe(g.rounds - 1);
    expect(g.proposals).toBe((g.rounds - 1) * settings.roundSize + (last?.index as number) + 1);
  });

  it('counts failed simulations as rejected', async () => {
    const r = await abcSmc(settings, ({ proposals }) =>
      proposals.map((p, i) => (i % 7 === 3 ? undefined : model(p))),
    );
    for (const g of r.generations) {
      expect(g.particles).toHaveLength(50);
      expect(g.failed).toBeGreaterThan(0);
    }
  });

  it('abandons a generation whose acceptance would fall below the minimum', async () => {
    const r = await abcSmc({ ...settings, generations: 20, minAcceptance: 0.2 }, ({ proposals }) =>
      proposals.map(model),
    );
    expect(r.stopped).toBe('acceptance');
    expect(r.posterior).toBe(r.generations[r.generations.length - 1]);
    expect(r.generations.length).toBeLessThan(21);
  });

  it('keeps the seeded proposals of a round (golden values: a change of stream or sampler shows here)', () => {
    const proposals = proposeRound(settings.parameters, undefined, roundStream(1, 0, 0), 3);
    expect(proposals).toMatchInlineSnapshot(`
      [
        {
          "seed": 1346084924,
          "theta": [
            0.9283356086816639,
            0.37556271980249445,
          ],
        },
        {
          "seed": 863431103,
          "theta": [
            0.9643319644965231,
            0.1902594628522469,
          ],
        },
        {
          "seed": 1813149793,
          "theta": [
            0.34619280276820064,
            3.515829886957347,
          ],
        },
      ]
    `);
  });
});

describe('pieces', () => {
  const parameters: AbcParameter[] = [
    { name: 'u', prior: { kind: 'uniform', low: -1, high: 2 } },
    { name: 'l', prior: { kind: 'log-uniform', low: 0.01, high: 100 } },
    { name: 'n', prior: { kind: 'normal', mean: 1, sd: 2, low: 0, high: 3 } },
  ];

  it('samples each prior: inside its bounds, log-uniform uniform on the log scale, the truncated normal`s mean', () => {
    const u = seedrandom.alea('prior');
    const draws = Array.from({ length: 20_000 }, () => samplePrior(parameters, u));
    for (const d of draws)
      expect(
        logPrior(parameters, [d[0] as number, Math.log(d[1] as number), d[2] as number]),
      ).toBeGreaterThan(-Infinity);
    const logs = draws.map((d) => Math.log10(d[1] as number));
    expect(Math.abs(logs.reduce((a, b) => a + b, 0) / logs.length)).toBeLessThan(0.03);
    expect(logs.filter((x) => x < -1).length / logs.length).toBeCloseTo(0.25, 1);
    // N(1, 2²) truncated to [0, 3]: mean 1 + 2 (φ(−0.5) − φ(1)) / (Φ(1) − Φ(−0.5)) = 1.4133.
    const ns = draws.map((d) => d[2] as number);
    expect(ns.reduce((a, b) => a + b, 0) / ns.length).toBeCloseTo(1.4133, 1);
  });

  test.prop([fc.integer({ min: 0, max: 1000 })])('perturbed proposals stay inside the prior', (seed) => {
    const u = seedrandom.alea(`pop:${seed}`);
    const particles = Array.from({ length: 20 }, (_, i) => ({
      theta: samplePrior(parameters, u),
      seed: i,
      weight: 1 / 20,
      distance: 0,
      summaries: [],
      round: 0,
      index: i,
    }));
    const previous: Generation = {
      index: 0,
      tolerance: Number.POSITIVE_INFINITY,
      proposals: 20,
      simulated: 20,
      failed: 0,
      rounds: 1,
      acceptanceRate: 1,
      ess: 20,
      particles,
    };
    const kernel = kernelOf(parameters, previous);
    for (const p of proposeRound(parameters, kernel, u, 30)) {
      expect(p.theta[0]).toBeGreaterThanOrEqual(-1);
      expect(p.theta[0]).toBeLessThanOrEqual(2);
      expect(p.theta[1]).toBeGreaterThanOrEqual(0.01);
      expect(p.theta[1]).toBeLessThanOrEqual(100);
      expect(p.theta[2]).toBeGreaterThanOrEqual(0);
      expect(p.theta[2]).toBeLessThanOrEqual(3);
      expect(Number.isInteger(p.seed) && p.seed >= 0 && p.seed < 2 ** 31).toBe(true);
    }
  });

  it('weights particles by prior / Σ w_j K(θ | θ_j) with the kernel variance twice the weighted variance', () => {
    const one: AbcParameter[] = [
      { name: 'x', prior: { kind: 'normal', mean: 0, sd: 1, low: -10, high: 10 } },
    ];
    const centres = [-1, 0, 2];
    const w = [0.2, 0.5, 0.3];
    const previous = {
      particles: centres.map((c, i) => ({ theta: [c], weight: w[i] as number })),
    } as unknown as Generation;
    const kernel = kernelOf(one, previous);
    const m = centres.reduce((s, c, i) => s + c * (w[i] as number), 0);
    const v = 2 * centres.reduce((s, c, i) => s + (c - m) ** 2 * (w[i] as number), 0);
    expect((kernel.chol[0]?.[0] as number) ** 2).toBeCloseTo(v, 12);
    const at = [0.5, -2, 1];
    const raw = at.map(
      (x) =>
        Math.exp(-(x * x) / 2) /
        centres.reduce((s, c, i) => s + (w[i] as number) * Math.exp(-((x - c) ** 2) / (2 * v)), 0),
    );
    const total = raw.reduce((a, b) => a + b, 0);
    const got = importanceWeights(
      one,
      kernel,
      at.map((x) => [x]),
    );
    got.forEach((g, i) => {
      expect(g).toBeCloseTo((raw[i] as number) / total, 12);
    });
  });

  test.prop([
    fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }), {
      minLength: 3,
      maxLength: 3,
    }),
  ])('cholesky: L Lᵀ reproduces a positive-definite matrix', (b) => {
    // A = B Bᵀ + I is positive definite.
    const a = b.map((ri, i) =>
      b.map((rj, j) => ri.reduce((s, v, k) => s + v * (rj[k] as number), 0) + (i === j ? 1 : 0)),
    );
    const l = cholesky(a);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const s = (l[i] as number[]).reduce((acc, v, k) => acc + v * (l[j]?.[k] as number), 0);
        expect(s).toBeCloseTo(a[i]?.[j] as number, 8);
      }
  });

  it('cholesky survives a singular covariance (all particles equal in one parameter)', () => {
    const l = cholesky([
      [1, 0],
      [0, 0],
    ]);
    expect(Number.isFinite(l[1]?.[1] as number)).toBe(true);
  });

  test.prop([
    fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 30 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ])('weighted quantiles: equal weights give Hazen`s rule, within the data, monotone in q', (xs, q) => {
    const w = xs.map(() => 1);
    const sorted = [...xs].sort((a, b) => a - b);
    const n = xs.length;
    // Hazen (R type 5): position n q + 1/2, clamped to the ends.
    const h = Math.min(Math.max(n * q + 0.5, 1), n);
    const lo = Math.floor(h);
    const hazen =
      (sorted[lo - 1] as number) +
      (h - lo) * ((sorted[Math.min(lo, n - 1)] as number) - (sorted[lo - 1] as number));
    expect(weightedQuantile(xs, w, q)).toBeCloseTo(hazen, 6);
    expect(weightedQuantile(xs, w, q)).toBeGreaterThanOrEqual(sorted[0] as number);
    expect(weightedQuantile(xs, w, q)).toBeLessThanOrEqual(sorted[n - 1] as number);
    expect(weightedQuantile(xs, w, Math.min(1, q + 0.1))).toBeGreaterThanOrEqual(
      weightedQuantile(xs, w, q) - 1e-9,
    );
    expect(
      weightedQuantile(
        xs,
        w.map(() => 7),
        q,
      ),
    ).toBeCloseTo(weightedQuantile(xs, w, q), 9);
  });

  it('weighted quantiles follow the weights', () => {
    expect(weightedQuantile([1, 2, 3], [0, 1, 0], 0.5)).toBe(2);
    expect(weightedQuantile([1, 2], [3, 1], 0.5)).toBeCloseTo(1 + (0.5 - 0.375) / (0.875 - 0.375), 12);
  });

  it('effective sample size, MAD and the type 7 quantile', () => {
    expect(effectiveSampleSize([1, 1, 1, 1])).toBe(4);
    expect(effectiveSampleSize([1, 0, 0, 0])).toBe(1);
    expect(quantile([1, 2, 3, 4, 10], 0.3)).toBeCloseTo(2.2, 12);
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12);
  });
});
