/**
 * The phases of a colony that is still a member of a cohort (cohorts.ts): growth
 * (1) with immune pressure (8) and the cells it sheds (3), its angiogenic switch and
 * capacity (7), promotion to an individual record and return from one. Every law is
 * the one the tumour phases apply to one colony: the same division and death
 * probabilities and substeps, the same immune hazard, the same invasive fraction
 * and shedding rate, the same switch hazard and Hahnfeldt capacity. Applied to m
 * colonies at once:
 *
 * - An exact-size row (n <= exactColonyCells) moves by the exact one-step law of a
 *   colony of n cells: each cell's descendants after the substeps (a branching
 *   process), summed over n cells, then thinned by immune kill and by shedding
 *   (each surviving cell lost independently). The m colonies go to a multinomial
 *   over that law: exact in distribution.
 * - A binned row moves by the normal law with the exact mean and variance of the
 *   same step; colonies landing in a bin take the law's mean within the bin, so
 *   the mean size is kept. This is the approximation of the representation.
 * - The shed cells of a row are drawn from all its cells (an exact-size row's at
 *   the step's start, a binned row's after growth and immune kill); the size law
 *   above removes them from the colonies in distribution (the two are drawn
 *   independently: each is exact, their coupling within a step is not kept).
 * - Vascular colonies are rows too, keyed also by a capacity bin; the row's mean
 *   capacity sets their growth and vascularisation.
 *
 * A colony leaves its cohort (is promoted) when a daughter gains a new driver or it
 * reaches the size at which a metastasis is detectable: from then on it is a tumour
 * record that the clinical layer and the user follow one by one. A record that is
 * again of a cohort's kind returns to it.
 */
import {
  type ColonyStore,
  clearColonies,
  colonyRecord,
  firstEdgeAtLeast,
  joinCohort,
  moveColonies,
} from '../cohorts.ts';
import { type Context, countFunnel, logEvent } from '../context.ts';
import { binomial, erfc, logBinomialPmf, normal, type Uniform } from '../samplers.ts';
import { DRIVERS, SITES } from '../schema.ts';
import {
  ANGIOGENIC,
  cellsForDiameter,
  DRIVER_SETS,
  IMMUNE_EVASION,
  ROUTE_BLOOD,
  ROUTE_LYMPH,
  sizeClass,
  TIMINGS,
  type Tumour,
} from '../state.ts';
import { nextCapacity, siteLimit, switchProbability } from './angiogenesis.ts';
import { deathRate, divisionRate, driverCount, netRate, stepProbabilities, substeps } from './growth.ts';
import {
  bloodShare,
  cellsPerShedEvent,
  invasiveFraction,
  POOLED_ORIGIN,
  releaseCells,
  type ShedBatch,
  shedHazard,
  shedLossRate,
} from './invasion.ts';

/** Tail mass below which a law's support is cut: under the resolution of a double-precision uniform. */
const TAIL = 1e-18;
/** The normal law is followed to this many standard deviations. */
const SPAN = 8;

// ---------------------------------------------------------------- the step's law of one colony

/** The numbers of one colony's step law; one object, refilled for each row (no allocation per row). */
interface StepLaw {
  pDivide: number;
  pDie: number;
  substeps: number;
  /** Expected divisions per cell over the step. */
  divisions: number;
  drivers: number;
  site: number;
  /** Immune pressure on the colony's cells (0 when its clone evades). */
  pressure: number;
  /** Shedding hazard of an invasive cell integrated over the step: (r_b v + r_l) dt. */
  shedHazard: number;
  /** Share of shedding events that enter blood (the rest, lymph). */
  toBlood: number;
}

const law: StepLaw = {
  pDivide: 0,
  pDie: 0,
  substeps: 1,
  divisions: 0,
  drivers: 0,
  site: 0,
  pressure: 0,
  shedHazard: 0,
  toBlood: 0,
};

