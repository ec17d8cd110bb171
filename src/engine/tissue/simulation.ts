/**
 * The tissue scale (Franssen et al. 2019): single cells on a primary patch and
 * its secondary patches. The order of one step is here and nowhere else.
 */
import { createStream, type Stream } from '../random.ts';
import type { TissueScenario } from '../schema.ts';
import { type Manifest, manifestOf } from '../simulation.ts';
import type { FunnelRow } from '../state.ts';
import { addCell, createCells, mesenchymalCount } from './cells.ts';
import {
  constantsOf,
  hoursOf,
  patchName,
  TISSUE_STREAM_NAMES,
  type TissueContext,
  type TissueEvent,
  type TissueState,
  type TissueStreams,
  vasculatureCells,
} from './context.ts';
import {
  ARRIVAL,
  centralPoints,
  createPatches,
  EPITHELIAL,
  type FieldArena,
  MESENCHYMAL,
  NORMAL,
  type Patch,
  pointIndex,
  RUPTURED,
} from './lattice.ts';
import { emptyTissueSeries, observeTissue, type TissueSeries } from './observe.ts';
import { leaveVasculature } from './phases/circulation.ts';
import { requireFieldKernel, updateFields } from './phases/fields.ts';
import { move } from './phases/motility.ts';
import { divide } from './phases/proliferation.ts';

export interface TissueSimulation {
  ctx: TissueContext;
  scenario: TissueScenario;
  seed: number;
  replicate: number;
  series: TissueSeries;
}

export interface TissueRunOptions {
  seed?: number;
  replicate?: number;
  wrapStream?: (s: Stream) => Stream;
  /** Where the fields live, for a caller that finishes each run before the next (lattice.ts). */
  fieldArena?: FieldArena;
}

/** One step. Each phase's module says what it does and why. */
export function stepTissue(sim: TissueSimulation): void {
  const { ctx } = sim;
  leaveVasculature(ctx); // circulation, then arrest and extravasation in a secondary patch
  updateFields(ctx); // invasion: MMP-2 and ECM, from the cells present at the start of the step
  move(ctx); // invasion: diffusion and haptotaxis; intravasation at vessels
  divide(ctx); // growth, and colonisation in secondary patches
  ctx.state.step++;
  if (ctx.state.step % ctx.params.time.observeEverySteps === 0 || ctx.state.step === ctx.params.time.steps)
    observeTissue(ctx, sim.series);
}

export function tissueDone(sim: TissueSimulation): boolean {
  return sim.ctx.state.step >= sim.ctx.params.time.steps;
}

export function runTissueSteps(sim: TissueSimulation, steps: number): TissueSimulation {
  const end = Math.min(sim.ctx.params.time.steps, sim.ctx.state.step + steps);
  while (sim.ctx.state.step < end) stepTissue(sim);
  return sim;
}

export function createTissueSimulation(
  scenario: TissueScenario,
  options: TissueRunOptions = {},
): TissueSimulation {
  const seed = options.seed ?? scenario.seed;
  const replicate = options.replicate ?? 0;
  const wrap = options.wrapStream ?? ((s: Stream) => s);
  const streams = Object.fromEntries(
    TISSUE_STREAM_NAMES.map((name) => [name, wrap(createStream(seed, replicate, name))]),
  ) as TissueStreams;
  const params = scenario.tissue;
  const patchCount = 1 + params.vasculature.arrivalShares.length;
  requireFieldKernel();
  const patches = createPatches(patchCount, params.lattice.side, options.fieldArena);
  const state: TissueState = {
    step: 0,
    patches,
    // Only a patch that sheds needs to find the cells at a point (intravasation).
    cells: patches.map((p) => createCells(1024, p.sheds ? p.occupancy.length : 0)),
    vasculature: { exitStep: [], mesenchymal: [], epithelial: [], head: 0 },
    counters: {
      births: patches.map(() => 0),
      intravasations: 0,
      intravasatedCells: 0,
      intravasatedMesenchymal: 0,
      intravasatedEpithelial: 0,
      enteredAsSingle: 0,
      enteredInCluster: 0,
      disaggregated: 0,
      diedSingle: 0,
      diedInCluster: 0,
      survivedSingle: 0,
      survivedInCluster: 0,
      arrived: patches.map(() => 0),
      lostNoRoom: 0,
      leftModel: 0,
    },
    initialCells: patches.map(() => 0),
    firstArrivalStep: patches.map((_, i) => (i === 0 ? 0 : -1)),
    events: [],
  };
  const ctx: TissueContext = { params, k: constantsOf(params), state, streams };
  setUp(ctx);
  const sim: TissueSimulation = { ctx, scenario, seed, replicate, series: emptyTissueSeries(patchCount) };
  observeTissue(ctx, sim.series);
  return sim;
}

