/**
 * One replicate timed the way a batch runs it (creation, every step, the result),
 * with the most records it held at the end of any step: the census and the stress
 * benchmark share it so that their figures mean the same thing.
 */
import type { Scenario } from '../src/engine/schema.ts';
import { createSimulation, RecordCapError, records, result, step } from '../src/engine/simulation.ts';

export interface Measured {
  ms: number;
  days: number;
  peakRecords: number;
  founded: number;
  dormant: number;
  /** Why the run stopped before its end: a wall-time limit or the record cap; '' if it ran to the end. */
  stopped: string;
}

export function measure(
  scenario: Scenario,
  replicate: number,
  wallLimitMs = Number.POSITIVE_INFINITY,
): Measured {
  const t0 = performance.now();
  const sim = createSimulation(scenario, { replicate });
  const state = sim.ctx.state;
  let peakRecords = records(state);
  let stopped = '';
  try {
    while (!state.ended) {
      step(sim);
      peakRecords = Math.max(peakRecords, records(state));
      if (performance.now() - t0 > wallLimitMs) {
        stopped = `wall-time limit of ${(wallLimitMs / 1000).toFixed(0)} s`;
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof RecordCapError)) throw e;
    // The step that crossed the cap added its records before throwing.
    peakRecords = Math.max(peakRecords, records(state));
    stopped = `record cap of ${scenario.representation.maxRecords.toExponential(0).replace('e+', 'e')}`;
  }
  const { summary } = result(sim);
  return {
    ms: performance.now() - t0,
    days: state.day,
    peakRecords,
    founded: summary.colonies.founded,
    dormant: summary.funnel.dormant ?? 0,
    stopped,
  };
}
