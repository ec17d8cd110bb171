/**
 * One patient-scale run: creation, the step (the order of the phases, readable in
 * one place), checkpoints, and the result. Pure TypeScript: it runs unchanged in a
 * browser worker, a Node worker and a test.
 */
import { buildAnatomy } from './anatomy.ts';
import { allDormantCells, applyTherapy, clinical, dormantCells, primaryLineage } from './clinical.ts';
import { createCohorts, createColonyStore, indexColonies, indexRows } from './cohorts.ts';
import { type Context, countFunnel, STREAM_NAMES, type Streams } from './context.ts';
import { scenarioHash } from './hash.ts';
import {
  emptySeries,
  funnelTable,
  funnelTotals,
  type MetastasisRow,
  metastasisTable,
  observe,
  type Series,
  trackSizeClass,
} from './observe.ts';
import { drawPatientTraits } from './patient.ts';
import { angiogenesis } from './phases/angiogenesis.ts';
import { angiogenesisAtNewSite } from './phases/angiogenesisAtNewSite.ts';
import { type Arrival, arrest } from './phases/arrest.ts';
import { circulate, type Survivors, survive, updateBloodPool } from './phases/circulation.ts';
import { rejoinCohorts, stepCohortColonies } from './phases/cohortColonies.ts';
import { colonise, dormancy, immuneAttack, settle } from './phases/colonisation.ts';
import { extravasate } from './phases/extravasation.ts';
import { grow } from './phases/growth.ts';
import { invade, poolShed, type ShedBatch } from './phases/invasion.ts';
import { createStream, GENERATOR, restoreStream, type Stream, type StreamState } from './random.ts';
import { asPatient } from './scenario.ts';
import { type AnyScenario, type Scenario, SITES } from './schema.ts';
import {
  createDtcStore,
  driverMask,
  FUNNEL_STAGES,
  type FunnelRow,
  type PatientTraits,
  PRIMARY_SITE,
  ROUTE_INOCULATION,
  ROUTES,
  type SimEvent,
  type State,
  TIMINGS,
  type Tumour,
  tumourCells,
} from './state.ts';
import { ENGINE_VERSION } from './version.ts';

export interface Simulation {
  ctx: Context;
  seed: number;
  replicate: number;
  series: Series;
  nextObservationDay: number;
}

export interface RunOptions {
  seed?: number;
  replicate?: number;
  /** Wraps each named stream, e.g. to count draws in a benchmark. */
  wrapStream?: (s: Stream) => Stream;
}

function initialState(s: Scenario, patient: PatientTraits): State {
  return {
    day: 0,
    stepIndex: 0,
    nextTumourId: 0,
    tumours: [],
    dormantAble: createDtcStore(),
    dormantUnable: createDtcStore(),
    dormantDeep: createDtcStore(),
    settling: createDtcStore(),
    colonies: createColonyStore(),
    ctcInBlood: 0,
    enteredBlood: 0,
    funnel: new Float64Array(FUNNEL_STAGES.length * ROUTES.length * TIMINGS.length),
    coloniesFounded: 0,
    coloniesFoundedDirectly: 0,
    coloniesFoundedByWaking: 0,
    coloniesExtinct: 0,
    coloniesRemoved: 0,
    firstDisseminationDay: -1,
    shedBloodSinceObservation: 0,
    shedLymphSinceObservation: 0,
    firstClassSeen: new Uint8Array(SITES.length),
    patient,
    clinical: {
      detectedDay: -1,
      detectionMode: '',
      surgeryDay: -1,
      recurrenceDay: -1,
      recurrenceType: '',
      relapsed: false,
      deathDay: -1,
      nextScreenDay: s.clinical.screening.startDay,
      chemoCyclesGiven: 0,
      radiotherapyDone: false,
      endocrineActive: false,
      endocrineResistant: false,
      endocrineEscapeHazard: 0,
      endocrineEscapeLevel: -1,
      metastaticLine: 0,
      metastaticEscapeHazard: 0,
      metastaticEscapeLevel: -1,
      ctcPerSampleAtDetection: -1,
      dormantAtDetection: -1,
      coloniesAtDetection: -1,
      primaryCellsAtDetection: -1,
      metastaticAtDiagnosis: false,
      stageAtDiagnosis: '',
      symptomaticHazard: 0,
      visibleAtSurgery: [],
    },
    events: [],
    ended: false,
  };
}

