/**
 * Global sensitivity analysis, pure and deterministic: variance-based (Sobol')
 * first-order and total-effect indices, and Morris elementary effects as a cheap
 * screen. Designs live in the unit cube; `fromUnit` maps a coordinate to a
 * parameter's range, uniformly or log-uniformly. Every random draw (Morris
 * trajectories, bootstrap resamples) comes from the stream the caller passes in.
 *
 * Sobol' indices: the Saltelli design (Saltelli et al. 2010, Comput. Phys.
 * Commun. 181:259) on a Sobol' low-discrepancy sequence (Joe & Kuo 2008
 * direction numbers): for N base rows, matrices A and B (the first and last k of
 * 2k Sobol' coordinates) and the k matrices AB_i (A with column i from B), N(k+2)
 * evaluations in all. First order by Saltelli 2010's estimator (Table 2, b),
 * total effect by Jansen's (Jansen 1999; Table 2, f). Confidence intervals are
 * bootstrap percentiles over the N base rows.
 *
 * Morris elementary effects (Morris 1991) on random one-at-a-time trajectories
 * over a grid of p levels with the step Δ = p / (2(p − 1)); per parameter the
 * mean of absolute effects μ* (Campolongo, Cariboni & Saltelli 2007, with a
 * bootstrap interval over trajectories), the mean μ and the standard deviation σ.
 */
import { JOE_KUO } from './joeKuo.ts';

export type Scale = 'linear' | 'log';

/** One input of the analysis: its name and range. A log range is sampled uniformly in log(value). */
export interface Factor {
  name: string;
  low: number;
  high: number;
  scale: Scale;
}

/** The value of `factor` at unit coordinate u (0 gives low, 1 gives high, exactly). */
export function fromUnit(u: number, factor: Factor): number {
  const { low, high } = factor;
  if (u <= 0) return low;
  if (u >= 1) return high;
  const v =
    factor.scale === 'log'
      ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)))
      : low + u * (high - low);
  // Rounding must not step outside the range: its ends are often the schema's limits.
  return Math.min(high, Math.max(low, v));
}

/** The unit coordinate of `value` in `factor`'s range: the inverse of fromUnit. */
export function toUnit(value: number, factor: Factor): number {
  const { low, high } = factor;
  if (high === low) return 0;
  return factor.scale === 'log'
    ? (Math.log(value) - Math.log(low)) / (Math.log(high) - Math.log(low))
    : (value - low) / (high - low);
}

/** An estimate with its confidence interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

// ---------------------------------------------------------------------------------------------------------
// Sobol' sequence
// ---------------------------------------------------------------------------------------------------------

/** Dimensions of the Sobol' sequence available: the first plus those of the Joe–Kuo table. */
export const SOBOL_DIMENSIONS = JOE_KUO.length + 1;

const BITS = 32;

/** Direction numbers V_1 … V_32 of one dimension (0-based), scaled to 32-bit integers. */
function directionNumbers(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const entry = JOE_KUO[dimension - 1];
  if (!entry) throw new RangeError(`Sobol' sequence: dimension ${dimension + 1} beyond ${SOBOL_DIMENSIONS}`);
  const { s, a, m } = entry;
  for (let k = 0; k < s; k++) v[k] = ((m[k] as number) << (BITS - 1 - k)) >>> 0;
  for (let k = s; k < BITS; k++) {
    let x = (v[k - s] as number) ^ ((v[k - s] as number) >>> s);
    for (let j = 1; j < s; j++) if ((a >>> (s - 1 - j)) & 1) x ^= v[k - j] as number;
    v[k] = x >>> 0;
  }
  return v;
}

/**
 * The first n points of the `dimensions`-dimensional Sobol' sequence in Gray-code
 * order (Antonov & Saleev 1979), as Joe and Kuo's reference generator gives them:
 * the first point is the origin, and any first 2^m points are a (t, m, s)-net.
 */
