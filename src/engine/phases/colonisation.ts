/**
 * Phase 8, colonisation and immune escape. An extravasated cell first settles as a
 * solitary cell; it leaves that state with three competing hazards: it divides and
 * founds a colony, becomes a dormant DTC, or dies (Luzzi et al. 1998). With
 * colonisation.settlingDays 0 the fate is drawn at arrival. A cell without the
 * colonisation driver cannot sustain growth: it goes dormant instead, and may gain
 * the driver at the site (parallel progression: Klein 2009, Schmidt-Kittler et al.
 * 2003). Dormant DTCs wake with a daily hazard (slowed by endocrine therapy) and die
 * with another. Small colonies face the site's immune pressure until a clone gains
 * the immune-evasion driver.
 */
import { dormantKey } from '../cohorts.ts';
import { type Context, countFunnel } from '../context.ts';
import { multinomial } from '../multinomial.ts';
import { bernoulli, binomial } from '../samplers.ts';
import { NODES, type Scenario, SITES } from '../schema.ts';
import {
  addDtc,
  COLONISATION,
  type DtcStore,
  dtcRecord,
  type FoundingRecord,
  IMMUNE_EVASION,
  mergeDtc,
  type Route,
  removeDtc,
  type Timing,
  type Tumour,
  tumourCells,
} from '../state.ts';
import { foundColonies } from './angiogenesisAtNewSite.ts';
import type { Arrival } from './arrest.ts';

const fates = new Float64Array(4);
const NODE_SITES = new Set<number>(NODES.map((n) => SITES.indexOf(n)));

/**
 * Shares of division, dormancy, deep dormancy and death among the fates of a unit. A
 * share of the able units that reach an organ go deep; the others meet the usual
 * fates in the usual proportions, so a deep pool can be added (with more shedding)
 * without changing the flows of the able units' other fates there. A unit that cannot
 * colonise goes dormant where it would have divided, and never deep (deep dormancy is
 * left for the able store), nor does a unit in a lymph node.
 */
function fateShares(c: Scenario['colonisation'], able: boolean, inOrgan: boolean): Float64Array {
  const deep = able && inOrgan ? c.deepDormantShare : 0;
  const rest = 1 - deep;
  fates[0] = able ? c.colonyFraction * rest : 0;
  fates[1] = (able ? c.dormantFraction : c.dormantFraction + c.colonyFraction) * rest;
  // A share of 0 draws nothing for this fate (multinomial), so runs without deep dormancy are unchanged.
  fates[2] = deep;
  fates[3] = (1 - c.colonyFraction - c.dormantFraction) * rest;
  return fates;
}

/**
 * `n` units of a record meet their fate at a site: colonies, dormant cells and
 * deaths, one multinomial draw. `arrivalDay` is the day they extravasated.
 */
function meetFates(ctx: Context, site: number, record: FoundingRecord, n: number, arrivalDay: number): void {
  const { scenario: s, state } = ctx;
  const c = s.colonisation;
  const able = !c.requireColonisationDriver || (record.drivers & COLONISATION) !== 0;
  const [colonies = 0, dormant = 0, deep = 0, died = 0] = multinomial(
    ctx.streams.colonisation,
    n,
    fateShares(c, able, !NODE_SITES.has(site)),
  );
  const { route, timing } = record;
  countFunnel(state, 'founded', route, timing, colonies * record.cells);
  countFunnel(state, 'dormant', route, timing, (dormant + deep) * record.cells);
  countFunnel(state, 'diedAfterExtravasation', route, timing, died * record.cells);
  foundColonies(ctx, site, record, 0, colonies);
  state.coloniesFoundedDirectly += colonies;
  addDormant(ctx, able, arrivalDay, site, record, 0, dormant);
  addRows(ctx, state.dormantDeep, ctx.cohorts.dormantDeepIndex, arrivalDay, site, record, 0, deep);
}

/** Extravasated units start settling, or meet their fate at once when settlingDays is 0. */
export function colonise(ctx: Context, arrivals: readonly Arrival[]): void {
  const { scenario: s, state } = ctx;
  const settling = s.colonisation.settlingDays > 0;
  for (const a of arrivals) {
    const record = { ...a.record, cells: a.unitCells };
    if (settling)
      addRows(ctx, state.settling, ctx.cohorts.settlingIndex, state.day, a.site, record, 0, a.units);
    else meetFates(ctx, a.site, record, a.units, state.day);
  }
}

/**
 * Settling cells leave with the competing hazards division, dormancy and death,
 * colonyFraction, dormantFraction and the rest each divided by settlingDays: each
 * leaves in a step with probability 1 - exp(-dt / settlingDays), exactly, and the
 * exits split in those shares. The time to fate is exponential, so a cell's future
 * does not depend on how long it has settled: cells of one key are exchangeable and
 * a cohort row is exact in distribution whatever its members' arrival days.
 */
