/**
 * What every tissue phase sees: the constants of the schemes (derived once from
 * the scenario), the state, and the named random streams.
 */
import type { Stream } from '../random.ts';
import type { TissueParameters } from '../schema.ts';
import type { RunEvent } from '../state.ts';
import type { Cells } from './cells.ts';
import type { Patch } from './lattice.ts';

export const TISSUE_STREAM_NAMES = [
  'tissue-setup',
  'tissue-motility',
  'tissue-proliferation',
  'tissue-circulation',
  'tissue-extravasation',
] as const;
export type TissueStreams = Record<(typeof TISSUE_STREAM_NAMES)[number], Stream>;

/** The explicit schemes' coefficients per step (docs/tissue.md). */
export interface Constants {
  capacity: number;
  /** Per cell type (index MESENCHYMAL, EPITHELIAL): dt D / h^2 and dt χ / (4 h^2). */
  diffusion: [number, number];
  haptotaxis: [number, number];
  /** An upper bound of any cell's chance to move in one step (see phases/motility.ts). */
  moveBound: number;
  doublingSteps: [number, number];
  mmpSpread: number;
  mmpKeep: number;
  mmpProduction: number;
  ecmByCells: number;
  ecmByMmp: number;
  vasculatureSteps: number;
}

export function constantsOf(t: TissueParameters): Constants {
  const h2 = (t.lattice.spacingUm * 1e-4) ** 2;
  const dt = t.time.stepSeconds;
  const m = t.motility;
  const diffusion: [number, number] = [(dt * m.diffusionMesenchymal) / h2, (dt * m.diffusionEpithelial) / h2];
  const haptotaxis: [number, number] = [
    (dt * m.haptotaxisMesenchymal) / (4 * h2),
    (dt * m.haptotaxisEpithelial) / (4 * h2),
  ];
  // With ECM in [0, 1] a gradient term is at most the haptotaxis coefficient, so
  // left + right is at most max(2D, D + χ) and the same for down + up.
  const bound = (k: 0 | 1) => 2 * Math.max(2 * diffusion[k], diffusion[k] + haptotaxis[k]);
  const steps = (hours: number) => Math.max(1, Math.round((hours * 3600) / dt));
  const spread = (dt * t.fields.mmp2Diffusion) / h2;
  return {
    capacity: t.lattice.capacity,
    diffusion,
    haptotaxis,
    moveBound: Math.min(1, Math.max(bound(0), bound(1))),
    doublingSteps: [
      steps(t.proliferation.doublingHoursMesenchymal),
      steps(t.proliferation.doublingHoursEpithelial),
    ],
    mmpSpread: spread,
    mmpKeep: 1 - 4 * spread - dt * t.fields.mmp2Decay,
    mmpProduction: dt * t.fields.mmp2Production,
    ecmByCells: dt * t.fields.ecmDegradationByMT1MMP,
    ecmByMmp: dt * t.fields.ecmDegradationByMMP2,
    vasculatureSteps: Math.max(1, Math.round((t.vasculature.hours * 3600) / dt)),
  };
}

/** Clusters in the vasculature, first in first out (all stay the same time). */
export interface Vasculature {
  exitStep: number[];
  mesenchymal: number[];
  epithelial: number[];
  head: number;
}

/** Cumulative cell counts of the funnel; each is a count of cells unless named otherwise. */
export interface TissueCounters {
  births: number[];
  intravasations: number;
  intravasatedCells: number;
  intravasatedMesenchymal: number;
  intravasatedEpithelial: number;
  enteredAsSingle: number;
  enteredInCluster: number;
  disaggregated: number;
  diedSingle: number;
  diedInCluster: number;
  survivedSingle: number;
  survivedInCluster: number;
  arrived: number[];
  lostNoRoom: number;
  /** Survivors of a run without secondary patches: they leave the modelled tissue. */
  leftModel: number;
}

/** A tissue event: the run's event (site = the patch's name, value = the cells) and where on the lattice. */
export interface TissueEvent extends RunEvent {
  step: number;
  patch: number;
  x: number;
  y: number;
  mesenchymal: number;
  epithelial: number;
}

export interface TissueState {
  step: number;
  patches: Patch[];
  cells: Cells[];
  vasculature: Vasculature;
  counters: TissueCounters;
  initialCells: number[];
  firstArrivalStep: number[];
  events: TissueEvent[];
}

export interface TissueContext {
  params: TissueParameters;
  k: Constants;
  state: TissueState;
  streams: TissueStreams;
}

export function hoursOf(ctx: TissueContext, step: number): number {
  return (step * ctx.params.time.stepSeconds) / 3600;
}

export function daysOf(ctx: TissueContext, step: number): number {
  return (step * ctx.params.time.stepSeconds) / 86_400;
}

export function patchName(i: number): string {
  return i === 0 ? 'primary' : `secondary${i}`;
}

export function vasculatureCells(state: TissueState): { clusters: number; cells: number } {
  const v = state.vasculature;
  let cells = 0;
  for (let i = v.head; i < v.exitStep.length; i++)
    cells += (v.mesenchymal[i] as number) + (v.epithelial[i] as number);
  return { clusters: v.exitStep.length - v.head, cells };
}