export function sobolSequence(n: number, dimensions: number): number[][] {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** BITS)
    throw new RangeError(`Sobol' sequence: ${n} points (expected 0 to 2^32)`);
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SOBOL_DIMENSIONS)
    throw new RangeError(`Sobol' sequence: ${dimensions} dimensions (expected 1 to ${SOBOL_DIMENSIONS})`);
  const v = Array.from({ length: dimensions }, (_, d) => directionNumbers(d));
  const x = new Uint32Array(dimensions);
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      // The bit that changes from Gray code i − 1 to i: the lowest zero bit of i − 1.
      let c = 0;
      for (let value = i - 1; value & 1; value >>>= 1) c++;
      for (let d = 0; d < dimensions; d++)
        x[d] = ((x[d] as number) ^ ((v[d] as Uint32Array)[c] as number)) >>> 0;
    }
    points.push(Array.from(x, (bits) => bits / 2 ** BITS));
  }
  return points;
}

// ---------------------------------------------------------------------------------------------------------
// Sobol' indices
// ---------------------------------------------------------------------------------------------------------

/** Largest number of parameters of a Saltelli design: it takes 2k dimensions of the sequence. */
export const SALTELLI_MAX_PARAMETERS = Math.floor(SOBOL_DIMENSIONS / 2);

/**
 * The Saltelli design of n base rows over k parameters, in the unit cube: N(k + 2)
 * points, base row j as the block A_j, AB_1j … AB_kj, B_j (saltelliRow gives the offsets).
 */
export function saltelliDesign(n: number, k: number): number[][] {
  if (!Number.isInteger(k) || k < 1 || k > SALTELLI_MAX_PARAMETERS)
    throw new RangeError(`Saltelli design: ${k} parameters (expected 1 to ${SALTELLI_MAX_PARAMETERS})`);
  const points: number[][] = [];
  for (const row of sobolSequence(n, 2 * k)) {
    const a = row.slice(0, k);
    const b = row.slice(k);
    points.push(a);
    for (let i = 0; i < k; i++) {
      const ab = a.slice();
      ab[i] = b[i] as number;
      points.push(ab);
    }
    points.push(b);
  }
  return points;
}

/** Offsets in the design of base row j's evaluations: f(A_j), f(AB_ij) for parameter i, f(B_j). */
export const saltelliRow = (j: number, k: number) => ({
  a: j * (k + 2),
  ab: (i: number) => j * (k + 2) + 1 + i,
  b: j * (k + 2) + k + 1,
});

export interface SobolIndices {
  /** Mean and variance of the output over A and B. */
  mean: number;
  variance: number;
  /** Per parameter, in the design's order. */
  first: Estimate[];
  total: Estimate[];
}

export interface BootstrapOptions {
  /** Resamples (0: intervals are NaN). */
  resamples: number;
  /** Coverage of the percentile interval, e.g. 0.95. */
  confidence: number;
  /** Uniform [0, 1) stream that draws the resamples. */
  random: () => number;
}

/**
 * First-order and total-effect estimates from the base rows `rows` (with
 * repetitions in a bootstrap resample). Outputs are centred on the full design's
 * mean `centre` first: a constant offset leaves the indices' expectations alone
 * but adds to the variance of the first-order estimator.
 */
function sobolEstimates(
  y: ArrayLike<number>,
  k: number,
  rows: ArrayLike<number>,
  centre: number,
  first: Float64Array,
  total: Float64Array,
): void {
  const n = rows.length;
  const width = k + 2;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const a = (rows[r] as number) * width;
    sum += (y[a] as number) + (y[a + k + 1] as number);
  }
  const mean = sum / (2 * n) - centre;
  let squares = 0;
  first.fill(0);
  total.fill(0);
  for (let r = 0; r < n; r++) {
    const a = (rows[r] as number) * width;
    const fa = (y[a] as number) - centre;
    const fb = (y[a + k + 1] as number) - centre;
    squares += (fa - mean) ** 2 + (fb - mean) ** 2;
    for (let i = 0; i < k; i++) {
      const fab = (y[a + 1 + i] as number) - centre;
      first[i] = (first[i] as number) + fb * (fab - fa);
      total[i] = (total[i] as number) + (fa - fab) ** 2;
    }
  }
  const variance = squares / (2 * n);
  for (let i = 0; i < k; i++) {
    first[i] = (first[i] as number) / n / variance;
    total[i] = (total[i] as number) / (2 * n) / variance;
  }
}

