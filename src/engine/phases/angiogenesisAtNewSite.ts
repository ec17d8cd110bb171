/**
 * Phase 7, angiogenesis at the new site. Every new colony is avascular, held at
 * K_avascular, and must make its own switch (phase 2 rules, with the colony's own
 * hazard) to grow past it: a micrometastasis that never switches stays micro.
 */
import { foundCohortColonies } from '../cohorts.ts';
import { type Context, logEvent } from '../context.ts';
import { SITES } from '../schema.ts';
import { ANGIOGENIC, type FoundingRecord, type Tumour } from '../state.ts';
import { angiogenesis } from './angiogenesis.ts';

/**
 * `count` new colonies of the record's cells at a site: cohort members, or records
 * where each is one (the reference representation, or a founder with the angiogenic
 * driver, which switches at once and is followed as a record from the start).
 */
export function foundColonies(
  ctx: Context,
  site: number,
  record: FoundingRecord,
  gained: number,
  count: number,
): void {
  if (count === 0) return;
  if (!ctx.counted || (record.drivers | gained) & ANGIOGENIC) {
    for (let i = 0; i < count; i++) foundColony(ctx, site, record, gained);
    return;
  }
  const state = ctx.state;
  const rho = ctx.scenario.body.cellsPerMm3;
  foundCohortColonies(ctx.cohorts, state.colonies, state.day, site, record, gained, count, rho);
  if (state.coloniesFounded === 0) logEvent(state, 'first_colony', SITES[site] as string, -1, record.cells);
  state.coloniesFounded += count;
}

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
