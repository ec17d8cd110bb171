/**
 * The one interface both scales implement, and the registry by scale. The command
 * line, the worker, batch and reproduce go through it, so that none of them asks
 * which scale a scenario is: a new scale is a new entry in MODELS.
 */
import { funnelTotals } from './observe.ts';
import { OUTCOME_COLUMNS, outcomeRow } from './outcomes.ts';
import { humanSummary, runFiles } from './output.ts';
import { asPatient } from './scenario.ts';
import type { AnyScenario, Scale, Scenario, ScenarioOf, TissueScenario } from './schema.ts';
import {
  createSimulation,
  fork,
  type RunOptions,
  result,
  type Simulation,
  type SimulationResult,
  step,
} from './simulation.ts';
import type { RunEvent } from './state.ts';
import { daysOf } from './tissue/context.ts';
import { type TissueFrame, type TissueLayout, tissueFrame, tissueLayout } from './tissue/frame.ts';
import type { FieldArena } from './tissue/lattice.ts';
import { tissueOutcomeColumns, tissueOutcomeRow } from './tissue/outcomes.ts';
import { tissueFiles, tissueHumanSummary } from './tissue/output.ts';
import {
  createTissueSimulation,
  stepTissue,
  type TissueResult,
  type TissueSimulation,
  tissueDone,
  tissueFunnel,
  tissueResult,
} from './tissue/simulation.ts';

export type { Scale };
export type RunResult = SimulationResult | TissueResult;

/** A run's options at either scale; a scale ignores what it has no use for. */
export interface ModelRunOptions extends RunOptions {
  /** The tissue fields' memory, shared by runs that a caller finishes one before the next (tissue/lattice.ts). */
  fieldArena?: FieldArena;
}

/** One run of a scenario at its scale. */
export interface ModelRun {
  readonly scenario: AnyScenario;
  step(): void;
  done(): boolean;
  /** Simulated days so far. */
  day(): number;
  /** Steps so far. */
  steps(): number;
  /** Observation columns so far (one value per observation). */
  series(): Record<string, number[]>;
  /** Events so far, in the one shape of both scales (each scale's adds its own fields). */
  events(): readonly RunEvent[];
  /** Cells (or cell units) through each stage of the cascade so far. */
  funnel(): Record<string, number>;
  result(): RunResult;
  /** The files of `seedsoil run --out`. */
  files(): Record<string, string>;
  /** What `seedsoil run` prints. */
  summaryText(): string;
  /** The replicate's row of runs.csv (outcomeColumns). */
  outcome(): Record<string, number | string>;
  /**
   * A copy of the run that goes on under another scenario of its scale from the next
   * step (simulation.ts, fork), where the scale can copy a run (the patient's).
   */
  fork?(scenario: AnyScenario): ModelRun;
  /** A picture of the run for the page, where the scale draws one (the tissue's patches). */
  view?: { layout(): TissueLayout; frame(withFields: boolean, maxSize?: number): TissueFrame };
}

/** One scale's model, over that scale's scenarios. */
export interface Model<S extends AnyScenario> {
  readonly scale: S['scale'];
  create(scenario: S, options?: ModelRunOptions): ModelRun;
  /** The outcome columns of runs.csv for a batch of these scenarios. */
  outcomeColumns(scenarios: readonly S[]): readonly string[];
  /** The same scenario observed every `days` days (observation draws no random numbers, so the run is unchanged). */
  observedEvery(scenario: S, days: number): S;
}

function patientRun(scenario: Scenario, sim: Simulation): ModelRun {
  const state = sim.ctx.state;
  return {
    scenario,
    step: () => step(sim),
    done: () => state.ended,
    day: () => state.day,
    steps: () => state.stepIndex,
    series: () => sim.series,
    events: () => state.events,
    funnel: () => funnelTotals(state.funnel),
    result: () => result(sim),
    files: () => runFiles(result(sim)),
    summaryText: () => humanSummary(result(sim)),
    outcome: () => outcomeRow(result(sim)),
    fork: (other) => {
      const scenario = asPatient(other);
      return patientRun(scenario, fork(sim, scenario));
    },
  };
}

const SECONDS_PER_DAY = 86_400;

function tissueRun(scenario: TissueScenario, sim: TissueSimulation): ModelRun {
  const state = sim.ctx.state;
  return {
    scenario,
    step: () => stepTissue(sim),
    done: () => tissueDone(sim),
    day: () => daysOf(sim.ctx, state.step),
    steps: () => state.step,
    series: () => sim.series,
    events: () => state.events,
    funnel: () => tissueFunnel(sim.ctx),
    result: () => tissueResult(sim),
    files: () => tissueFiles(tissueResult(sim), sim),
    summaryText: () => tissueHumanSummary(tissueResult(sim)),
    outcome: () => tissueOutcomeRow(tissueResult(sim)),
    view: {
      layout: () => tissueLayout(sim),
      frame: (withFields, maxSize) => tissueFrame(sim, withFields, maxSize),
    },
  };
}

export const MODELS: { readonly [K in Scale]: Model<ScenarioOf<K>> } = {
  patient: {
    scale: 'patient',
    create: (scenario, options) => patientRun(scenario, createSimulation(scenario, options)),
    outcomeColumns: () => OUTCOME_COLUMNS,
    observedEvery: (scenario, days) => ({ ...scenario, time: { ...scenario.time, observeEveryDays: days } }),
  },
  tissue: {
    scale: 'tissue',
    create: (scenario, options) => tissueRun(scenario, createTissueSimulation(scenario, options)),
    outcomeColumns: (scenarios) =>
      tissueOutcomeColumns(
        scenarios.reduce((n, s) => Math.max(n, 1 + s.tissue.vasculature.arrivalShares.length), 1),
      ),
    observedEvery: (scenario, days) => {
      const t = scenario.tissue;
      const every = Math.max(1, Math.round((days * SECONDS_PER_DAY) / t.time.stepSeconds));
      return { ...scenario, tissue: { ...t, time: { ...t.time, observeEverySteps: every } } };
    },
  },
};

/** A scenario with its scale's model: what the scale-blind callers use. */
export interface ScenarioModel {
  readonly scale: Scale;
  create(options?: ModelRunOptions): ModelRun;
  /** The scenario observed every `days` days (the run is unchanged). */
  observedEvery(days: number): AnyScenario;
}

function bind<S extends AnyScenario>(model: Model<S>, scenario: S): ScenarioModel {
  return {
    scale: model.scale,
    create: (options) => model.create(scenario, options),
    observedEvery: (days) => model.observedEvery(scenario, days),
  };
}

/** A scenario bound to its scale's model: the scale is asked here, once. */
export function modelOf(scenario: AnyScenario): ScenarioModel {
  return scenario.scale === 'tissue' ? bind(MODELS.tissue, scenario) : bind(MODELS.patient, scenario);
}

/** The outcome columns of runs.csv for a batch of scenarios, all of one scale. */
export function outcomeColumns(scenarios: readonly AnyScenario[]): readonly string[] {
  const patient = scenarios.filter((s): s is Scenario => s.scale === 'patient');
  const tissue = scenarios.filter((s): s is TissueScenario => s.scale === 'tissue');
  if (patient.length && tissue.length) throw new Error('a batch holds scenarios of one scale');
  return tissue.length ? MODELS.tissue.outcomeColumns(tissue) : MODELS.patient.outcomeColumns(patient);
}

/** A run of the scenario at its scale, stepped to its end. */
export function runModel(scenario: AnyScenario, options?: ModelRunOptions): ModelRun {
  const run = modelOf(scenario).create(options);
  while (!run.done()) run.step();
  return run;
}
