/**
 * Phase 5, arrest. Surviving cells stop in a capillary bed or a lymph node, chosen
 * by the routes of anatomy.ts: blood from systemic veins meets the lungs first, from
 * the portal vein the liver first, then arterial blood by flow share; lymph meets
 * the sentinel node (or skips it), then the chain, then the thoracic duct into
 * venous blood, where the cells face blood-borne kill like any CTC. Single cells
 * of a batch are spread over sites by one multinomial draw; clusters one by one.
 */
import { ARTERIAL, NODE_SITE, PORTAL, THORACIC_DUCT, VENOUS } from '../anatomy.ts';
import { type Context, countFunnel } from '../context.ts';
import { categorical, multinomial } from '../multinomial.ts';
import { bernoulli, binomial } from '../samplers.ts';
import { type FoundingRecord, ROUTE_INOCULATION, ROUTE_LYMPH } from '../state.ts';
import { bloodSurvival, type Survivors } from './circulation.ts';

/** Units of equal size that arrested alive at one site. */
export interface Arrival {
  site: number;
  record: FoundingRecord;
  units: number;
  /** Cells per unit: 1 for single cells, the cluster size for a cluster. */
  unitCells: number;
}

const VESSEL_ENTRY = { portal: PORTAL, tailVein: VENOUS, arterial: ARTERIAL } as const;

function arriveInBlood(
  ctx: Context,
  entry: number,
  s: Survivors,
  singles: number,
  clusters: readonly number[],
  out: Arrival[],
): void {
  const u = ctx.streams.arrest;
  const probs = ctx.anatomy.bloodArrest[entry] as Float64Array;
  const counts = multinomial(u, singles, probs);
  for (let site = 0; site < counts.length; site++) {
    const n = counts[site] as number;
    if (n > 0) out.push({ site, record: s.record, units: n, unitCells: 1 });
  }
  for (const size of clusters)
    out.push({ site: categorical(u, probs), record: s.record, units: 1, unitCells: size });
}

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
      arriveInBlood(ctx, entry, s, s.singles, s.clusterSizes, out);
      continue;
    }
    const probs = ctx.anatomy.lymphArrest[s.site] as Float64Array;
    const counts = multinomial(u, s.singles, probs);
    for (let i = 0; i < THORACIC_DUCT; i++) {
      const n = counts[i] as number;
      if (n > 0) out.push({ site: NODE_SITE[i] as number, record: s.record, units: n, unitCells: 1 });
    }
    const ductClusters: number[] = [];
    for (const size of s.clusterSizes) {
      const outcome = categorical(u, probs);
      if (outcome < THORACIC_DUCT)
        out.push({ site: NODE_SITE[outcome] as number, record: s.record, units: 1, unitCells: size });
      else ductClusters.push(size);
    }
    // Through the thoracic duct into venous blood.
    const ductSingles = counts[THORACIC_DUCT] as number;
    const ductCells = ductSingles + ductClusters.reduce((a, b) => a + b, 0);
    if (ductCells === 0) continue;
    ctx.state.enteredBlood += ductCells;
    const d = s.record.drivers;
    const singles = binomial(u, ductSingles, bloodSurvival(c.survivalSingle, d, ctx));
    const survivalCluster = bloodSurvival(c.survivalCluster, d, ctx);
    const clusters = ductClusters.filter(() => bernoulli(u, survivalCluster));
    const alive = singles + clusters.reduce((a, b) => a + b, 0);
    countFunnel(ctx.state, 'killed', route, s.record.timing, ductCells - alive);
    arriveInBlood(ctx, VENOUS, s, singles, clusters, out);
  }
  for (let i = first; i < out.length; i++) {
    const a = out[i] as Arrival;
    countFunnel(ctx.state, 'arrested', a.record.route, a.record.timing, a.units * a.unitCells);
  }
}
