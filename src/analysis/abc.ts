/**
 * Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; Toni et al.
 * 2009, J R Soc Interface 6:187), with the adaptive Gaussian kernel of Beaumont
 * et al. 2009 (Biometrika 96:983: twice the weighted covariance of the previous
 * population, here multivariate as in Filippi et al. 2013) and tolerances chosen
 * adaptively from the previous generation (the idea of Del Moral et al. 2012,
 * Stat Comput 22:1009, in the quantile form of Drovandi & Pettitt 2011 and
 * Lenormand et al. 2013: the next tolerance is a quantile of the current
 * population's distances).
 *
 * Generation 0 is a sample of the prior, all accepted; it sets the scale of each
 * target where the observation has no uncertainty (the MAD of the simulated
 * values), so that no target dominates the distance by its units. Generation t
 * proposes by resampling generation t−1 by weight and perturbing with the kernel,
 * accepts a proposal when its distance is at most the tolerance, and weights it
 * prior / Σ_j w_j K(θ | θ_j).
 *
 * Proposals are drawn in rounds of a fixed size from a stream keyed by (seed,
 * generation, round) and are decided in index order once a round is simulated,
 * so the result depends on the seed and the round size only: never on how many
 * workers or shards simulated the round, nor on the order they finished in, and
 * a resumed calibration replays the same proposals. Pure TypeScript, no Node APIs:
 * the simulator is a callback.
 */
import seedrandom from 'seedrandom';
import { normal } from '../engine/samplers.ts';

/** A prior of one parameter; bounds are where its density is positive (normal: ±Infinity allowed). */
export type Prior =
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'log-uniform'; low: number; high: number }
  | { kind: 'normal'; mean: number; sd: number; low: number; high: number };

export interface AbcParameter {
  name: string;
  prior: Prior;
}

/** A point to simulate, and the seed of its replicates. */
export interface Proposal {
  theta: number[];
  seed: number;
}

export interface Particle extends Proposal {
  weight: number;
  distance: number;
  summaries: number[];
  /** Where it was proposed: round and index within the round. */
  round: number;
  index: number;
}

export interface Generation {
  index: number;
  /** Accepted when the distance is at most this; Infinity in generation 0. */
  tolerance: number;
  /** Proposals decided up to the one that filled the population (later ones of the last round are discarded). */
  proposals: number;
  /** Proposals simulated, the discarded ones included. */
  simulated: number;
  /** Proposals whose simulation failed (counted as rejected). */
  failed: number;
  rounds: number;
  acceptanceRate: number;
  ess: number;
  particles: Particle[];
}

export interface Settings {
  parameters: readonly AbcParameter[];
  observed: readonly number[];
  /** Per target: the observation's uncertainty (scales its distance), or undefined to scale by the MAD of generation 0. */
  uncertainty: readonly (number | undefined)[];
  seed: number;
  population: number;
  /** Proposals per round (a batch of simulations). */
  roundSize: number;
  /** Generations after generation 0 (the prior). */
  generations: number;
  /** The next tolerance is this quantile of the current population's distances. */
  quantile: number;
  /** Stop once the tolerance is at or below this. */
  finalTolerance?: number | undefined;
  /** A generation whose acceptance rate would fall below this is abandoned and the calibration stops. */
  minAcceptance?: number | undefined;
  /**
   * Whether the model accepts θ (rules between parameters that bounds cannot say);
   * outside, the prior is taken as zero: such proposals are redrawn, never simulated.
   */
  inSupport?: ((theta: readonly number[]) => boolean) | undefined;
}

/** Summaries of one proposal in the order of `observed`, or undefined when its simulation failed. */
export type Summaries = readonly number[] | undefined;

export interface Round {
  generation: number;
  round: number;
  proposals: Proposal[];
}

export type Simulate = (round: Round) => Promise<Summaries[]> | Summaries[];

export type ScaleSource = 'uncertainty' | 'mad' | 'mean absolute deviation' | 'none';

