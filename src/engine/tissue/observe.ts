/**
 * The tissue time series: cells by type per patch, the vasculature, the funnel
 * so far, and how far the invasion front has gone. Observation draws no random
 * numbers, so its interval never changes a run.
 */
import { mesenchymalCount } from './cells.ts';
import { hoursOf, patchName, type TissueContext, vasculatureCells } from './context.ts';
import { pointX, pointY } from './lattice.ts';

export type TissueSeries = Record<string, number[]>;

function tissueSeriesColumns(patches: number): string[] {
  return [
    'step',
    'hours',
    ...Array.from({ length: patches }, (_, i) => [
      `${patchName(i)}_mesenchymal`,
      `${patchName(i)}_epithelial`,
    ]).flat(),
    'vasculature_cells',
    'vasculature_clusters',
    'intravasations',
    'intravasated_cells',
    'died_in_vasculature',
    'survived_vasculature',
    'arrived_cells',
    'lost_no_room',
    'front_mesenchymal_um',
    'front_epithelial_um',
    'primary_ecm_remaining',
  ];
}

export function emptyTissueSeries(patches: number): TissueSeries {
  return Object.fromEntries(tissueSeriesColumns(patches).map((c) => [c, []]));
}

/** The front of a type is the distance within which this share of its cells lie: robust to a stray cell. */
const FRONT_QUANTILE = 0.99;

export function observeTissue(ctx: TissueContext, series: TissueSeries): void {
  const { state } = ctx;
  const push = (name: string, v: number) => series[name]?.push(v);
  push('step', state.step);
  push('hours', hoursOf(ctx, state.step));
  state.patches.forEach((_, i) => {
    const cells = state.cells[i];
    const m = cells ? mesenchymalCount(cells) : 0;
    push(`${patchName(i)}_mesenchymal`, m);
    push(`${patchName(i)}_epithelial`, (cells?.n ?? 0) - m);
  });
  const vessels = vasculatureCells(state);
  const c = state.counters;
  push('vasculature_cells', vessels.cells);
  push('vasculature_clusters', vessels.clusters);
  push('intravasations', c.intravasations);
  push('intravasated_cells', c.intravasatedCells);
  push('died_in_vasculature', c.diedSingle + c.diedInCluster);
  push('survived_vasculature', c.survivedSingle + c.survivedInCluster);
  push(
    'arrived_cells',
    c.arrived.reduce((a, b) => a + b, 0),
  );
  push('lost_no_room', c.lostNoRoom);
  const [frontM, frontE] = fronts(ctx);
  push('front_mesenchymal_um', frontM);
  push('front_epithelial_um', frontE);
  push('primary_ecm_remaining', meanEcm(ctx));
}

/**
 * The FRONT_QUANTILE distance from the patch centre (µm) of mesenchymal and of
 * epithelial cells in the primary. Squared distances in lattice units are whole
 * numbers (times 4 for an even side), so a histogram gives the exact quantile
 * without sorting.
 */
export function fronts(ctx: TissueContext): [number, number] {
  const patch = ctx.state.patches[0];
  const cells = ctx.state.cells[0];
  if (!patch || !cells) return [0, 0];
  const { side } = patch;
  // Doubled coordinates about the centre are integers for odd and even sides.
  const centre = side - 1;
  const bins = 2 * centre * centre + 1;
  const histograms = [new Uint32Array(bins), new Uint32Array(bins)];
  const totals = [0, 0];
  for (let j = 0; j < cells.n; j++) {
    const p = cells.pos[j] as number;
    const dx = 2 * pointX(patch, p) - centre;
    const dy = 2 * pointY(patch, p) - centre;
    const type = cells.type[j] as number;
    const h = histograms[type] as Uint32Array;
    h[dx * dx + dy * dy] = (h[dx * dx + dy * dy] as number) + 1;
    totals[type] = (totals[type] as number) + 1;
  }
  return histograms.map((h, type) => {
    const total = totals[type] as number;
    if (total === 0) return 0;
    // Nearest rank: the smallest distance with at least FRONT_QUANTILE of the cells within it.
    const rank = Math.ceil(FRONT_QUANTILE * total) - 1;
    let seen = 0;
    for (let d2 = 0; d2 < bins; d2++) {
      seen += h[d2] as number;
      if (seen > rank) return (Math.sqrt(d2) / 2) * ctx.params.lattice.spacingUm;
    }
    return 0;
  }) as [number, number];
}

function meanEcm(ctx: TissueContext): number {
  const patch = ctx.state.patches[0];
  if (!patch) return 1;
  let sum = 0;
  for (let y = 1; y <= patch.side; y++) {
    const row = y * patch.stride;
    for (let i = row + 1; i <= row + patch.side; i++) sum += patch.ecm[i] as number;
  }
  return sum / (patch.side * patch.side);
}
