/**
 * Phase 1, growth: stochastic Gompertz with turnover. With N cells and capacity K
 * the net rate is g = lambda ln(K/N); each cell divides at d0 + max(g, 0) and dies
 * at d0 + max(-g, 0); each driver a clone carries adds s to its division rate
 * (selection, Bozic et al. 2010). Per clone, divisions and deaths are one
 * three-way multinomial draw (divide, die, neither). Its probabilities match the
 * mean and variance of the linear birth-death process over dt (Kendall 1948)
 * rather than 1 - exp(-rate dt) per cell, which ignores daughters dividing within
 * the step and slows net growth by (1 - e^-(b+d)dt)/((b+d)dt): 37% at d0 = 0.5/day
 * and dt = 1 day. Each division gains each missing driver with probability
 * mu_driver (a new driver set is a new clone) and adds mu_passenger passengers to
 * each daughter.
 */
import type { Context } from '../context.ts';
import { binomial, type Uniform } from '../samplers.ts';
import { DRIVERS } from '../schema.ts';
import { type Clone, type Tumour, tumourCells } from '../state.ts';

/**
 * Per-cell probabilities of dividing and dying in one step of length h, such that
 * the offspring count (0, 1 or 2) has the exact mean m = e^(g h) and the exact
 * variance (b+d)/g m (m-1) of the linear birth-death process. A three-point law
 * can only carry them while variance + (m-1)^2 <= 1; `substeps` splits dt so it can.
 */
export function stepProbabilities(divide: number, die: number, h: number): [number, number] {
  const { growth, variance } = offspringMoments(divide, die, h);
  const diff = Math.min(growth, 1);
  const sum = Math.min(variance + diff * diff, 1);
  return [(sum + diff) / 2, (sum - diff) / 2];
}

/** How many equal substeps of dt keep every clone's three-point law exact. */
export function substeps(divide: number, die: number, dt: number): number {
  const { growth, variance } = offspringMoments(divide, die, dt);
  return Math.max(1, Math.ceil(variance + growth * growth));
}

/** m - 1 and the variance of one cell's offspring after time h (Kendall 1948). */
function offspringMoments(divide: number, die: number, h: number): { growth: number; variance: number } {
  const g = divide - die;
  const growth = Math.expm1(g * h); // m - 1, accurate when g h is small
  const variance = g === 0 ? (divide + die) * h : ((divide + die) / g) * (1 + growth) * growth;
  return { growth, variance };
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

function driverCount(mask: number): number {
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

export function grow(t: Tumour, ctx: Context): void {
  const { scenario: s, streams, therapy } = ctx;
  const u = streams.growth;
  const n = tumourCells(t);
  if (n === 0) return;
  const g = s.growth.lambda * Math.log(t.capacity / n);
  // Endocrine therapy is cytostatic: it slows the cell cycle (turnover on both
  // sides) and net growth by the same factor, rather than killing.
  const f = therapy.divisionFactor;
  const die = s.growth.turnover * f + Math.max(-g, 0);
  const mu = s.growth.driverMutationRate;
  const muP = s.growth.passengerRate;

  // Clones created during this step join in the next one.
  const existing = t.clones.length;
  for (let i = 0; i < existing; i++) {
    const c = t.clones[i] as Clone;
    if (c.cells === 0) continue;
    const divide =
      (s.growth.turnover + Math.max(g, 0) + s.growth.driverAdvantage * driverCount(c.drivers)) * f;
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
