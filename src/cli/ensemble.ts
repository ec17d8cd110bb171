/**
 * The one ensemble path of the command line: tasks (a scenario and a replicate
 * each) run on the worker-thread pool, each finished task written at once as a
 * part file (atomically) in DIR/parts, so that an interrupted run resumes without
 * losing or repeating work, and shards of one folder or of several never clash.
 * `batch` (and so `compare`) and the tools built on batches use it; `merge`
 * reads the parts back.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/protocol.ts';
import { createPool, type Pool, WorkerDied } from './pool.ts';

/** A problem the user can fix (a bad option, folder or file): the command prints it as one sentence. */
export class BatchError extends Error {}

export interface Part {
  index: number;
  row: Record<string, number | string>;
}

export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Creates the folder and proves it writable, turning system errors into a sentence. */
export function prepareFolder(dir: string): void {
  try {
    mkdirSync(join(dir, 'parts'), { recursive: true });
    const probe = join(dir, `.write-test.${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : String(code ?? e);
    throw new BatchError(`--out ${dir}: cannot write there (${why})`);
  }
}

export const partName = (index: number) => `task-${String(index).padStart(9, '0')}.json`;

export function readParts(dir: string): Map<number, Part> {
  const parts = new Map<number, Part>();
  const folder = join(dir, 'parts');
  if (!existsSync(folder)) return parts;
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.json')) continue;
    let part: Part;
    try {
      part = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Part;
    } catch (e) {
      throw new BatchError(
        `${join(folder, name)}: unreadable result (${(e as Error).message}); delete it and resume`,
      );
    }
    parts.set(part.index, part);
  }
  return parts;
}

function progress(done: number, total: number, started: number): void {
  const seconds = (Date.now() - started) / 1000;
  const rate = done / Math.max(seconds, 1e-9);
  const eta = rate > 0 ? (total - done) / rate : 0;
  const text = `${done}/${total} replicates, ${rate.toFixed(1)}/s, ETA ${Math.ceil(eta)} s`;
  if (process.stderr.isTTY) {
    const width = 30;
    const filled = Math.round((width * done) / Math.max(total, 1));
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}  `);
    if (done === total) process.stderr.write('\n');
  } else if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0) {
    process.stderr.write(`${text}\n`);
  }
}

/**
 * Runs `pending` (a subset of `mine`, the tasks of this shard) on `workers`
 * threads. Each finished task's row (from `row`, which may also write files of
 * its own) is written as DIR/parts/task-N.json before the next is counted.
 * Ctrl-C and SIGTERM terminate the threads at once: the tasks in flight leave
 * nothing behind and run again on resume.
 */
export async function runTasks<T extends { index: number }, R>(
  dir: string,
  mine: readonly T[],
  pending: readonly T[],
  workers: number,
  how: {
    run: (api: Comlink.Remote<EngineApi>, task: T) => Promise<R>;
    row: (task: T, outcome: R | Error) => Record<string, number | string>;
  },
): Promise<{ interrupted: boolean; done: number }> {
  const started = Date.now();
  let done = mine.length - pending.length;
  if (pending.length === 0) return { interrupted: false, done };
  const pool = acquire(Math.min(workers, pending.length));
  const stop = () => pool.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let healthy = false;
  try {
    await pool.run(pending, how.run, (task, outcome) => {
      const row = how.row(task, outcome);
      writeAtomic(join(dir, 'parts', partName(task.index)), JSON.stringify({ index: task.index, row }));
      progress(++done, mine.length, started);
    });
    healthy = !pool.stopped;
    return { interrupted: pool.stopped, done };
  } catch (e) {
    if (e instanceof WorkerDied) {
      throw new BatchError(
        `${e.message}; finished replicates are kept: continue with the same command and --resume`,
      );
    }
    throw e;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // A stopped or broken pool is not lent again.
    if (!healthy) await closeEnsemble();
  }
}

/**
 * The worker pool, kept between the batches of one command: a calibration runs a
 * batch per round of proposals, and starting the worker threads again for each
 * (a few hundred milliseconds per thread) cost more than the rounds' replicates.
 */
let shared: { size: number; pool: Pool } | undefined;

function acquire(size: number): Pool {
  if (shared && shared.size >= size && !shared.pool.stopped) return shared.pool;
  void closeEnsemble();
  shared = { size, pool: createPool(size) };
  return shared.pool;
}

/** Ends the kept worker threads; the command line calls it once a command is done. */
export async function closeEnsemble(): Promise<void> {
  const old = shared;
  shared = undefined;
  await old?.pool.close();
}
