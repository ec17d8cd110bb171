/**
 * Phase 4, circulation with immune kill. A CTC leaves the blood at rate k_clear
 * (half-life 1-2.4 h, Meng et al. 2004), either trapped alive or killed by NK cells
 * and shear. Whether it survives does not depend on how long it circulated, so its
 * fate is drawn when it enters; with k_clear * dt >> 1 it also arrests within the
 * step. The count of cells in blood is kept separately for observation, as a pool
 * that empties at k_clear. The immune-evasion driver removes part of the NK hazard;
 * clusters survive far better than single cells (Aceto et al. 2014).
 */
import { type Context, countFunnel } from '../context.ts';
import { binomial } from '../samplers.ts';
import { type FoundingRecord, IMMUNE_EVASION, ROUTE_LYMPH } from '../state.ts';
import { clusterCellsOf, type ShedBatch } from './invasion.ts';

/** Cells of one batch still alive after a passage through blood or lymph. */
export interface Survivors {
  site: number;
  record: FoundingRecord;
  singles: number;
  /** Clusters by size, as in ShedBatch. */
  clusters: number[];
}

/**
 * Survival with the kill hazard reshaped: a base survival s means a trap:kill hazard
 * ratio of s : (1 - s); NK kill is nkShare of the kill hazard, scaled by nkKillFactor
 * and reduced by immune evasion, so s' = s / (s + (1 - s) * killMultiplier).
 */
export function bloodSurvival(base: number, drivers: number, ctx: Context): number {
  const c = ctx.scenario.circulation;
  const evasion = drivers & IMMUNE_EVASION ? 1 - c.immuneEvasionEffect : 1;
  const killMultiplier = c.nkShareOfKill * c.nkKillFactor * evasion + (1 - c.nkShareOfKill);
  const denominator = base + (1 - base) * killMultiplier;
  return denominator > 0 ? base / denominator : 1;
}

/** Draws which cells of a batch survive: a binomial for single cells and one per cluster size. */
export function survive(
  ctx: Context,
  batch: ShedBatch,
  survivalSingle: number,
  survivalCluster: number,
): Survivors {
  const u = ctx.streams.circulation;
  const { record } = batch;
  const singles = binomial(u, batch.singles, survivalSingle);
  const clusters = batch.clusters.map((n) => binomial(u, n, survivalCluster));
  const aliveCells = singles + clusterCellsOf(clusters);
  countFunnel(
    ctx.state,
    'killed',
    record.route,
    record.timing,
    batch.singles + batch.clusterCells - aliveCells,
  );
  return { site: batch.site, record, singles, clusters };
}

export function circulate(ctx: Context, batches: readonly ShedBatch[], out: Survivors[]): void {
  const c = ctx.scenario.circulation;
  const lymph = ctx.scenario.lymph.survival;
  for (const batch of batches) {
    if (batch.record.route === ROUTE_LYMPH) {
      out.push(survive(ctx, batch, lymph, lymph));
    } else {
      ctx.state.enteredBlood += batch.singles + batch.clusterCells;
      const d = batch.record.drivers;
      out.push(
        survive(
          ctx,
          batch,
          bloodSurvival(c.survivalSingle, d, ctx),
          bloodSurvival(c.survivalCluster, d, ctx),
        ),
      );
    }
  }
}

/**
 * The blood pool for observation: cells present at the end of the step. Cells
 * already there stay with probability exp(-k dt); a cell entering at a uniform time
 * in the step is still there with probability (1 - exp(-k dt)) / (k dt).
 */
export function updateBloodPool(ctx: Context): void {
  const k = ctx.scenario.circulation.clearanceRate;
  const dt = ctx.scenario.time.dt;
  const u = ctx.streams.circulation;
  const stay = Math.exp(-k * dt);
  const stayIfEntered = k * dt > 0 ? -Math.expm1(-k * dt) / (k * dt) : 1;
  ctx.state.ctcInBlood =
    binomial(u, ctx.state.ctcInBlood, stay) + binomial(u, ctx.state.enteredBlood, stayIfEntered);
  ctx.state.enteredBlood = 0;
}