export interface AbcResult {
  generations: Generation[];
  /** The last complete generation. */
  posterior: Generation;
  scales: number[];
  scaleSources: ScaleSource[];
  stopped: 'generations' | 'tolerance' | 'acceptance' | 'exact' | 'plateau';
}

export type Uniform = () => number;

// ---------------------------------------------------------------- priors

/** Log-uniform priors are perturbed on the log scale (ratios), the others on their own. */
export function toWorking(prior: Prior, x: number): number {
  return prior.kind === 'log-uniform' ? Math.log(x) : x;
}

export function fromWorking(prior: Prior, w: number): number {
  return prior.kind === 'log-uniform' ? Math.exp(w) : w;
}

/** Log prior density on the working scale, up to a constant; −Infinity outside the support. */
export function logPrior(parameters: readonly AbcParameter[], working: readonly number[]): number {
  let sum = 0;
  parameters.forEach(({ prior }, k) => {
    const w = working[k] as number;
    const x = fromWorking(prior, w);
    if (!(x >= prior.low && x <= prior.high)) sum = Number.NEGATIVE_INFINITY;
    else if (prior.kind === 'normal') sum -= ((x - prior.mean) / prior.sd) ** 2 / 2;
    else if (prior.kind === 'uniform') sum -= Math.log(prior.high - prior.low);
    else sum -= Math.log(Math.log(prior.high) - Math.log(prior.low));
  });
  return sum;
}

const MAX_TRIES = 100_000;

/** Rejection from the untruncated normal: exact, and the spec refuses bounds with little mass. */
function truncatedNormal(name: string, prior: Prior & { kind: 'normal' }, u: Uniform): number {
  for (let i = 0; i < MAX_TRIES; i++) {
    const x = prior.mean + prior.sd * normal(u);
    if (x >= prior.low && x <= prior.high) return x;
  }
  throw new Error(`${name}: the normal prior has almost no mass inside [${prior.low}, ${prior.high}]`);
}

export function samplePrior(parameters: readonly AbcParameter[], u: Uniform): number[] {
  return parameters.map(({ name, prior }) => {
    if (prior.kind === 'uniform') return prior.low + u() * (prior.high - prior.low);
    if (prior.kind === 'log-uniform')
      return Math.exp(Math.log(prior.low) + u() * (Math.log(prior.high) - Math.log(prior.low)));
    return truncatedNormal(name, prior, u);
  });
}

// ---------------------------------------------------------------- the kernel

/** Lower-triangular L with L Lᵀ = a; a small ridge is added while a is not positive definite. */
export function cholesky(a: readonly (readonly number[])[]): number[][] {
  const d = a.length;
  const scale = Math.max(1e-300, ...a.map((row, i) => Math.abs(row[i] as number)));
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-12 * scale : ridge * 10) {
    const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    let ok = true;
    for (let i = 0; i < d && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = (a[i]?.[j] as number) + (i === j ? ridge : 0);
        for (let k = 0; k < j; k++) s -= (l[i]?.[k] as number) * (l[j]?.[k] as number);
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          (l[i] as number[])[i] = Math.sqrt(s);
        } else (l[i] as number[])[j] = s / (l[j]?.[j] as number);
      }
    }
    if (ok) return l;
    if (ridge > scale) throw new Error('the perturbation kernel has no positive-definite covariance');
  }
}

export interface Kernel {
  centres: number[][];
  weights: number[];
  cumulative: number[];
  /** Cholesky factor of the kernel's covariance (twice the population's weighted covariance). */
  chol: number[][];
}

