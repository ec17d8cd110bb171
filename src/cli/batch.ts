/**
 * `seedsoil batch` and `seedsoil merge`: replicates and sweeps on a pool of worker
 * threads, written as they finish so that nothing is lost. Each finished task is
 * one small JSON file in DIR/parts, written under a temporary name and renamed
 * (atomic), so a batch killed at any moment resumes without losing or repeating
 * work. runs.csv is assembled from the parts in task order: the same bytes for
 * any number of workers, and for one process or N merged shards.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlan, type Plan, shardTasks, type Task } from '../batch/plan.ts';
import { outcomeColumns as outcomeColumnsOf } from '../engine/model.ts';
import { toCsv } from '../engine/output.ts';
import { GENERATOR } from '../engine/random.ts';
import { formatIssue, resolveExtends, ScenarioError } from '../engine/scenario.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import {
  BatchError,
  type Part,
  partName,
  prepareFolder,
  readParts,
  runTasks,
  writeAtomic,
} from './ensemble.ts';
import { fileResolver, readSource } from './scenarios.ts';

export { BatchError };

interface BatchManifest {
  engine: 'seedsoil';
  engineVersion: string;
  generator: string;
  command: string;
  planHash: string;
  shard: { index: number; count: number };
  tasks: number;
  columns: string[];
  scenarios: {
    file: string;
    name: string;
    points: { point: number; hash: string; swept: Record<string, unknown> }[];
  }[];
}

/** Shard "I/N" (1-based, as people count array tasks), "auto" from Slurm or a Kubernetes Indexed Job. */
export function parseShard(
  text: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { index: number; count: number } {
  if (text === undefined) return { index: 0, count: 1 };
  if (text === 'auto') {
    if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_COUNT !== undefined) {
      const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
      return checkShard(
        Number(env.SLURM_ARRAY_TASK_ID) - min,
        Number(env.SLURM_ARRAY_TASK_COUNT),
        'Slurm array',
      );
    }
    if (env.JOB_COMPLETION_INDEX !== undefined) {
      if (env.SEEDSOIL_SHARDS === undefined) {
        throw new BatchError(
          '--shard auto: JOB_COMPLETION_INDEX is set but SEEDSOIL_SHARDS (the completions count) is not',
        );
      }
      return checkShard(Number(env.JOB_COMPLETION_INDEX), Number(env.SEEDSOIL_SHARDS), 'Indexed Job');
    }
    throw new BatchError(
      '--shard auto: found neither SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT nor JOB_COMPLETION_INDEX/SEEDSOIL_SHARDS',
    );
  }
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new BatchError(`--shard: expected I/N such as 2/8, or auto (got "${text}")`);
  return checkShard(Number(m[1]) - 1, Number(m[2]), '--shard');
}

function checkShard(index: number, count: number, what: string): { index: number; count: number } {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new BatchError(`${what}: shard ${index + 1} of ${count} is not a valid shard`);
  }
  return { index, count };
}

/** Outcome columns of the plan's scale; a batch holds scenarios of one scale only. */
function outcomeColumns(plan: Plan): readonly string[] {
  const scenarios = plan.points.map((p) => p.scenario);
  const scales = new Set(scenarios.map((s) => s.scale));
  if (scales.size > 1)
    throw new BatchError(`a batch holds scenarios of one scale: got ${[...scales].join(' and ')} scenarios`);
  return outcomeColumnsOf(scenarios);
}

function columnsOf(plan: Plan): string[] {
  return [
    'task',
    'scenario',
    'file',
    'point',
    ...plan.sweptColumns,
    'replicate',
    'seed',
    'error',
    ...outcomeColumns(plan),
  ];
}

function rowOf(
  task: Task,
  file: string,
  sweptColumns: string[],
  outcome: Record<string, number | string> | Error,
): Record<string, number | string> {
  const p = task.point;
  const row: Record<string, number | string> = {
    task: task.index,
    scenario: p.scenario.name,
    file,
    point: p.point,
    replicate: task.replicate,
    seed: p.scenario.seed,
    error: outcome instanceof Error ? outcome.message : '',
  };
  for (const c of sweptColumns) row[c] = p.swept[c] === undefined ? '' : String(p.swept[c]);
  if (!(outcome instanceof Error)) Object.assign(row, outcome);
  return row;
}

function writeRuns(dir: string, columns: string[], parts: Part[]): void {
  parts.sort((a, b) => a.index - b.index);
  writeAtomic(
    join(dir, 'runs.csv'),
    toCsv(
      parts.map((p) => p.row),
      columns,
    ),
  );
}

