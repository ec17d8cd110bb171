/**
 * Laws of phase 8, colonisation, dormancy and immune escape
 * (src/engine/phases/colonisation.ts): the fate of an extravasated unit, the
 * dormant cells' exits and the immune pressure on small colonies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { colonise, dormancy, immuneAttack } from '../../../src/engine/phases/colonisation.ts';
import { METASTATIC_SITES } from '../../../src/engine/schema.ts';
import { run, type SimulationResult } from '../../../src/engine/simulation.ts';
import {
  COLONISATION,
  type DtcStore,
  IMMUNE_EVASION,
  ROUTE_BLOOD,
  type State,
} from '../../../src/engine/state.ts';
import {
  cellsBySite,
  contextOf,
  driverSet,
  forModes,
  founding,
  funnelCount,
  inoculated,
  MODES,
  pressureEverywhere,
  seed,
  siteIndex,
  sum,
  tumourOf,
} from '../../support/phases.ts';
import { uniform } from '../../support/scenarios.ts';

const dormantTotal = (state: State) => sum(cellsBySite(state).dormant);
const LIVER = siteIndex('liver');

/** What a run shows a user, without the manifest (which holds the scenario itself). */
function outcome(r: SimulationResult) {
  return {
    summary: r.summary,
    series: r.series,
    events: r.events,
    metastases: r.metastases,
    funnel: r.funnel,
  };
}

/** Units held in a store, over its rows. */
function units(store: DtcStore): number {
  let n = 0;
  for (let i = 0; i < store.size; i++) n += store.count[i] as number;
  return n;
}

