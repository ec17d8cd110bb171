/**
 * The engine in a worker, behind comlink. The same module can serve Node's
 * worker_threads: a bootstrap sets globalThis.__COMLINK_ENDPOINT__ before importing it.
 */
import * as Comlink from 'comlink';
import { type ModelRun, modelOf, runModel } from '../src/engine/model.ts';
import { seriesCsv } from '../src/engine/output.ts';
import { validateScenario } from '../src/engine/scenario.ts';
import type { AnyScenario } from '../src/engine/schema.ts';
import type { FieldArena } from '../src/engine/tissue/lattice.ts';
import { measureArms, measureReplicates, TARGETS } from '../src/reproduce/targets.ts';
import { MAX_PICTURE, pictureBuffers, tissuePicture } from '../src/ui/tissue-picture.ts';
import type { Chunk, EngineApi } from './protocol.ts';

const NO_FIELDS = { ecm: false, mmp: false };

let current: ModelRun | undefined;
let rowsSent = 0;
let eventsSent = 0;
/**
 * The tissue fields' memory of the runs that start and finish within one call
 * (measure, sample, batchRow): one address-space reservation for all of this
 * worker's replicates, rather than one per replicate left for the garbage
 * collector (src/engine/tissue/lattice.ts). The open run keeps a memory of its own.
 */
const fieldArena: FieldArena = {};
/** Cells a lattice point holds, for the picture's shading. */
let capacity = 1;
/** What the last picture took to make, for the next chunk's time budget. */
let pictureMs = 0;

function validate(raw: unknown): AnyScenario {
  return validateScenario(raw, 'scenario');
}

function targetNamed(name: string): (typeof TARGETS)[number] {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no reproduce target named "${name}"`);
  return t;
}

function open(): ModelRun {
  if (!current) throw new Error('no run is open');
  return current;
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
  async open(scenario, seed) {
    current = undefined;
    current = modelOf(scenario).create({ seed });
    rowsSent = 0;
    eventsSent = 0;
    pictureMs = 0;
    const layout = current.view?.layout();
    capacity = layout?.capacity ?? 1;
    return layout;
  },

  async advance(days, withFields, options = {}) {
    const run = open();
    const target = run.day() + days;
    const start = performance.now();
    // The budget covers the picture too, which costs about what the last one did,
    // but half of it always goes to steps, so a slow picture cannot starve the run.
    const budget = options.budgetMs ?? Number.POSITIVE_INFINITY;
    const until = start + Math.max(budget / 2, budget - pictureMs);
    // At least one step, so that a chunk whose budget the picture alone would spend still moves on.
    let stepped = 0;
    while (!run.done() && run.day() < target - 1e-9 && (stepped === 0 || performance.now() < until)) {
      run.step();
      stepped++;
    }
    const { columns, transfers } = newRows(run.series());
    const events = run.events().slice(eventsSent);
    eventsSent += events.length;
    const drawing = performance.now();
    const compact = run.view?.frame(withFields, MAX_PICTURE);
    const frame = compact && tissuePicture(compact, capacity, options.shown ?? NO_FIELDS);
    pictureMs = performance.now() - drawing;
    const chunk: Chunk = {
      columns,
      events,
      funnel: run.funnel(),
      day: run.day(),
      step: run.steps(),
      done: run.done(),
      ...(frame ? { frame } : {}),
    };
    return Comlink.transfer(chunk, [...transfers, ...(frame ? pictureBuffers(frame) : [])]);
  },

  async files() {
    return open().files();
  },

  async summary() {
    return open().result().summary;
  },

  async measure(targets, raw, replicate) {
    return measureReplicates(targets.map(targetNamed), validate(raw), replicate, { fieldArena });
  },

  async measureArms(target, raws, replicate) {
    return measureArms(targetNamed(target), raws.map(validate), replicate, { fieldArena });
  },

  async sample(raw, replicate, targets) {
    const measures = targets.map(targetNamed);
    const scenario = validate(raw);
    // What runReplicate and batchRow (without a series) each run: the same replicate.
    const run = runModel(scenario, { replicate, fieldArena });
    const result = run.result();
    return { row: run.outcome(), measurements: measures.map((t) => t.measure(result, scenario)) };
  },

  async batchRow(raw, replicate, seriesEveryDays) {
    const scenario = validate(raw);
    const model = modelOf(scenario);
    // Observation draws no random numbers, so a coarser interval leaves the run unchanged.
    const observed = seriesEveryDays > 0 ? model.observedEvery(seriesEveryDays) : scenario;
    const run = runModel(observed, { replicate, fieldArena });
    return { row: run.outcome(), series: seriesEveryDays > 0 ? seriesCsv(run.series()) : '' };
  },
};

declare global {
  var __COMLINK_ENDPOINT__: Comlink.Endpoint | undefined;
}
Comlink.expose(api, globalThis.__COMLINK_ENDPOINT__ ?? (globalThis as unknown as Comlink.Endpoint));
