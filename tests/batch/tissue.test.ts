/**
 * Tissue scenarios through `seedsoil run` and `seedsoil batch` as a user runs
 * them: the same bytes for any number of workers and for merged shards, the
 * same numbers as the engine called directly, and a refusal to mix scales.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { deepMerge } from '../../src/engine/scenario.ts';
import { tissueOutcomeRow } from '../../src/engine/tissue/outcomes.ts';
import { runTissue } from '../../src/engine/tissue/simulation.ts';
import { validateTissue } from '../support/tissue.ts';

const dir = mkdtempSync(join(tmpdir(), 'seedsoil-tissue-'));
const scenario = join(dir, 'tissue.yaml');
writeFileSync(
  scenario,
  `extends: tissue-teaching
name: tissue-sweep
tissue:
  time: { steps: 2500 }
batch:
  replicates: 3
  timeseriesEveryDays: 0.5
  grid:
    tissue.vasculature.survivalCluster: [0.3, 0.9]
`,
);

function seedsoil(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/seedsoil.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const runs = (out: string) => readFileSync(join(out, 'runs.csv'), 'utf8');

describe('tissue batches', () => {
  it('write the same runs.csv with one worker, two workers and two merged shards', () => {
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    expect(seedsoil('batch', scenario, '--workers', '1', '--out', one).code).toBe(0);
    expect(seedsoil('batch', scenario, '--workers', '2', '--out', two).code).toBe(0);
    expect(runs(two)).toBe(runs(one));
    for (const i of [1, 2])
      expect(seedsoil('batch', scenario, '--shard', `${i}/2`, '--out', join(dir, `s${i}`)).code).toBe(0);
    expect(seedsoil('merge', join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged')).code).toBe(0);
    expect(runs(join(dir, 'merged'))).toBe(runs(one));

    // Replicate 2 of the first point equals the engine run directly.
    const lines = runs(one).trim().split('\n');
    expect(lines).toHaveLength(1 + 6);
    const header = (lines[0] as string).split(',');
    const row = (lines[3] as string).split(',');
    const point = deepMerge(loadScenarioFile(scenario) as unknown as Record<string, unknown>, {
      tissue: { vasculature: { survivalCluster: 0.3 } },
    });
    const direct = tissueOutcomeRow(runTissue(validateTissue(point, 'point 0'), { replicate: 2 }));
    for (const [k, v] of Object.entries(direct)) expect(row[header.indexOf(k)], k).toBe(String(v));
    expect(Number(row[header.indexOf('intravasations')])).toBeGreaterThan(0);
  });

  it('refuses a batch that mixes patient and tissue scenarios', () => {
    const r = seedsoil('batch', scenario, 'teaching-basic', '--out', join(dir, 'mixed'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a batch holds scenarios of one scale/);
  });

  it('are refused by compare, which compares patient-scale outcomes', () => {
    const r = seedsoil('compare', 'tissue-teaching', 'teaching-basic', '--replicates', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tissue-teaching: compare works on patient-scale scenarios/);
  });

  it('prints and writes a tissue run from the command line', () => {
    const out = join(dir, 'run');
    const r = seedsoil('run', 'tissue-teaching', '--seed', '3', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tissue-teaching — seed 3, replicate 0: 10000 steps \(111\.1 h, tissue scale\)/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      seed: 3,
      scenarioName: 'tissue-teaching',
      streams: expect.arrayContaining(['tissue-motility']),
    });
    expect(readFileSync(join(out, 'cells.csv'), 'utf8').split('\n')[0]).toBe('patch,x,y,type');
  });
});
