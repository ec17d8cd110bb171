/**
 * Laws of phase 1, growth (src/engine/phases/growth.ts): what the birth-death
 * step and driver mutation must never do, or must always do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deathRate,
  driverCount,
  grow,
  netRate,
  stepProbabilities,
  substeps,
} from '../../../src/engine/phases/growth.ts';
import { invade, type ShedBatch, shedLossRate } from '../../../src/engine/phases/invasion.ts';
import { SITES } from '../../../src/engine/schema.ts';
import { createSimulation, run, runToEnd } from '../../../src/engine/simulation.ts';
import { INVASIVE, PRIMARY_SITE, type State, tumourCells } from '../../../src/engine/state.ts';
import {
  contextOf,
  driverSet,
  forModes,
  inoculated,
  pressureEverywhere,
  seed,
  sum,
  tumourOf,
} from '../../support/phases.ts';
import { uniform } from '../../support/scenarios.ts';
import { mean, standardError } from '../../support/stats.ts';

/** Colonies alive (records and cohort members) with their sizes, in a canonical order. */
function colonySizes(state: State): string[] {
  const sizes: string[] = [];
  for (const t of state.tumours) if (t.founding) sizes.push(`${SITES[t.site]} ${tumourCells(t)} x1`);
  const c = state.colonies;
  for (let i = 0; i < c.size; i++) sizes.push(`${SITES[c.site[i] as number]} ${c.cells[i]} x${c.count[i]}`);
  return sizes.sort();
}