/** The p-quantile of sorted values, interpolated between order statistics (R's type 7). */
function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const m = sorted.length;
  if (m === 0) return Number.NaN;
  const h = (m - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, m - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** Percentile interval of each column of `draws` (resamples × parameters); NaN draws are left out. */
function percentileIntervals(draws: Float64Array[], k: number, confidence: number): [number, number][] {
  return Array.from({ length: k }, (_, i) => {
    const column = Float64Array.from(draws, (d) => d[i] as number)
      .filter((v) => !Number.isNaN(v))
      .sort();
    return [quantileSorted(column, (1 - confidence) / 2), quantileSorted(column, (1 + confidence) / 2)];
  });
}

/** Sobol' indices from the outputs y of a Saltelli design of n base rows over k parameters. */
export function sobolIndices(
  y: ArrayLike<number>,
  n: number,
  k: number,
  bootstrap: BootstrapOptions,
): SobolIndices {
  if (y.length !== n * (k + 2))
    throw new RangeError(`Sobol' indices: ${y.length} outputs for ${n} base rows of ${k} parameters`);
  const identity = Uint32Array.from({ length: n }, (_, j) => j);
  let centre = 0;
  for (let j = 0; j < n; j++) {
    const at = saltelliRow(j, k);
    centre += ((y[at.a] as number) + (y[at.b] as number)) / (2 * n);
  }
  let variance = 0;
  for (let j = 0; j < n; j++) {
    const at = saltelliRow(j, k);
    variance += (((y[at.a] as number) - centre) ** 2 + ((y[at.b] as number) - centre) ** 2) / (2 * n);
  }
  const first = new Float64Array(k);
  const total = new Float64Array(k);
  sobolEstimates(y, k, identity, centre, first, total);

  const firstDraws: Float64Array[] = [];
  const totalDraws: Float64Array[] = [];
  const rows = new Uint32Array(n);
  for (let b = 0; b < bootstrap.resamples; b++) {
    for (let j = 0; j < n; j++) rows[j] = Math.floor(bootstrap.random() * n);
    const f = new Float64Array(k);
    const t = new Float64Array(k);
    sobolEstimates(y, k, rows, centre, f, t);
    firstDraws.push(f);
    totalDraws.push(t);
  }
  const firstCi = percentileIntervals(firstDraws, k, bootstrap.confidence);
  const totalCi = percentileIntervals(totalDraws, k, bootstrap.confidence);
  const estimate = (value: number, [low, high]: [number, number]): Estimate => ({ value, low, high });
  return {
    mean: centre,
    variance,
    first: Array.from(first, (v, i) => estimate(v, firstCi[i] as [number, number])),
    total: Array.from(total, (v, i) => estimate(v, totalCi[i] as [number, number])),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Morris elementary effects
// ---------------------------------------------------------------------------------------------------------

export interface MorrisDesign {
  parameters: number;
  levels: number;
  /** The step in the unit cube, p / (2(p − 1)). */
  delta: number;
  /** r(k + 1) points: trajectory t is rows t(k + 1) … t(k + 1) + k. */
  points: number[][];
  /**
   * Per trajectory, the k moves in order: the parameter that changes and its signed
   * step (±Δ; for a rounded parameter, the change its rounded value made, as a
   * fraction of the range, which may be 0: see realisedSteps).
   */
  moves: { parameter: number; step: number }[][];
}

/**
 * The design with each move's step as the run values changed: an integer
 * parameter is rounded, so it moves by the rounded values' difference (as a
 * fraction of its range, on its scale), not by Δ; a move that rounding cancelled
 * gets step 0, and morrisIndices drops its effect.
 */
export function realisedSteps(
  design: MorrisDesign,
  factors: readonly Factor[],
  integer: readonly boolean[],
): MorrisDesign {
  const k = design.parameters;
  const unitOf = (u: number, i: number) => {
    const f = factors[i] as Factor;
    return integer[i] ? toUnit(Math.round(fromUnit(u, f)), f) : u;
  };
  return {
    ...design,
    moves: design.moves.map((trajectory, t) =>
      trajectory.map(({ parameter, step }, s) => {
        if (!integer[parameter]) return { parameter, step };
        const before = (design.points[t * (k + 1) + s] as number[])[parameter] as number;
        const after = (design.points[t * (k + 1) + s + 1] as number[])[parameter] as number;
        return { parameter, step: unitOf(after, parameter) - unitOf(before, parameter) };
      }),
    ),
  };
}

/**
 * r random trajectories over k parameters on a grid of `levels` (even) levels.
 * Each starts at a random grid point, draws each parameter's direction (up from a
 * level in the lower half, or down from one in the upper half) and visits the
 * parameters in a random order, moving one by Δ at a time.
 */
export function morrisDesign(
  trajectories: number,
  k: number,
  levels: number,
  random: () => number,
): MorrisDesign {
  if (!Number.isInteger(levels) || levels < 2 || levels % 2 !== 0)
    throw new RangeError(`Morris design: ${levels} levels (expected an even number of at least 2)`);
  const jump = levels / 2;
  const delta = jump / (levels - 1);
  const points: number[][] = [];
  const moves: { parameter: number; step: number }[][] = [];
  for (let t = 0; t < trajectories; t++) {
    // Levels as integers, so that one level is always the same number.
    const level = new Array<number>(k);
    const direction = new Array<number>(k);
    for (let i = 0; i < k; i++) {
      const base = Math.floor(random() * jump);
      const up = random() < 0.5;
      level[i] = up ? base : base + jump;
      direction[i] = up ? 1 : -1;
    }
    const order = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const at = () => level.map((l) => l / (levels - 1));
    points.push(at());
    moves.push(
      order.map((parameter) => {
        level[parameter] = (level[parameter] as number) + (direction[parameter] as number) * jump;
        points.push(at());
        return { parameter, step: (direction[parameter] as number) * delta };
      }),
    );
  }
  return { parameters: k, levels, delta, points, moves };
}

export interface MorrisIndices {
  /** Mean absolute elementary effect, with a bootstrap interval over trajectories. */
  muStar: Estimate[];
  /** Mean elementary effect: near 0 with a large μ* means effects of both signs. */
  mu: number[];
  /** Standard deviation of the elementary effects: interactions or non-linearity. */
  sigma: number[];
  /** Effects per parameter: one a trajectory, less those whose move rounding cancelled (step 0). */
  effects: number[];
}

/**
 * Elementary effects (output change per unit of the unit cube, so per whole range)
 * from the outputs y of a Morris design.
 */
export function morrisIndices(
  y: ArrayLike<number>,
  design: MorrisDesign,
  bootstrap: BootstrapOptions,
): MorrisIndices {
  const k = design.parameters;
  const r = design.moves.length;
  if (y.length !== r * (k + 1))
    throw new RangeError(`Morris indices: ${y.length} outputs for ${r} trajectories of ${k} parameters`);
  // effects[i][t]: parameter i's effect in trajectory t; NaN when its move changed nothing (step 0).
  const effects = Array.from({ length: k }, () => new Float64Array(r));
  design.moves.forEach((trajectory, t) => {
    trajectory.forEach(({ parameter, step }, s) => {
      const before = y[t * (k + 1) + s] as number;
      const after = y[t * (k + 1) + s + 1] as number;
      (effects[parameter] as Float64Array)[t] = step === 0 ? Number.NaN : (after - before) / step;
    });
  });
  const meanAbs = (e: Float64Array, rows: ArrayLike<number>) => {
    let sum = 0;
    let n = 0;
    for (let j = 0; j < rows.length; j++) {
      const v = e[rows[j] as number] as number;
      if (Number.isNaN(v)) continue;
      sum += Math.abs(v);
      n++;
    }
    return n ? sum / n : Number.NaN;
  };
  const kept = effects.map((e) => e.filter((v) => !Number.isNaN(v)));
  const identity = Uint32Array.from({ length: r }, (_, t) => t);
  const draws: Float64Array[] = [];
  const rows = new Uint32Array(r);
  for (let b = 0; b < bootstrap.resamples; b++) {
    for (let j = 0; j < r; j++) rows[j] = Math.floor(bootstrap.random() * r);
    draws.push(Float64Array.from(effects, (e) => meanAbs(e, rows)));
  }
  const intervals = percentileIntervals(draws, k, bootstrap.confidence);
  return {
    muStar: effects.map((e, i) => {
      const [low, high] = intervals[i] as [number, number];
      return { value: meanAbs(e, identity), low, high };
    }),
    mu: kept.map((e) => (e.length ? e.reduce((s, v) => s + v, 0) / e.length : Number.NaN)),
    sigma: kept.map((e) => {
      const n = e.length;
      const m = e.reduce((s, v) => s + v, 0) / n;
      return n > 1 ? Math.sqrt(e.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1)) : Number.NaN;
    }),
    effects: kept.map((e) => e.length),
  };
}