/** The step law of a colony of a row; capacity 0 means avascular (held at the avascular capacity). */
function stepLaw(ctx: Context, cells: number, drivers: number, site: number, capacity = 0): StepLaw {
  const s = ctx.scenario;
  const g = netRate(ctx, true, capacity || s.angiogenesis.avascularCapacityCells, cells);
  // Blood-borne shedding, and so the deaths it replaces, scales with vascularisation, as
  // for a record (angiogenesis.ts).
  const v = capacity > 0 ? Math.min(1, capacity / cells) : s.angiogenesis.baselineVascularisation;
  const die = deathRate(ctx, g, shedLossRate(ctx, drivers, cells, v));
  const divide = divisionRate(ctx, g, drivers);
  const k = substeps(divide, die, s.time.dt);
  const [pDivide, pDie] = stepProbabilities(divide, die, s.time.dt / k);
  const pressure = s.sites[SITES[site] as Exclude<(typeof SITES)[number], 'primary'>]?.immunePressure ?? 0;
  const inv = s.invasion;
  law.pDivide = pDivide;
  law.pDie = pDie;
  law.substeps = k;
  law.divisions = 0;
  for (let j = 0, mean = 1; j < k; j++, mean *= 1 + pDivide - pDie) law.divisions += pDivide * mean;
  law.drivers = drivers;
  law.site = site;
  law.pressure = drivers & IMMUNE_EVASION ? 0 : pressure;
  law.shedHazard = shedHazard(ctx, v) * s.time.dt;
  law.toBlood = bloodShare(ctx, inv.bloodRate * v);
  return law;
}

/** Immune kill probability per cell in a colony of n cells (phase 8, as immuneAttack). */
function killAt(ctx: Context, l: StepLaw, n: number): number {
  if (l.pressure === 0) return 0;
  const hazard = l.pressure / (1 + n / ctx.scenario.colonisation.immuneSaturationCells);
  return -Math.expm1(-hazard * ctx.scenario.time.dt);
}

/**
 * Chance that a cell of a colony of n cells is shed this step (phase 3, as invade for
 * an avascular tumour): 1 - exp(-f (r_b v + r_l) dt) for invasive share f.
 */
function shedAt(ctx: Context, l: StepLaw, n: number): number {
  return l.shedHazard === 0 ? 0 : -Math.expm1(-invasiveFraction(l.drivers, n, ctx) * l.shedHazard);
}

/**
 * Chance that a cell of a colony of n cells leaves it by shedding this step: a
 * shedding event takes one cell, or a whole cluster (clusterMeanSize cells on
 * average), so a cell leaves with the event chance times the mean cells per event.
 * The size laws thin the colonies by it; the cells of one cluster leave together,
 * which this per-cell thinning does not reproduce (only the mean loss).
 */
function shedLossAt(ctx: Context, l: StepLaw, n: number): number {
  return Math.min(1, shedAt(ctx, l, n) * cellsPerShedEvent(ctx));
}

function polyMultiply(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (x === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j] = (out[i + j] as number) + x * (b[j] as number);
  }
  return trim(out);
}

/** Cuts the upper tail of a law where less than TAIL of its mass lies. */
function trim(p: Float64Array): Float64Array {
  let end = p.length;
  let tail = 0;
  while (end > 1 && tail + (p[end - 1] as number) < TAIL) tail += p[--end] as number;
  return end === p.length ? p : p.slice(0, end);
}

/** Law of X' ~ Binomial(X, 1 - lost(X)) for X with law p. */
function thin(p: Float64Array, lost: (n: number) => number): Float64Array {
  const out = new Float64Array(p.length);
  for (let n = 0; n < p.length; n++) {
    const w = p[n] as number;
    if (w === 0) continue;
    const q = lost(n);
    if (q === 0) {
      out[n] = (out[n] as number) + w;
      continue;
    }
    // Binomial(n, 1 - q) pmf from the top down: P(n) = (1 - q)^n, P(j - 1) = P(j) j q / ((n - j + 1)(1 - q)).
    const keep = 1 - q;
    let pj = keep ** n;
    if (pj < 1e-290) {
      for (let j = 0; j <= n; j++) out[j] = (out[j] as number) + w * binomialPmf(j, n, keep);
      continue;
    }
    for (let j = n; j >= 0; j--) {
      out[j] = (out[j] as number) + w * pj;
      pj = keep === 0 ? (j === 1 ? 1 : 0) : (pj * j * q) / ((n - j + 1) * keep);
    }
  }
  return trim(out);
}

function binomialPmf(j: number, n: number, p: number): number {
  if (p <= 0) return j === 0 ? 1 : 0;
  if (p >= 1) return j === n ? 1 : 0;
  let lc = 0;
  for (let i = 1; i <= j; i++) lc += Math.log((n - j + i) / i);
  return Math.exp(lc + j * Math.log(p) + (n - j) * Math.log1p(-p));
}