export function settle(ctx: Context): void {
  const days = ctx.scenario.colonisation.settlingDays;
  const store = ctx.state.settling;
  if (days === 0 || store.size === 0) return;
  if (ctx.counted)
    cohortExits(ctx, store, ctx.cohorts.settlingIndex, 1 / days, (i, n) => leaveSettling(ctx, i, n));
  else exits(ctx, store, 1 / days, (i, n) => leaveSettling(ctx, i, n));
}

function leaveSettling(ctx: Context, i: number, n: number): void {
  const store = ctx.state.settling;
  meetFates(ctx, store.site[i] as number, dtcRecord(store, i), n, store.arrivalDay[i] as number);
}

/** Adds `count` units of a record to a store: merged into their cohort row, or one record each. */
function addRows(
  ctx: Context,
  store: DtcStore,
  index: Map<number, number>,
  day: number,
  site: number,
  record: FoundingRecord,
  gained: number,
  count: number,
): void {
  if (count === 0) return;
  if (!ctx.counted) {
    for (let i = 0; i < count; i++) addDtc(store, day, site, record, gained);
    return;
  }
  const key = dormantKey(ctx.cohorts, site, record, gained);
  const row = index.get(key);
  if (row === undefined) index.set(key, addDtc(store, day, site, record, gained, count, key));
  else mergeDtc(store, row, day, record, count);
}

/** Adds `count` dormant cells (units) of a record to the able or unable store. */
function addDormant(
  ctx: Context,
  able: boolean,
  day: number,
  site: number,
  record: FoundingRecord,
  gained: number,
  count: number,
): void {
  const { state, cohorts } = ctx;
  if (able) addRows(ctx, state.dormantAble, cohorts.dormantAbleIndex, day, site, record, gained, count);
  else addRows(ctx, state.dormantUnable, cohorts.dormantUnableIndex, day, site, record, gained, count);
}

/**
 * Exits from a group of dormant (or settling) DTCs that share their hazards, for the reference
 * representation: the number leaving is binomial, and who leaves is drawn without
 * replacement, so the cost is the number of exits, not the number of dormant cells.
 */
function exits(ctx: Context, store: DtcStore, leave: number, onExit: (i: number, n: number) => void): void {
  const u = ctx.streams.colonisation;
  const dt = ctx.scenario.time.dt;
  const k = binomial(u, store.size, -Math.expm1(-leave * dt));
  for (let j = 0; j < k; j++) {
    const i = Math.floor(u() * store.size);
    onExit(i, 1);
    removeDtc(store, i);
  }
}

/**
 * Exits from cohort rows. Every cell leaves independently with the same
 * probability, so thinning each row by a binomial is exact; when fewer than one
 * exit is expected it is cheaper, and as exact, to draw the total once and pick the
 * leaving cells without replacement.
 */
function cohortExits(
  ctx: Context,
  store: DtcStore,
  index: Map<number, number>,
  leave: number,
  onExit: (i: number, n: number) => void,
): void {
  const u = ctx.streams.colonisation;
  const p = -Math.expm1(-leave * ctx.scenario.time.dt);
  if (p === 0 || store.size === 0) return;
  let total = 0;
  for (let i = 0; i < store.size; i++) total += store.count[i] as number;
  if (total * p < 0.5) {
    const k = binomial(u, total, p);
    for (let j = 0; j < k; j++, total--) {
      let x = Math.floor(u() * total) - (store.count[0] as number);
      let i = 0;
      while (x >= 0) x -= store.count[++i] as number;
      onExit(i, 1);
      store.count[i] = (store.count[i] as number) - 1;
    }
  } else {
    for (let i = 0; i < store.size; i++) {
      const e = binomial(u, store.count[i] as number, p);
      if (e === 0) continue;
      onExit(i, e);
      store.count[i] = (store.count[i] as number) - e;
    }
  }
  dropEmptyRows(store, index);
}

/** Removes rows left without cells, keeping the key index in step with the moved rows. */
export function dropEmptyRows(store: DtcStore, index: Map<number, number>): void {
  for (let i = store.size - 1; i >= 0; i--) {
    if ((store.count[i] as number) > 0) continue;
    index.delete(store.key[i] as number);
    if (removeDtc(store, i) >= 0) index.set(store.key[i] as number, i);
  }
}

/**
 * Surgery-driven waking: the factor on the waking hazard in the step that ends on `day`
 * (it covers day - dt to day), for a surgery on `surgeryDay` (-1: none yet). The window
 * is the wakeDays days after surgery; a step that straddles its end takes the factor
 * for the part inside, so the window is the same length at any dt. Surgery comes after
 * this phase in its step, so the window starts with the next step.
 */
export function surgeryWakeMultiplier(
  day: number,
  dt: number,
  surgeryDay: number,
  factor: number,
  wakeDays: number,
): number {
  if (surgeryDay < 0 || factor === 1) return 1;
  const inside = Math.min(day, surgeryDay + wakeDays) - Math.max(day - dt, surgeryDay);
  // inside ≤ dt; the tolerance keeps rounding in day = step · dt from leaving a sliver of the window.
  return inside > 1e-9 * dt ? 1 + ((factor - 1) * inside) / dt : 1;
}

