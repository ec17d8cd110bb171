/** What every phase receives: the scenario, the derived anatomy, the state and its own random stream. */
import type { Anatomy } from './anatomy.ts';
import type { Cohorts } from './cohorts.ts';
import type { Stream } from './random.ts';
import type { Scenario } from './schema.ts';
import { type FunnelStage, funnelIndex, type Route, type State, type Timing } from './state.ts';

/** One independent stream per phase and for the clinical layer (see random.ts). */
export const STREAM_NAMES = [
  'growth',
  'angiogenesis',
  'invasion',
  'circulation',
  'arrest',
  'extravasation',
  'colonisation',
  'clinical',
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];
export type Streams = Record<StreamName, Stream>;

/** Multipliers set by the clinical layer while a therapy is active. */
export interface Therapy {
  divisionFactor: number;
  wakeFactor: number;
  /** Extra death hazard of cycling cells, per day. */
  deathRate: number;
}

export interface Context {
  scenario: Scenario;
  anatomy: Anatomy;
  state: State;
  streams: Streams;
  therapy: Therapy;
  /** Derived once per scenario; the indexes are rebuilt from the state after a checkpoint. */
  cohorts: Cohorts;
  /** False in the reference representation (one record per dormant cell and colony). */
  counted: boolean;
}

export function countFunnel(state: State, stage: FunnelStage, route: Route, timing: Timing, n: number): void {
  if (n === 0) return;
  const i = funnelIndex(stage, route, timing);
  state.funnel[i] = (state.funnel[i] as number) + n;
}

export function logEvent(
  state: State,
  type: string,
  site: string,
  tumour: number,
  value: number,
  detail = '',
): void {
  state.events.push({ day: state.day, type, site, tumour, value, detail });
}
