/** The command line, run as a user would: `seedsoil run`, `check`, `scenarios`, `--version`. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, SCENARIO_DIR } from '../../src/cli/scenarios.ts';
import { runFiles } from '../../src/engine/output.ts';
import { asPatient } from '../../src/engine/scenario.ts';
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

  it('prints each count under the name and unit summary.json gives it', () => {
    // Seeds where colonies are founded by waking dormant cells and colonies of ITC size are alive.
    for (const [name, seed] of [
      ['breast-her2-early', '1'],
      ['teaching-basic', '7'],
    ]) {
      const out = join(mkdtempSync(join(tmpdir(), 'seedsoil-')), 'run');
      const r = seedsoil('run', name as string, '--seed', seed as string, '--out', out);
      expect(r.code).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      const { colonies: c, funnel: f } = summary;
      expect(c.foundedByWaking).toBeGreaterThan(0);
      expect(r.stdout).toContain(
        `colonies founded: ${c.founded} (directly ${c.foundedDirectly}, by waking dormant cells ${c.foundedByWaking}); extinct ${c.extinct}, removed ${c.removed}`,
      );
      expect(r.stdout).toContain(
        `colonies alive: ${c.alive} (ITC size ${c.itc}, micrometastases ${c.micro}, macrometastases ${c.macro})`,
      );
      expect(r.stdout).toContain(
        `founded a colony directly ${f.founded}; woke and founded a colony ${f.dormantWoke}`,
      );
      expect(r.stdout).toContain(
        `funnel (colonies, each counted once): reached micrometastasis size ${f.micro} -> macrometastasis size ${f.macro}`,
      );
      expect(r.stdout).toContain(
        c.alive === 0
          ? 'early-derived share undefined (no colony alive)'
          : `early-derived share ${(100 * summary.earlyShare).toFixed(0)}%`,
      );
    }
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

describe('seedsoil --version and usage', () => {
  it('prints the engine version, which is the package version', () => {
    const r = seedsoil('--version');
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(r.stdout.trim()).toBe(`seedsoil ${pkg.version}`);
  });

  it('lists scenarios and --version in the usage, and the new flags in each command', () => {
    const usage = seedsoil('--help').stdout;
    expect(usage).toMatch(/^ {2}seedsoil scenarios$/m);
    expect(usage).toMatch(/^ {2}seedsoil --version$/m);
    expect(seedsoil('scenarios', '--help').stdout).toMatch(/usage: seedsoil scenarios\n\nlist the built-in/);
    expect(seedsoil('run', '--help').stdout).toMatch(/seedsoil scenarios lists them/);
    expect(seedsoil('run', '--help').stdout).toMatch(/--seed N .* integer from 0 to 2147483647/);
    expect(seedsoil('compare', '--help').stdout).toMatch(/integer from 0 to 2147483647/);
    expect(seedsoil('reproduce', '--help').stdout).toMatch(/progress line on stderr/);
  });
});

describe('seedsoil scenarios', () => {
  it('lists every built-in with the first line of its description', () => {
    const r = seedsoil('scenarios');
    expect(r.code).toBe(0);
    const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml'));
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(files.length);
    for (const file of files) {
      const name = file.replace(/\.yaml$/, '');
      const line = lines.find((l) => l.startsWith(`${name} `));
      expect(line, name).toBeDefined();
      expect(line?.replace(/^\S+\s+/, '')).toBe(loadScenarioFile(name).description.split('\n')[0]);
    }
    expect(r.stdout).toMatch(/^breast-her2-early +HER2\+ breast cancer; cells disseminate early/m);
  });
});

describe('bad input runs nothing', () => {
  it('suggests the nearest built-in for a misspelt scenario name', () => {
    const r = seedsoil('run', 'breast-her2-erly');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'breast-her2-erly: (file): no built-in scenario named "breast-her2-erly" (did you mean "breast-her2-early"?)',
    );
    expect(r.stdout).toBe('');
    expect(seedsoil('check', 'melanoma').stderr).toMatch(/"melanoma" \(`seedsoil scenarios` lists them\)/);
  });

  it('refuses a --seed outside 0…2^31−1 with the message a scenario file gets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-'));
    const out = join(dir, 'out');
    const message = 'not a valid seed (got 99999999999, expected an integer from 0 to 2147483647)';
    const r = seedsoil('run', 'teaching-basic', '--seed', '99999999999', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`seedsoil: --seed: ${message}`);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    const file = join(dir, 'seed.yaml');
    writeFileSync(file, 'extends: teaching-basic\nseed: 99999999999\n');
    expect(seedsoil('check', file).stderr.trim()).toBe(`${file}: seed: ${message}`);
    expect(seedsoil('run', 'teaching-basic', '--seed', '2.5').stderr).toMatch(
      /--seed: not a valid seed \(got 2\.5,/,
    );
    expect(seedsoil('run', 'teaching-basic', '--seed=-1').stderr).toMatch(
      /--seed: not a valid seed \(got -1,/,
    );
  });

  it('refuses an empty scenario file, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-'));
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    const r = seedsoil('check', empty);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `${empty}: (file): empty (expected a mapping of parameters; write {} for every default)`,
    );
    const out = join(dir, 'out');
    expect(seedsoil('run', empty, '--out', out).code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('resolves a chain of relative extends from each file, not from the working folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-'));
    mkdirSync(join(dir, 'deep'));
    writeFileSync(
      join(dir, 'deep', 'base.yaml'),
      'extends: teaching-basic\nname: base\ngrowth: { lambda: 0.002 }\n',
    );
    writeFileSync(join(dir, 'deep', 'middle.yaml'), 'extends: base.yaml\nname: middle\n');
    writeFileSync(join(dir, 'top.yaml'), 'extends: deep/middle.yaml\nname: top\n');
    const s = loadScenarioFile(join(dir, 'top.yaml'));
    expect(s.name).toBe('top');
    expect(asPatient(s).growth.lambda).toBe(0.002);
    // Each folder's base.yaml extending ../base.yaml is a chain, not a loop.
    mkdirSync(join(dir, 'deep', 'deeper'));
    writeFileSync(join(dir, 'deep', 'deeper', 'base.yaml'), 'extends: ../base.yaml\nname: deeper\n');
    writeFileSync(join(dir, 'deep', 'deeper', 'run.yaml'), 'extends: base.yaml\nname: run\n');
    expect(asPatient(loadScenarioFile(join(dir, 'deep', 'deeper', 'run.yaml'))).growth.lambda).toBe(0.002);
    writeFileSync(join(dir, 'loop.yaml'), 'extends: ./deep/../loop.yaml\nname: loop\n');
    expect(() => loadScenarioFile(join(dir, 'loop.yaml'))).toThrow(/extends itself/);
  });
});
