/**
 * Laws of the phases of colonies that are members of a cohort row
 * (src/engine/phases/cohortColonies.ts): growth, immune pressure, shedding, the
 * switch and promotion applied to a row of colonies at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColonyStore } from '../../../src/engine/cohorts.ts';
import { foundColonies } from '../../../src/engine/phases/angiogenesisAtNewSite.ts';
import { stepCohortColonies } from '../../../src/engine/phases/cohortColonies.ts';
import type { ShedBatch } from '../../../src/engine/phases/invasion.ts';
import { METASTATIC_SITES } from '../../../src/engine/schema.ts';
import { ANGIOGENIC, ROUTE_BLOOD, tumourCells } from '../../../src/engine/state.ts';
import { contextOf, driverSet, founding, pressureEverywhere, seed, siteIndex } from '../../support/phases.ts';
import { uniform } from '../../support/scenarios.ts';

/** Colonies held by the rows of a store. */
function members(store: ColonyStore): number {
  let n = 0;
  for (let i = 0; i < store.size; i++) n += store.count[i] as number;
  return n;
}

describe('cohort colonies', () => {
  it('conserve colonies: each colony of a row ends the step in a row, extinct or promoted to a record', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(
          fc.record({
            name: fc.constantFrom(...METASTATIC_SITES),
            drivers: driverSet.map((d) => d & ~ANGIOGENIC),
            cells: fc.integer({ min: 1, max: 400 }),
            count: fc.integer({ min: 1, max: 300 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.integer({ min: 1, max: 64 }),
        uniform(0, 1),
        fc.constantFrom(0, 1e-4, 1e-2),
        uniform(0, 2),
        uniform(0.05, 1),
        fc.integer({ min: 20, max: 2000 }),
        (
          s,
          rows,
          exactColonyCells,
          metastasisSwitchHazard,
          driverMutationRate,
          pressure,
          detectionMm,
          avascularCapacityCells,
        ) => {
          const ctx = contextOf(
            {
              representation: { mode: 'cohorts', exactColonyCells },
              angiogenesis: { metastasisSwitchHazard, avascularCapacityCells },
              growth: { driverMutationRate },
              sites: pressureEverywhere(pressure),
              clinical: { metastasisDetectionMm: detectionMm },
              invasion: { bloodRate: 0.5, lymphRate: 0.5, earlyMaxFraction: 0.5 },
            },
            s,
          );
          const { state } = ctx;
          for (const r of rows)
            foundColonies(ctx, siteIndex(r.name), founding(r.drivers, ROUTE_BLOOD, r.cells), 0, r.count);
          const primary = state.tumours[0];
          const primaryCells = primary ? tumourCells(primary) : 0;
          for (let k = 0; k < 4; k++) {
            const before = members(state.colonies);
            const extinct = state.coloniesExtinct;
            const records = state.tumours.length;
            const shed: ShedBatch[] = [];
            stepCohortColonies(ctx, primaryCells, shed, (t, afterGrowth) => afterGrowth(t));
            const promoted = state.tumours.length - records;
            expect(members(state.colonies) + (state.coloniesExtinct - extinct) + promoted).toBe(before);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