describe('phase 1, growth', () => {
  it('a shedding tumour grows at its law: growth then shedding keep the mean N e^(g dt) (5 SE over 40 seeds)', () => {
    // Shed cells replace deaths of the turnover, so the growth step's mean N e^((g + l) dt)
    // times shedding's survival e^(-l dt) is the law's N e^(g dt), however fast it sheds.
    const cells = 1e6;
    const after: number[] = [];
    let law = 0;
    let loss = 0;
    for (let s = 1; s <= 40; s++) {
      const ctx = contextOf(
        {
          invasion: {
            programme: 'late',
            lateInvasiveFraction: 0.5,
            bloodRate: 0.1,
            lymphRate: 0,
            clusterFraction: 0,
          },
        },
        s,
      );
      const t = tumourOf(PRIMARY_SITE, [{ drivers: INVASIVE, cells }], {
        vascular: true,
        capacity: 1e12,
        primary: true,
      });
      const g = netRate(ctx, false, t.capacity, cells);
      loss = shedLossRate(ctx, INVASIVE, cells, 1);
      // The invasive driver is one driver: its selective advantage adds to the law's rate.
      law = cells * Math.exp((g + ctx.scenario.growth.driverAdvantage) * ctx.scenario.time.dt);
      grow(t, ctx);
      const out: ShedBatch[] = [];
      invade(t, ctx, cells, out);
      after.push(tumourCells(t));
    }
    expect(loss).toBeGreaterThan(0.04); // fast enough that shedding on top of growth would show
    expect(Math.abs(mean(after) - law)).toBeLessThanOrEqual(5 * standardError(after));
  });

  it('takes the shed loss from the natural deaths, never below zero, and adds therapy killing after', () => {
    const ctx = contextOf({ growth: { turnover: 0.5 } });
    expect(deathRate(ctx, 0.01, 0.1)).toBeCloseTo(0.4, 12);
    expect(deathRate(ctx, -0.2, 0.1)).toBeCloseTo(0.6, 12);
    expect(deathRate(ctx, 0.01, 2)).toBe(0);
    ctx.therapy.deathRate = 0.02;
    expect(deathRate(ctx, 0.01, 2)).toBeCloseTo(0.02, 12);
  });

  it('conserves cells through mutation: with no death and every division a mutant, the parent clone keeps its cells and its new clones hold the gain', () => {
    // Mutation moves a daughter out of its clone; it never makes or loses a cell.
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: 1, max: 1e6 }),
        uniform(1, 1e3),
        uniform(0, 0.05),
        uniform(0, 0.05),
        driverSet.filter((d) => d !== 15),
        fc.constantFrom(0.5, 1, 2),
        (s, cells, room, lambda, driverAdvantage, drivers, dt) => {
          const ctx = contextOf(
            { time: { dt }, growth: { turnover: 0, lambda, driverAdvantage, driverMutationRate: 1 } },
            s,
          );
          const t = tumourOf(PRIMARY_SITE, [{ drivers, cells }], { capacity: cells * room, primary: true });
          grow(t, ctx);
          const parent = t.clones.find((c) => c.drivers === drivers);
          expect(parent?.cells).toBe(cells);
          const mutants = t.clones.filter((c) => c !== parent);
          for (const c of mutants) {
            expect(c.parent).toBe(drivers);
            expect(c.drivers & drivers).toBe(drivers);
            expect(driverCount(c.drivers & ~drivers)).toBe(1);
          }
          expect(sum(mutants.map((c) => c.cells))).toBe(tumourCells(t) - cells);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('without turnover a tumour below its capacity loses no cell', () => {
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: 1, max: 1e9 }),
        uniform(1, 1e3),
        uniform(0, 0.05),
        driverSet,
        fc.constantFrom(0.5, 1, 2),
        (s, cells, room, lambda, drivers, dt) => {
          const ctx = contextOf({ time: { dt }, growth: { turnover: 0, lambda, driverMutationRate: 0 } }, s);
          const t = tumourOf(PRIMARY_SITE, [{ drivers, cells }], { capacity: cells * room, primary: true });
          for (let k = 0; k < 4; k++) {
            const before = tumourCells(t);
            if (before > t.capacity) break;
            grow(t, ctx);
            expect(tumourCells(t)).toBeGreaterThanOrEqual(before);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('splits a step into substeps whose division and death probabilities sum to at most 1', () => {
    fc.assert(
      fc.property(uniform(0, 20), uniform(0, 20), fc.constantFrom(0.1, 0.5, 1, 2), (divide, die, dt) => {
        const k = substeps(divide, die, dt);
        const [a, b] = stepProbabilities(divide, die, dt / k);
        expect(a + b).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
    // A shrinking tumour where a half step held more than half the full step's probability.
    const [a, b] = stepProbabilities(0.986083, 1.041998, 1 / substeps(0.986083, 1.041998, 1));
    expect(a + b).toBeLessThanOrEqual(1);
  });

  it('grows by exp((b − d)·dt) on average, above or below capacity, primary or colony, on endocrine therapy (slowing, killing) or not', () => {
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: 1e5, max: 1e8 }),
        uniform(0.2, 5),
        uniform(0, 1),
        uniform(0.005, 0.05),
        uniform(1, 5),
        fc.boolean(),
        fc.constantFrom(1, 0.5),
        fc.constantFrom(0, 0.05),
        (s, cells, room, turnover, lambda, factor, colony, f, kill) => {
          const ctx = contextOf(
            { growth: { turnover, lambda, colonyLambdaFactor: factor, driverMutationRate: 0 } },
            s,
          );
          ctx.therapy.divisionFactor = f;
          ctx.therapy.deathRate = kill;
          const capacity = cells * room;
          const t = tumourOf(PRIMARY_SITE, [{ drivers: 0, cells }], { capacity, primary: !colony });
          const g = (colony ? lambda * factor : lambda) * Math.log(capacity / cells);
          const b = (turnover + Math.max(g, 0)) * f;
          const d = turnover * f + Math.max(-g, 0) + kill;
          const dt = ctx.scenario.time.dt;
          grow(t, ctx);
          // Offspring of one cell over dt have variance below (b + d)·dt·e^(2|b − d|dt); 8 SD bounds a chance failure.
          const sd = Math.sqrt(cells * (b + d) * dt * Math.exp(2 * Math.abs(b - d) * dt));
          expect(Math.abs(tumourCells(t) - cells * Math.exp((b - d) * dt))).toBeLessThan(8 * sd + 1);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('endocrine therapy that stops division (divisionFactor 0) freezes a tumour below its capacity', () => {
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: 1, max: 1e9 }),
        uniform(1, 1e3),
        uniform(0, 1),
        driverSet,
        (s, cells, room, turnover, drivers) => {
          const ctx = contextOf({ growth: { turnover, driverAdvantage: 0.01 } }, s);
          ctx.therapy.divisionFactor = 0;
          const t = tumourOf(PRIMARY_SITE, [{ drivers, cells }], { capacity: cells * room, primary: true });
          grow(t, ctx);
          expect(t.clones.map((c) => c.cells)).toEqual([cells]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a clone with more drivers never grows slower on average (paired seeds, 3 SE)', () => {
    fc.assert(
      fc.property(
        driverSet,
        fc.integer({ min: 0, max: 3 }),
        uniform(0, 0.05),
        (drivers, extra, advantage) => {
          const more = drivers | (1 << extra);
          fc.pre(more !== drivers);
          const diffs: number[] = [];
          for (let s = 0; s < 12; s++) {
            const ctx = contextOf({ growth: { driverAdvantage: advantage, driverMutationRate: 0 } }, 500 + s);
            const t = tumourOf(
              PRIMARY_SITE,
              [
                { drivers, cells: 10_000 },
                { drivers: more, cells: 10_000 },
              ],
              { capacity: 1e9, vascular: true, primary: true },
            );
            for (let k = 0; k < 10; k++) grow(t, ctx);
            const cellsOf = (d: number) => t.clones.find((c) => c.drivers === d)?.cells ?? 0;
            diffs.push(cellsOf(more) - cellsOf(drivers));
          }
          expect(mean(diffs)).toBeGreaterThanOrEqual(-3 * standardError(diffs));
        },
      ),
      { numRuns: 8, seed: 101 },
    );
  });

  forModes('colonies with more drivers never grow slower on average (paired seeds, 3 SE)', (mode) => {
    const cells = (drivers: string[], s: number) =>
      sum(
        run(
          inoculated(mode, {
            time: { durationDays: 60 },
            inoculation: { drivers },
            growth: { driverAdvantage: 0.05 },
            sites: pressureEverywhere(0),
          }),
          { seed: s },
        ).metastases.map((m) => m.cells * m.count),
      );
    const diffs: number[] = [];
    for (let s = 0; s < 8; s++)
      diffs.push(cells(['colonisation', 'invasive'], 700 + s) - cells(['colonisation'], 700 + s));
    expect(mean(diffs)).toBeGreaterThanOrEqual(-3 * standardError(diffs));
  });

  forModes('without turnover, immune pressure or shedding no colony dies out', (mode) => {
    for (let s = 0; s < 3; s++) {
      const r = run(inoculated(mode, { growth: { turnover: 0 }, sites: pressureEverywhere(0) }), {
        seed: 20 + s,
      });
      expect(r.summary.colonies.founded).toBeGreaterThan(0);
      expect(r.summary.colonies.extinct).toBe(0);
    }
  });

  forModes('colonies on endocrine therapy with divisionFactor 0 keep their size', (mode) => {
    // Sizes stay within exactColonyCells, where the cohort law is exact (binned rows
    // redraw their members around the row's mean: the representation's approximation).
    const scenario = inoculated(mode, {
      time: { durationDays: 60 },
      representation: { exactColonyCells: 64 },
      sites: pressureEverywhere(0),
      colonisation: { wakeHazard: 0 },
      angiogenesis: { metastasisSwitchHazard: 0 },
    });
    const sim = runToEnd(createSimulation(scenario, { seed: 31 }), 20);
    const before = colonySizes(sim.ctx.state);
    expect(before.length).toBeGreaterThan(0);
    const extinct = sim.ctx.state.coloniesExtinct;
    sim.ctx.therapy.divisionFactor = 0;
    runToEnd(sim);
    expect(colonySizes(sim.ctx.state)).toEqual(before);
    expect(sim.ctx.state.coloniesExtinct).toBe(extinct);
  });
});
