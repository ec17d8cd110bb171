/**
 * Phase 5, arrest. Surviving cells stop in a capillary bed or a lymph node, chosen
 * by the routes of anatomy.ts: blood from systemic veins meets the lungs first, from
 * the portal vein the liver first, then arterial blood by flow share; lymph meets
 * the sentinel node (or skips it), then the chain, then the thoracic duct into
 * venous blood, where the cells face blood-borne kill like any CTC. The single
 * cells of a batch, and its clusters of each size, are spread over sites by one
 * multinomial draw each.
 */
import { ARTERIAL, NODE_SITE, PORTAL, THORACIC_DUCT, VENOUS } from '../anatomy.ts';
import { type Context, countFunnel } from '../context.ts';
import { multinomial } from '../multinomial.ts';
import { binomial } from '../samplers.ts';
import { type FoundingRecord, ROUTE_INOCULATION, ROUTE_LYMPH } from '../state.ts';
import { bloodSurvival, type Survivors } from './circulation.ts';
import { clusterCellsOf } from './invasion.ts';

/** Units of equal size that arrested alive at one site. */
export interface Arrival {
  site: number;
  record: FoundingRecord;
  units: number;
  /** Cells per unit: 1 for single cells, the cluster size for a cluster. */
  unitCells: number;
}

const VESSEL_ENTRY = { portal: PORTAL, tailVein: VENOUS, arterial: ARTERIAL } as const;

/** Units of one size spread over the sites of an arrest law by one multinomial draw. */
function arriveUnits(
  ctx: Context,
  probs: Float64Array,
  sites: (i: number) => number,
  s: Survivors,
  units: number,
  unitCells: number,
  out: Arrival[],
): number[] {
  const counts = multinomial(ctx.streams.arrest, units, probs);
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] as number;
    const site = sites(i);
    if (n > 0 && site >= 0) out.push({ site, record: s.record, units: n, unitCells });
  }
  return counts;
}

const bySite = (i: number) => i;

function arriveInBlood(
  ctx: Context,
  entry: number,
  s: Survivors,
  singles: number,
  clusters: readonly number[],
  out: Arrival[],
): void {
  const probs = ctx.anatomy.bloodArrest[entry] as Float64Array;
  arriveUnits(ctx, probs, bySite, s, singles, 1, out);
  for (let k = 0; k < clusters.length; k++)
    if ((clusters[k] as number) > 0) arriveUnits(ctx, probs, bySite, s, clusters[k] as number, 2 + k, out);
}

/** Lymph outcomes: the node stations in order, then the thoracic duct (no site). */
const byNode = (i: number) => (i < THORACIC_DUCT ? (NODE_SITE[i] as number) : -1);

export function arrest(ctx: Context, survivors: readonly Survivors[], out: Arrival[]): void {
  const u = ctx.streams.arrest;
  const c = ctx.scenario.circulation;
  const first = out.length;
  for (const s of survivors) {
    const route = s.record.route;
    if (route !== ROUTE_LYMPH) {
      const entry =
        route === ROUTE_INOCULATION
          ? VESSEL_ENTRY[ctx.scenario.inoculation.vessel]
          : (ctx.anatomy.bloodEntry[s.site] as number);
      arriveInBlood(ctx, entry, s, s.singles, s.clusters, out);
      continue;
    }
    const probs = ctx.anatomy.lymphArrest[s.site] as Float64Array;
    const ductSingles = arriveUnits(ctx, probs, byNode, s, s.singles, 1, out)[THORACIC_DUCT] as number;
    const ductClusters = s.clusters.map((n, k) =>
      n > 0 ? (arriveUnits(ctx, probs, byNode, s, n, 2 + k, out)[THORACIC_DUCT] as number) : 0,
    );
    // Through the thoracic duct into venous blood.
    const ductCells = ductSingles + clusterCellsOf(ductClusters);
    if (ductCells === 0) continue;
    ctx.state.enteredBlood += ductCells;
    const d = s.record.drivers;
    const singles = binomial(u, ductSingles, bloodSurvival(c.survivalSingle, d, ctx));
    const survivalCluster = bloodSurvival(c.survivalCluster, d, ctx);
    const clusters = ductClusters.map((n) => binomial(u, n, survivalCluster));
    const alive = singles + clusterCellsOf(clusters);
    countFunnel(ctx.state, 'killed', route, s.record.timing, ductCells - alive);
    arriveInBlood(ctx, VENOUS, s, singles, clusters, out);
  }
  for (let i = first; i < out.length; i++) {
    const a = out[i] as Arrival;
    countFunnel(ctx.state, 'arrested', a.record.route, a.record.timing, a.units * a.unitCells);
  }
}