/** Weighted mean and covariance (weights summing to one). */
export function weightedCovariance(
  points: readonly (readonly number[])[],
  weights: readonly number[],
): { mean: number[]; covariance: number[][] } {
  const d = points[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  points.forEach((p, i) => {
    for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + (weights[i] as number) * (p[k] as number);
  });
  const covariance = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  points.forEach((p, i) => {
    const w = weights[i] as number;
    for (let a = 0; a < d; a++)
      for (let b = 0; b <= a; b++) {
        const row = covariance[a] as number[];
        row[b] =
          (row[b] as number) +
          w * ((p[a] as number) - (mean[a] as number)) * ((p[b] as number) - (mean[b] as number));
      }
  });
  for (let a = 0; a < d; a++)
    for (let b = a + 1; b < d; b++) (covariance[a] as number[])[b] = covariance[b]?.[a] as number;
  return { mean, covariance };
}

export function kernelOf(parameters: readonly AbcParameter[], previous: Generation): Kernel {
  const centres = previous.particles.map((p) =>
    p.theta.map((x, k) => toWorking((parameters[k] as AbcParameter).prior, x)),
  );
  const weights = previous.particles.map((p) => p.weight);
  const { covariance } = weightedCovariance(centres, weights);
  const chol = cholesky(covariance.map((row) => row.map((v) => 2 * v)));
  let sum = 0;
  const cumulative = weights.map((w) => (sum += w));
  return { centres, weights, cumulative, chol };
}

function pick(cumulative: readonly number[], u: number): number {
  const target = u * (cumulative[cumulative.length - 1] as number);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Squared Mahalanobis distance (x − c)ᵀ (L Lᵀ)⁻¹ (x − c), by forward substitution. */
function mahalanobis2(
  chol: readonly (readonly number[])[],
  x: readonly number[],
  c: readonly number[],
): number {
  const d = x.length;
  const y = new Array<number>(d);
  let q = 0;
  for (let i = 0; i < d; i++) {
    let s = (x[i] as number) - (c[i] as number);
    for (let k = 0; k < i; k++) s -= (chol[i]?.[k] as number) * (y[k] as number);
    const yi = s / (chol[i]?.[i] as number);
    y[i] = yi;
    q += yi * yi;
  }
  return q;
}

/**
 * Resamples a particle by weight and perturbs it; a proposal outside the prior's
 * support is redrawn whole (particle and perturbation), so the proposal density
 * is Σ_j w_j K(θ | θ_j) on the support up to one constant, and the importance
 * weights below stay exact.
 */
function perturb(
  parameters: readonly AbcParameter[],
  kernel: Kernel,
  u: Uniform,
  inSupport: (theta: readonly number[]) => boolean,
): number[] {
  const d = parameters.length;
  for (let t = 0; t < MAX_TRIES; t++) {
    const centre = kernel.centres[pick(kernel.cumulative, u())] as number[];
    const z = Array.from({ length: d }, () => normal(u));
    const w = centre.map((c, i) => {
      let s = c;
      for (let k = 0; k <= i; k++) s += (kernel.chol[i]?.[k] as number) * (z[k] as number);
      return s;
    });
    if (logPrior(parameters, w) === Number.NEGATIVE_INFINITY) continue;
    const theta = w.map((v, k) => fromWorking((parameters[k] as AbcParameter).prior, v));
    if (inSupport(theta)) return theta;
  }
  throw new Error('the perturbation kernel keeps leaving the support of the prior');
}

/** log Σ_j w_j K(θ | θ_j), without the Gaussian's constant (the same for every θ). */
function logMixture(kernel: Kernel, working: readonly number[]): number {
  const terms = kernel.centres.map(
    (c, j) => Math.log(kernel.weights[j] as number) - mahalanobis2(kernel.chol, working, c) / 2,
  );
  const max = Math.max(...terms);
  if (max === Number.NEGATIVE_INFINITY) return max;
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
}

/** Normalised importance weights prior / Σ_j w_j K(θ | θ_j) of accepted particles. */
export function importanceWeights(
  parameters: readonly AbcParameter[],
  kernel: Kernel,
  thetas: readonly (readonly number[])[],
): number[] {
  const logs = thetas.map((theta) => {
    const w = theta.map((x, k) => toWorking((parameters[k] as AbcParameter).prior, x));
    return logPrior(parameters, w) - logMixture(kernel, w);
  });
  const max = Math.max(...logs);
  const raw = logs.map((l) => Math.exp(l - max));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / sum);
}

/** The stream of one round: proposals depend on (seed, generation, round) only. */
export function roundStream(seed: number, generation: number, round: number): Uniform {
  return seedrandom.alea(`seedsoil-abc:${seed}:${generation}:${round}`);
}

/** A seed for a proposal's replicates, within the scenario schema's seed range. */
function drawSeed(u: Uniform): number {
  return Math.floor(u() * 2 ** 31);
}

const everywhere = () => true;

function fromPrior(
  parameters: readonly AbcParameter[],
  u: Uniform,
  inSupport: (theta: readonly number[]) => boolean,
): number[] {
  for (let t = 0; t < MAX_TRIES; t++) {
    const theta = samplePrior(parameters, u);
    if (inSupport(theta)) return theta;
  }
  throw new Error('the model refuses almost every draw of the prior');
}

export function proposeRound(
  parameters: readonly AbcParameter[],
  kernel: Kernel | undefined,
  u: Uniform,
  count: number,
  inSupport: (theta: readonly number[]) => boolean = everywhere,
): Proposal[] {
  return Array.from({ length: count }, () => {
    const theta = kernel ? perturb(parameters, kernel, u, inSupport) : fromPrior(parameters, u, inSupport);
    return { theta, seed: drawSeed(u) };
  });
}

// ---------------------------------------------------------------- summaries of samples

/** Type 7 quantile (R's default) of unweighted values. */
export function quantile(values: readonly number[], q: number): number {
  const x = [...values].sort((a, b) => a - b);
  if (x.length === 0) return Number.NaN;
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  const a = x[lo] as number;
  const b = x[Math.min(lo + 1, x.length - 1)] as number;
  return a === b ? a : a + (h - lo) * (b - a);
}

/**
 * Weighted quantile: each value sits at the middle of its share of the total
 * weight, linear in between, the extreme values beyond the ends (with equal
 * weights this is Hazen's rule, R's type 5).
 */
export function weightedQuantile(values: readonly number[], weights: readonly number[], q: number): number {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const total = weights.reduce((a, b) => a + b, 0);
  if (order.length === 0 || !(total > 0)) return Number.NaN;
  let before = 0;
  let prevPos = Number.NEGATIVE_INFINITY;
  let prevValue = values[order[0] as number] as number;
  for (const i of order) {
    const w = weights[i] as number;
    const pos = (before + w / 2) / total;
    const v = values[i] as number;
    if (q <= pos) {
      if (prevPos === Number.NEGATIVE_INFINITY) return v;
      return prevValue + ((q - prevPos) / (pos - prevPos)) * (v - prevValue);
    }
    before += w;
    prevPos = pos;
    prevValue = v;
  }
  return prevValue;
}

/** Effective sample size (Σw)² / Σw² (Kish). */
export function effectiveSampleSize(weights: readonly number[]): number {
  const s = weights.reduce((a, b) => a + b, 0);
  const s2 = weights.reduce((a, b) => a + b * b, 0);
  return s2 > 0 ? (s * s) / s2 : 0;
}

/** Median absolute deviation, scaled to the standard deviation of a normal law. */
export function mad(values: readonly number[]): number {
  const m = quantile(values, 0.5);
  return (
    1.4826 *
    quantile(
      values.map((v) => Math.abs(v - m)),
      0.5,
    )
  );
}

/** Scale of each target: its observed uncertainty, else its spread over generation 0. */
export function targetScales(
  uncertainty: readonly (number | undefined)[],
  generation0: readonly (readonly number[])[],
): { scales: number[]; sources: ScaleSource[] } {
  const scales: number[] = [];
  const sources: ScaleSource[] = [];
  uncertainty.forEach((sd, k) => {
    if (sd !== undefined && sd > 0) {
      scales.push(sd);
      sources.push('uncertainty');
      return;
    }
    const values = generation0.map((s) => s[k] as number).filter(Number.isFinite);
    const m = mad(values);
    if (m > 0) {
      scales.push(m);
      sources.push('mad');
      return;
    }
    // Mostly one value (a rare event): the mean absolute deviation still sees the rest.
    const centre = quantile(values, 0.5);
    const meanAbs = values.reduce((a, v) => a + Math.abs(v - centre), 0) / Math.max(1, values.length);
    if (meanAbs > 0) {
      scales.push(1.2533 * meanAbs);
      sources.push('mean absolute deviation');
    } else {
      scales.push(1);
      sources.push('none');
    }
  });
  return { scales, sources };
}

/** Euclidean distance of scaled differences; a missing or non-finite summary is infinitely far. */
export function distance(
  summaries: Summaries,
  observed: readonly number[],
  scales: readonly number[],
): number {
  if (!summaries) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let k = 0; k < observed.length; k++) {
    const z = ((summaries[k] as number) - (observed[k] as number)) / (scales[k] as number);
    if (!Number.isFinite(z)) return Number.POSITIVE_INFINITY;
    sum += z * z;
  }
  return Math.sqrt(sum);
}