/**
 * The exact law of the next size of one colony of n cells (n small). It depends on
 * n, the drivers, the site and the therapy in force, so each replicate keeps the
 * laws it has met (ctx.cohorts.laws); computing one is a pure function of the
 * scenario's numbers, so the laws are also shared across replicates (keyed by
 * those numbers).
 */
const shared = new Map<string, Float64Array>();
const SHARED_LIMIT = 20000;

/** What a step of an exact-size row needs, cached per replicate. */
export interface ExactStep {
  /** Probability of each next size (index = cells). */
  law: Float64Array;
  divisions: number;
  shed: number;
}

/** 0 without therapy, else the number of the therapy's factors among those this replicate has met. */
function therapyIndex(ctx: Context): number {
  const { divisionFactor, deathRate } = ctx.therapy;
  if (divisionFactor === 1 && deathRate === 0) return 0;
  const seen = ctx.cohorts.therapies;
  // The same therapy holds for months: most calls repeat the last one.
  const last = seen.last;
  if (last.divisionFactor === divisionFactor && last.deathRate === deathRate) return last.index;
  const key = `${divisionFactor} ${deathRate}`;
  const index = seen.numbers.get(key) ?? seen.numbers.size + 1;
  seen.numbers.set(key, index);
  seen.last = { divisionFactor, deathRate, index };
  return index;
}

function exactStep(ctx: Context, n: number, drivers: number, site: number): ExactStep {
  const therapy = therapyIndex(ctx);
  const local = ((therapy * 16 + drivers) * 16 + site) * 1024 + n;
  const mine = ctx.cohorts.laws.get(local);
  if (mine) return mine;
  const l = stepLaw(ctx, n, drivers, site);
  const s = ctx.scenario;
  const inv = s.invasion;
  const late = invasiveFraction(l.drivers, Number.POSITIVE_INFINITY, ctx);
  const key = [
    l.pDivide,
    l.pDie,
    l.substeps,
    n,
    l.pressure,
    s.colonisation.immuneSaturationCells,
    s.time.dt,
    l.shedHazard,
    inv.programme,
    inv.earlyMaxFraction,
    inv.earlyHalfCells,
    inv.earlyHillExponent,
    late,
    inv.clusterFraction,
    inv.clusterMeanSize,
  ].join(' ');
  let law = shared.get(key);
  if (!law) {
    law = computeExactLaw(ctx, l, n);
    if (shared.size >= SHARED_LIMIT) shared.clear();
    shared.set(key, law);
  }
  const step = { law, divisions: l.divisions, shed: shedAt(ctx, l, n) };
  ctx.cohorts.laws.set(local, step);
  return step;
}

function computeExactLaw(ctx: Context, l: StepLaw, n: number): Float64Array {
  const { pDivide: pD, pDie: pX } = l;
  // One cell's descendants after the substeps: the offspring law composed with itself.
  const step = Float64Array.of(pX, 1 - pD - pX, pD);
  let one: Float64Array = step;
  for (let j = 1; j < l.substeps; j++) {
    const sq = polyMultiply(one, one);
    const next = new Float64Array(sq.length);
    next[0] = pX;
    for (let i = 0; i < one.length; i++) next[i] = (next[i] as number) + (1 - pD - pX) * (one[i] as number);
    for (let i = 0; i < sq.length; i++) next[i] = (next[i] as number) + pD * (sq[i] as number);
    one = trim(next);
  }
  // n independent cells: the n-th power of that law, by squaring.
  let grown: Float64Array = Float64Array.of(1);
  for (let base: Float64Array = one, e = n; e > 0; e >>= 1) {
    if (e & 1) grown = polyMultiply(grown, base);
    if (e > 1) base = polyMultiply(base, base);
  }
  // Then immune kill at the grown size, then shedding at the size left (the order of step()).
  const killed = thin(grown, (m) => killAt(ctx, l, m));
  return thin(killed, (m) => shedLossAt(ctx, l, m));
}

// ---------------------------------------------------------------- normal law

/** P(Z <= z) and P(Z > z) of a standard normal. */
const lowerTail = (z: number) => 0.5 * erfc(-z / Math.SQRT2);
const upperTail = (z: number) => 0.5 * erfc(z / Math.SQRT2);
const pdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/**
 * Scratch space for the outcomes of one row: sizes (a bin's outcome is the law's
 * mean within the bin, with its mean square) and their probabilities.
 */
