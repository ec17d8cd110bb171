/**
 * Tissue runs where the machine limits them, through the command line as a user
 * (or a Slurm job) runs them:
 * - under a virtual-memory limit (`ulimit -v`, which Slurm passes to its jobs).
 *   V8 reserves about 10 GB of address space for each WebAssembly memory, and
 *   Node with the TypeScript loader already holds about 20 GB, so the limits
 *   below leave room for one memory per run (44 GB) and one per worker of a
 *   two-worker batch (56 GB); a memory per patch (three patches here) needed
 *   about 56 and 88 GB and failed both.
 * - on an engine without WebAssembly or without its SIMD: one message saying
 *   what the tissue scale needs, while the patient scale runs as before.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'seedsoil-tissue-limits-'));
const scenario = join(dir, 'tissue.yaml');
writeFileSync(scenario, 'extends: tissue-teaching\nname: tissue-short\ntissue:\n  time: { steps: 300 }\n');

const NEEDS =
  /the tissue scale needs WebAssembly with SIMD \(Node ≥ 16\.4, Chromium ≥ 91, Firefox ≥ 89, Safari ≥ 16\.4\)/;

function seedsoil(nodeFlags: string[], ...args: string[]) {
  const r = spawnSync(process.execPath, [...nodeFlags, 'bin/seedsoil.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `seedsoil ARGS` in a shell whose address space is limited to `kib` KiB. */
function limited(kib: number, ...args: string[]) {
  const r = spawnSync(
    'bash',
    ['-c', `ulimit -v ${kib} && exec "$0" "$@"`, process.execPath, 'bin/seedsoil.js', ...args],
    { encoding: 'utf8' },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether this machine can lower the address-space limit to `kib` (Linux enforces it; the hard limit allows it). */
function canLimit(kib: number): boolean {
  if (process.platform !== 'linux') return false;
  const hard = spawnSync('bash', ['-c', 'ulimit -Hv'], { encoding: 'utf8' }).stdout?.trim();
  return hard === 'unlimited' || Number(hard) >= kib;
}

describe('tissue runs under a virtual-memory limit', () => {
  it.skipIf(!canLimit(44_000_000))('run with one WebAssembly memory for all patches', () => {
    const r = limited(44_000_000, 'run', scenario);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tissue-short — seed 7, replicate 0: 300 steps/);
  });

  it.skipIf(!canLimit(56_000_000))('batch with one memory per worker however many replicates it runs', () => {
    const out = join(dir, 'batch');
    const r = limited(56_000_000, 'batch', scenario, '--replicates', '8', '--workers', '2', '--out', out);
    expect(r.stderr).not.toMatch(/failed|allocate/);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 8);
  });
});

describe('tissue runs on an engine without WebAssembly SIMD', () => {
  it('are refused in one message when the engine has no WebAssembly; the patient scale runs', () => {
    const tissue = seedsoil(['--no-expose-wasm'], 'run', scenario);
    expect(tissue.code).toBe(2);
    expect(tissue.stderr).toMatch(NEEDS);
    expect(tissue.stderr).toMatch(/this JavaScript engine has no WebAssembly/);
    const patient = seedsoil(['--no-expose-wasm'], 'run', 'teaching-basic');
    expect(patient.code).toBe(0);
    expect(patient.stdout).toMatch(/^teaching-basic — seed 42/);
  });

  // V8 turns WebAssembly SIMD off on x64 without SSE4.1; the flag pretends the processor lacks it.
  it.skipIf(process.arch !== 'x64')('are refused in one message when its WebAssembly has no SIMD', () => {
    const tissue = seedsoil(['--no-enable-sse4-1'], 'run', scenario);
    expect(tissue.code).toBe(2);
    expect(tissue.stderr).toMatch(NEEDS);
    expect(tissue.stderr).toMatch(/WebAssembly has no SIMD/);
    const patient = seedsoil(['--no-enable-sse4-1'], 'run', 'teaching-basic');
    expect(patient.code).toBe(0);
    expect(patient.stdout).toMatch(/^teaching-basic — seed 42/);
  });
});
