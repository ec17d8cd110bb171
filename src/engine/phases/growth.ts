/**
 * Phase 1, growth: stochastic Gompertz with turnover. With N cells and capacity K
 * the net rate is g = lambda ln(K/N); each cell divides at d0 + max(g, 0) and dies
 * at d0 + max(-g, 0). Per clone, divisions and deaths are one three-way multinomial
 * draw (divide, die, neither) from the competing hazards, exact for any count.
 * Each division gains each missing driver with probability mu_driver (a new driver
 * set is a new clone) and adds mu_passenger passengers to each daughter.
 */
import type { Context } from '../context.ts';
import { binomial } from '../samplers.ts';
import { DRIVERS } from '../schema.ts';
import { type Clone, type Tumour, tumourCells } from '../state.ts';

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
  const dt = s.time.dt;
  const n = tumourCells(t);
  if (n === 0) return;
  const g = s.growth.lambda * Math.log(t.capacity / n);
  const divide = (s.growth.turnover + Math.max(g, 0)) * therapy.divisionFactor;
  const die = s.growth.turnover + Math.max(-g, 0);
  const total = divide + die;
  if (total <= 0) return;
  const pEvent = -Math.expm1(-total * dt);
  const pDivideGivenEvent = divide / total;
  const mu = s.growth.driverMutationRate;
  const muP = s.growth.passengerRate;

  // Clones created during this step join in the next one.
  const existing = t.clones.length;
  for (let i = 0; i < existing; i++) {
    const c = t.clones[i] as Clone;
    if (c.cells === 0) continue;
    const events = binomial(u, c.cells, pEvent);
    const divisions = binomial(u, events, pDivideGivenEvent);
    const deaths = events - divisions;
    const before = c.cells;
    c.cells = before + divisions - deaths;
    if (divisions > 0 && c.cells > 0) c.passengers += (2 * muP * divisions) / c.cells;
    if (mu > 0 && divisions > 0) {
      for (let d = 0; d < DRIVERS.length; d++) {
        const bit = 1 << d;
        if (c.drivers & bit) continue;
        // A mutant daughter moves to the clone with the extra driver.
        const mutants = Math.min(binomial(u, divisions, mu), c.cells);
        if (mutants === 0) continue;
        c.cells -= mutants;
        addCells(findOrAddClone(t, c.drivers | bit, c.drivers), mutants, c.passengers + muP);
      }
    }
  }
  t.clones = t.clones.filter((c) => c.cells > 0);
}