/** Step 0: the initial disc of cells and the vessels, all drawn from the setup stream. */
function setUp(ctx: TissueContext): void {
  const rand = ctx.streams['tissue-setup'];
  const { params, k, state } = ctx;
  const primary = state.patches[0] as Patch;
  const cells = state.cells[0];
  if (!cells) return;
  // The disc's places (capacity per point), the initial cells dealt to them at random.
  const disc = centralPoints(primary, params.initial.discPoints);
  const slots: number[] = [];
  for (const p of disc) for (let j = 0; j < k.capacity; j++) slots.push(p);
  const total = params.initial.cells;
  const nM = Math.round(total * params.initial.mesenchymalFraction);
  for (let c = 0; c < total; c++) {
    const j = c + Math.floor(rand() * (slots.length - c));
    const p = slots[j] as number;
    slots[j] = slots[c] as number;
    slots[c] = p;
    const type = c < nM ? MESENCHYMAL : EPITHELIAL;
    primary.occupancy[p] = (primary.occupancy[p] as number) + 1;
    if (type === MESENCHYMAL) primary.mesenchymal[p] = (primary.mesenchymal[p] as number) + 1;
    addCell(cells, p, type, k.doublingSteps[type] as number);
  }
  state.initialCells[0] = total;
  primary.fieldsActive = nM > 0;

  // Primary vessels: away from the edge and outside the central clear zone, distinct points.
  const clear = new Set(centralPoints(primary, params.vessels.clearPoints));
  const margin = params.vessels.borderMargin;
  const allowed: number[] = [];
  for (let y = margin; y < primary.side - margin; y++) {
    for (let x = margin; x < primary.side - margin; x++) {
      const p = pointIndex(primary, x, y);
      if (!clear.has(p)) allowed.push(p);
    }
  }
  const place = (patch: Patch, from: number[], count: number, kind: number) => {
    for (let c = 0; c < count; c++) {
      const j = Math.floor(rand() * from.length);
      const p = from[j] as number;
      from[j] = from[from.length - 1] as number;
      from.pop();
      patch.vessel[p] = kind;
      patch.vesselPoints.push(p);
    }
  };
  place(primary, allowed, params.vessels.ruptured, RUPTURED);
  place(primary, allowed, params.vessels.normal, NORMAL);
  for (const patch of state.patches.slice(1)) {
    const everywhere: number[] = [];
    for (let y = 0; y < patch.side; y++)
      for (let x = 0; x < patch.side; x++) everywhere.push(pointIndex(patch, x, y));
    place(patch, everywhere, params.vessels.secondary, ARRIVAL);
  }
}

// ---------------------------------------------------------------- results

export interface TissueSummary {
  scenario: string;
  scale: 'tissue';
  seed: number;
  replicate: number;
  steps: number;
  hours: number;
  patches: {
    patch: number;
    name: string;
    mesenchymal: number;
    epithelial: number;
    initial: number;
    births: number;
    arrived: number;
    firstArrivalStep: number;
    firstArrivalHours: number;
  }[];
  vasculature: { clusters: number; cells: number };
  funnel: Record<string, number>;
  frontMesenchymalUm: number;
  frontEpithelialUm: number;
}

export interface TissueResult {
  manifest: Manifest<TissueScenario>;
  summary: TissueSummary;
  series: TissueSeries;
  events: TissueEvent[];
  funnel: FunnelRow[];
}

export function tissueFunnel(ctx: TissueContext): Record<string, number> {
  const c = ctx.state.counters;
  const inVessels = vasculatureCells(ctx.state).cells;
  return {
    births: c.births.reduce((a, b) => a + b, 0),
    intravasations: c.intravasations,
    intravasated: c.intravasatedCells,
    intravasatedMesenchymal: c.intravasatedMesenchymal,
    intravasatedEpithelial: c.intravasatedEpithelial,
    enteredAsSingle: c.enteredAsSingle,
    enteredInCluster: c.enteredInCluster,
    inVasculature: inVessels,
    disaggregated: c.disaggregated,
    diedSingle: c.diedSingle,
    diedInCluster: c.diedInCluster,
    survivedSingle: c.survivedSingle,
    survivedInCluster: c.survivedInCluster,
    arrived: c.arrived.reduce((a, b) => a + b, 0),
    lostNoRoom: c.lostNoRoom,
    leftModel: c.leftModel,
  };
}

export function tissueResult(sim: TissueSimulation): TissueResult {
  const { ctx } = sim;
  const { state } = ctx;
  const funnel = tissueFunnel(ctx);
  const last = (name: string) => sim.series[name]?.at(-1) ?? 0;
  const summary: TissueSummary = {
    scenario: sim.scenario.name,
    scale: 'tissue',
    seed: sim.seed,
    replicate: sim.replicate,
    steps: state.step,
    hours: hoursOf(ctx, state.step),
    patches: state.patches.map((_, i) => {
      const cells = state.cells[i];
      const first = state.firstArrivalStep[i] as number;
      const m = cells ? mesenchymalCount(cells) : 0;
      return {
        patch: i,
        name: patchName(i),
        mesenchymal: m,
        epithelial: (cells?.n ?? 0) - m,
        initial: state.initialCells[i] as number,
        births: state.counters.births[i] as number,
        arrived: state.counters.arrived[i] as number,
        firstArrivalStep: state.firstArrivalStep[i] as number,
        firstArrivalHours: first < 0 ? -1 : hoursOf(ctx, first),
      };
    }),
    vasculature: vasculatureCells(ctx.state),
    funnel,
    frontMesenchymalUm: last('front_mesenchymal_um'),
    frontEpithelialUm: last('front_epithelial_um'),
  };
  return {
    manifest: { ...manifestOf(sim.scenario, sim.seed, sim.replicate), streams: [...TISSUE_STREAM_NAMES] },
    summary,
    series: sim.series,
    events: state.events,
    // Every cell of the tissue travels in blood vessels and none is early or late.
    funnel: Object.entries(funnel).map(([stage, count]) => ({
      stage,
      route: 'blood',
      timing: 'none',
      count,
      unit: stage === 'intravasations' ? 'entries' : 'cells',
    })),
  };
}

export function runTissue(scenario: TissueScenario, options: TissueRunOptions = {}): TissueResult {
  const sim = createTissueSimulation(scenario, options);
  return tissueResult(runTissueSteps(sim, scenario.tissue.time.steps));
}
