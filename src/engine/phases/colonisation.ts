/**
 * Phase 8, colonisation and immune escape. An extravasated cell dies, becomes a
 * dormant DTC, or starts dividing and founds a colony (Luzzi et al. 1998). A cell
 * without the colonisation driver cannot sustain growth: it goes dormant instead,
 * and may gain the driver at the site (parallel progression: Klein 2009,
 * Schmidt-Kittler et al. 2003). Dormant DTCs wake with a daily hazard (slowed by
 * endocrine therapy) and die with another. Small colonies face the site's immune
 * pressure until a clone gains the immune-evasion driver.
 */
import { type Context, countFunnel } from '../context.ts';
import { multinomial } from '../multinomial.ts';
import { bernoulli, binomial } from '../samplers.ts';
import { SITES } from '../schema.ts';
import {
  addDtc,
  COLONISATION,
  type DtcStore,
  dtcRecord,
  IMMUNE_EVASION,
  type Route,
  removeDtc,
  type Timing,
  type Tumour,
  tumourCells,
} from '../state.ts';
import { foundColony } from './angiogenesisAtNewSite.ts';
import type { Arrival } from './arrest.ts';

const fates = new Float64Array(3);

export function colonise(ctx: Context, arrivals: readonly Arrival[]): void {
  const { scenario: s, state } = ctx;
  const u = ctx.streams.colonisation;
  const c = s.colonisation;
  for (const a of arrivals) {
    const able = !c.requireColonisationDriver || (a.record.drivers & COLONISATION) !== 0;
    fates[0] = able ? c.colonyFraction : 0;
    fates[1] = able ? c.dormantFraction : c.dormantFraction + c.colonyFraction;
    fates[2] = 1 - c.colonyFraction - c.dormantFraction;
    const [colonies = 0, dormant = 0, died = 0] = multinomial(u, a.units, fates);
    const record = { ...a.record, cells: a.unitCells };
    const { route, timing } = record;
    countFunnel(state, 'founded', route, timing, colonies * a.unitCells);
    countFunnel(state, 'dormant', route, timing, dormant * a.unitCells);
    countFunnel(state, 'diedAfterExtravasation', route, timing, died * a.unitCells);
    for (let i = 0; i < colonies; i++) foundColony(ctx, a.site, record);
    const store = able ? state.dormantAble : state.dormantUnable;
    for (let i = 0; i < dormant; i++) addDtc(store, state.day, a.site, record);
  }
}

/**
 * Exits from a group of dormant DTCs that share their hazards: the number leaving
 * is binomial, and who leaves is drawn without replacement, so the cost is the
 * number of exits, not the number of dormant cells.
 */
function exits(ctx: Context, store: DtcStore, leave: number, onExit: (i: number) => void): void {
  const u = ctx.streams.colonisation;
  const dt = ctx.scenario.time.dt;
  const k = binomial(u, store.size, -Math.expm1(-leave * dt));
  for (let j = 0; j < k; j++) {
    const i = Math.floor(u() * store.size);
    onExit(i);
    removeDtc(store, i);
  }
}

export function dormancy(ctx: Context): void {
  const { scenario: s, state } = ctx;
  const u = ctx.streams.colonisation;
  const c = s.colonisation;
  const wake = c.wakeHazard * ctx.therapy.wakeFactor;
  const die = c.dormantDeathHazard;
  const able = state.dormantAble;
  const count = (i: number, store: DtcStore, stage: 'dormantDied' | 'dormantWoke') =>
    countFunnel(state, stage, store.route[i] as Route, store.timing[i] as Timing, store.cells[i] as number);

  exits(ctx, able, wake + die, (i) => {
    if (bernoulli(u, wake / (wake + die))) {
      foundColony(ctx, able.site[i] as number, dtcRecord(able, i), able.gained[i] as number);
      count(i, able, 'dormantWoke');
    } else count(i, able, 'dormantDied');
  });
  // Cells lacking the colonisation driver gain it (and join the able group) or die.
  const unable = state.dormantUnable;
  const gain = c.progressionHazard;
  exits(ctx, unable, gain + die, (i) => {
    if (bernoulli(u, gain / (gain + die))) {
      addDtc(
        able,
        unable.arrivalDay[i] as number,
        unable.site[i] as number,
        dtcRecord(unable, i),
        COLONISATION,
      );
    } else count(i, unable, 'dormantDied');
  });
}

/** Immune pressure of the site on non-evading clones, fading as the colony grows. */
export function immuneAttack(t: Tumour, ctx: Context): void {
  const s = ctx.scenario;
  const name = SITES[t.site] as Exclude<(typeof SITES)[number], 'primary'>;
  const pressure = s.sites[name]?.immunePressure ?? 0;
  if (pressure === 0) return;
  const n = tumourCells(t);
  const hazard = pressure / (1 + n / s.colonisation.immuneSaturationCells);
  const p = -Math.expm1(-hazard * s.time.dt);
  for (const c of t.clones) {
    if (c.drivers & IMMUNE_EVASION || c.cells === 0) continue;
    c.cells -= binomial(ctx.streams.colonisation, c.cells, p);
  }
}
