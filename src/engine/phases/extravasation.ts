/**
 * Phase 6, extravasation. An arrested cell (or cluster) leaves the vessel with
 * probability p_extravasate * soil(site) (0.8-0.87: Koop et al. 1995, Luzzi et al.
 * 1998); otherwise it dies in the vessel.
 */
import { type Context, countFunnel } from '../context.ts';
import { binomial } from '../samplers.ts';
import { SITES } from '../schema.ts';
import type { Arrival } from './arrest.ts';

export function soil(ctx: Context, site: number): number {
  const name = SITES[site] as Exclude<(typeof SITES)[number], 'primary'>;
  return ctx.scenario.sites[name]?.soil ?? 1;
}

/** Replaces each arrival's units by those that extravasated; drops arrivals with none. */
export function extravasate(ctx: Context, arrivals: Arrival[]): Arrival[] {
  const u = ctx.streams.extravasation;
  const p = ctx.scenario.extravasation.probability;
  const out: Arrival[] = [];
  for (const a of arrivals) {
    const through = binomial(u, a.units, p * soil(ctx, a.site));
    const { route, timing } = a.record;
    countFunnel(ctx.state, 'extravasationFailed', route, timing, (a.units - through) * a.unitCells);
    countFunnel(ctx.state, 'extravasated', route, timing, through * a.unitCells);
    if (through > 0) out.push({ ...a, units: through });
  }
  return out;
}
