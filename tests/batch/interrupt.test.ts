/**
 * `seedsoil batch` stops within two seconds of Ctrl-C or SIGTERM even while a
 * replicate that would take minutes is running: replicates in flight are abandoned
 * and leave nothing behind, finished ones stay, and --resume runs exactly the
 * abandoned ones to the bytes of an uninterrupted batch.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'seedsoil-interrupt-'));

/**
 * Tasks 0 and 1 (dt 1) run in a fraction of a second; tasks 2 and 3 take longer:
 * `slowDt` and the run's length in days set how much.
 */
function sweep(name: string, slowDt: number, durationDays: number): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `extends: teaching-basic
name: ${name}
time: { durationDays: ${durationDays} }
batch:
  replicates: 2
  timeseriesEveryDays: 1000
  points:
    - { time.dt: 1 }
    - { time.dt: ${slowDt} }
`,
  );
  return file;
}
// The smallest step the schema allows over the scenario's ten years: each of tasks
// 2 and 3 runs for well over a minute.
const slow = sweep('slow', 0.0001, 3650);
// Tasks 2 and 3 take about a second (several times tasks 0 and 1): long enough to be
// in flight at the signal. Two years only: over ten, a replicate at this step takes
// more than a minute (the disease of the teaching scenario's later years is large),
// and this test runs each of them twice.
const quick = sweep('quick', 0.01, 730);

const batch = (file: string, out: string, ...more: string[]) =>
  spawn(process.execPath, ['bin/seedsoil.js', 'batch', file, '--workers', '2', '--out', out, ...more]);

interface Exit {
  code: number | null;
  stderr: string;
  /** Milliseconds from the signal to the process's exit. */
  latency: number;
}

/**
 * Runs a two-worker batch, sends `signal` once `parts` replicates have finished
 * (the next ones are then in flight) and `delay` ms more have passed. A process
 * still running 10 s after the signal is killed, so the old behaviour fails fast.
 */
async function interrupted(
  file: string,
  out: string,
  signal: NodeJS.Signals,
  parts: number,
  delay: number,
): Promise<Exit> {
  const child = batch(file, out);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  while (finished(out).length < parts && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, delay));
  const sent = performance.now();
  child.kill(signal);
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  const latency = performance.now() - sent;
  clearTimeout(timeout);
  return { code, stderr, latency };
}

const finished = (out: string) =>
  existsSync(join(out, 'parts'))
    ? readdirSync(join(out, 'parts'))
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
const partFiles = (...tasks: number[]) => tasks.map((t) => `task-${String(t).padStart(9, '0')}.json`);
const seriesFiles = (...tasks: number[]) => tasks.map((t) => `task-${String(t).padStart(9, '0')}.csv`);
const mtimes = (out: string) => finished(out).map((f) => statSync(join(out, 'parts', f)).mtimeMs);

function run(file: string, out: string, ...more: string[]) {
  const child = batch(file, out, ...more);
  return new Promise<number | null>((r) => child.once('exit', r));
}

describe('seedsoil batch, interrupted', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'exits with 130 within 2 s of %s while a long replicate runs, keeping only finished ones',
    async (signal) => {
      const out = join(dir, `slow-${signal}`);
      const r = await interrupted(slow, out, signal, 2, 300);
      expect(r.latency).toBeLessThan(2000);
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(
        /interrupted after 2 of 4 replicates; continue with the same command and --resume/,
      );
      // The two replicates in flight left no part, series or temporary file; no runs.csv yet.
      expect(readdirSync(join(out, 'parts')).sort()).toEqual(partFiles(0, 1));
      expect(readdirSync(join(out, 'series')).sort()).toEqual(seriesFiles(0, 1));
      expect(existsSync(join(out, 'runs.csv'))).toBe(false);
      for (const [i, f] of partFiles(0, 1).entries()) {
        const part = JSON.parse(readFileSync(join(out, 'parts', f), 'utf8'));
        expect(part).toMatchObject({ index: i, row: { task: i, error: '', replicate: i } });
      }
    },
  );

  it('resumes exactly the abandoned replicates, to the bytes of an uninterrupted batch', async () => {
    const whole = join(dir, 'quick-whole');
    expect(await run(quick, whole)).toBe(0);

    const out = join(dir, 'quick');
    const r = await interrupted(quick, out, 'SIGTERM', 2, 0);
    expect(r.code).toBe(130);
    expect(finished(out)).toEqual(partFiles(0, 1));
    const kept = mtimes(out);

    expect(await run(quick, out, '--resume')).toBe(0);
    expect(finished(out)).toEqual(partFiles(0, 1, 2, 3));
    expect(mtimes(out).slice(0, 2)).toEqual(kept);
    expect(readFileSync(join(out, 'runs.csv'), 'utf8')).toBe(readFileSync(join(whole, 'runs.csv'), 'utf8'));
    expect(readdirSync(join(out, 'series')).sort()).toEqual(seriesFiles(0, 1, 2, 3));
  });
});