const outcome = {
  size: 0,
  values: new Float64Array(256),
  squares: new Float64Array(256),
  probs: new Float64Array(256),
};

function pushOutcome(value: number, prob: number, square = value * value): void {
  if (!(prob > 0)) return;
  if (outcome.size === outcome.values.length) {
    const grow = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    outcome.values = grow(outcome.values);
    outcome.squares = grow(outcome.squares);
    outcome.probs = grow(outcome.probs);
  }
  outcome.values[outcome.size] = value;
  outcome.squares[outcome.size] = square;
  outcome.probs[outcome.size++] = prob;
}

/** Outcomes of Normal(mean, sd) in cells: 0 (gone), exact sizes, then bins at their conditional means. */
function normalOutcomes(ctx: Context, mean: number, sd: number): void {
  const c = ctx.cohorts;
  outcome.size = 0;
  if (sd < 1e-9 * mean || sd === 0) {
    pushOutcome(mean < 0.5 ? 0 : mean, 1);
    return;
  }
  const lo = mean - SPAN * sd;
  const hi = mean + SPAN * sd;
  // Masses between consecutive edges, each edge's tail computed once.
  let edge = Math.max(0.5, Math.floor(lo) + 0.5);
  let below = lowerTail((edge - mean) / sd);
  if (lo < 0.5) pushOutcome(0, below);
  for (let v = Math.ceil(edge); v <= Math.min(c.exact, Math.ceil(hi)); v++) {
    const next = lowerTail((v + 0.5 - mean) / sd);
    pushOutcome(v, next - below);
    below = next;
    edge = v + 0.5;
  }
  if (hi <= c.exact + 0.5) return;
  const edges = c.edges;
  let j = Math.max(0, firstEdgeAtLeast(edges, Math.max(lo, c.exact + 0.5)));
  let a = j === 0 ? c.exact + 0.5 : (edges[j - 1] as number);
  for (; j < edges.length; j++) {
    const b = edges[j] as number;
    const za = (a - mean) / sd;
    const zb = (b - mean) / sd;
    // Differences of upper tails right of the mean, of lower tails left of it: no cancellation.
    const mass = za >= 0 ? upperTail(za) - upperTail(zb) : lowerTail(zb) - lowerTail(za);
    if (mass > 0) {
      // The normal law truncated to the bin: its mean and variance.
      const r = (pdf(za) - pdf(zb)) / mass;
      const m = Math.min(b, Math.max(a, mean + sd * r));
      const v = Math.max(0, sd * sd * (1 + (za * pdf(za) - zb * pdf(zb)) / mass - r * r));
      pushOutcome(m, mass, m * m + Math.min(v, (b - a) ** 2 / 4));
    }
    if (b >= hi) break;
    a = b;
  }
}

/**
 * A row of this many colonies or fewer draws each one's next size from the normal
 * law itself (one normal variate each, the size kept as drawn) instead of spreading
 * them over the bins' masses, which costs a tail evaluation per bin.
 */
const FEW = 8;

/** Outcomes of m colonies drawn one by one from Normal(mean, sd): 0 (gone), an exact size, or the size drawn. */
function drawEach(u: Uniform, m: number, mean: number, sd: number, exact: number): void {
  outcome.size = 0;
  if (landed.length < m) landed = new Float64Array(2 * m);
  for (let j = 0; j < m; j++) {
    const x = mean + sd * normal(u);
    pushOutcome(x < 0.5 ? 0 : x <= exact + 0.5 ? Math.round(x) : x, 1);
  }
}

/** How many colonies landed on each outcome (spread's answer; scratch, reused). */
let landed = new Float64Array(256);

/**
 * Spreads m colonies over outcomes with the given probabilities (a multinomial);
 * returns the count landing on each of the first `size` outcomes.
 */