function makeContext(scenario: Scenario, state: State, streams: Streams): Context {
  const cohorts = createCohorts(scenario);
  indexRows(cohorts.dormantAbleIndex, state.dormantAble.key, state.dormantAble.size);
  indexRows(cohorts.dormantUnableIndex, state.dormantUnable.key, state.dormantUnable.size);
  indexRows(cohorts.dormantDeepIndex, state.dormantDeep.key, state.dormantDeep.size);
  indexRows(cohorts.settlingIndex, state.settling.key, state.settling.size);
  indexColonies(cohorts, state.colonies);
  return {
    scenario,
    anatomy: buildAnatomy(scenario),
    state,
    streams,
    therapy: { divisionFactor: 1, wakeFactor: 1, deathRate: 0 },
    cohorts,
    counted: scenario.representation.mode === 'cohorts',
  };
}

/** Raised when a replicate would hold more records than the scenario's cap. */
export class RecordCapError extends Error {}

/** Tumour records plus dormant, settling and colony rows: what a replicate's memory grows with. */
export function records(state: State): number {
  const { dormantAble, dormantUnable, dormantDeep, settling, colonies } = state;
  return (
    state.tumours.length +
    dormantAble.size +
    dormantUnable.size +
    dormantDeep.size +
    settling.size +
    colonies.size
  );
}

/** Cells that reach the first capillary beds alive go through phases 5-8 like shed cells. */
function disseminate(ctx: Context, survivors: Survivors[]): void {
  const arrivals: Arrival[] = [];
  arrest(ctx, survivors, arrivals);
  colonise(ctx, extravasate(ctx, arrivals));
}

export function createSimulation(scenario: Scenario, options: RunOptions = {}): Simulation {
  const seed = options.seed ?? scenario.seed;
  const replicate = options.replicate ?? 0;
  const wrap = options.wrapStream ?? ((s: Stream) => s);
  const streams = Object.fromEntries(
    STREAM_NAMES.map((name) => [name, wrap(createStream(seed, replicate, name))]),
  ) as Streams;
  const state = initialState(scenario, drawPatientTraits(scenario, seed, replicate));
  const ctx = makeContext(scenario, state, streams);
  if (scenario.primary.enabled) {
    state.tumours.push({
      id: state.nextTumourId++,
      site: PRIMARY_SITE,
      foundedDay: 0,
      clones: [
        {
          drivers: driverMask(scenario.primary.initialDrivers),
          cells: scenario.primary.initialCells,
          passengers: 0,
          parent: -1,
        },
      ],
      capacity: scenario.primary.initialCapacityCells || scenario.angiogenesis.avascularCapacityCells,
      vascular: scenario.primary.initiallyVascular,
      founding: null,
      sizeClassReached: 0,
      residual: false,
    });
  }
  const inoc = scenario.inoculation;
  if (inoc.enabled && inoc.cells > 0) {
    const batch: ShedBatch = {
      site: -1,
      record: {
        disseminationDay: 0,
        origin: -1,
        primaryCellsAtDissemination: 0,
        drivers: driverMask(inoc.drivers),
        passengers: 0,
        route: ROUTE_INOCULATION,
        timing: 2,
        generation: 1,
        cells: 1,
      },
      singles: inoc.cells,
      clusters: [],
      clusterCells: 0,
    };
    countFunnel(state, 'shed', ROUTE_INOCULATION, 2, inoc.cells);
    ctx.state.enteredBlood += inoc.cells;
    disseminate(ctx, [survive(ctx, batch, inoc.survival, inoc.survival)]);
  }
  const sim: Simulation = { ctx, seed, replicate, series: emptySeries(), nextObservationDay: 0 };
  record(sim);
  return sim;
}

