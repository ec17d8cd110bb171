/**
 * `seedsoil batch` and `seedsoil merge` as a user runs them: the same runs.csv
 * bytes for any number of workers and for merged shards, resume after SIGKILL
 * without losing or repeating work, clear refusals.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/cli/pool.ts';

const dir = mkdtempSync(join(tmpdir(), 'seedsoil-batch-'));
const scenario = join(dir, 'sweep.yaml');
writeFileSync(
  scenario,
  `extends: teaching-basic
name: sweep
time: { durationDays: 1200, observeEveryDays: 100 }
batch:
  replicates: 5
  timeseriesEveryDays: 200
  grid:
    invasion.bloodRate: [0.002, 0.006]
`,
);

function seedsoil(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/seedsoil.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const runs = (out: string) => readFileSync(join(out, 'runs.csv'), 'utf8');

/** Starts a one-worker batch and resolves once it has finished `parts` replicates. */
async function startedBatch(file: string, out: string, parts: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/seedsoil.js', 'batch', file, '--workers', '1', '--out', out]);
  const folder = join(out, 'parts');
  const done = () => (existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')).length : 0);
  while (done() < parts) await new Promise((r) => setTimeout(r, 20));
  return child;
}

describe('seedsoil batch', () => {
  const one = join(dir, 'one');
  const two = join(dir, 'two');

  it('writes the same runs.csv bytes with one worker and with two', () => {
    expect(seedsoil('batch', scenario, '--workers', '1', '--out', one).code).toBe(0);
    expect(seedsoil('batch', scenario, '--workers', '2', '--out', two).code).toBe(0);
    expect(runs(two)).toBe(runs(one));
    const lines = runs(one).trim().split('\n');
    expect(lines).toHaveLength(1 + 10);
    expect(lines[0]).toMatch(/^task,scenario,file,point,invasion\.bloodRate,replicate,seed,error,outcome,/);
    expect(readdirSync(join(one, 'series'))).toHaveLength(10);
    const manifest = JSON.parse(readFileSync(join(one, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ engine: 'seedsoil', tasks: 10, shard: { index: 0, count: 1 } });
    expect(manifest.scenarios[0].points).toHaveLength(2);
  });

  it('gives the same bytes from three shards merged', () => {
    const shards = [1, 2, 3].map((i) => join(dir, `shard-${i}`));
    shards.forEach((out, i) => {
      expect(seedsoil('batch', scenario, '--shard', `${i + 1}/3`, '--out', out).code).toBe(0);
    });
    const merged = join(dir, 'merged');
    expect(seedsoil('merge', ...shards, '--out', merged).code).toBe(0);
    expect(runs(merged)).toBe(runs(one));
    expect(readdirSync(join(merged, 'series'))).toHaveLength(10);
  });

  it('refuses to merge shards with gaps or duplicates', () => {
    const shards = [1, 2].map((i) => join(dir, `shard-${i}`));
    const gap = seedsoil('merge', ...shards, '--out', join(dir, 'gap'));
    expect(gap.code).toBe(1);
    expect(gap.stderr).toMatch(/missing tasks 2, 5, 8: a shard is absent or unfinished/);
    const dup = seedsoil('merge', ...shards, shards[0] as string, '--out', join(dir, 'dup'));
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/task 0 appears twice/);
  });

  it('resumes after SIGKILL to the same bytes, without repeating finished tasks', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, 'extends: breast-her2-early\nname: big\nbatch:\n  replicates: 80\n');
    const whole = join(dir, 'whole');
    expect(seedsoil('batch', big, '--workers', '2', '--out', whole).code).toBe(0);

    const out = join(dir, 'killed');
    const parts = join(out, 'parts');
    const child = await startedBatch(big, out, 10);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = new Map(readdirSync(parts).map((f) => [f, statSync(join(parts, f)).mtimeMs]));
    expect(before.size).toBeLessThan(80);

    expect(seedsoil('batch', big, '--workers', '2', '--out', out).stderr).toMatch(
      /already holds a batch; add --resume/,
    );
    expect(seedsoil('batch', big, '--workers', '2', '--out', out, '--resume').code).toBe(0);
    expect(runs(out)).toBe(runs(whole));
    for (const [f, mtime] of before)
      if (f.endsWith('.json')) expect(statSync(join(parts, f)).mtimeMs).toBe(mtime);
  });

  it('stops cleanly on Ctrl-C and resumes from there', async () => {
    const big = join(dir, 'big.yaml');
    const out = join(dir, 'interrupted');
    const child = await startedBatch(big, out, 5);
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(
      /interrupted after \d+ of 80 replicates; continue with the same command and --resume/,
    );
    expect(existsSync(join(out, 'runs.csv'))).toBe(false);
    expect(seedsoil('batch', big, '--out', out, '--resume').code).toBe(0);
    expect(runs(out)).toBe(runs(join(dir, 'whole')));
  });

  it('stops before any run on an invalid sweep, and names an unwritable folder', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'batch:\n  points:\n    - { colonisation.colonyFraction: 0.2 }\n    - { colonisation.colonyFraction: -1 }\n',
    );
    const out = join(dir, 'never');
    const r = seedsoil('batch', bad, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `${bad}: colonisation.colonyFraction: too small (got -1, expected >= 0) (batch point 1)`,
    );
    expect(existsSync(out)).toBe(false);

    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const blocked = seedsoil('batch', scenario, '--out', join(file, 'sub'));
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/cannot write there/);
  });
});

describe('worker pool', () => {
  it('reports a failing task and finishes the others', async () => {
    const pool = createPool(2);
    const seen: (number | string)[] = [];
    try {
      await pool.run(
        [1, 2, 3, 4],
        async (api, item) => {
          if (item === 3) throw new Error('replicate 3 broke');
          return (await api.batchRow({ name: 'x', time: { durationDays: 20 } }, item, 0)).row;
        },
        (item, result) => {
          seen.push(result instanceof Error ? result.message : item);
        },
      );
    } finally {
      await pool.close();
    }
    expect(seen.sort()).toEqual([1, 2, 4, 'replicate 3 broke']);
  });
});
