/**
 * The engine in a worker, behind comlink. The same module can serve Node's
 * worker_threads: a bootstrap sets globalThis.__COMLINK_ENDPOINT__ before importing it.
 */
import * as Comlink from 'comlink';
import { funnelTotals } from '../src/engine/observe.ts';
import { outcomeRow } from '../src/engine/outcomes.ts';
import { runFiles, seriesCsv } from '../src/engine/output.ts';
import { ScenarioError, validateScenario } from '../src/engine/scenario.ts';
import type { Scenario } from '../src/engine/schema.ts';
import { createSimulation, result, runToEnd, type Simulation, step } from '../src/engine/simulation.ts';
import { frameBuffers, tissueFrame, tissueLayout } from '../src/engine/tissue/frame.ts';
import { tissueOutcomeRow } from '../src/engine/tissue/outcomes.ts';
import { tissueFiles } from '../src/engine/tissue/output.ts';
import {
  createTissueSimulation,
  runTissueSteps,
  type TissueSimulation,
  tissueDone,
  tissueFunnel,
  tissueResult,
} from '../src/engine/tissue/simulation.ts';
import { runReplicate, TARGETS } from '../src/reproduce/targets.ts';
import type { Chunk, EngineApi, TissueChunk } from './protocol.ts';

let sim: Simulation | undefined;
let tissue: TissueSimulation | undefined;
let rowsSent = 0;
let eventsSent = 0;

function validate(raw: unknown): Scenario {
  return validateScenario(raw, 'scenario');
}

function errorsOf(e: unknown): string[] {
  if (e instanceof ScenarioError) return e.message.split('\n');
  return [String((e as Error).message ?? e)];
}

/** The series rows added since the last chunk, one transferable column each. */
function newRows(series: Record<string, number[]>): {
  columns: Record<string, Float64Array>;
  transfers: ArrayBuffer[];
} {
  const columns: Record<string, Float64Array> = {};
  const transfers: ArrayBuffer[] = [];
  let rows = rowsSent;
  for (const [name, values] of Object.entries(series)) {
    const col = Float64Array.from(values.slice(rowsSent));
    columns[name] = col;
    transfers.push(col.buffer);
    rows = values.length;
  }
  rowsSent = rows;
  return { columns, transfers };
}

const api: EngineApi = {
  async open(raw, seed) {
    try {
      const scenario = validate(raw);
      sim = undefined;
      tissue = undefined;
      if (scenario.scale === 'tissue') tissue = createTissueSimulation(scenario, { seed });
      else sim = createSimulation(scenario, { seed });
      rowsSent = 0;
      eventsSent = 0;
      return [];
    } catch (e) {
      return errorsOf(e);
    }
  },

  async advance(days) {
    if (!sim) throw new Error('no run is open');
    const target = sim.ctx.state.day + days;
    while (!sim.ctx.state.ended && sim.ctx.state.day < target - 1e-9) step(sim);
    const { columns, transfers } = newRows(sim.series);
    const events = sim.ctx.state.events.slice(eventsSent);
    eventsSent = sim.ctx.state.events.length;
    const chunk: Chunk = {
      columns,
      events,
      funnel: funnelTotals(sim.ctx.state.funnel),
      day: sim.ctx.state.day,
      done: sim.ctx.state.ended,
    };
    return Comlink.transfer(chunk, transfers);
  },

  async tissueLayout() {
    if (!tissue) throw new Error('no tissue run is open');
    return tissueLayout(tissue);
  },

  async advanceTissue(steps, withFields) {
    if (!tissue) throw new Error('no tissue run is open');
    runTissueSteps(tissue, steps);
    const { columns, transfers } = newRows(tissue.series);
    const events = tissue.ctx.state.events.slice(eventsSent);
    eventsSent = tissue.ctx.state.events.length;
    const frame = tissueFrame(tissue, withFields);
    const chunk: TissueChunk = {
      columns,
      events,
      funnel: tissueFunnel(tissue.ctx),
      step: tissue.ctx.state.step,
      done: tissueDone(tissue),
      frame,
    };
    return Comlink.transfer(chunk, [...transfers, ...frameBuffers(frame)]);
  },

  async files() {
    if (tissue) return tissueFiles(tissueResult(tissue), tissue);
    if (!sim) throw new Error('no run is open');
    return runFiles(result(sim));
  },

  async summary() {
    if (tissue) return tissueResult(tissue).summary;
    if (!sim) throw new Error('no run is open');
    return result(sim).summary;
  },

  async measure(target, raw, replicate) {
    const t = TARGETS.find((x) => x.name === target);
    if (!t) throw new Error(`no reproduce target named "${target}"`);
    const scenario = validate(raw);
    return t.measure(runReplicate(scenario, replicate), scenario);
  },

  async batchRow(raw, replicate, seriesEveryDays) {
    const scenario = validate(raw);
    if (scenario.scale === 'tissue') {
      // Observation draws no random numbers, so a coarser interval leaves the run unchanged.
      const every = Math.max(1, Math.round((seriesEveryDays * 86400) / scenario.tissue.time.stepSeconds));
      const t = scenario.tissue;
      const observed =
        seriesEveryDays > 0
          ? { ...scenario, tissue: { ...t, time: { ...t.time, observeEverySteps: every } } }
          : scenario;
      const run = createTissueSimulation(observed, { replicate });
      const r = tissueResult(runTissueSteps(run, t.time.steps));
      return { row: tissueOutcomeRow(r), series: seriesEveryDays > 0 ? seriesCsv(r.series) : '' };
    }
    // Observation draws no random numbers, so a coarser interval leaves the run unchanged.
    const observed =
      seriesEveryDays > 0
        ? { ...scenario, time: { ...scenario.time, observeEveryDays: seriesEveryDays } }
        : scenario;
    const r = result(runToEnd(createSimulation(observed, { replicate })));
    return { row: outcomeRow(r), series: seriesEveryDays > 0 ? seriesCsv(r.series) : '' };
  },
};

declare global {
  var __COMLINK_ENDPOINT__: Comlink.Endpoint | undefined;
}
Comlink.expose(api, globalThis.__COMLINK_ENDPOINT__ ?? (globalThis as unknown as Comlink.Endpoint));