describe('phase 8, colonisation, dormancy and immune escape', () => {
  it('conserves cells: every extravasated cell founds a colony, goes dormant or dies, and the colonies and dormant cells hold them', () => {
    fc.assert(
      fc.property(
        seed,
        fc.constantFrom(...MODES),
        fc.array(
          fc.record({
            name: fc.constantFrom(...METASTATIC_SITES),
            drivers: driverSet,
            units: fc.integer({ min: 0, max: 2000 }),
            unitCells: fc.integer({ min: 1, max: 50 }),
          }),
          { maxLength: 5 },
        ),
        uniform(0, 0.5),
        uniform(0, 0.5),
        fc.boolean(),
        (s, mode, batch, colonyFraction, dormantFraction, requireColonisationDriver) => {
          const ctx = contextOf(
            {
              colonisation: { colonyFraction, dormantFraction, requireColonisationDriver },
              representation: { mode },
            },
            s,
          );
          const { state } = ctx;
          const arrivals = batch.map((a) => ({
            site: siteIndex(a.name),
            record: founding(a.drivers),
            units: a.units,
            unitCells: a.unitCells,
          }));
          const stages = ['founded', 'dormant', 'diedAfterExtravasation'] as const;
          const counted = stages.map((stage) => funnelCount(state, stage));
          const held = cellsBySite(state);
          colonise(ctx, arrivals);
          const [founded = 0, dormant = 0, died = 0] = stages.map(
            (stage, k) => funnelCount(state, stage) - (counted[k] as number),
          );
          expect(founded + dormant + died).toBe(sum(arrivals.map((a) => a.units * a.unitCells)));
          const now = cellsBySite(state);
          expect(sum(now.colonies) - sum(held.colonies)).toBeCloseTo(founded, 6);
          expect(sum(now.dormant) - sum(held.dormant)).toBeCloseTo(dormant, 6);
        },
      ),
      { numRuns: 40 },
    );
  });

  forModes(
    'a unit without the colonisation driver goes dormant where it would have founded a colony',
    (mode) => {
      fc.assert(
        fc.property(seed, driverSet, fc.integer({ min: 1, max: 500 }), (s, drivers, units) => {
          const ctx = contextOf(
            {
              colonisation: { colonyFraction: 1, dormantFraction: 0, requireColonisationDriver: true },
              representation: { mode },
            },
            s,
          );
          const site = siteIndex('liver');
          colonise(ctx, [{ site, record: founding(drivers & ~COLONISATION), units, unitCells: 1 }]);
          expect(ctx.state.coloniesFounded).toBe(0);
          expect(dormantTotal(ctx.state)).toBe(units);
          colonise(ctx, [{ site, record: founding(drivers | COLONISATION), units, unitCells: 1 }]);
          expect(ctx.state.coloniesFounded).toBe(units);
        }),
        { numRuns: 15 },
      );
    },
  );

  it('immune pressure never thins a clone with the immune-evasion driver', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(fc.record({ drivers: driverSet, cells: fc.integer({ min: 0, max: 1e7 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        uniform(0, 1e3),
        fc.constantFrom(...METASTATIC_SITES),
        (s, clones, pressure, name) => {
          const ctx = contextOf({ sites: { [name]: { immunePressure: pressure } } }, s);
          const t = tumourOf(siteIndex(name), clones);
          immuneAttack(t, ctx);
          t.clones.forEach((c, i) => {
            const before = clones[i]?.cells as number;
            if (c.drivers & IMMUNE_EVASION) expect(c.cells).toBe(before);
            else expect(c.cells).toBeLessThanOrEqual(before);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  forModes(
    'an extravasated unit founds a colony with colonyFraction, goes dormant with dormantFraction (5 SE), keeping its cells',
    (mode) => {
      fc.assert(
        fc.property(
          seed,
          uniform(0, 0.5),
          uniform(0, 0.5),
          fc.integer({ min: 1, max: 50 }),
          (s, colonyFraction, dormantFraction, unitCells) => {
            const ctx = contextOf(
              { colonisation: { colonyFraction, dormantFraction }, representation: { mode } },
              s,
            );
            const units = 2000;
            const site = siteIndex('bone');
            colonise(ctx, [{ site, record: founding(COLONISATION, ROUTE_BLOOD), units, unitCells }]);
            const within = (k: number, p: number) =>
              expect(Math.abs(k - units * p)).toBeLessThanOrEqual(5 * Math.sqrt(units * p * (1 - p)) + 1);
            const founded = ctx.state.coloniesFounded;
            within(founded, colonyFraction);
            within(dormantTotal(ctx.state) / unitCells, dormantFraction);
            // Colonies start with the unit's cells; a dormant cluster keeps its cells.
            expect(cellsBySite(ctx.state).colonies[site]).toBe(founded * unitCells);
            const store = ctx.state.dormantAble;
            for (let i = 0; i < store.size; i++) expect(store.cells[i]).toBe(unitCells);
          },
        ),
        { numRuns: 15, seed: 505 },
      );
    },
  );

  it('immune pressure kills a non-evading cell with 1 - exp(-pressure / (1 + N / saturation) dt) (5 SE)', () => {
    fc.assert(
      fc.property(
        seed,
        uniform(0.001, 5),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.integer({ min: 1000, max: 1e7 }),
        fc.constantFrom(0.5, 1, 2),
        (s, pressure, immuneSaturationCells, cells, dt) => {
          const ctx = contextOf(
            {
              time: { dt },
              colonisation: { immuneSaturationCells },
              sites: { lung: { immunePressure: pressure } },
            },
            s,
          );
          const t = tumourOf(siteIndex('lung'), [
            { drivers: 0, cells },
            { drivers: IMMUNE_EVASION, cells },
          ]);
          immuneAttack(t, ctx);
          const p = -Math.expm1((-pressure / (1 + (2 * cells) / immuneSaturationCells)) * dt);
          const killed = cells - (t.clones[0]?.cells as number);
          // One cell of slack: a count cannot come closer than that to a tiny mean.
          expect(Math.abs(killed - cells * p)).toBeLessThanOrEqual(5 * Math.sqrt(cells * p * (1 - p)) + 1);
        },
      ),
      { numRuns: 40, seed: 606 },
    );
  });

  forModes('colonies founded by evaders live exactly as if there were no immune pressure', (mode) => {
    const drivers = ['colonisation', 'immuneEvasion'];
    fc.assert(
      fc.property(seed, uniform(0.01, 50), (s, pressure) => {
        const at = (p: number, d: string[]) =>
          run(inoculated(mode, { inoculation: { drivers: d }, sites: pressureEverywhere(p) }), { seed: s });
        const free = at(0, drivers);
        expect(free.summary.colonies.founded).toBeGreaterThan(0);
        expect(outcome(at(pressure, drivers))).toEqual(outcome(free));
      }),
      { numRuns: 4 },
    );
    // The same colonies without the driver do suffer from it (the law is not empty).
    const plain = (p: number) =>
      run(inoculated(mode, { sites: pressureEverywhere(p) }), { seed: 90 }).summary.colonies.alive;
    expect(plain(5)).toBeLessThan(plain(0));
  });

  forModes('a dormant cell that leaves wakes with probability wake / (wake + death) (5 SE)', (mode) => {
    for (const [wakeHazard, dormantDeathHazard] of [
      [0.03, 0.01],
      [0.01, 0.04],
    ] as const) {
      const f = run(inoculated(mode, { colonisation: { wakeHazard, dormantDeathHazard } }), { seed: 7 })
        .summary.funnel;
      const woke = f.dormantWoke as number;
      const n = woke + (f.dormantDied as number);
      const p = wakeHazard / (wakeHazard + dormantDeathHazard);
      expect(n).toBeGreaterThan(200);
      expect(Math.abs(woke / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  forModes('with no waking hazard no dormant cell ever wakes; with no death either, none is lost', (mode) => {
    for (let s = 0; s < 3; s++) {
      const woke = run(inoculated(mode, { colonisation: { wakeHazard: 0, dormantDeathHazard: 0.01 } }), {
        seed: 100 + s,
      }).summary;
      expect(woke.funnel.dormant).toBeGreaterThan(0);
      expect(woke.funnel.dormantDied).toBeGreaterThan(0);
      expect(woke.funnel.dormantWoke).toBe(0);
      const kept = run(inoculated(mode, { colonisation: { wakeHazard: 0, dormantDeathHazard: 0 } }), {
        seed: 100 + s,
      }).summary;
      expect(kept.dormantCells).toBe(kept.funnel.dormant);
    }
  });

  forModes(
    'without the progression hazard a cell lacking the colonisation driver never founds a colony',
    (mode) => {
      for (let s = 0; s < 3; s++) {
        const r = run(
          inoculated(mode, {
            inoculation: { drivers: [] },
            colonisation: { progressionHazard: 0, wakeHazard: 1, dormantDeathHazard: 0.01 },
          }),
          { seed: 110 + s },
        );
        expect(r.summary.funnel.dormant).toBeGreaterThan(0);
        expect(r.summary.colonies.founded).toBe(0);
      }
    },
  );

  forModes('a cell in deep dormancy never wakes until it leaves it', (mode) => {
    for (let s = 0; s < 3; s++) {
      const deep = (deepDormancyExitHazard: number) =>
        run(
          inoculated(mode, {
            colonisation: {
              deepDormantShare: 1,
              deepDormancyExitHazard,
              wakeHazard: 1,
              dormantDeathHazard: 0.01,
            },
          }),
          { seed: 120 + s },
        ).summary;
      const held = deep(0);
      expect(held.funnel.dormant).toBeGreaterThan(0);
      expect(held.funnel.dormantDied).toBeGreaterThan(0);
      expect(held.funnel.dormantWoke).toBe(0);
      expect(held.dormantCells).toBe((held.funnel.dormant as number) - (held.funnel.dormantDied as number));
      // Once they can leave it, they wake.
      expect(deep(0.05).funnel.dormantWoke).toBeGreaterThan(0);
    }
  });
});

describe('deep dormancy: where', () => {
  for (const mode of MODES)
    it(`a cell arrested in a lymph node never goes deep; one in an organ does (${mode})`, () => {
      for (const [site, deep] of [
        [siteIndex('sentinelNode'), false],
        [siteIndex('regionalNode'), false],
        [siteIndex('distantNode'), false],
        [siteIndex('bone'), true],
        [LIVER, true],
      ] as const) {
        const ctx = contextOf({
          colonisation: { settlingDays: 0, colonyFraction: 0, dormantFraction: 1, deepDormantShare: 1 },
          representation: { mode },
        });
        colonise(ctx, [{ site, record: founding(COLONISATION), units: 50, unitCells: 1 }]);
        const { dormantDeep, dormantAble } = ctx.state;
        expect([units(dormantDeep), units(dormantAble)]).toEqual(deep ? [50, 0] : [0, 50]);
      }
    });
});

describe('deep dormancy: a share of the arrivals', () => {
  for (const mode of MODES)
    it(`in an organ the share goes deep and the rest meet the usual fates in the usual proportions (${mode})`, () => {
      const N = 20_000;
      const [c, d, g] = [0.2, 0.5, 0.4];
      for (const [site, share] of [
        [LIVER, g],
        [siteIndex('sentinelNode'), 0],
      ] as const) {
        const ctx = contextOf(
          {
            colonisation: { settlingDays: 0, colonyFraction: c, dormantFraction: d, deepDormantShare: g },
            representation: { mode },
          },
          9300,
        );
        colonise(ctx, [{ site, record: founding(COLONISATION), units: N, unitCells: 1 }]);
        const { state } = ctx;
        // Each fate's count is binomial(N, p); 5 standard deviations.
        const near = (x: number, p: number) =>
          expect(Math.abs(x - N * p)).toBeLessThanOrEqual(5 * Math.sqrt(N * p * (1 - p)));
        near(units(state.dormantDeep), share);
        near(units(state.dormantAble), d * (1 - share));
        near(state.coloniesFoundedDirectly, c * (1 - share));
        // Cells without the colonisation driver never go deep: they go dormant where the others divide.
        const deep = units(state.dormantDeep);
        colonise(ctx, [{ site, record: founding(0), units: N, unitCells: 1 }]);
        expect(units(state.dormantDeep)).toBe(deep);
        near(units(state.dormantUnable), c + d);
      }
    });
});

describe('deep dormancy: the step order', () => {
  for (const mode of MODES)
    it(`a cell that leaves deep dormancy in a step can wake only from the next one (${mode})`, () => {
      const ctx = contextOf({
        colonisation: {
          settlingDays: 0,
          colonyFraction: 0,
          dormantFraction: 1,
          deepDormantShare: 1,
          // Both exits certain within a step (1 - e^-50), no death.
          deepDormancyExitHazard: 50,
          wakeHazard: 50,
          dormantDeathHazard: 0,
        },
        representation: { mode },
      });
      colonise(ctx, [{ site: LIVER, record: founding(COLONISATION), units: 30, unitCells: 1 }]);
      const { state } = ctx;
      state.day += 1;
      dormancy(ctx);
      expect(funnelCount(state, 'dormantWoke')).toBe(0);
      expect([state.dormantDeep.size, state.dormantAble.size > 0]).toEqual([0, true]);
      state.day += 1;
      dormancy(ctx);
      expect(funnelCount(state, 'dormantWoke')).toBe(30);
    });
});

describe('deep dormancy: the exact law, stepping the phase by hand', () => {
  const N = 400;
  const SHARE = 0.3;
  const EXIT = 0.02;
  const DEATH = 0.01;
  const T = 40;
  for (const mode of MODES)
    it(`a share enters deep dormancy; still deep after t steps is Binomial(n, exp(-(exit + death) t)); the leavers that do not die join ordinary dormancy (5 SE, ${mode})`, () => {
      let entered = 0;
      let deepStart = 0;
      let ableStart = 0;
      let deepEnd = 0;
      let ableEnd = 0;
      for (let r = 0; r < 40; r++) {
        // Every arriving cell goes dormant at once; ordinary dormant cells do not wake.
        const ctx = contextOf(
          {
            colonisation: {
              settlingDays: 0,
              colonyFraction: 0,
              dormantFraction: 1,
              deepDormantShare: SHARE,
              deepDormancyExitHazard: EXIT,
              wakeHazard: 0,
              dormantDeathHazard: DEATH,
            },
            representation: { mode },
          },
          9100 + r,
        );
        colonise(ctx, [{ site: LIVER, record: founding(COLONISATION), units: N, unitCells: 1 }]);
        const { state } = ctx;
        entered += N;
        deepStart += units(state.dormantDeep);
        ableStart += units(state.dormantAble);
        for (let k = 0; k < T; k++) {
          state.day += 1;
          dormancy(ctx);
        }
        deepEnd += units(state.dormantDeep);
        ableEnd += units(state.dormantAble);
      }
      expect(deepStart + ableStart).toBe(entered);
      const near = (x: number, mean: number, variance: number) =>
        expect(Math.abs(x - mean)).toBeLessThan(5 * Math.sqrt(variance));
      near(deepStart, SHARE * entered, SHARE * (1 - SHARE) * entered);
      // Per step (dt 1): a deep cell stays with q, leaves for ordinary dormancy with a, and
      // an ordinary dormant cell survives with s; a cell that joins in step k starts dying
      // in step k + 1 (ordinary exits are drawn before deep ones).
      const q = Math.exp(-(EXIT + DEATH));
      const a = ((1 - q) * EXIT) / (EXIT + DEATH);
      const s = Math.exp(-DEATH);
      const stay = q ** T;
      near(deepEnd, deepStart * stay, deepStart * stay * (1 - stay));
      let joined = 0;
      for (let k = 1; k <= T; k++) joined += q ** (k - 1) * a * s ** (T - k);
      const kept = s ** T;
      near(
        ableEnd,
        ableStart * kept + deepStart * joined,
        ableStart * kept * (1 - kept) + deepStart * joined * (1 - joined),
      );
    });
});
