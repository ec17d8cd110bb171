/**
 * Phase 3, invasion and intravasation. A fraction of each clone is invasive:
 * under the early programme invasive cells exist from the start and are most
 * frequent in small lesions, f = f0 / (1 + (N / N_half)^h) (Harper et al. 2016,
 * Hosseini et al. 2016: rising density switches cells to proliferation); under the
 * late programme only clones with the invasive driver invade (linear progression);
 * 'mixed' adds both. An invasive cell enters blood at a rate scaled by
 * vascularisation and lymph at its own rate; a shedding event releases a cluster
 * with some probability, which takes extra cells of the same clone with it.
 * The invasive fraction is a share of the clone at every moment, not a set of
 * cells that shedding empties, so each cell sheds with hazard f (r_b v + r_l) and
 * with probability 1 - exp(-f (r_b v + r_l) dt) in a step: the expected shed cells
 * do not depend on dt beyond the clone's own change within the step.
 */
import { type Context, countFunnel, logEvent } from '../context.ts';
import { multinomial } from '../multinomial.ts';
import { binomial, logBinomialPmf } from '../samplers.ts';
import { SITES } from '../schema.ts';
import {
  type Clone,
  cellsForDiameter,
  DRIVER_SETS,
  type FoundingRecord,
  INVASIVE,
  ROUTE_BLOOD,
  ROUTE_LYMPH,
  ROUTES,
  type Route,
  TIMINGS,
  type Timing,
  type Tumour,
  tumourCells,
} from '../state.ts';
import { vascularisation } from './angiogenesis.ts';

export const MAX_CLUSTER_EXTRA = 48;
/** Origin of cells shed by colonies not followed one by one: cohort members and records below the detectable size. */
export const POOLED_ORIGIN = -2;

/** Cells that left one clone of one tumour by one route in one step. */
export interface ShedBatch {
  /** Site the cells left; decides their first bed or node. */
  site: number;
  /** Founding record every cell of the batch would carry. */
  record: FoundingRecord;
  singles: number;
  /** Clusters by size: entry k counts clusters of 2 + k cells (each cluster is 2 + Binomial(48, q) cells). */
  clusters: number[];
  /** All cells in clusters. */
  clusterCells: number;
}

/** Cells in clusters of a size histogram. */
export function clusterCellsOf(clusters: readonly number[]): number {
  let n = 0;
  for (let k = 0; k < clusters.length; k++) n += (clusters[k] as number) * (2 + k);
  return n;
}

let sizeLaw = { q: Number.NaN, probs: new Float64Array(MAX_CLUSTER_EXTRA + 1) };

/** The Binomial(48, q) law of a cluster's extra cells. */
function clusterSizeLaw(q: number): Float64Array {
  if (sizeLaw.q !== q) {
    const probs = new Float64Array(MAX_CLUSTER_EXTRA + 1);
    for (let k = 0; k <= MAX_CLUSTER_EXTRA; k++) probs[k] = Math.exp(logBinomialPmf(k, MAX_CLUSTER_EXTRA, q));
    sizeLaw = { q, probs };
  }
  return sizeLaw.probs;
}

/**
 * Cells a clone loses to shedding per cell per day: events times the mean cells an
 * event takes (a cluster takes clusterMeanSize). Growth counts the tumour's mean loss
 * among the deaths of its turnover (growth.ts), so shedding does not slow a tumour
 * below its growth law.
 */
export function shedLossRate(ctx: Context, drivers: number, tumourSize: number, v: number): number {
  return invasiveFraction(drivers, tumourSize, ctx) * shedHazard(ctx, v) * cellsPerShedEvent(ctx);
}

/** Shedding events per invasive cell per day at vascularisation v, blood and lymph, for this patient. */
export function shedHazard(ctx: Context, v: number): number {
  const inv = ctx.scenario.invasion;
  const { shedFactor, lymphRatio } = ctx.state.patient;
  return (inv.bloodRate * v + inv.lymphRate * lymphRatio) * shedFactor;
}

/** The share of this patient's shedding events that enter the blood, at blood rate `blood` (vascularisation included). */
export function bloodShare(ctx: Context, blood: number): number {
  const total = blood + ctx.scenario.invasion.lymphRate * ctx.state.patient.lymphRatio;
  return total > 0 ? blood / total : 0;
}

/** Mean cells that leave in one shedding event: single cells, or clusters of clusterMeanSize. */
export function cellsPerShedEvent(ctx: Context): number {
  const inv = ctx.scenario.invasion;
  return 1 - inv.clusterFraction + inv.clusterFraction * inv.clusterMeanSize;
}

export function invasiveFraction(drivers: number, tumourSize: number, ctx: Context): number {
  const inv = ctx.scenario.invasion;
  const early = inv.earlyMaxFraction / (1 + (tumourSize / inv.earlyHalfCells) ** inv.earlyHillExponent);
  const late = drivers & INVASIVE ? inv.lateInvasiveFraction : 0;
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
  const v = vascularisation(t, ctx);
  const total = shedHazard(ctx, v);
  if (total <= 0) return;
  const toBloodShare = bloodShare(ctx, inv.bloodRate * v);
  const dt = ctx.scenario.time.dt;
  const s = ctx.scenario;
  // With cohorts, a colony record below the detectable size (one that gained a driver, an
  // angiogenic founder before its switch, one shrunk by therapy or immune kill) is followed
  // as a record for its clones, not as a lesion anyone looks at: its cells are pooled with
  // the cohorts' (poolShed), so that a disease of thousands of such colonies circulates a
  // batch per kind of cell, not per colony. Decided once, at the step's size. The
  // individual reference keeps every colony's own origin.
  const origin =
    ctx.counted &&
    t.founding !== null &&
    n < cellsForDiameter(s.clinical.metastasisDetectionMm, s.body.cellsPerMm3)
      ? POOLED_ORIGIN
      : t.id;
  for (const c of t.clones) {
    const f = invasiveFraction(c.drivers, n, ctx);
    if (f === 0 || c.cells === 0) continue;
    const events = binomial(u, c.cells, -Math.expm1(-f * total * dt));
    if (events === 0) continue;
    const toBlood = binomial(u, events, toBloodShare);
    // Cells of lymph events stay reserved while blood clusters recruit.
    release(ctx, t, origin, c, primaryCells, ROUTE_BLOOD, toBlood, events, out);
    release(ctx, t, origin, c, primaryCells, ROUTE_LYMPH, events - toBlood, events - toBlood, out);
  }
}