function record(sim: Simulation): void {
  const state = sim.ctx.state;
  const every = sim.ctx.scenario.time.observeEveryDays;
  // A tolerance of a millionth of a step absorbs rounding in stepIndex * dt.
  if (!state.ended && state.day + 1e-6 * sim.ctx.scenario.time.dt < sim.nextObservationDay) return;
  observe(sim.ctx, primaryLineage(sim.ctx), sim.series);
  sim.nextObservationDay = (Math.floor(state.day / every + 1e-9) + 1) * every;
}

/** The phases of one tumour record in a step (a module function: the step runs millions of times). */
function tumourPhases(
  ctx: Context,
  t: Tumour,
  primaryCells: number,
  shed: ShedBatch[],
  afterGrowth?: (t: Tumour) => void,
): void {
  grow(t, ctx); // 1. growth
  afterGrowth?.(t);
  if (t.founding) {
    angiogenesisAtNewSite(t, ctx); // 7. angiogenesis at the new site
    immuneAttack(t, ctx); // 8. immune pressure on small colonies
  } else {
    angiogenesis(t, ctx, ctx.scenario.angiogenesis.switchHazard); // 2. angiogenesis
  }
  invade(t, ctx, primaryCells, shed); // 3. invasion and intravasation
  trackSizeClass(t, ctx);
}

/** One step of dt days: the eight phases in order, then the clinical layer and observation. */
export function step(sim: Simulation): void {
  const { ctx } = sim;
  const { state, scenario: s } = ctx;
  state.stepIndex++;
  state.day = state.stepIndex * s.time.dt;
  const lineage = primaryLineage(ctx);
  const primaryCells = lineage ? tumourCells(lineage) : 0;

  const shed: ShedBatch[] = [];
  const tumours = state.tumours.length; // colonies founded in this step start in the next
  for (let i = 0; i < tumours; i++) tumourPhases(ctx, state.tumours[i] as Tumour, primaryCells, shed);
  // Phases 1, 3, 7 and 8 of colony cohorts; a colony promoted for a new driver runs them as a record.
  if (ctx.counted)
    stepCohortColonies(ctx, primaryCells, shed, (t, afterGrowth) =>
      tumourPhases(ctx, t, primaryCells, shed, afterGrowth),
    );
  const survivors: Survivors[] = [];
  circulate(ctx, poolShed(shed), survivors); // 4. circulation with immune kill
  disseminate(ctx, survivors); // 5. arrest, 6. extravasation, 8. colonisation (new colonies are avascular: 7)
  settle(ctx); // 8. settling cells divide, go dormant or die
  dormancy(ctx); // 8. dormant cells wake, progress or die
  updateBloodPool(ctx);
  removeExtinct(ctx);
  clinical(ctx);
  removeExtinct(ctx);
  if (ctx.counted) rejoinCohorts(ctx); // colony records of a kind a cohort holds go back to it
  if (state.day >= s.time.durationDays - 1e-6 * s.time.dt) state.ended = true;
  const held = records(state);
  if (held > s.representation.maxRecords) {
    throw new RecordCapError(
      `scenario ${s.name}, seed ${sim.seed}, replicate ${sim.replicate}: ${held} records on day ${state.day} exceed representation.maxRecords = ${s.representation.maxRecords}`,
    );
  }
  record(sim);
}

function removeExtinct(ctx: Context): void {
  const state = ctx.state;
  if (!state.tumours.some((t) => tumourCells(t) === 0)) return;
  state.tumours = state.tumours.filter((t) => {
    if (tumourCells(t) > 0) return true;
    if (t.founding) state.coloniesExtinct++;
    return false;
  });
}

export function runToEnd(sim: Simulation, untilDay = Number.POSITIVE_INFINITY): Simulation {
  while (!sim.ctx.state.ended && sim.ctx.state.day < untilDay) step(sim);
  return sim;
}

// ---------------------------------------------------------------- checkpoints

interface Checkpoint {
  engineVersion: string;
  scenario: Scenario;
  seed: number;
  replicate: number;
  nextObservationDay: number;
  series: Series;
  streams: Record<string, StreamState>;
  state: unknown;
}

const TYPED = '__typed__';

