/**
 * Phase 3, invasion and intravasation. A fraction of each clone is invasive:
 * under the early programme invasive cells exist from the start and are most
 * frequent in small lesions, f = f0 / (1 + (N / N_half)^h) (Harper et al. 2016,
 * Hosseini et al. 2016: rising density switches cells to proliferation); under the
 * late programme only clones with the invasive driver invade (linear progression);
 * 'mixed' adds both. An invasive cell enters blood at a rate scaled by
 * vascularisation and lymph at its own rate; a shedding event releases a cluster
 * with some probability, which takes extra cells of the same clone with it.
 */
import { type Context, countFunnel, logEvent } from '../context.ts';
import { binomial } from '../samplers.ts';
import { SITES } from '../schema.ts';
import {
  type Clone,
  type FoundingRecord,
  INVASIVE,
  ROUTE_BLOOD,
  ROUTE_LYMPH,
  ROUTES,
  type Route,
  type Timing,
  type Tumour,
  tumourCells,
} from '../state.ts';
import { vascularisation } from './angiogenesis.ts';

/** Cells that left one clone of one tumour by one route in one step. */
export interface ShedBatch {
  /** Site the cells left; decides their first bed or node. */
  site: number;
  /** Founding record every cell of the batch would carry. */
  record: FoundingRecord;
  singles: number;
  clusters: number;
  /** All cells in clusters (each cluster is 2 + Binomial(48, q) cells). */
  clusterCells: number;
}

export const MAX_CLUSTER_EXTRA = 48;

export function invasiveFraction(c: Clone, tumourSize: number, ctx: Context): number {
  const inv = ctx.scenario.invasion;
  const early = inv.earlyMaxFraction / (1 + (tumourSize / inv.earlyHalfCells) ** inv.earlyHillExponent);
  const late = c.drivers & INVASIVE ? inv.lateInvasiveFraction : 0;
  if (inv.programme === 'early') return early;
  if (inv.programme === 'late') return late;
  return Math.min(1, early + late);
}

/**
 * Early or late by the primary's size when the lineage left it; colonies pass
 * their own timing on; cells leaving what surgery left behind left a detected
 * primary, so they are late.
 */
function timingOf(t: Tumour, primaryCells: number, ctx: Context): Timing {
  if (t.founding) return t.founding.timing;
  if (t.residual) return 1;
  return primaryCells < ctx.scenario.body.earlyThresholdCells ? 0 : 1;
}

export function invade(t: Tumour, ctx: Context, primaryCells: number, out: ShedBatch[]): void {
  const inv = ctx.scenario.invasion;
  const u = ctx.streams.invasion;
  const n = tumourCells(t);
  if (n === 0) return;
  const bloodRate = inv.bloodRate * vascularisation(t, ctx);
  const total = bloodRate + inv.lymphRate;
  if (total <= 0) return;
  const pShedIfInvasive = -Math.expm1(-total * ctx.scenario.time.dt);
  for (const c of t.clones) {
    const f = invasiveFraction(c, n, ctx);
    if (f === 0 || c.cells === 0) continue;
    const events = binomial(u, c.cells, f * pShedIfInvasive);
    if (events === 0) continue;
    const toBlood = binomial(u, events, bloodRate / total);
    // Cells of lymph events stay reserved while blood clusters recruit.
    release(ctx, t, c, primaryCells, ROUTE_BLOOD, toBlood, events, out);
    release(ctx, t, c, primaryCells, ROUTE_LYMPH, events - toBlood, events - toBlood, out);
  }
}

/** Takes e shedding events (some of them clusters) out of a clone; `pending` events' cells are not recruitable. */
function release(
  ctx: Context,
  t: Tumour,
  c: Clone,
  primaryCells: number,
  route: Route,
  e: number,
  pending: number,
  out: ShedBatch[],
): void {
  if (e === 0) return;
  const { state } = ctx;
  const u = ctx.streams.invasion;
  const inv = ctx.scenario.invasion;
  // A cluster cannot take more cells than its clone has left.
  const clusters = Math.min(binomial(u, e, inv.clusterFraction), c.cells - pending);
  const q = (inv.clusterMeanSize - 2) / MAX_CLUSTER_EXTRA;
  const extra = Math.min(binomial(u, MAX_CLUSTER_EXTRA * clusters, q), c.cells - pending - clusters);
  const clusterCells = 2 * clusters + extra;
  const cells = e - clusters + clusterCells;
  c.cells -= cells;
  const timing = timingOf(t, primaryCells, ctx);
  out.push({
    site: t.site,
    record: {
      disseminationDay: state.day,
      origin: t.id,
      primaryCellsAtDissemination: primaryCells,
      drivers: c.drivers,
      passengers: c.passengers,
      route,
      timing,
      generation: t.founding ? t.founding.generation + 1 : 1,
      cells: 1,
    },
    singles: e - clusters,
    clusters,
    clusterCells,
  });
  countFunnel(state, 'shed', route, timing, cells);
  if (route === ROUTE_BLOOD) state.shedBloodSinceObservation += cells;
  else state.shedLymphSinceObservation += cells;
  if (state.firstDisseminationDay < 0) {
    state.firstDisseminationDay = state.day;
    logEvent(state, 'first_dissemination', SITES[t.site] as string, t.id, primaryCells, ROUTES[route]);
  }
}
