/**
 * Circulation: a cluster whose time in the vasculature is up breaks apart — each
 * of its cells leaves it with the disaggregation probability and travels on
 * alone — and then every single cell survives with one probability and every
 * remaining cluster (two cells or more) with another, as a whole (Franssen et
 * al. 2019). Survivors go on to extravasation.
 */
import type { TissueContext } from '../context.ts';
import { EPITHELIAL, MESENCHYMAL } from '../lattice.ts';
import { extravasate } from './extravasation.ts';

export function leaveVasculature(ctx: TissueContext): void {
  const v = ctx.state.vasculature;
  const now = ctx.state.step + 1;
  while (v.head < v.exitStep.length && (v.exitStep[v.head] as number) <= now) {
    const m = v.mesenchymal[v.head] as number;
    const e = v.epithelial[v.head] as number;
    v.head++;
    release(ctx, m, e);
  }
  // Drop the processed front now and then, so a long run does not keep every cluster.
  if (v.head > 1024 && v.head * 2 > v.exitStep.length) {
    v.exitStep.splice(0, v.head);
    v.mesenchymal.splice(0, v.head);
    v.epithelial.splice(0, v.head);
    v.head = 0;
  }
}

function release(ctx: TissueContext, m: number, e: number): void {
  const rand = ctx.streams['tissue-circulation'];
  const { disaggregation, survivalSingle, survivalCluster } = ctx.params.vasculature;
  const c = ctx.state.counters;
  let keptM = m;
  let keptE = e;
  const singles: number[] = [];
  if (m + e > 1) {
    for (let i = 0; i < m; i++) {
      if (rand() < disaggregation) {
        keptM--;
        singles.push(MESENCHYMAL);
      }
    }
    for (let i = 0; i < e; i++) {
      if (rand() < disaggregation) {
        keptE--;
        singles.push(EPITHELIAL);
      }
    }
    c.disaggregated += singles.length;
  }
  // What is left of a cluster after all but one cell broke away is a single cell.
  if (keptM + keptE === 1) {
    singles.push(keptM === 1 ? MESENCHYMAL : EPITHELIAL);
    keptM = 0;
    keptE = 0;
  }
  if (keptM + keptE > 1) {
    if (rand() < survivalCluster) {
      c.survivedInCluster += keptM + keptE;
      extravasate(ctx, keptM, keptE);
    } else c.diedInCluster += keptM + keptE;
  }
  for (const type of singles) {
    if (rand() < survivalSingle) {
      c.survivedSingle++;
      extravasate(ctx, type === MESENCHYMAL ? 1 : 0, type === EPITHELIAL ? 1 : 0);
    } else c.diedSingle++;
  }
}