function encode(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { [TYPED]: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>) };
  }
  return value;
}

const TYPED_ARRAYS: Record<string, new (values: number[]) => ArrayLike<number>> = {
  Float64Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
};

function decode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && TYPED in value) {
    const v = value as { [TYPED]: string; values: number[] };
    const Type = TYPED_ARRAYS[v[TYPED]];
    if (!Type) throw new Error(`checkpoint: unknown array type ${v[TYPED]}`);
    return new Type(v.values);
  }
  return value;
}

/** The whole run, random streams included, as JSON; numbers round-trip exactly. */
export function checkpoint(sim: Simulation): string {
  const data: Checkpoint = {
    engineVersion: ENGINE_VERSION,
    scenario: sim.ctx.scenario,
    seed: sim.seed,
    replicate: sim.replicate,
    nextObservationDay: sim.nextObservationDay,
    series: sim.series,
    streams: Object.fromEntries(STREAM_NAMES.map((n) => [n, sim.ctx.streams[n].state()])),
    state: sim.ctx.state,
  };
  return JSON.stringify(data, encode);
}

/**
 * The run a checkpoint holds, going on from its next step; under `scenario` if given
 * (fork), else under the checkpoint's own.
 */
export function resume(json: string, scenario?: Scenario): Simulation {
  const data = JSON.parse(json, decode) as Checkpoint;
  if (data.engineVersion !== ENGINE_VERSION) {
    throw new Error(`checkpoint: written by engine ${data.engineVersion}, this is ${ENGINE_VERSION}`);
  }
  const streams = Object.fromEntries(
    STREAM_NAMES.map((n) => [n, restoreStream(data.streams[n] as StreamState)]),
  ) as Streams;
  const state = data.state as State;
  const ctx = makeContext(scenario ?? data.scenario, state, streams);
  applyTherapy(ctx);
  return {
    ctx,
    seed: data.seed,
    replicate: data.replicate,
    // JSON has no NaN: an undefined share (observe.ts) comes back as null.
    series: Object.fromEntries(
      Object.entries(data.series).map(([k, v]) => [k, v.map((x) => x ?? Number.NaN)]),
    ),
    nextObservationDay: data.nextObservationDay,
  };
}

/**
 * A copy of the run that goes on under another scenario from its next step, with the
 * same state and random streams: two arms of one patient simulated once up to the
 * point where their scenarios start to act differently. Up to that point the copy is
 * the run the other scenario would have made; after it, the scenarios decide.
 */
export function fork(sim: Simulation, scenario: Scenario): Simulation {
  return resume(checkpoint(sim), scenario);
}

// ---------------------------------------------------------------- results

/** Provenance of a run; the tissue engine's carries its own scenario. */
export interface Manifest<S extends AnyScenario = Scenario> {
  engine: string;
  engineVersion: string;
  scenarioName: string;
  scenarioHash: string;
  seed: number;
  replicate: number;
  generator: string;
  streams: string[];
  scenario: S;
}

export interface Summary {
  scenario: string;
  seed: number;
  replicate: number;
  daysSimulated: number;
  outcome: 'death' | 'end';
  primary: { finalCells: number; detectedDay: number; detectionMode: string; cellsAtDetection: number };
  surgeryDay: number;
  metastaticAtDiagnosis: boolean;
  stageAtDiagnosis: string;
  ctcPerSampleAtDetection: number;
  dormantAtDetection: number;
  coloniesAtDetection: number;
  recurrence: { day: number; type: string };
  deathDay: number;
  firstDisseminationDay: number;
  firstMacroDay: number;
  /**
   * Counts of colonies, never cells (a cluster founds one colony): founded =
   * foundedDirectly + foundedByWaking = alive + extinct + removed, and alive, by size
   * class now, = itc + micro + macro. The funnel's cumulative `micro` and `macro`
   * count colonies that ever reached that size, these the ones alive at it now.
   */
  colonies: {
    founded: number;
    /** Founded by extravasated units that divided without going dormant (funnel `founded` counts their cells). */
    foundedDirectly: number;
    /** Founded by dormant units that woke (funnel `dormantWoke` counts their cells). */
    foundedByWaking: number;
    alive: number;
    extinct: number;
    removed: number;
    /** Alive and still of isolated-tumour-cell size: the cycling DTCs of the time series. */
    itc: number;
    micro: number;
    macro: number;
  };
  /** Dormant DTCs now, in cells. */
  dormantCells: number;
  /** Extravasated cells whose fate has not come yet (colonisation.settlingDays). */
  settlingCells: number;
  /** Share of the colonies alive now that came from early-disseminated cells; null (undefined) when none is alive. */
  earlyShare: number | null;
  /** Totals per funnel stage: cells, except micro and macro (colonies that ever reached that size). */
  funnel: Record<string, number>;
}

