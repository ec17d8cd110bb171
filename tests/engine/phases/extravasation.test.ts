/**
 * Laws of phase 6, extravasation (src/engine/phases/extravasation.ts): an arrested
 * unit leaves the vessel by the soil of its site, or dies there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Arrival } from '../../../src/engine/phases/arrest.ts';
import { extravasate } from '../../../src/engine/phases/extravasation.ts';
import { METASTATIC_SITES } from '../../../src/engine/schema.ts';
import { createSimulation, runToEnd } from '../../../src/engine/simulation.ts';
import { ROUTE_BLOOD, ROUTE_INOCULATION, ROUTE_LYMPH } from '../../../src/engine/state.ts';
import {
  cellsBySite,
  contextOf,
  forModes,
  founding,
  funnelCount,
  inoculated,
  seed,
  siteIndex,
  sum,
} from '../../support/phases.ts';
import { uniform } from '../../support/scenarios.ts';

describe('phase 6, extravasation', () => {
  it('conserves cells: the cells extravasated and the cells that failed are the arrested units times their cells', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(
          fc.record({
            name: fc.constantFrom(...METASTATIC_SITES),
            route: fc.constantFrom(ROUTE_BLOOD, ROUTE_LYMPH, ROUTE_INOCULATION),
            units: fc.integer({ min: 0, max: 10_000 }),
            unitCells: fc.integer({ min: 1, max: 50 }),
          }),
          { maxLength: 6 },
        ),
        uniform(0, 1),
        fc.constantFrom(...METASTATIC_SITES),
        uniform(0, 1),
        (s, batch, probability, name, soil) => {
          const ctx = contextOf({ extravasation: { probability }, sites: { [name]: { soil } } }, s);
          const arrivals: Arrival[] = batch.map((a) => ({
            site: siteIndex(a.name),
            record: founding(0, a.route),
            units: a.units,
            unitCells: a.unitCells,
          }));
          const { state } = ctx;
          const through = funnelCount(state, 'extravasated');
          const failed = funnelCount(state, 'extravasationFailed');
          const out = extravasate(ctx, arrivals);
          const extravasated = funnelCount(state, 'extravasated') - through;
          expect(extravasated + funnelCount(state, 'extravasationFailed') - failed).toBe(
            sum(arrivals.map((a) => a.units * a.unitCells)),
          );
          expect(sum(out.map((a) => a.units * a.unitCells))).toBe(extravasated);
          for (const a of out) expect(a.units).toBeGreaterThan(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('units leave the vessel with probability extravasation x soil (5 SE); never at soil 0', () => {
    fc.assert(
      fc.property(
        seed,
        uniform(0, 1),
        fc.constantFrom(...METASTATIC_SITES),
        uniform(0, 1),
        (s, probability, name, soil) => {
          const ctx = contextOf({ extravasation: { probability }, sites: { [name]: { soil } } }, s);
          const units = 20_000;
          const arrivals: Arrival[] = [
            { site: siteIndex(name), record: founding(0), units, unitCells: 1 },
            { site: siteIndex(name), record: founding(0), units, unitCells: 5 },
          ];
          const through = sum(extravasate(ctx, arrivals).map((a) => a.units));
          const p = probability * soil;
          if (p === 0) expect(through).toBe(0);
          expect(Math.abs(through / (2 * units) - p)).toBeLessThanOrEqual(
            5 * Math.sqrt((p * (1 - p)) / (2 * units)) + 1e-12,
          );
        },
      ),
      { numRuns: 40, seed: 303 },
    );
  });

  forModes('a site with soil 0 never holds a colony or a dormant cell', (mode) => {
    for (let s = 0; s < 3; s++) {
      const sim = runToEnd(
        createSimulation(inoculated(mode, { sites: { liver: { soil: 0 } } }), { seed: 80 + s }),
      );
      const { colonies, dormant } = cellsBySite(sim.ctx.state);
      expect(sum(dormant)).toBeGreaterThan(0);
      expect(colonies[siteIndex('liver')]).toBe(0);
      expect(dormant[siteIndex('liver')]).toBe(0);
    }
  });
});
