/**
 * Phase 1, growth: stochastic Gompertz with turnover. With N cells and capacity K
 * the net rate is g = lambda ln(K/N); each cell divides at d0 + max(g, 0) and dies
 * at d0 + max(-g, 0) less the tumour's mean loss to shedding; each driver a clone
 * carries adds s to its division rate (selection, Bozic et al. 2010). Per clone,
 * divisions and deaths are one three-way multinomial draw (divide, die, neither)
 * whose probabilities keep the mean growth and a lineage's extinction chance of the
 * birth-death process exact over dt (Kendall 1948); 1 - exp(-rate dt) per cell
 * would ignore daughters dividing within the step and slow net growth by
 * (1 - e^-(b+d)dt)/((b+d)dt): 37% at d0 = 0.5/day and dt = 1 day. Each division
 * gains each missing driver with probability mu_driver (a new driver set is a new
 * clone) and adds mu_passenger passengers to each daughter.
 */
import type { Context } from '../context.ts';
import { binomial, type Uniform } from '../samplers.ts';
import { DRIVERS } from '../schema.ts';
import { type Clone, type Tumour, tumourCells } from '../state.ts';
import { vascularisation } from './angiogenesis.ts';
import { shedLossRate } from './invasion.ts';

/**
 * Per-cell probabilities of dividing and dying in one step of length h. Their
 * difference is the exact mean growth e^((b-d)h) - 1 of the linear birth-death
 * process, and their ratio is b:d, which keeps the chance that a lineage dies out
 * (d/b for a lone cell) exact whatever the step; the variance is exact to first
 * order in (m - 1).
 */
export function stepProbabilities(divide: number, die: number, h: number): [number, number] {
  const g = divide - die;
  const scale = g === 0 ? h : Math.expm1(g * h) / g;
  return [divide * scale, die * scale];
}

/**
 * Equal substeps of dt so that a cell has at most one event per substep
 * (probabilities summing to at most 1) and grows by at most 10% per substep,
 * where the variance of the three-point law stays within a few percent.
 */
export function substeps(divide: number, die: number, dt: number): number {
  const [pDivide, pDie] = stepProbabilities(divide, die, dt);
  let k = Math.max(1, Math.ceil(pDivide + pDie), Math.ceil(Math.abs(pDivide - pDie) / 0.1));
  // A shrinking tumour's probabilities are concave in the step (expm1(g·h)/g with g < 0),
  // so a k-th of the step can hold more than a k-th of them: check the substep itself.
  for (;;) {
    const [a, b] = stepProbabilities(divide, die, dt / k);
    if (a + b <= 1) return k;
    k++;
  }
}

/**
 * Mutant daughters: each division gains each missing driver with probability mu.
 * The total is drawn first (almost always 0), then spread over the missing drivers;
 * a daughter gaining two drivers at once (order mu^2) is neglected.
 */
function gainDrivers(t: Tumour, c: Clone, divisions: number, mu: number, muP: number, u: Uniform): void {
  const missing: number[] = [];
  for (let d = 0; d < DRIVERS.length; d++) if (!(c.drivers & (1 << d))) missing.push(1 << d);
  if (missing.length === 0) return;
  let mutants = Math.min(binomial(u, divisions, Math.min(1, mu * missing.length)), c.cells);
  for (let j = 0; j < missing.length && mutants > 0; j++) {
    const k = j === missing.length - 1 ? mutants : binomial(u, mutants, 1 / (missing.length - j));
    mutants -= k;
    if (k === 0) continue;
    c.cells -= k;
    addCells(findOrAddClone(t, c.drivers | (missing[j] as number), c.drivers), k, c.passengers + muP);
  }
}

export function driverCount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

export function findOrAddClone(t: Tumour, drivers: number, parent: number): Clone {
  for (const c of t.clones) if (c.drivers === drivers) return c;
  const clone: Clone = { drivers, cells: 0, passengers: 0, parent };
  t.clones.push(clone);
  return clone;
}