export interface SimulationResult {
  manifest: Manifest;
  summary: Summary;
  series: Series;
  events: SimEvent[];
  metastases: MetastasisRow[];
  funnel: FunnelRow[];
}

export function manifestOf<S extends AnyScenario>(scenario: S, seed: number, replicate: number): Manifest<S> {
  return {
    engine: 'seedsoil',
    engineVersion: ENGINE_VERSION,
    scenarioName: scenario.name,
    scenarioHash: scenarioHash(scenario),
    seed,
    replicate,
    generator: GENERATOR,
    streams: [...STREAM_NAMES],
    scenario,
  };
}

export function result(sim: Simulation): SimulationResult {
  const { ctx } = sim;
  const { state, scenario } = ctx;
  const metastases = metastasisTable(ctx);
  const c = state.clinical;
  const firstMacro = state.events.find((e) => e.type === 'first_macro');
  const primary = state.tumours.find((t) => !t.founding);
  const colonies = (keep: (m: MetastasisRow) => boolean) =>
    metastases.reduce((n, m) => (keep(m) ? n + m.count : n), 0);
  const alive = colonies(() => true);
  const summary: Summary = {
    scenario: scenario.name,
    seed: sim.seed,
    replicate: sim.replicate,
    daysSimulated: state.day,
    outcome: c.deathDay >= 0 ? 'death' : 'end',
    primary: {
      finalCells: primary ? tumourCells(primary) : 0,
      detectedDay: c.detectedDay,
      detectionMode: c.detectionMode,
      cellsAtDetection: c.primaryCellsAtDetection,
    },
    surgeryDay: c.surgeryDay,
    metastaticAtDiagnosis: c.metastaticAtDiagnosis,
    stageAtDiagnosis: c.stageAtDiagnosis,
    ctcPerSampleAtDetection: c.ctcPerSampleAtDetection,
    dormantAtDetection: c.dormantAtDetection,
    coloniesAtDetection: c.coloniesAtDetection,
    recurrence: { day: c.recurrenceDay, type: c.recurrenceType },
    deathDay: c.deathDay,
    firstDisseminationDay: state.firstDisseminationDay,
    firstMacroDay: firstMacro ? firstMacro.day : -1,
    colonies: {
      founded: state.coloniesFounded,
      foundedDirectly: state.coloniesFoundedDirectly,
      foundedByWaking: state.coloniesFoundedByWaking,
      alive,
      extinct: state.coloniesExtinct,
      removed: state.coloniesRemoved,
      itc: colonies((m) => m.size_class === 'itc'),
      micro: colonies((m) => m.size_class === 'micro'),
      macro: colonies((m) => m.size_class === 'macro'),
    },
    dormantCells: allDormantCells(state),
    settlingCells: dormantCells(state.settling),
    earlyShare: alive ? colonies((m) => m.timing === 'early') / alive : null,
    funnel: funnelTotals(state.funnel),
  };
  return {
    manifest: manifestOf(scenario, sim.seed, sim.replicate),
    summary,
    series: sim.series,
    events: state.events,
    metastases,
    funnel: funnelTable(state.funnel),
  };
}

/** Runs a scenario read from a file to its end at the patient scale; runModel (model.ts) runs either scale. */
export function run(scenario: AnyScenario, options: RunOptions = {}): SimulationResult {
  return result(runToEnd(createSimulation(asPatient(scenario), options)));
}