function spread(u: Uniform, m: number, probs: Float64Array, size: number): Float64Array {
  if (landed.length < size) landed = new Float64Array(2 * size);
  landed.fill(0, 0, size);
  if (m <= 8) {
    // A few colonies: one inversion each is cheaper than a chain of binomials.
    for (let j = 0; j < m; j++) {
      let x = u() - (probs[0] as number);
      let k = 0;
      while (x >= 0 && k < size - 1) x -= probs[++k] as number;
      landed[k] = (landed[k] as number) + 1;
    }
    return landed;
  }
  let left = m;
  let mass = 0;
  for (let k = 0; k < size; k++) mass += probs[k] as number;
  for (let k = 0; k < size && left > 0; k++) {
    const p = probs[k] as number;
    const n = k === size - 1 || p >= mass ? left : binomial(u, left, p / mass);
    mass -= p;
    left -= n;
    landed[k] = n;
  }
  return landed;
}

// ---------------------------------------------------------------- promotion

/** A cohort colony becomes a tumour record; its founding record is its row's. */
export function promote(
  ctx: Context,
  store: ColonyStore,
  i: number,
  cells: number,
  vascular: boolean,
  capacity = ctx.scenario.angiogenesis.avascularCapacityCells,
): Tumour {
  const state = ctx.state;
  const t: Tumour = {
    id: state.nextTumourId++,
    site: store.site[i] as number,
    foundedDay: store.foundedDay[i] as number,
    clones: [
      {
        drivers: store.drivers[i] as number,
        cells: Math.max(1, Math.round(cells)),
        passengers: store.passengers[i] as number,
        parent: -1,
      },
    ],
    capacity,
    vascular,
    founding: colonyRecord(store, i),
    sizeClassReached: store.reached[i] as number,
    residual: false,
  };
  state.tumours.push(t);
  return t;
}

/** Whether a colony record is again of a kind a cohort holds (rejoinCohorts). */
function rejoins(t: Tumour, detectableAt: number): boolean {
  const clone = t.clones[0];
  return (
    t.founding !== null &&
    t.clones.length === 1 &&
    clone !== undefined &&
    clone.cells > 0 &&
    clone.cells < detectableAt &&
    (t.vascular || !(clone.drivers & ANGIOGENIC))
  );
}

/**
 * Colony records that are again of a kind a cohort holds rejoin their cohort: one
 * clone, below the detectable size (a record that shrank under therapy, or one whose
 * new driver's clone died out), and either vascular or without the angiogenic driver
 * (which makes a record switch at once). Without this, records would accumulate with
 * the number of colonies that ever reached a detectable size or gained a driver.
 */
export function rejoinCohorts(ctx: Context): void {
  const { state, scenario: s } = ctx;
  const detectableAt = cellsForDiameter(s.clinical.metastasisDetectionMm, s.body.cellsPerMm3);
  if (!state.tumours.some((t) => rejoins(t, detectableAt))) return;
  state.tumours = state.tumours.filter((t) => {
    if (!rejoins(t, detectableAt)) return true;
    joinCohort(ctx.cohorts, state.colonies, t);
    return false;
  });
}

// ---------------------------------------------------------------- the step

/**
 * Advances every cohort colony one step into the next step's store. Colonies promoted
 * for a new driver run the tumour phases of this step as records (`asTumour`);
 * colonies that become detectable become records.
 */