export function dormancy(ctx: Context): void {
  const { scenario: s, state } = ctx;
  const c = s.colonisation;
  // Read from the state rather than set by the clinical layer, so that a resumed
  // checkpoint needs nothing restored.
  const { wakeFactor, wakeDays } = s.clinical.surgery;
  const afterSurgery = surgeryWakeMultiplier(
    state.day,
    s.time.dt,
    state.clinical.surgeryDay,
    wakeFactor,
    wakeDays,
  );
  const wake = c.wakeHazard * ctx.therapy.wakeFactor * afterSurgery;
  const die = c.dormantDeathHazard;
  const able = state.dormantAble;
  const unable = state.dormantUnable;
  // Cells lacking the colonisation driver gain it (and join the able group) or die.
  const gain = c.progressionHazard;
  const pWake = wake / (wake + die);
  const pGain = gain / (gain + die);
  // Module functions behind anonymous callbacks: the Node loader (tsx) keeps function
  // names, which costs a property definition for each named closure made every step.
  if (ctx.counted) {
    cohortExits(ctx, able, ctx.cohorts.dormantAbleIndex, wake + die, (i, n) => leaveAble(ctx, pWake, i, n));
    cohortExits(ctx, unable, ctx.cohorts.dormantUnableIndex, gain + die, (i, n) =>
      leaveUnable(ctx, pGain, i, n),
    );
  } else {
    exits(ctx, able, wake + die, (i, n) => leaveAble(ctx, pWake, i, n));
    exits(ctx, unable, gain + die, (i, n) => leaveUnable(ctx, pGain, i, n));
  }
  // Deep dormancy is left for ordinary dormancy (or death): surgery and therapy change
  // waking, not this exit. Cells that leave it now can wake from the next step on.
  const deep = state.dormantDeep;
  if (deep.size === 0) return;
  const exit = c.deepDormancyExitHazard;
  const pExit = exit / (exit + die);
  if (ctx.counted)
    cohortExits(ctx, deep, ctx.cohorts.dormantDeepIndex, exit + die, (i, n) => leaveDeep(ctx, pExit, i, n));
  else exits(ctx, deep, exit + die, (i, n) => leaveDeep(ctx, pExit, i, n));
}

/** n deeply dormant cells of row i leave: each becomes ordinarily dormant with probability pExit, or dies. */
function leaveDeep(ctx: Context, pExit: number, i: number, n: number): void {
  const u = ctx.streams.colonisation;
  const deep = ctx.state.dormantDeep;
  const left = n === 1 ? (bernoulli(u, pExit) ? 1 : 0) : binomial(u, n, pExit);
  const at = deep.arrivalDay[i] as number;
  addDormant(ctx, true, at, deep.site[i] as number, dtcRecord(deep, i), deep.gained[i] as number, left);
  if (n > left) countDormantExit(ctx, deep, i, 'dormantDied', n - left);
}

function countDormantExit(
  ctx: Context,
  store: DtcStore,
  i: number,
  stage: 'dormantDied' | 'dormantWoke',
  n: number,
): void {
  countFunnel(
    ctx.state,
    stage,
    store.route[i] as Route,
    store.timing[i] as Timing,
    (store.cells[i] as number) * n,
  );
}

/** n able dormant cells of row i leave: each wakes (founds a colony) with probability pWake, or dies. */
function leaveAble(ctx: Context, pWake: number, i: number, n: number): void {
  const { state } = ctx;
  const u = ctx.streams.colonisation;
  const able = state.dormantAble;
  const woke = n === 1 ? (bernoulli(u, pWake) ? 1 : 0) : binomial(u, n, pWake);
  if (woke > 0) {
    foundColonies(ctx, able.site[i] as number, dtcRecord(able, i), able.gained[i] as number, woke);
    state.coloniesFoundedByWaking += woke;
    countDormantExit(ctx, able, i, 'dormantWoke', woke);
  }
  if (n > woke) countDormantExit(ctx, able, i, 'dormantDied', n - woke);
}

/** n unable dormant cells of row i leave: each gains the colonisation driver with probability pGain, or dies. */
function leaveUnable(ctx: Context, pGain: number, i: number, n: number): void {
  const u = ctx.streams.colonisation;
  const unable = ctx.state.dormantUnable;
  const gained = n === 1 ? (bernoulli(u, pGain) ? 1 : 0) : binomial(u, n, pGain);
  const at = unable.arrivalDay[i] as number;
  addDormant(ctx, true, at, unable.site[i] as number, dtcRecord(unable, i), COLONISATION, gained);
  if (n > gained) countDormantExit(ctx, unable, i, 'dormantDied', n - gained);
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
