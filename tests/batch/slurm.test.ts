/**
 * The Slurm job array of docs/cluster.md on a real single-node cluster. The script
 * is taken from the markdown and written unchanged; the array size, CPUs per task
 * and time limit are given on the sbatch command line, which overrides #SBATCH
 * lines, as a user trying a small sweep would. It is submitted from a checkout that
 * holds scenarios/my-sweep.yaml, and the shards, merged with the documented merge
 * command, must give the runs.csv and time series bytes of one process.
 *
 * Skips where Slurm or munge is missing, unless SEEDSOIL_REQUIRE_SLURM=1.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlurmCluster, slurmMissing } from '../support/slurm.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const missing = slurmMissing();
const required = process.env.SEEDSOIL_REQUIRE_SLURM === '1';
if (missing && !required)
  console.warn(
    `skipping the Slurm job array test: ${missing} (SEEDSOIL_REQUIRE_SLURM=1 makes this a failure)`,
  );

/** The job script and the merge command of the "Slurm job array" section. */
function documented(): { script: string; merge: string } {
  const docs = readFileSync(join(ROOT, 'docs/cluster.md'), 'utf8');
  const section = docs.split('\n## Slurm job array\n')[1]?.split('\n## ')[0] ?? '';
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const script = blocks.find((b) => b.startsWith('#!/bin/bash\n'));
  const merge = blocks.flatMap((b) => b.split('\n')).find((l) => l.startsWith('npx seedsoil merge '));
  if (!script || !merge)
    throw new Error('docs/cluster.md: no job script or merge command under "Slurm job array"');
  return { script, merge };
}

/** Six tasks (two points, three replicates) of a fast scenario, with time series. */
const SWEEP = `extends: teaching-basic
name: my-sweep
time: { durationDays: 1200, observeEveryDays: 100 }
batch:
  replicates: 3
  timeseriesEveryDays: 200
  grid:
    invasion.bloodRate: [0.002, 0.006]
`;
const SHARDS = 3;

// Made in beforeAll, so that a skipped run leaves nothing behind.
let dir = '';
let cluster: SlurmCluster | undefined;
let checkout = '';

/**
 * The user's checkout: every entry of the project linked, except scenarios/ (the
 * built-in files linked, plus the sweep) and the job's logs/ and results/.
 */
function makeCheckout(): void {
  checkout = join(dir, 'checkout');
  mkdirSync(join(checkout, 'scenarios'), { recursive: true });
  for (const name of readdirSync(ROOT))
    if (!['scenarios', 'logs', 'results'].includes(name)) symlinkSync(join(ROOT, name), join(checkout, name));
  for (const name of readdirSync(join(ROOT, 'scenarios')))
    symlinkSync(join(ROOT, 'scenarios', name), join(checkout, 'scenarios', name));
  writeFileSync(join(checkout, 'scenarios', 'my-sweep.yaml'), SWEEP);
}

const read = (...path: string[]) => readFileSync(join(...path), 'utf8');

describe.skipIf(missing !== undefined && !required)('the documented Slurm job array', () => {
  beforeAll(async () => {
    if (missing) throw new Error(`SEEDSOIL_REQUIRE_SLURM=1 but ${missing}`);
    dir = mkdtempSync(join(tmpdir(), 'seedsoil-slurm-'));
    makeCheckout();
    cluster = new SlurmCluster(dir);
    await cluster.start();
  }, 90_000);

  afterAll(async () => {
    try {
      await cluster?.stop();
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs as shards that merge to the bytes of one process', () => {
    if (!cluster) throw new Error('no cluster');
    const { script, merge } = documented();
    writeFileSync(join(checkout, 'sweep.sbatch'), script);
    // As the docs say: Slurm does not create the folder of --output.
    mkdirSync(join(checkout, 'logs'));
    const submitted = cluster.run(
      'sbatch',
      ['--wait', `--array=1-${SHARDS}`, '--cpus-per-task=1', '--time=00:05:00', 'sweep.sbatch'],
      { cwd: checkout, timeout: 90_000 },
    );
    const logs = () =>
      readdirSync(join(checkout, 'logs'))
        .map((f) => `${f}:\n${read(checkout, 'logs', f)}`)
        .join('\n');
    expect(
      submitted.code,
      `sbatch --wait: ${submitted.stdout}${submitted.stderr}\n${logs()}\n${cluster.diagnostics()}`,
    ).toBe(0);
    const job = /Submitted batch job (\d+)/.exec(submitted.stdout)?.[1];

    // Each array task ran its own shard, found by --shard auto from Slurm's variables.
    for (let i = 1; i <= SHARDS; i++) {
      const out = join(checkout, 'results', `shard-${i}`);
      expect(JSON.parse(read(out, 'manifest.json')).shard).toEqual({ index: i - 1, count: SHARDS });
      const tasks = read(out, 'runs.csv')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[0]));
      expect(tasks).toEqual([i - 1, i - 1 + SHARDS]);
      expect(read(checkout, 'logs', `${job}_${i}.out`)).toContain(`2 replicates (shard ${i} of ${SHARDS})`);
    }

    const merged = spawnSync('bash', ['-euo', 'pipefail', '-c', merge], {
      cwd: checkout,
      env: cluster.env,
      encoding: 'utf8',
    });
    expect(merged.status, `${merge}\n${merged.stdout}${merged.stderr}`).toBe(0);
    const all = join(checkout, 'results', 'all');

    const one = join(dir, 'one');
    const whole = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/seedsoil.js'), 'batch', 'scenarios/my-sweep.yaml', '--out', one],
      { cwd: checkout, encoding: 'utf8' },
    );
    expect(whole.status, whole.stderr).toBe(0);

    expect(read(all, 'runs.csv').trim().split('\n')).toHaveLength(1 + 2 * SHARDS);
    expect(read(all, 'runs.csv')).toBe(read(one, 'runs.csv'));
    const series = readdirSync(join(one, 'series')).sort();
    expect(series).toHaveLength(2 * SHARDS);
    expect(readdirSync(join(all, 'series')).sort()).toEqual(series);
    for (const f of series) expect(read(all, 'series', f), f).toBe(read(one, 'series', f));
  }, 100_000);
});
