/**
 * Phase 2, angiogenesis. A tumour starts avascular with K = K_avascular. The
 * angiogenic switch happens with a daily hazard once N >= threshold * K_avascular
 * (or rising smoothly towards it: switchProbability), or at once when a clone
 * carries the angiogenic driver. After the switch K (as a
 * volume) follows Hahnfeldt et al. 1999: dK/dt = -lambda2 K + b V - d K V^(2/3).
 * With V held over the step that equation is linear in K, so it is integrated
 * exactly: the capacity does not depend on dt beyond V's own change.
 */
import { type Context, logEvent } from '../context.ts';
import { bernoulli } from '../samplers.ts';
import { SITES } from '../schema.ts';
import { ANGIOGENIC, type Tumour, tumourCells } from '../state.ts';

/** Blood-borne shedding is scaled by this: min(1, K/V) after the switch, a small baseline before. */
export function vascularisation(t: Tumour, ctx: Context): number {
  if (!t.vascular) return ctx.scenario.angiogenesis.baselineVascularisation;
  return Math.min(1, t.capacity / tumourCells(t));
}

/**
 * Chance that an avascular tumour of n cells switches this step. With steepness 0
 * the hazard starts at the threshold (a step); with steepness h > 0 it rises
 * smoothly with the share of the avascular limit reached, r = n / K_avascular, as
 * the Hill function r^h / (theta^h + r^h) centred on the threshold theta: hypoxia
 * and VEGF grow with the lesion rather than appear at one size (Folkman 1971;
 * Hanahan & Folkman 1996), so some lesions switch below the limit and pass it.
 */
export function switchProbability(ctx: Context, hazard: number, n: number): number {
  const a = ctx.scenario.angiogenesis;
  const theta = a.switchThresholdFraction;
  const r = n / a.avascularCapacityCells;
  const h = a.switchSteepness;
  if (h === 0 && r < theta) return 0;
  const ramp = h === 0 ? 1 : 1 / (1 + (theta / r) ** h);
  return -Math.expm1(-hazard * ramp * ctx.scenario.time.dt);
}

export function angiogenesis(t: Tumour, ctx: Context, switchHazard: number): void {
  const n = tumourCells(t);
  if (n === 0) return;
  if (!t.vascular) {
    const driven = t.clones.some((c) => c.cells > 0 && (c.drivers & ANGIOGENIC) !== 0);
    const p = switchProbability(ctx, switchHazard, n);
    if (driven || (p > 0 && bernoulli(ctx.streams.angiogenesis, p))) {
      t.vascular = true;
      logEvent(
        ctx.state,
        'angiogenic_switch',
        SITES[t.site] as string,
        t.id,
        n,
        driven ? 'driver' : 'hazard',
      );
    }
    return;
  }
  t.capacity = Math.min(nextCapacity(ctx, n, t.capacity), siteLimit(ctx, t.site));
}

/**
 * The largest vascular capacity a metastasis at this site can reach: a lymph-node
 * station's `maxCells` once its nodes are filled (the vessels a node mass recruits
 * do not make the station bigger), no limit in an organ or without that setting.
 * The limit holds for each metastasis on its own: several in one station are not summed.
 */
export function siteLimit(ctx: Context, site: number): number {
  const station = ctx.scenario.sites[SITES[site] as Exclude<(typeof SITES)[number], 'primary'>];
  const max = station && 'maxCells' in station ? station.maxCells : 0;
  return max > 0 ? max : Number.POSITIVE_INFINITY;
}

/** The capacity after one step of Hahnfeldt's equation for a vascular tumour of n cells (both in cells). */
export function nextCapacity(ctx: Context, n: number, capacity: number): number {
  const s = ctx.scenario;
  const a = s.angiogenesis;
  const dt = s.time.dt;
  const rho = s.body.cellsPerMm3;
  const v = n / rho;
  const k = capacity / rho;
  const r = a.lambda2 + a.d * v ** (2 / 3);
  const next = r > 0 ? (a.b * v) / r + (k - (a.b * v) / r) * Math.exp(-r * dt) : k + a.b * v * dt;
  return Math.max(next * rho, 1);
}
