/**
 * `seedsoil calibrate` on a mixture of scenarios, as a user runs it: a tiny
 * calibration of the breast population (four particles, six replicates, one
 * generation) that runs end to end and gives the same bytes with one worker, two
 * workers and two shards; its synthetic data are the rows `seedsoil reproduce`
 * gives; bad mixtures are refused before anything runs.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCsv } from '../../src/analysis/csv.ts';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { asPatient } from '../../src/engine/scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'seedsoil-calibrate-mixture-'));

const SPEC = {
  name: 'tiny breast population',
  mixture: 'breast-population',
  seed: 3,
  parameters: {
    // Soils are shared by every member (breast-er-positive sets its own blood and lymph rates).
    'sites.liver.soil': { prior: 'log-uniform', low: 0.02, high: 0.06 },
    'sites.sentinelNode.soil': { prior: 'uniform', low: 0.1, high: 0.6 },
    // One member's own value: the triple-negative blood rate, which the others do not take.
    'breast-triple-negative:invasion.bloodRate': { prior: 'log-uniform', low: 0.2, high: 0.6 },
  },
  targets: {
    distant: {
      reproduce: 'breast-population',
      quantity: 'distant metastases at diagnosis',
      observed: 0.06,
      uncertainty: 0.02,
    },
    regional: {
      column: 'stage_at_diagnosis',
      summary: 'proportion',
      equals: 'regional',
      observed: 0.29,
      uncertainty: 0.05,
    },
  },
  replicates: 6,
  population: 4,
  roundSize: 4,
  tolerance: { generations: 1 },
  predictive: { particles: 2 },
};
const spec = join(dir, 'tiny.yaml');
writeFileSync(spec, stringify(SPEC));

function seedsoil(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/seedsoil.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function finished(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

const read = (out: string, file: string) => readFileSync(join(out, file), 'utf8');
const MEMBERS = ['breast-er-positive', 'breast-her2-early', 'breast-triple-negative'];
const OUTPUTS = [
  'posterior.csv',
  'summary.csv',
  'diagnostics.csv',
  'ppc.csv',
  ...MEMBERS.map((m) => `posterior-medians-${m}.yaml`),
];

const csv = (text: string) => parseCsv(text) as Record<string, string>[];

interface Sample {
  index: number;
  row: { scenario: string; row: string; measurements: string };
}

const samples = (file: string): Sample[] =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Sample);

describe('seedsoil calibrate on a mixture', () => {
  it('refuses a mixture it cannot run, naming the field, and runs nothing', () => {
    const out = join(dir, 'bad-out');
    const refused = (changes: Record<string, unknown>) => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, stringify({ ...SPEC, ...changes }));
      const r = seedsoil('calibrate', file, '--out', out);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
      return r.stderr.replaceAll(file, 'SPEC');
    };
    expect(refused({ mixture: 'breast-populaton' })).toContain(
      'SPEC: mixture: no population named "breast-populaton" (expected the population of a reproduce target, one of "ebctcg-2011", "breast-population", "carter-1989", "carter-1989-under-1-cm", or a list of { scenario, share }; did you mean "breast-population"?)',
    );
    expect(
      refused({
        mixture: [
          { scenario: 'breast-er-positive', share: 0.8 },
          { scenario: './missing.yaml', share: 0.2 },
        ],
      }),
    ).toMatch(/SPEC: mixture\.1\.scenario: cannot load "\.\/missing\.yaml" \(.*no such file/);
    // Every parameter of a scale is in every scenario of that scale; a member of the other scale lacks it.
    expect(
      refused({
        mixture: [
          { scenario: 'breast-er-positive', share: 0.5 },
          { scenario: 'tissue-teaching', share: 0.5 },
        ],
      }),
    ).toContain(
      'SPEC: mixture: the members are of different scales (got breast-er-positive: patient, tissue-teaching: tissue;',
    );
    expect(
      refused({
        parameters: { ...SPEC.parameters, 'growth.lambda': { prior: 'uniform', low: 0.0003, high: 0.002 } },
      }),
    ).toContain(
      'SPEC: parameters.growth.lambda: the members set it differently (breast-er-positive 0.00053, breast-her2-early 0.00079, breast-triple-negative 0.00124)',
    );
    // Each subtype sets its own blood rate, so the shipped spec no longer fits it.
    expect(
      refused({
        parameters: {
          ...SPEC.parameters,
          'invasion.bloodRate': { prior: 'log-uniform', low: 0.03, high: 0.3 },
        },
      }),
    ).toContain(
      'SPEC: parameters.invasion.bloodRate: the members set it differently (breast-er-positive 0.057, breast-her2-early 0.17, breast-triple-negative 0.35)',
    );
  });

  const reference = join(dir, 'two');

  it('calibrates end to end, and writes the same bytes with one worker as with two', () => {
    const r = seedsoil('calibrate', spec, '--out', reference, '--workers', '2');
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/generation 1: tolerance [\d.]+, 4 of \d+ proposals accepted/);
    for (const f of [...OUTPUTS, 'report.html', ...MEMBERS.map((m) => `members/${m}.yaml`)])
      expect(existsSync(join(reference, f))).toBe(true);
    expect(csv(read(reference, 'summary.csv')).map((s) => s.parameter)).toEqual(Object.keys(SPEC.parameters));
    expect(read(reference, 'report.html')).toContain(
      'scenarios breast-population (breast-er-positive 74.2%, breast-her2-early 14.5%, breast-triple-negative 11.3%)',
    );

    // Each particle's six replicates: four ER+, one HER2+, one triple-negative (as reproduce
    // divides six), and its column target is the share of all six that are regional.
    const round = samples(join(reference, 'gen-0', 'round-0', 'mixture', 'samples.jsonl'));
    expect(round).toHaveLength(4 * 6);
    const particles = csv(read(reference, join('gen-0', 'population.csv')));
    for (const p of particles) {
      const mine = round.filter((s) => Math.floor(s.index / 6) === Number(p.proposal));
      expect(mine.map((s) => s.row.scenario)).toEqual([...Array(4).fill(MEMBERS[0]), MEMBERS[1], MEMBERS[2]]);
      const regional = mine.filter((s) => JSON.parse(s.row.row).stage_at_diagnosis === 'regional').length;
      expect(Number(p.simulated_regional)).toBe(regional / 6);
    }

    const medians = join(reference, 'posterior-medians-breast-her2-early.yaml');
    expect(read(reference, 'posterior-medians-breast-her2-early.yaml')).toMatch(
      /extends: "breast-her2-early"[\s\S]*liver:\s+soil: [\d.]+ # posterior median/,
    );
    // A member's own value goes to that member's scenario only.
    expect(read(reference, 'posterior-medians-breast-triple-negative.yaml')).toMatch(
      /invasion:\s+bloodRate: [\d.]+ # posterior median/,
    );
    expect(read(reference, 'posterior-medians-breast-her2-early.yaml')).not.toMatch(/bloodRate/);
    const check = seedsoil('check', medians);
    expect(check.stdout).toBe(`${medians}: ok\n`);

    const one = join(dir, 'one');
    expect(seedsoil('calibrate', spec, '--out', one, '--workers', '1').code).toBe(0);
    for (const f of OUTPUTS) expect(read(one, f)).toBe(read(reference, f));
  });

  it('two shards cooperate in one folder and give the bytes of one process', async () => {
    const out = join(dir, 'shards');
    const shards = [1, 2].map((i) =>
      spawn(
        process.execPath,
        ['bin/seedsoil.js', 'calibrate', spec, '--out', out, '--workers', '1', '--shard', `${i}/2`],
        { stdio: 'ignore' },
      ),
    );
    expect(await Promise.all(shards.map(finished))).toEqual([0, 0]);
    for (const f of OUTPUTS) expect(read(out, f)).toBe(read(reference, f));
    expect(readdirSync(join(out, 'gen-0', 'round-0'))).toEqual([
      'mixture-shard-1-of-2',
      'mixture-shard-2-of-2',
    ]);
  });

  it('resumes after SIGKILL to the same bytes', async () => {
    const out = join(dir, 'killed');
    const child = spawn(process.execPath, [
      'bin/seedsoil.js',
      'calibrate',
      spec,
      '--out',
      out,
      '--workers',
      '1',
    ]);
    // Killed within generation 1's first round (its part files go once the round is done).
    const round = join(out, 'gen-1', 'round-0', 'mixture');
    const started = () => existsSync(join(round, 'parts')) && readdirSync(join(round, 'parts')).length >= 3;
    while (!started() && !existsSync(join(round, 'samples.jsonl')))
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await finished(child);
    expect(existsSync(join(out, 'posterior.csv'))).toBe(false);
    expect(seedsoil('calibrate', spec, '--out', out, '--resume', '--workers', '2').code).toBe(0);
    for (const f of OUTPUTS) expect(read(out, f)).toBe(read(reference, f));
  });

  it('--synthesize at the current values gives the rows seedsoil reproduce gives for the same patients', () => {
    // The scenarios' own values and breast.yaml's seed: the patients of `seedsoil reproduce --only breast-population`.
    const breast = asPatient(loadScenarioFile('breast'));
    const quantities = {
      distant: 'distant metastases at diagnosis',
      regional: 'regional (node-positive) at diagnosis',
      bone: 'first distant site bone, share of patients with an organ metastasis',
      survival: '5-year survival, localized at diagnosis',
    };
    const synthetic = join(dir, 'synthetic.yaml');
    writeFileSync(
      synthetic,
      stringify({
        ...SPEC,
        targets: Object.fromEntries(
          Object.entries(quantities).map(([name, quantity]) => [
            name,
            { reproduce: 'breast-population', quantity, observed: 0.5 },
          ]),
        ),
        synthetic: {
          values: {
            'sites.liver.soil': breast.sites.liver.soil,
            'sites.sentinelNode.soil': breast.sites.sentinelNode.soil,
            'breast-triple-negative:invasion.bloodRate': asPatient(loadScenarioFile('breast-triple-negative'))
              .invasion.bloodRate,
          },
          replicates: 12,
          seed: 1,
        },
      }),
    );
    const out = join(dir, 'synthetic');
    expect(seedsoil('calibrate', synthetic, '--synthesize', '--out', out, '--workers', '2').code).toBe(0);
    const reproduced = join(dir, 'reproduced');
    seedsoil('reproduce', '--only', 'breast-population', '--replicates', '12', '--out', reproduced);
    const rows = csv(read(reproduced, 'validation.csv'));
    const observed = csv(read(out, 'synthetic.csv'));
    for (const [name, quantity] of Object.entries(quantities)) {
      const want = rows.find((r) => r.quantity === quantity)?.simulated;
      expect({ name, value: observed.find((o) => o.target === name)?.observed }).toEqual({
        name,
        value: want,
      });
    }
    expect(observed.map((o) => o.replicates)).toEqual(['12', '12', '12', '12']);
  });
});
