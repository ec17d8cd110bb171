/**
 * `seedsoil sensitivity` as a user runs it: a tiny spec end to end (outputs,
 * table, finite indices), the same bytes for one worker, two workers and two
 * merged shards, re-analysis with --resume, a bad spec refused before anything
 * runs, and the shipped example and editor schema kept valid.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/analysis/csv.ts';
import { buildDesign, checkSpec, parseSpec, specJsonSchema } from '../../src/analysis/sensitivity.ts';
import { buildPlan } from '../../src/batch/plan.ts';
import { fileResolver, readSource } from '../../src/cli/scenarios.ts';
import { resolveExtends } from '../../src/engine/scenario.ts';

const BIN = resolve('bin/seedsoil.js');
const root = mkdtempSync(join(tmpdir(), 'seedsoil-sensitivity-'));
const spec = join(root, 'tiny.yaml');
writeFileSync(
  spec,
  `scenario: teaching-basic
overrides:
  time: { durationDays: 1200, observeEveryDays: 100 }
parameters:
  - { path: growth.lambda, low: 2.0e-3, high: 6.0e-3 }
  - { path: invasion.bloodRate, low: 1.0e-3, high: 1.0e-2, scale: log }
outputs:
  - { column: colonies_founded }
  - { column: shed_cells, transform: log }
method: { name: sobol, samples: 8, bootstrap: 200 }
replicates: 2
`,
);

/** Runs the command line in `cwd`, so that folders given as `out` have the same name in every run. */
function seedsoil(cwd: string, ...args: string[]) {
  mkdirSync(cwd, { recursive: true });
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const read = (dir: string, file: string) => readFileSync(join(dir, 'out', file), 'utf8');
const FILES = ['indices.csv', 'points.csv', 'report.html', 'design.json', 'runs/runs.csv'];

describe('seedsoil sensitivity', () => {
  const one = join(root, 'one');
  const two = join(root, 'two');
  const sharded = join(root, 'sharded');

  it('runs a tiny Sobol analysis: table, indices.csv, points.csv and an offline report', () => {
    const r = seedsoil(one, 'sensitivity', spec, '--out', 'out', '--workers', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Sobol' indices \(Saltelli design, N = 8\) of teaching-basic: 2 parameters, 32 points × 2/,
    );
    expect(r.stdout).toMatch(/mean\(colonies_founded\): mean .*, variance .*; replicate noise \d+% of it\n/);
    // Replicate i of every point shares its seed: the noise moves with the parameters, not onto every ST.
    expect(r.stdout).not.toContain('to each ST');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      "shares its seed (common random numbers), so this noise moves with the parameters: it leaves an inert parameter's ST at 0",
    );
    expect(r.stdout).toMatch(/ {2}parameter {11}S1 \[95% CI\] +ST \[95% CI\]/);
    expect(r.stdout).toMatch(
      / {2}invasion\.bloodRate +-?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\] +-?\d\.\d{3} \[/,
    );

    const indices = parseCsv(read(one, 'indices.csv'));
    expect(read(one, 'indices.csv').split('\n')[0]).toBe(
      'output,noise_share,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high',
    );
    expect(indices.map((row) => [row.output, row.parameter])).toEqual([
      ['mean(colonies_founded)', 'growth.lambda'],
      ['mean(colonies_founded)', 'invasion.bloodRate'],
      ['log10(1 + mean(shed_cells))', 'growth.lambda'],
      ['log10(1 + mean(shed_cells))', 'invasion.bloodRate'],
    ]);
    for (const row of indices)
      for (const c of ['noise_share', 'S1', 'S1_low', 'S1_high', 'ST', 'ST_low', 'ST_high'])
        expect(Number.isFinite(Number(row[c])) && row[c] !== '', `${row.output} ${row.parameter} ${c}`).toBe(
          true,
        );

    const points = parseCsv(read(one, 'points.csv'));
    expect(points).toHaveLength(32);
    expect(Object.keys(points[0] ?? {})).toEqual([
      'point',
      'growth.lambda',
      'invasion.bloodRate',
      'mean(colonies_founded)',
      'log10(1 + mean(shed_cells))',
    ]);
    // The first Sobol' point is the corner of low values; log ranges keep their ends exactly.
    expect(points[0]).toMatchObject({ 'growth.lambda': '0.002', 'invasion.bloodRate': '0.001' });
    for (const p of points) {
      expect(Number(p['invasion.bloodRate'])).toBeGreaterThanOrEqual(1e-3);
      expect(Number(p['invasion.bloodRate'])).toBeLessThanOrEqual(1e-2);
    }
    expect(parseCsv(read(one, 'runs/runs.csv'))).toHaveLength(64);

    const html = read(one, 'report.html');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain('adds about that much to every ST');
    expect(html.replace(/\s+/g, ' ')).toContain("an inert parameter's ST stays 0");
    expect(html).toContain('Chart.js v4');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('S1 (first order)');
  });

  it('writes the same bytes with two workers', () => {
    const r = seedsoil(two, 'sensitivity', spec, '--out', 'out', '--workers', '2');
    expect(r.code, r.stderr).toBe(0);
    for (const f of FILES) expect(read(two, f), f).toBe(read(one, f));
  });

  it('writes the same bytes from two shards, merged by the command without --shard', () => {
    for (const shard of ['1/2', '2/2']) {
      const r = seedsoil(sharded, 'sensitivity', spec, '--out', 'out', '--shard', shard, '--workers', '1');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        /finished; once every shard has, seedsoil sensitivity .* --out out merges them/,
      );
      expect(existsSync(join(sharded, 'out', 'indices.csv'))).toBe(false);
    }
    const r = seedsoil(sharded, 'sensitivity', spec, '--out', 'out');
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['indices.csv', 'points.csv', 'report.html', 'runs/runs.csv'])
      expect(read(sharded, f), f).toBe(read(one, f));
  });

  it('analyses again with --resume, and refuses a folder of another design', () => {
    const again = seedsoil(one, 'sensitivity', spec, '--out', 'out');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a batch; add --resume/);
    const resumed = seedsoil(one, 'sensitivity', spec, '--out', 'out', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(read(one, 'indices.csv')).toBe(read(two, 'indices.csv'));
    const other = join(root, 'other.yaml');
    writeFileSync(other, readFileSync(spec, 'utf8').replace('samples: 8', 'samples: 16'));
    const refused = seedsoil(one, 'sensitivity', other, '--out', 'out', '--resume');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--out out: holds a sensitivity analysis of another design/);
  });

  it('runs a Morris screen and reports mu*, mu and sigma', () => {
    const morris = join(root, 'morris.yaml');
    writeFileSync(
      morris,
      readFileSync(spec, 'utf8').replace(
        'method: { name: sobol, samples: 8, bootstrap: 200 }',
        'method: { name: morris, trajectories: 4, levels: 4, bootstrap: 200 }',
      ),
    );
    const dir = join(root, 'morris');
    const r = seedsoil(dir, 'sensitivity', morris, '--out', 'out', '--workers', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Morris elementary effects \(4 trajectories, 4 levels\).*12 points × 2 replicates/,
    );
    expect(r.stdout).toMatch(/ {2}parameter {11}mu\* \[95% CI\] +mu +sigma +effects\n/);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain("it leaves an inert parameter's mu* at 0");
    const html = read(dir, 'report.html');
    expect(html).not.toContain('makes every μ* positive');
    expect(html.replace(/\s+/g, ' ')).toContain("an inert parameter's μ* stays 0");
    expect(read(dir, 'indices.csv').split('\n')[0]).toBe(
      'output,noise_share,parameter,mu_star,mu_star_low,mu_star_high,mu,sigma,effects',
    );
    for (const row of parseCsv(read(dir, 'indices.csv')))
      for (const c of ['mu_star', 'mu', 'sigma']) expect(Number.isFinite(Number(row[c])), c).toBe(true);
    expect(parseCsv(read(dir, 'indices.csv')).map((row) => row.effects)).toEqual(['4', '4', '4', '4']);
  });

  it('names the bad field of a bad spec and runs nothing', () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync(spec, 'utf8')
        .replace('path: growth.lambda', 'path: growth.lamda')
        .replace('high: 1.0e-2, scale: log', 'high: 2000, scale: log')
        .replace('{ column: colonies_founded }', '{ column: first_colony_day }'),
    );
    const dir = join(root, 'bad');
    const r = seedsoil(dir, 'sensitivity', bad, '--out', 'out');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${bad}: parameters.0.path: not a numeric parameter of a patient scenario (got "growth.lamda"; did you mean "growth.lambda"?)`,
    );
    expect(r.stderr).toContain(
      `${bad}: parameters.1.high: outside invasion.bloodRate's allowed range (got 2000, expected <= 1000)`,
    );
    expect(r.stderr).toMatch(
      /outputs\.0\.statistic: first_colony_day is -1 when the event never happened.*expected "proportion"/,
    );
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);

    writeFileSync(bad, readFileSync(spec, 'utf8').replace('name: sobol', 'name: sobel'));
    const typo = seedsoil(dir, 'sensitivity', bad, '--out', 'out');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      `${bad}: method.name: not allowed (got "sobel", expected one of "sobol", "morris")`,
    );
  });

  it('prints its own help', () => {
    const r = seedsoil(root, 'sensitivity', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: seedsoil sensitivity SPEC \[--out DIR\]/);
    expect(r.stdout).toMatch(/--shard I\/N/);
  });
});

describe('the shipped sensitivity files', () => {
  it('sensitivity/schema.json is the schema of spec files', () => {
    expect(JSON.parse(readFileSync('sensitivity/schema.json', 'utf8'))).toEqual(specJsonSchema());
  });

  it('sensitivity/teaching-basic.yaml is valid, and every point of its design too', () => {
    const file = 'sensitivity/teaching-basic.yaml';
    const parsed = parseSpec(readFileSync(file, 'utf8'), file);
    const analysis = checkSpec(parsed, resolveExtends(readSource(parsed.scenario, file), fileResolver), file);
    const design = buildDesign(analysis);
    expect(design.points).toHaveLength(64 * (4 + 2));
    const plan = buildPlan([
      {
        file,
        raw: { ...analysis.scenario, batch: { replicates: parsed.replicates, points: design.points } },
      },
    ]);
    expect(plan.tasks).toHaveLength(384 * 4);
  });
});
