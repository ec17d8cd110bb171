/**
 * Phase 7, angiogenesis at the new site. Every new colony is avascular, held at
 * K_avascular, and must make its own switch (phase 2 rules, with the colony's own
 * hazard) to grow past it: a micrometastasis that never switches stays micro.
 */
import { type Context, logEvent } from '../context.ts';
import { SITES } from '../schema.ts';
import type { FoundingRecord, Tumour } from '../state.ts';
import { angiogenesis } from './angiogenesis.ts';

/** A new colony of the record's cells; `drivers` adds what the founder gained at the site. */
export function foundColony(ctx: Context, site: number, record: FoundingRecord, gained = 0): Tumour {
  const state = ctx.state;
  const colony: Tumour = {
    id: state.nextTumourId++,
    site,
    foundedDay: state.day,
    clones: [
      { drivers: record.drivers | gained, cells: record.cells, passengers: record.passengers, parent: -1 },
    ],
    capacity: ctx.scenario.angiogenesis.avascularCapacityCells,
    vascular: false,
    founding: record,
    sizeClassReached: 0,
    residual: false,
  };
  state.tumours.push(colony);
  if (state.coloniesFounded++ === 0)
    logEvent(state, 'first_colony', SITES[site] as string, colony.id, record.cells);
  return colony;
}

/** A colony's switch: the phase 2 rules with the metastasis switch hazard. */
export function angiogenesisAtNewSite(t: Tumour, ctx: Context): void {
  angiogenesis(t, ctx, ctx.scenario.angiogenesis.metastasisSwitchHazard);
}