export function stepCohortColonies(
  ctx: Context,
  primaryCells: number,
  shed: ShedBatch[],
  asTumour: (t: Tumour, afterGrowth: (t: Tumour) => void) => void,
): void {
  const { state, scenario: s, cohorts: c } = ctx;
  const u = ctx.streams.growth;
  const from = state.colonies;
  clearColonies(c, c.spare);
  const a = s.angiogenesis;
  const detectableAt = cellsForDiameter(s.clinical.metastasisDetectionMm, s.body.cellsPerMm3);
  const mu = s.growth.driverMutationRate;
  const muP = s.growth.passengerRate;

  for (let i = 0; i < from.size; i++) {
    let m = from.count[i] as number;
    const n = from.cells[i] as number;
    if (m === 0) continue;
    const drivers = from.drivers[i] as number;
    const site = from.site[i] as number;
    const capacity = from.capacity[i] as number;
    const rowLaw = lawOf(ctx, n, drivers, site, capacity);
    const divisions = rowLaw.divisions;

    // 1. New drivers: each mutant daughter makes its colony a record with two clones
    // (it returns to a cohort if the new clone dies out: rejoinCohorts).
    const missing = DRIVERS.length - driverCount(drivers);
    if (mu > 0 && missing > 0) {
      const mutants = Math.min(m, binomial(u, Math.round(m * n), Math.min(1, divisions * mu * missing)));
      for (let j = 0; j < mutants; j++) {
        let gain = Math.floor(u() * missing);
        let bit = 1;
        for (; ; bit <<= 1) if (!(drivers & bit) && gain-- === 0) break;
        // As in growth, the mutant daughter joins after the step's divisions and deaths
        // (a new clone grows from the next step), so it is there for this step's switch.
        asTumour(promote(ctx, from, i, n, capacity > 0, capacity || undefined), (t) => {
          // The daughter was born at a division, so it is there even if its parent clone
          // died later in the step (growth then dropped the empty clone).
          const parent = t.clones.find((cl) => cl.drivers === drivers);
          if (parent && parent.cells > 0) parent.cells--;
          const passengers = (parent?.passengers ?? (from.passengers[i] as number)) + muP;
          t.clones.push({ drivers: drivers | bit, cells: 1, passengers, parent: drivers });
        });
      }
      m -= mutants;
      if (m === 0) continue;
    }
    from.passengers[i] = (from.passengers[i] as number) + 2 * muP * divisions;

    // 7. The angiogenic switch of avascular colonies with the metastasis hazard once
    // large enough, drawn at the step's start so that a colony sheds as a vascular one
    // from the step of its switch, as a record does (a record switches after its
    // growth and before its shedding). A colony with the angiogenic driver is a record.
    let switched = 0;
    if (capacity === 0) {
      const pSwitch = switchProbability(ctx, a.metastasisSwitchHazard, n);
      switched = pSwitch > 0 ? binomial(ctx.streams.angiogenesis, m, pSwitch) : 0;
      for (let j = 0; j < switched; j++)
        logEvent(state, 'angiogenic_switch', SITES[site] as string, -1, n, 'hazard');
    }
    if (m > switched) advanceRow(ctx, i, m - switched, rowLaw, capacity, false, detectableAt);
    // The step of the switch grows at the avascular limit and leaves the capacity there (as angiogenesis() does).
    if (switched > 0) {
      const vascularLaw = lawOf(ctx, n, drivers, site, a.avascularCapacityCells);
      advanceRow(ctx, i, switched, vascularLaw, a.avascularCapacityCells, true, detectableAt);
    }
  }
  releasePending(ctx, c.pendingShed, primaryCells, shed);
  state.colonies = c.spare;
  c.spare = from;
}

/** The step law of row i's colonies: the exact one for small avascular colonies, else the normal one's numbers. */
function lawOf(
  ctx: Context,
  n: number,
  drivers: number,
  site: number,
  capacity: number,
): ExactStep | StepLaw {
  // A vascular row (below exactColonyCells only after therapy) moves by the normal law.
  return n <= ctx.cohorts.exact + 0.5 && capacity === 0
    ? exactStep(ctx, Math.round(n), drivers, site)
    : stepLaw(ctx, n, drivers, site, capacity);
}

/**
 * Phases 3, 1 and 8 for m colonies of row i with the given capacity (0: avascular):
 * their shedding, their next sizes, and where each lands: extinct, a record once
 * detectable, or a row of the next step's store.
 */
