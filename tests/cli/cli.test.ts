/** The command line, run as a user would: `seedsoil run`, `seedsoil check`. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { runFiles } from '../../src/engine/output.ts';
import { run } from '../../src/engine/simulation.ts';

function seedsoil(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/seedsoil.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('seedsoil run', () => {
  it('writes the six files, equal to the engine output, with a manifest enough to rerun', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'seedsoil-')), 'run');
    const r = seedsoil('run', 'teaching-basic', '--seed', '5', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/teaching-basic — seed 5/);
    const expected = runFiles(run(loadScenarioFile('teaching-basic'), { seed: 5 }));
    for (const [name, text] of Object.entries(expected))
      expect(readFileSync(join(out, name), 'utf8')).toBe(text);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ engine: 'seedsoil', seed: 5, generator: expect.stringMatching(/alea/) });
    expect(manifest.scenarioHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The manifest's scenario reruns to the same bytes.
    const scenarioFile = join(out, 'rerun.json');
    writeFileSync(scenarioFile, JSON.stringify(manifest.scenario));
    const again = join(out, 'again');
    expect(seedsoil('run', scenarioFile, '--seed', '5', '--out', again).code).toBe(0);
    expect(readFileSync(join(again, 'timeseries.csv'), 'utf8')).toBe(expected['timeseries.csv']);
  });

  it('writes nothing when the scenario is bad', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'growth:\n  lambda: -1\n');
    const out = join(dir, 'out');
    const r = seedsoil('run', bad, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: growth.lambda: too small (got -1, expected >= 0)`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('seedsoil check', () => {
  it('passes good files and reports bad ones with a non-zero exit', () => {
    expect(seedsoil('check', 'breast-her2-early', 'scenarios/breast-her2-late.yaml').code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'invasion:\n  programm: early\n');
    const r = seedsoil('check', 'teaching-basic', bad);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`${bad}: invasion.programm: unknown key (did you mean "programme"?)`);
  });
});