/** Adds n cells carrying `passengers` mutations on average to a clone, keeping its mean exact. */
export function addCells(c: Clone, n: number, passengers: number): void {
  if (n <= 0) return;
  c.passengers = (c.passengers * c.cells + passengers * n) / (c.cells + n);
  c.cells += n;
}

/**
 * The Gompertz net rate g = lambda ln(K/N) of a tumour of n cells (colonies with
 * their own lambda), lambda scaled by the patient's own growth factor.
 */
export function netRate(ctx: Context, colony: boolean, capacity: number, n: number): number {
  const s = ctx.scenario.growth;
  const lambda = s.lambda * ctx.state.patient.lambdaFactor;
  return (colony ? lambda * s.colonyLambdaFactor : lambda) * Math.log(capacity / n);
}

/**
 * Division rate per cell of a clone at net rate g: turnover plus net growth plus
 * its drivers' advantage. Endocrine therapy slows the cell cycle (turnover on both
 * sides) and net growth by the same factor; its killing is in `deathRate`.
 */
export function divisionRate(ctx: Context, g: number, drivers: number): number {
  const s = ctx.scenario.growth;
  return (
    (s.turnover + Math.max(g, 0) + s.driverAdvantage * driverCount(drivers)) * ctx.therapy.divisionFactor
  );
}

/**
 * Death rate per cell at net rate g: turnover, slowed with the cell cycle by
 * endocrine therapy, the Gompertz shrinkage above capacity, less the tumour's mean
 * loss to shedding (`shedLoss` per cell per day), and the therapy's own killing
 * (which, unlike the slowing, leaves fewer cells to regrow when it stops). A growth
 * law fitted to tumour volumes is net of every cell loss, shedding included (Steel
 * 1967's cell loss factor), so a tumour that sheds fast still grows at its law's rate.
 */
export function deathRate(ctx: Context, g: number, shedLoss = 0): number {
  const { therapy } = ctx;
  const natural = ctx.scenario.growth.turnover * therapy.divisionFactor + Math.max(-g, 0);
  return Math.max(0, natural - shedLoss) + therapy.deathRate;
}

export function grow(t: Tumour, ctx: Context): void {
  const { scenario: s, streams } = ctx;
  const u = streams.growth;
  const n = tumourCells(t);
  if (n === 0) return;
  const g = netRate(ctx, t.founding !== null, t.capacity, n);
  // The growth law is the whole tumour's: its cells lost to shedding, on average, replace
  // deaths of the turnover; a clone that sheds more than the average still pays the difference.
  const v = vascularisation(t, ctx);
  let shedLoss = 0;
  for (const c of t.clones) shedLoss += (c.cells / n) * shedLossRate(ctx, c.drivers, n, v);
  const die = deathRate(ctx, g, shedLoss);
  const mu = s.growth.driverMutationRate;
  const muP = s.growth.passengerRate;

  // Clones created during this step join in the next one.
  const existing = t.clones.length;
  for (let i = 0; i < existing; i++) {
    const c = t.clones[i] as Clone;
    if (c.cells === 0) continue;
    const divide = divisionRate(ctx, g, c.drivers);
    const k = substeps(divide, die, s.time.dt);
    const [pDivide, pDie] = stepProbabilities(divide, die, s.time.dt / k);
    if (pDivide + pDie <= 0) continue;
    for (let j = 0; j < k && c.cells > 0; j++) {
      const events = binomial(u, c.cells, pDivide + pDie);
      const divisions = binomial(u, events, pDivide / (pDivide + pDie));
      c.cells += divisions - (events - divisions);
      if (divisions > 0 && c.cells > 0) c.passengers += (2 * muP * divisions) / c.cells;
      if (mu > 0 && divisions > 0) gainDrivers(t, c, divisions, mu, muP, u);
    }
  }
  if (t.clones.some((c) => c.cells === 0)) t.clones = t.clones.filter((c) => c.cells > 0);
}