function advanceRow(
  ctx: Context,
  i: number,
  m: number,
  rowLaw: ExactStep | StepLaw,
  capacity: number,
  switching: boolean,
  detectableAt: number,
): void {
  const { state, scenario: s, cohorts: c } = ctx;
  const u = ctx.streams.growth;
  const from = state.colonies;
  const to = c.spare;
  const rho = s.body.cellsPerMm3;
  const n = from.cells[i] as number;
  const vascular = capacity > 0;
  const exact = 'law' in rowLaw ? rowLaw : undefined;
  const l = exact ? undefined : (rowLaw as StepLaw);

  // 1 and 8: the next size of each colony: the exact law (outcome k is k cells) or the normal one.
  const exactLaw1 = exact?.law;
  // 3. Cells shed by the colonies: an exact-size row sheds from its cells at the step's
  // start; a larger one from its cells after growth and immune kill, as a record does
  // (growth before shedding matters most for vascular colonies, which grow and shed fastest).
  let shedFrom = n;
  if (l) {
    const { pDivide: pD, pDie: pX, substeps: k } = l;
    const m1 = 1 + pD - pX;
    const v1 = pD + pX - (pD - pX) ** 2;
    const mean = m1 ** k;
    const variance = m1 === 1 ? k * v1 : (v1 * m1 ** (k - 1) * (mean - 1)) / (m1 - 1);
    const alive = 1 - killAt(ctx, l, n * mean);
    shedFrom = n * mean * alive;
    const keep = alive * (1 - shedLossAt(ctx, l, shedFrom));
    // A member of the row has its own size: the law of one drawn at random adds the
    // spread of sizes within the row to the spread of one step.
    const within = Math.max(0, (from.cellsSq[i] as number) - n * n);
    const f = mean * keep;
    const sd = Math.sqrt(n * variance * keep * keep + n * f * (1 - keep) + f * f * within);
    if (m <= FEW) drawEach(u, m, n * f, sd, c.exact);
    else normalOutcomes(ctx, n * f, sd);
  }
  const pShed = exact ? exact.shed : shedAt(ctx, l as StepLaw, shedFrom);
  if (pShed > 0) {
    const toBlood = vascular ? (l as StepLaw).toBlood : -1;
    shedFromRow(ctx, from, i, Math.round(m * shedFrom), pShed, toBlood, c.pendingShed);
  }
  const size = exactLaw1 ? exactLaw1.length : outcome.size;
  const counts = l && m <= FEW ? landed.fill(1, 0, size) : spread(u, m, exactLaw1 ?? outcome.probs, size);
  const reached = from.reached[i] as number;
  const limit = vascular && !switching ? siteLimit(ctx, from.site[i] as number) : Number.POSITIVE_INFINITY;
  for (let k = 0; k < size; k++) {
    const count = counts[k] as number;
    if (count === 0) continue;
    const value = exactLaw1 ? k : (outcome.values[k] as number);
    if (value === 0) {
      state.coloniesExtinct += count;
      continue;
    }
    const cls = sizeClass(value, rho);
    for (let cl = reached + 1; cl <= cls; cl++) reachClass(ctx, from, i, cl, count, value);
    const now = Math.max(reached, cls);
    // 7. A vascular colony's capacity follows Hahnfeldt's equation at its new size.
    const next = vascular && !switching ? Math.min(nextCapacity(ctx, value, capacity), limit) : capacity;
    if (value >= detectableAt) {
      // Detectable: the clinical layer and the user follow it from now on.
      for (let j = 0; j < count; j++)
        promote(ctx, from, i, value, vascular, next || undefined).sizeClassReached = now;
      continue;
    }
    const square = exactLaw1 ? k * k : (outcome.squares[k] as number);
    moveColonies(c, from, i, to, count, value, now, square, next);
  }
}

/** Counts `count` colonies of row i reaching size class k: the funnel and the first per site. */
function reachClass(
  ctx: Context,
  store: ColonyStore,
  i: number,
  k: number,
  count: number,
  cells: number,
): void {
  const stage = k === 1 ? 'micro' : 'macro';
  countFunnel(ctx.state, stage, store.route[i] as 0 | 1 | 2, store.timing[i] as 0 | 1 | 2, count);
  const seen = ctx.state.firstClassSeen;
  const site = store.site[i] as number;
  if (!((seen[site] as number) & k)) {
    seen[site] = (seen[site] as number) | k;
    logEvent(ctx.state, `first_${stage}`, SITES[site] as string, -1, cells, 'cohort');
  }
}

/** Shedding events of this step from cohort rows, summed per founding key. */
export interface PendingShed {
  site: number;
  drivers: number;
  timing: 0 | 1 | 2;
  generation: number;
  events: number;
  /** Of the events, those already sent to blood (vascular rows draw it per row); -1 for avascular rows. */
  blood: number;
  cells: number;
  passengers: number;
}

/**
 * Shedding events from all cells of row i (phase 3's law). Each shed cell's fate
 * (blood or lymph, single or cluster) is drawn per event, so the events of rows
 * that shed the same kind of cell are summed and released once per step: the number
 * of batches a step circulates is bounded by founding keys, not by rows.
 */