export async function batchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      replicates: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      shard: { type: 'string' },
      resume: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new BatchError('seedsoil batch: name at least one scenario file');
  const positive = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new BatchError(`--${name}: expected a positive integer (got "${v}")`);
    return n;
  };
  const replicates = positive('replicates', values.replicates);
  const workers = positive('workers', values.workers) ?? availableParallelism();
  const out = values.out ?? 'batch-out';
  const shard = parseShard(values.shard);

  // Everything is validated before anything runs or is written.
  let plan: Plan;
  try {
    const inputs = positionals.map((file) => ({ file, raw: resolveExtends(readSource(file), fileResolver) }));
    plan = buildPlan(inputs, replicates);
  } catch (e) {
    if (e instanceof ScenarioError) {
      for (const i of e.issues) console.error(formatIssue(i));
      return 1;
    }
    throw e;
  }
  const files = positionals;
  const columns = columnsOf(plan);
  const manifest: BatchManifest = {
    engine: 'seedsoil',
    engineVersion: ENGINE_VERSION,
    generator: GENERATOR,
    command: ['seedsoil', 'batch', ...args].join(' '),
    planHash: plan.planHash,
    shard,
    tasks: plan.tasks.length,
    columns,
    scenarios: files.map((file, i) => ({
      file,
      name: plan.points.find((p) => p.scenarioIndex === i)?.scenario.name ?? file,
      points: plan.points
        .filter((p) => p.scenarioIndex === i)
        .map((p) => ({ point: p.point, hash: p.hash, swept: p.swept })),
    })),
  };

  prepareFolder(out);
  const manifestFile = join(out, 'manifest.json');
  const existing = readParts(out);
  if (existsSync(manifestFile)) {
    const old = JSON.parse(readFileSync(manifestFile, 'utf8')) as BatchManifest;
    if (!values.resume)
      throw new BatchError(`--out ${out}: already holds a batch; add --resume to continue it`);
    if (
      old.planHash !== plan.planHash ||
      old.shard.index !== shard.index ||
      old.shard.count !== shard.count
    ) {
      throw new BatchError(
        `--out ${out}: holds a different batch (plan or shard differs); resume with the same files and options`,
      );
    }
  } else if (existing.size > 0) {
    throw new BatchError(`--out ${out}: holds results without a manifest; use an empty folder`);
  }
  writeAtomic(manifestFile, `${JSON.stringify({ ...manifest, command: manifest.command }, null, 2)}\n`);

  const mine = shardTasks(plan, shard.index, shard.count);
  const pending = mine.filter((t) => !existing.has(t.index));
  const seriesEvery = (t: Task) => t.point.scenario.batch.timeseriesEveryDays;
  if (mine.some((t) => seriesEvery(t) > 0)) mkdirSync(join(out, 'series'), { recursive: true });

  const errors: string[] = [];
  const { interrupted, done } = await runTasks(out, mine, pending, workers, {
    run: (api, task) => api.batchRow(task.point.scenario, task.replicate, seriesEvery(task)),
    row: (task, outcome) => {
      const file = files[task.point.scenarioIndex] as string;
      if (outcome instanceof Error) {
        errors.push(
          `task ${task.index} (${file}, point ${task.point.point}, seed ${task.point.scenario.seed}, replicate ${task.replicate}): ${outcome.message}`,
        );
      } else if (outcome.series) {
        writeAtomic(join(out, 'series', `task-${String(task.index).padStart(9, '0')}.csv`), outcome.series);
      }
      return rowOf(task, file, plan.sweptColumns, outcome instanceof Error ? outcome : outcome.row);
    },
  });
  if (interrupted) {
    console.error(
      `\ninterrupted after ${done} of ${mine.length} replicates; continue with the same command and --resume`,
    );
    return 130;
  }
  const parts = [...readParts(out).values()];
  writeRuns(out, columns, parts);
  for (const e of errors) console.error(`failed: ${e}`);
  // Failures of earlier runs of this folder count too, so a resumed batch reports what the first did.
  const failed = parts.filter((p) => p.row.error !== '').length;
  const label = shard.count > 1 ? ` (shard ${shard.index + 1} of ${shard.count})` : '';
  console.log(`${mine.length} replicates${label} in ${out}/runs.csv${failed ? `, ${failed} failed` : ''}`);
  return failed ? 1 : 0;
}

export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' } },
  });
  if (!values.out || positionals.length === 0) throw new BatchError('usage: seedsoil merge DIR... --out DIR');
  const manifests = positionals.map((dir) => {
    const file = join(dir, 'manifest.json');
    if (!existsSync(file)) throw new BatchError(`${dir}: no manifest.json; not a batch output folder`);
    return JSON.parse(readFileSync(file, 'utf8')) as BatchManifest;
  });
  const first = manifests[0] as BatchManifest;
  manifests.forEach((m, i) => {
    if (m.planHash !== first.planHash)
      throw new BatchError(`${positionals[i]}: a different batch from ${positionals[0]} (plan hash differs)`);
  });
  const parts = new Map<number, Part>();
  const from = new Map<number, string>();
  for (const dir of positionals) {
    for (const [index, part] of readParts(dir)) {
      if (parts.has(index))
        throw new BatchError(`task ${index} appears twice: in ${from.get(index)} and in ${dir}`);
      parts.set(index, part);
      from.set(index, dir);
    }
  }
  const missing: number[] = [];
  for (let i = 0; i < first.tasks && missing.length < 10; i++) if (!parts.has(i)) missing.push(i);
  if (missing.length) {
    throw new BatchError(
      `missing tasks ${missing.join(', ')}${missing.length === 10 ? ', …' : ''}: a shard is absent or unfinished`,
    );
  }
  if (existsSync(join(values.out, 'manifest.json')) || readParts(values.out).size > 0) {
    throw new BatchError(`--out ${values.out}: already holds results; merge into an empty folder`);
  }
  prepareFolder(values.out);
  for (const dir of positionals) {
    const series = join(dir, 'series');
    if (!existsSync(series)) continue;
    mkdirSync(join(values.out, 'series'), { recursive: true });
    for (const name of readdirSync(series))
      writeAtomic(join(values.out, 'series', name), readFileSync(join(series, name), 'utf8'));
  }
  for (const part of parts.values())
    writeAtomic(join(values.out, 'parts', partName(part.index)), JSON.stringify(part));
  const merged = { ...first, shard: { index: 0, count: 1 }, command: `seedsoil merge ${args.join(' ')}` };
  writeAtomic(join(values.out, 'manifest.json'), `${JSON.stringify(merged, null, 2)}\n`);
  writeRuns(values.out, first.columns, [...parts.values()]);
  console.log(`${parts.size} replicates from ${positionals.length} folders in ${values.out}/runs.csv`);
  return 0;
}
