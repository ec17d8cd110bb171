/**
 * The contract between the page and the engine worker. The page pulls chunks:
 * it asks for the next one only when it has drawn the last, so the worker can
 * never run ahead of the charts (backpressure) and the final files can never
 * overtake the last chunk.
 */
import type { OutcomeRow } from '../src/engine/outcomes.ts';
import type { Summary } from '../src/engine/simulation.ts';
import type { SimEvent } from '../src/engine/state.ts';
import type { TissueEvent } from '../src/engine/tissue/context.ts';
import type { TissueFrame, TissueLayout } from '../src/engine/tissue/frame.ts';
import type { TissueSummary } from '../src/engine/tissue/simulation.ts';
import type { Measurement } from '../src/reproduce/targets.ts';

/** New observation rows since the previous chunk, one transferable column per series. */
export interface Chunk {
  columns: Record<string, Float64Array>;
  events: SimEvent[];
  funnel: Record<string, number>;
  day: number;
  done: boolean;
}

/** New rows of a tissue run since the previous chunk, and a picture of every patch now. */
export interface TissueChunk {
  columns: Record<string, Float64Array>;
  events: TissueEvent[];
  funnel: Record<string, number>;
  step: number;
  done: boolean;
  frame: TissueFrame;
}

export interface EngineApi {
  /**
   * Validates a scenario (raw object, `extends` already resolved) and starts a run
   * at its scale (patient or tissue); returns field errors, if any.
   */
  open(raw: unknown, seed: number): Promise<string[]>;
  /** The open tissue run's patches and vessels (fixed for the run). */
  tissueLayout(): Promise<TissueLayout>;
  /** Runs `steps` more tissue steps (or to the end); the frame has the fields only when asked. */
  advanceTissue(steps: number, withFields: boolean): Promise<TissueChunk>;
  /** Runs until `days` more have been simulated (or the run ends) and returns the new rows. */
  advance(days: number): Promise<Chunk>;
  /** The run's files, byte-identical to `seedsoil run --out`. */
  files(): Promise<Record<string, string>>;
  summary(): Promise<Summary | TissueSummary>;
  /** Runs one replicate of a reproduce target's scenario and takes the target's measurement. */
  measure(target: string, raw: unknown, replicate: number): Promise<Measurement>;
  /**
   * Runs one replicate of a batch (or of the compare view, which sets the seed in
   * the scenario): its outcome row and, if asked, its time series as CSV.
   */
  batchRow(raw: unknown, replicate: number, seriesEveryDays: number): Promise<BatchResult>;
}

export interface BatchResult {
  row: OutcomeRow | Record<string, number | string>;
  series: string;
}