/** Indices drawn by weight (multinomial), for the posterior predictive check. */
export function resample(weights: readonly number[], count: number, u: Uniform): number[] {
  let sum = 0;
  const cumulative = weights.map((w) => (sum += w));
  return Array.from({ length: count }, () => pick(cumulative, u()));
}

export interface Marginal {
  median: number;
  low: number;
  high: number;
  mean: number;
}

/** Weighted median, equal-tailed 95% credible interval and mean of each parameter. */
export function marginals(generation: Generation, dimensions: number): Marginal[] {
  const weights = generation.particles.map((p) => p.weight);
  return Array.from({ length: dimensions }, (_, k) => {
    const values = generation.particles.map((p) => p.theta[k] as number);
    return {
      median: weightedQuantile(values, weights, 0.5),
      low: weightedQuantile(values, weights, 0.025),
      high: weightedQuantile(values, weights, 0.975),
      mean:
        values.reduce((s, v, i) => s + v * (weights[i] as number), 0) / weights.reduce((a, b) => a + b, 0),
    };
  });
}

// ---------------------------------------------------------------- the algorithm

export function checkSettings(s: Settings): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: expected a positive integer (got ${v})`);
  };
  positiveInt('population', s.population);
  positiveInt('roundSize', s.roundSize);
  if (!Number.isInteger(s.generations) || s.generations < 0)
    throw new Error(`generations: expected a non-negative integer (got ${s.generations})`);
  if (!(s.quantile > 0 && s.quantile < 1))
    throw new Error(`quantile: expected 0 < q < 1 (got ${s.quantile})`);
  if (s.observed.length === 0 || s.observed.length !== s.uncertainty.length)
    throw new Error('observed and uncertainty: one entry per target');
  if (s.parameters.length === 0) throw new Error('parameters: at least one');
}

/**
 * Runs ABC-SMC: generation 0 from the prior, then `generations` more, each with the
 * tolerance set from the one before. `simulate` gets one round at a time and
 * returns every proposal's summaries; `report` hears of each finished generation.
 */
export async function abcSmc(
  settings: Settings,
  simulate: Simulate,
  report?: (generation: Generation, result: { scales: number[]; sources: ScaleSource[] }) => void,
): Promise<AbcResult> {
  checkSettings(settings);
  const { parameters, observed, population: n } = settings;
  const generations: Generation[] = [];

  // Generation 0: the prior, every successful simulation accepted.
  const first: { proposal: Proposal; summaries: number[]; round: number; index: number }[] = [];
  let simulated = 0;
  let failed = 0;
  let rounds = 0;
  let decided = 0;
  while (first.length < n) {
    const count = Math.min(settings.roundSize, n - first.length);
    const proposals = proposeRound(
      parameters,
      undefined,
      roundStream(settings.seed, 0, rounds),
      count,
      settings.inSupport,
    );
    const out = await simulate({ generation: 0, round: rounds, proposals });
    simulated += count;
    proposals.forEach((proposal, index) => {
      const s = out[index];
      decided++;
      if (s?.every(Number.isFinite)) first.push({ proposal, summaries: [...s], round: rounds, index });
      else failed++;
    });
    rounds++;
    if (settings.minAcceptance !== undefined && first.length < n && simulated >= n / settings.minAcceptance)
      throw new Error(
        `generation 0: only ${first.length} of ${simulated} prior draws simulated successfully; the calibration cannot start`,
      );
  }
  const { scales, sources } = targetScales(
    settings.uncertainty,
    first.map((f) => f.summaries),
  );
  const scaleInfo = { scales, sources };
  const gen0: Generation = {
    index: 0,
    tolerance: Number.POSITIVE_INFINITY,
    proposals: decided,
    simulated,
    failed,
    rounds,
    acceptanceRate: first.length / decided,
    ess: n,
    particles: first.map((f) => ({
      ...f.proposal,
      weight: 1 / n,
      distance: distance(f.summaries, observed, scales),
      summaries: f.summaries,
      round: f.round,
      index: f.index,
    })),
  };
  generations.push(gen0);
  report?.(gen0, scaleInfo);

  let stopped: AbcResult['stopped'] = 'generations';
  for (let g = 1; g <= settings.generations; g++) {
    const previous = generations[generations.length - 1] as Generation;
    const distances = previous.particles.map((p) => p.distance);
    let tolerance = quantile(distances, settings.quantile);
    // Discrete summaries tie distances: a quantile at the tolerance that made this
    // population would accept the same set again, generation after generation.
    // Step to the largest distance below it instead; with none, it cannot fall.
    if (tolerance >= previous.tolerance) {
      const below = distances.filter((d) => d < previous.tolerance);
      if (below.length === 0) {
        stopped = 'plateau';
        break;
      }
      tolerance = Math.max(...below);
    }
    if (settings.finalTolerance !== undefined) tolerance = Math.max(tolerance, settings.finalTolerance);
    const kernel = kernelOf(parameters, previous);
    const accepted: {
      proposal: Proposal;
      summaries: number[];
      distance: number;
      round: number;
      index: number;
    }[] = [];
    simulated = 0;
    failed = 0;
    decided = 0;
    rounds = 0;
    let abandoned = false;
    while (accepted.length < n) {
      const proposals = proposeRound(
        parameters,
        kernel,
        roundStream(settings.seed, g, rounds),
        settings.roundSize,
        settings.inSupport,
      );
      const out = await simulate({ generation: g, round: rounds, proposals });
      simulated += proposals.length;
      for (let index = 0; index < proposals.length && accepted.length < n; index++) {
        const s = out[index];
        decided++;
        if (!s) failed++;
        const d = distance(s, observed, scales);
        if (d <= tolerance)
          accepted.push({
            proposal: proposals[index] as Proposal,
            summaries: [...(s as number[])],
            distance: d,
            round: rounds,
            index,
          });
      }
      rounds++;
      if (
        settings.minAcceptance !== undefined &&
        accepted.length < n &&
        simulated >= n / settings.minAcceptance
      ) {
        abandoned = true;
        break;
      }
    }
    if (abandoned) {
      stopped = 'acceptance';
      break;
    }
    const weights = importanceWeights(
      parameters,
      kernel,
      accepted.map((a) => a.proposal.theta),
    );
    const generation: Generation = {
      index: g,
      tolerance,
      proposals: decided,
      simulated,
      failed,
      rounds,
      acceptanceRate: n / decided,
      ess: effectiveSampleSize(weights),
      particles: accepted.map((a, i) => ({
        ...a.proposal,
        weight: weights[i] as number,
        distance: a.distance,
        summaries: a.summaries,
        round: a.round,
        index: a.index,
      })),
    };
    generations.push(generation);
    report?.(generation, scaleInfo);
    if (settings.finalTolerance !== undefined && tolerance <= settings.finalTolerance) {
      stopped = 'tolerance';
      break;
    }
    if (settings.minAcceptance !== undefined && generation.acceptanceRate < settings.minAcceptance) {
      stopped = 'acceptance';
      break;
    }
    // Every accepted simulation matches the observations exactly (discrete summaries): the
    // tolerance cannot fall further, and later generations would only resample this one.
    if (tolerance === 0) {
      stopped = 'exact';
      break;
    }
  }
  return {
    generations,
    posterior: generations[generations.length - 1] as Generation,
    scales,
    scaleSources: sources,
    stopped,
  };
}