/** Takes e shedding events (some of them clusters) out of a clone; `pending` events' cells are not recruitable. */
function release(
  ctx: Context,
  t: Tumour,
  origin: number,
  c: Clone,
  primaryCells: number,
  route: Route,
  e: number,
  pending: number,
  out: ShedBatch[],
): void {
  const parent: ShedParent = {
    site: t.site,
    origin,
    drivers: c.drivers,
    passengers: c.passengers,
    timing: timingOf(t, primaryCells, ctx),
    generation: t.founding ? t.founding.generation + 1 : 1,
  };
  c.cells -= releaseCells(ctx, parent, primaryCells, route, e, pending, c.cells, out);
}

/** What the cells shed by one clone (or one colony cohort) carry into their founding records. */
export interface ShedParent {
  site: number;
  /** Tumour id; POOLED_ORIGIN (-2) for a colony not followed one by one. */
  origin: number;
  drivers: number;
  passengers: number;
  timing: Timing;
  generation: number;
}

/**
 * Shed cells of e events out of `available` cells, `pending` of which are reserved
 * for other events; returns the number of cells taken.
 */
export function releaseCells(
  ctx: Context,
  parent: ShedParent,
  primaryCells: number,
  route: Route,
  e: number,
  pending: number,
  available: number,
  out: ShedBatch[],
): number {
  if (e === 0) return 0;
  const { state } = ctx;
  const u = ctx.streams.invasion;
  const inv = ctx.scenario.invasion;
  // A cluster cannot take more cells than its clone has left.
  const count = Math.min(binomial(u, e, inv.clusterFraction), available - pending);
  const q = (inv.clusterMeanSize - 2) / MAX_CLUSTER_EXTRA;
  // The sizes of the clusters, as counts per size: one multinomial, whatever their number.
  const clusters = count > 0 ? multinomial(u, count, clusterSizeLaw(q)) : [];
  let excess = clusterCellsOf(clusters) - (available - pending);
  // Too few cells left for every extra: the largest clusters are made smaller.
  for (let k = MAX_CLUSTER_EXTRA; k > 0 && excess > 0; k--) {
    while ((clusters[k] as number) > 0 && excess > 0) {
      const to = Math.max(0, k - excess);
      clusters[k] = (clusters[k] as number) - 1;
      clusters[to] = (clusters[to] as number) + 1;
      excess -= k - to;
    }
  }
  const clusterCells = clusterCellsOf(clusters);
  const cells = e - count + clusterCells;
  const { timing } = parent;
  out.push({
    site: parent.site,
    record: {
      disseminationDay: state.day,
      origin: parent.origin,
      primaryCellsAtDissemination: primaryCells,
      drivers: parent.drivers,
      passengers: parent.passengers,
      route,
      timing,
      generation: parent.generation,
      cells: 1,
    },
    singles: e - count,
    clusters,
    clusterCells,
  });
  countFunnel(state, 'shed', route, timing, cells);
  if (route === ROUTE_BLOOD) state.shedBloodSinceObservation += cells;
  else state.shedLymphSinceObservation += cells;
  if (state.firstDisseminationDay < 0) {
    state.firstDisseminationDay = state.day;
    logEvent(
      state,
      'first_dissemination',
      SITES[parent.site] as string,
      parent.origin,
      primaryCells,
      ROUTES[route],
    );
  }
  return cells;
}

/**
 * Merges the step's batches of pooled origin that carry the same kind of cell (site
 * left, route, drivers, timing, generation) into one, in the order of their first
 * batch. Every later phase draws each cell's or cluster's fate independently given
 * its kind, so one batch of the summed singles and clusters has the law of the
 * separate batches. The founders' passengers, a label no hazard reads, become the
 * cell-weighted mean, as in a cohort row.
 */
export function poolShed(batches: ShedBatch[]): ShedBatch[] {
  const out: ShedBatch[] = [];
  const byKind = new Map<number, ShedBatch>();
  for (const b of batches) {
    const r = b.record;
    if (r.origin !== POOLED_ORIGIN) {
      out.push(b);
      continue;
    }
    const kind =
      (((r.generation * SITES.length + b.site) * ROUTES.length + r.route) * DRIVER_SETS + r.drivers) *
        TIMINGS.length +
      r.timing;
    const into = byKind.get(kind);
    if (!into) {
      const copy = { ...b, record: { ...r }, clusters: [...b.clusters] };
      byKind.set(kind, copy);
      out.push(copy);
      continue;
    }
    const had = into.singles + into.clusterCells;
    const cells = b.singles + b.clusterCells;
    if (had + cells > 0)
      into.record.passengers += ((r.passengers - into.record.passengers) * cells) / (had + cells);
    into.singles += b.singles;
    into.clusterCells += b.clusterCells;
    for (let k = 0; k < b.clusters.length; k++)
      into.clusters[k] = (into.clusters[k] ?? 0) + (b.clusters[k] as number);
  }
  return out;
}
