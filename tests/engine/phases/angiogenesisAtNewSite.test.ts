/**
 * Laws of phase 7, angiogenesis at the new site (src/engine/phases/angiogenesisAtNewSite.ts):
 * new colonies start avascular and switch by their own hazard.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/cli/scenarios.ts';
import { foundColonies } from '../../../src/engine/phases/angiogenesisAtNewSite.ts';
import { deepMerge, validateScenario } from '../../../src/engine/scenario.ts';
import { METASTATIC_SITES } from '../../../src/engine/schema.ts';
import { run } from '../../../src/engine/simulation.ts';
import { ROUTE_BLOOD, type State } from '../../../src/engine/state.ts';
import {
  cellsBySite,
  contextOf,
  driverSet,
  forModes,
  founding,
  MODES,
  seed,
  siteIndex,
} from '../../support/phases.ts';

/** Colonies at a site: records and cohort members. */
function coloniesAt(state: State, site: number): number {
  let n = state.tumours.filter((t) => t.founding && t.site === site).length;
  const c = state.colonies;
  for (let i = 0; i < c.size; i++) if (c.site[i] === site) n += c.count[i] as number;
  return n;
}

describe('phase 7, angiogenesis at the new site', () => {
  it("conserves colonies: founding n colonies adds n avascular colonies of the founder's cells at the site, in either representation", () => {
    fc.assert(
      fc.property(
        seed,
        fc.constantFrom(...MODES),
        fc.constantFrom(...METASTATIC_SITES),
        driverSet,
        driverSet,
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 300 }),
        (s, mode, name, drivers, gained, cells, count) => {
          const ctx = contextOf({ representation: { mode } }, s);
          const { state } = ctx;
          const site = siteIndex(name);
          const founded = state.coloniesFounded;
          const records = state.tumours.length;
          const before = coloniesAt(state, site);
          const cellsBefore = cellsBySite(state).colonies[site] as number;
          foundColonies(ctx, site, founding(drivers, ROUTE_BLOOD, cells), gained, count);
          expect(state.coloniesFounded - founded).toBe(count);
          expect(coloniesAt(state, site) - before).toBe(count);
          expect((cellsBySite(state).colonies[site] as number) - cellsBefore).toBeCloseTo(count * cells, 6);
          for (const t of state.tumours.slice(records)) {
            expect(t.vascular).toBe(false);
            expect(t.capacity).toBe(ctx.scenario.angiogenesis.avascularCapacityCells);
            expect(t.clones.map((c) => c.drivers)).toEqual([drivers | gained]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  forModes(
    'colonies switch by their own hazard (metastasisSwitchHazard), never by the primary one',
    (mode) => {
      const switches = (metastasisSwitchHazard: number) =>
        run(
          validateScenario(
            deepMerge(
              loadScenarioFile('experimental-metastasis-liver') as unknown as Record<string, unknown>,
              {
                time: { durationDays: 12 },
                inoculation: { cells: 3000 },
                angiogenesis: { switchHazard: 1, metastasisSwitchHazard },
                representation: { mode },
              },
            ),
            'angiogenesisAtNewSite.test',
          ),
          { seed: 41 },
        ).events.filter((e) => e.type === 'angiogenic_switch').length;
      expect(switches(0)).toBe(0);
      expect(switches(0.5)).toBeGreaterThan(0);
    },
  );
});