function shedFromRow(
  ctx: Context,
  store: ColonyStore,
  i: number,
  cells: number,
  pShed: number,
  toBlood: number,
  pending: Map<number, PendingShed>,
): void {
  const events = binomial(ctx.streams.invasion, cells, pShed);
  if (events === 0) return;
  const site = store.site[i] as number;
  const drivers = store.drivers[i] as number;
  const timing = store.timing[i] as 0 | 1 | 2;
  const generation = (store.generation[i] as number) + 1;
  // Avascular rows share one blood share (the baseline) and leave its draw to the release;
  // vascular rows each have their own, so they draw it here and are summed apart.
  const vascular = toBlood >= 0;
  const key =
    (((generation * SITES.length + site) * DRIVER_SETS + drivers) * TIMINGS.length + timing) * 2 + +vascular;
  let p = pending.get(key);
  if (!p) {
    p = { site, drivers, timing, generation, events: 0, blood: vascular ? 0 : -1, cells: 0, passengers: 0 };
    pending.set(key, p);
  }
  p.passengers += ((store.passengers[i] as number) - p.passengers) * (cells / (p.cells + cells));
  p.events += events;
  if (vascular) p.blood += binomial(ctx.streams.invasion, events, toBlood);
  p.cells += cells;
}

/** Releases the summed events: blood or lymph per event, then clusters, as invade does for a clone. */
function releasePending(
  ctx: Context,
  pending: Map<number, PendingShed>,
  primaryCells: number,
  out: ShedBatch[],
): void {
  const inv = ctx.scenario.invasion;
  const bloodRate = inv.bloodRate * ctx.scenario.angiogenesis.baselineVascularisation;
  for (const p of pending.values()) {
    const toBlood =
      p.blood >= 0 ? p.blood : binomial(ctx.streams.invasion, p.events, bloodShare(ctx, bloodRate));
    const parent = { ...p, origin: POOLED_ORIGIN };
    const taken = releaseCells(ctx, parent, primaryCells, ROUTE_BLOOD, toBlood, p.events, p.cells, out);
    const lymph = p.events - toBlood;
    releaseCells(ctx, parent, primaryCells, ROUTE_LYMPH, lymph, lymph, p.cells - taken, out);
  }
  pending.clear();
}

/** Outcomes of Binomial(n, p) in cells: exact over the window that holds all but 1e-18 of the mass. */
function binomialOutcomes(n: number, p: number): void {
  outcome.size = 0;
  const mean = n * p;
  const sd = Math.sqrt(mean * (1 - p));
  const lo = Math.max(0, Math.floor(mean - 12 * sd - 10));
  const hi = Math.min(n, Math.ceil(mean + 12 * sd + 10));
  for (let v = lo; v <= hi; v++) pushOutcome(v, Math.exp(logBinomialPmf(v, n, p)));
}

/**
 * Keeps each cell of the cohort colonies at the chosen sites with probability
 * `survive` (surgery, radiotherapy), or `survive(cells, drivers)` of the row (a
 * chemotherapy cycle, whose kill depends on the division rate: a binned row is
 * taken at its mean size); returns the colonies left without cells, which the
 * caller counts as removed or extinct.
 */
export function thinCohortColonies(
  ctx: Context,
  where: (site: number) => boolean,
  keep: number | ((cells: number, drivers: number, capacity: number) => number),
): number {
  const { state, cohorts: c } = ctx;
  const from = state.colonies;
  const to = c.spare;
  clearColonies(c, to);
  let emptied = 0;
  for (let i = 0; i < from.size; i++) {
    const m = from.count[i] as number;
    const n = from.cells[i] as number;
    const reached = from.reached[i] as number;
    if (m === 0) continue;
    const survive =
      typeof keep === 'number' ? keep : keep(n, from.drivers[i] as number, from.capacity[i] as number);
    if (!where(from.site[i] as number) || survive === 1) {
      moveColonies(c, from, i, to, m, n, reached, from.cellsSq[i] as number);
      continue;
    }
    if (survive === 0) {
      emptied += m;
      continue;
    }
    const within = Math.max(0, (from.cellsSq[i] as number) - n * n);
    if (n > c.exact + 0.5 && n * survive * (1 - survive) >= 25) {
      const variance = n * survive * (1 - survive) + survive * survive * within;
      normalOutcomes(ctx, n * survive, Math.sqrt(variance));
    } else binomialOutcomes(Math.round(n), survive);
    const counts = spread(ctx.streams.clinical, m, outcome.probs, outcome.size);
    for (let k = 0; k < outcome.size; k++) {
      const count = counts[k] as number;
      const value = outcome.values[k] as number;
      if (count === 0) continue;
      if (value === 0) emptied += count;
      else moveColonies(c, from, i, to, count, value, reached, outcome.squares[k] as number);
    }
  }
  state.colonies = to;
  c.spare = from;
  return emptied;
}
