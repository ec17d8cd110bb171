/**
 * The contract between the page and the engine worker. The page pulls chunks:
 * it asks for the next one when it starts drawing the last, so the worker can
 * never run more than one chunk ahead of the charts (backpressure) and the final
 * files can never overtake the last chunk.
 */
import type { OutcomeRow } from '../src/engine/outcomes.ts';
import type { AnyScenario } from '../src/engine/schema.ts';
import type { Summary } from '../src/engine/simulation.ts';
import type { RunEvent } from '../src/engine/state.ts';
import type { TissueEvent } from '../src/engine/tissue/context.ts';
import type { TissueLayout } from '../src/engine/tissue/frame.ts';
import type { TissueSummary } from '../src/engine/tissue/simulation.ts';
import type { Measurement } from '../src/reproduce/targets.ts';
import type { Shown, TissuePicture } from '../src/ui/tissue-picture.ts';

/**
 * New observation rows since the previous chunk, one transferable column per
 * series, and a picture of the run now where its scale draws one (the tissue's).
 */
export interface Chunk {
  columns: Record<string, Float64Array>;
  events: RunEvent[];
  funnel: Record<string, number>;
  day: number;
  step: number;
  done: boolean;
  frame?: TissuePicture;
}

/** A chunk of a tissue run, which always carries its picture. */
export type TissueChunk = Chunk & { events: TissueEvent[]; frame: TissuePicture };

/** How a chunk is asked for, beyond its days. */
export interface AdvanceOptions {
  /** The fields the picture shows (the page's toggles); none when left out. */
  shown?: Shown;
  /**
   * The worker time the chunk may take, its picture included: it stops stepping
   * early (after at least one step) if the days would take longer, so that a
   * large tissue's picture still comes many times a second.
   */
  budgetMs?: number;
}

export interface EngineApi {
  /**
   * Starts a run of a scenario the page has validated, at its scale (patient or
   * tissue), and returns the run's fixed layout where its scale draws one (the
   * tissue's patches and vessels). No run is open if it fails.
   */
  open(scenario: AnyScenario, seed: number): Promise<TissueLayout | undefined>;
  /**
   * Runs until `days` more have been simulated (or the run ends, or the time
   * budget is spent) and returns the new rows; a picture has the fields only when asked.
   */
  advance(days: number, withFields: boolean, options?: AdvanceOptions): Promise<Chunk>;
  /** The run's files, byte-identical to `seedsoil run --out`. */
  files(): Promise<Record<string, string>>;
  summary(): Promise<Summary | TissueSummary>;
  /**
   * Runs one replicate of the scenario and takes each reproduce target's measurement
   * (null: a patient the target does not admit): one run for targets that share a scenario.
   */
  measure(targets: readonly string[], raw: unknown, replicate: number): Promise<(Measurement | null)[]>;
  /**
   * Runs one patient in each arm of a paired reproduce target (one scenario an arm),
   * sharing the run up to where the arms part, and takes the target's measurement of each.
   */
  measureArms(target: string, raws: readonly unknown[], replicate: number): Promise<(Measurement | null)[]>;
  /**
   * Runs one replicate of a batch (or of the compare view, which sets the seed in
   * the scenario): its outcome row and, if asked, its time series as CSV.
   */
  batchRow(raw: unknown, replicate: number, seriesEveryDays: number): Promise<BatchResult>;
  /**
   * Runs one replicate and returns both its outcome row and the measurements of
   * these reproduce targets: one simulation where batchRow and measure would take two.
   */
  sample(raw: unknown, replicate: number, targets: readonly string[]): Promise<SampleResult>;
}

export interface SampleResult {
  row: OutcomeRow | Record<string, number | string>;
  /** One per target asked for, in its order. */
  measurements: Measurement[];
}

export interface BatchResult {
  row: OutcomeRow | Record<string, number | string>;
  series: string;
}
