/**
 * `seedsoil calibrate` as a user runs it, on a small version of
 * calibrations/recover-known.yaml (the same observations, fewer particles,
 * replicates and generations): the outputs, the true values inside the 95%
 * credible intervals, the same bytes with one worker or two, after SIGKILL and
 * resume, and from two cooperating shards; a bad spec refused before anything
 * runs; the shipped observations are what --synthesize gives.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const dir = mkdtempSync(join(tmpdir(), 'seedsoil-calibrate-'));
const shipped = parse(readFileSync('calibrations/recover-known.yaml', 'utf8'));
const spec = join(dir, 'small.yaml');
writeFileSync(
  spec,
  stringify({
    ...shipped,
    scenario: resolve('calibrations/small-liver.yaml'),
    replicates: 5,
    population: 30,
    roundSize: 60,
    tolerance: { generations: 2, quantile: 0.5 },
    predictive: { particles: 5 },
  }),
);

// The byte-for-byte checks (one worker, resume after SIGKILL, two shards) need no
// credible intervals: they compare a smaller calibration of the same spec with its
// own two-worker run. Its generation 1 rounds still hold 120 replicates, so the
// SIGKILL below lands inside one.
const identical = join(dir, 'identical.yaml');
writeFileSync(
  identical,
  stringify({
    ...parse(readFileSync(spec, 'utf8')),
    replicates: 2,
    population: 10,
    predictive: { particles: 2 },
  }),
);

function seedsoil(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/seedsoil.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function finished(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

const read = (out: string, file: string) => readFileSync(join(out, file), 'utf8');
const OUTPUTS = ['posterior.csv', 'summary.csv', 'diagnostics.csv', 'ppc.csv'];

function csv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const keys = (header as string).split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

describe('seedsoil calibrate', () => {
  const two = join(dir, 'two');

  it('names a bad spec`s field and value, and runs nothing', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync(spec, 'utf8')
        .replace('extravasation.probability:', 'extravasation.probabilty:')
        .replace('population: 30', 'population: 1'),
    );
    const out = join(dir, 'bad-out');
    const r = seedsoil('calibrate', bad, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: population: too small (got 1, expected >= 2)`);
    expect(r.stdout).toBe('');
    writeFileSync(
      bad,
      readFileSync(spec, 'utf8').replace('extravasation.probability:', 'extravasation.probabilty:'),
    );
    const r2 = seedsoil('calibrate', bad, '--out', out);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(
      `${bad}: parameters.extravasation.probabilty: not a parameter (did you mean "extravasation.probability"?)`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('stops, naming the target, when a target is the same over all of generation 0', () => {
    const constant = join(dir, 'constant.yaml');
    writeFileSync(
      constant,
      stringify({
        ...parse(readFileSync(spec, 'utf8')),
        replicates: 2,
        population: 4,
        roundSize: 4,
        targets: {
          ...shipped.targets,
          days: { column: 'days_simulated', summary: 'mean', observed: 13 },
        },
      }),
    );
    const out = join(dir, 'constant-out');
    const r = seedsoil('calibrate', constant, '--out', out, '--workers', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${constant}: targets.days: mean of days_simulated is 13 in every one of generation 0's 4 simulations, so it cannot tell the parameters apart`,
    );
    expect(existsSync(join(out, 'posterior.csv'))).toBe(false);
  });

  it('calibrates end to end: outputs, the true values within the 95% credible intervals, a scenario check accepts', () => {
    const r = seedsoil('calibrate', spec, '--out', two, '--workers', '2');
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    for (const f of [...OUTPUTS, 'report.html', 'posterior-medians.yaml', 'gen-2/population.csv'])
      expect(existsSync(join(two, f))).toBe(true);
    expect(r.stdout).toMatch(/generation 2: tolerance [\d.]+, 30 of \d+ proposals accepted/);
    expect(r.stdout).toMatch(/posterior predictive check:/);

    const summary = csv(read(two, 'summary.csv'));
    expect(summary.map((s) => s.parameter)).toEqual(Object.keys(shipped.parameters));
    for (const s of summary) {
      const truth = Number(s.true_value);
      expect(truth).toBe(shipped.synthetic.values[s.parameter as string]);
      expect(Number(s.ci_low)).toBeLessThanOrEqual(truth);
      expect(Number(s.ci_high)).toBeGreaterThanOrEqual(truth);
    }
    const posterior = csv(read(two, 'posterior.csv'));
    expect(posterior).toHaveLength(30);
    expect(posterior.reduce((a, p) => a + Number(p.weight), 0)).toBeCloseTo(1, 12);
    expect(csv(read(two, 'diagnostics.csv')).map((d) => d.generation)).toEqual(['0', '1', '2']);
    expect(csv(read(two, 'ppc.csv')).map((p) => p.target)).toEqual(Object.keys(shipped.targets));

    const medians = join(two, 'posterior-medians.yaml');
    expect(read(two, 'posterior-medians.yaml')).toMatch(
      /probability: [\d.]+ # posterior median; 95% credible interval/,
    );
    const check = seedsoil('check', medians);
    expect(check.stdout).toBe(`${medians}: ok\n`);
    expect(check.code).toBe(0);
    const html = read(two, 'report.html');
    expect(html).toContain('new Chart(');
    expect(html).not.toMatch(/<script src=/);
  });

  const reference = join(dir, 'reference');

  it('writes the same bytes with one worker as with two', () => {
    expect(seedsoil('calibrate', identical, '--out', reference, '--workers', '2').code).toBe(0);
    const one = join(dir, 'one');
    expect(seedsoil('calibrate', identical, '--out', one, '--workers', '1').code).toBe(0);
    for (const f of [...OUTPUTS, 'posterior-medians.yaml']) expect(read(one, f)).toBe(read(reference, f));
  });

  it('resumes after SIGKILL to the same bytes, and refuses to start over in a used folder', async () => {
    const out = join(dir, 'killed');
    const child = spawn(process.execPath, [
      'bin/seedsoil.js',
      'calibrate',
      identical,
      '--out',
      out,
      '--workers',
      '1',
    ]);
    // Killed within generation 1's first round (its part files go once the round is done).
    const round = join(out, 'gen-1', 'round-0', 'batch');
    const started = () => existsSync(join(round, 'parts')) && readdirSync(join(round, 'parts')).length >= 20;
    while (!started() && !existsSync(join(round, 'runs.csv'))) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await finished(child);
    expect(existsSync(join(out, 'posterior.csv'))).toBe(false);
    const again = seedsoil('calibrate', identical, '--out', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds this calibration; add --resume to continue it/);
    expect(seedsoil('calibrate', identical, '--out', out, '--resume', '--workers', '2').code).toBe(0);
    for (const f of OUTPUTS) expect(read(out, f)).toBe(read(reference, f));
  });

  it('two shards cooperate in one folder and give the bytes of one process', async () => {
    const out = join(dir, 'shards');
    const shards = [1, 2].map((i) =>
      spawn(
        process.execPath,
        ['bin/seedsoil.js', 'calibrate', identical, '--out', out, '--workers', '1', '--shard', `${i}/2`],
        { stdio: 'ignore' },
      ),
    );
    expect(await Promise.all(shards.map(finished))).toEqual([0, 0]);
    for (const f of OUTPUTS) expect(read(out, f)).toBe(read(reference, f));
    expect(existsSync(join(out, 'gen-0', 'round-0', 'batch-shard-2-of-2', 'runs.csv'))).toBe(true);
  });

  it('--synthesize gives the observations shipped in calibrations/recover-known.yaml', () => {
    const out = join(dir, 'synthetic');
    const r = seedsoil('calibrate', 'calibrations/recover-known.yaml', '--synthesize', '--out', out);
    expect(r.code).toBe(0);
    for (const row of csv(read(out, 'synthetic.csv'))) {
      const target = shipped.targets[row.target as string];
      expect(Number(row.observed)).toBe(target.observed);
      expect(Number(row.uncertainty)).toBe(target.uncertainty);
      expect(Number(row.replicates)).toBe(shipped.synthetic.replicates);
    }
  });

  it('--synthesize again with other values in the same folder runs them afresh', () => {
    const out = join(dir, 'resynthesize');
    const first = seedsoil('calibrate', spec, '--synthesize', '--out', out);
    expect(first.code).toBe(0);
    const before = read(out, 'synthetic.csv');
    const changed = join(dir, 'changed.yaml');
    const parsed = parse(readFileSync(spec, 'utf8'));
    writeFileSync(
      changed,
      stringify({ ...parsed, synthetic: { ...parsed.synthetic, seed: parsed.synthetic.seed + 1 } }),
    );
    expect(seedsoil('calibrate', changed, '--synthesize', '--out', out).code).toBe(0);
    const fresh = join(dir, 'resynthesize-fresh');
    expect(seedsoil('calibrate', changed, '--synthesize', '--out', fresh).code).toBe(0);
    expect(read(out, 'synthetic.csv')).not.toBe(before);
    expect(read(out, 'synthetic.csv')).toBe(read(fresh, 'synthetic.csv'));
  });

  it('fits to a reproduce target`s measurement (luzzi-1998: the share of injected cells that extravasate)', () => {
    const luzzi = join(dir, 'luzzi.yaml');
    writeFileSync(
      luzzi,
      stringify({
        scenario: resolve('calibrations/small-liver.yaml'),
        parameters: { 'extravasation.probability': { prior: 'uniform', low: 0.1, high: 1 } },
        targets: {
          extravasated: {
            reproduce: 'luzzi-1998',
            quantity: 'extravasated by day 3',
            observed: 0.6,
            uncertainty: 0.01,
          },
        },
        replicates: 2,
        population: 20,
        tolerance: { generations: 2 },
        predictive: { particles: 3 },
      }),
    );
    const out = join(dir, 'luzzi');
    const r = seedsoil('calibrate', luzzi, '--out', out, '--workers', '2');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'gen-0', 'round-0', 'measure', 'parts'))).toBe(true);
    const [p] = csv(read(out, 'summary.csv'));
    // Every arrested cell extravasates with probability p (liver soil 1): the fraction is p up to binomial noise.
    expect(Math.abs(Number(p?.median) - 0.6)).toBeLessThan(0.05);
  });

  it('--synthesize again with other values or targets runs reproduce measurements afresh', () => {
    const measured = (values: number, targets: string[]) => ({
      scenario: resolve('calibrations/small-liver.yaml'),
      parameters: { 'extravasation.probability': { prior: 'uniform', low: 0.1, high: 1 } },
      targets: Object.fromEntries(
        targets.map((quantity, k) => [`t${k}`, { reproduce: 'luzzi-1998', quantity, observed: 0.5 }]),
      ),
      synthetic: { values: { 'extravasation.probability': values }, replicates: 2, seed: 1 },
    });
    const write = (name: string, text: object) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, stringify(text));
      return file;
    };
    const out = join(dir, 'remeasure');
    const day3 = ['extravasated by day 3', 'micrometastases at day 3'];
    expect(
      seedsoil('calibrate', write('remeasure-a', measured(0.6, day3)), '--synthesize', '--out', out).code,
    ).toBe(0);
    // The measurements are kept by the targets' order: another value and the order reversed.
    const changed = write('remeasure-b', measured(0.9, [...day3].reverse()));
    expect(seedsoil('calibrate', changed, '--synthesize', '--out', out).code).toBe(0);
    const fresh = join(dir, 'remeasure-fresh');
    expect(seedsoil('calibrate', changed, '--synthesize', '--out', fresh).code).toBe(0);
    expect(read(out, 'synthetic.csv')).toBe(read(fresh, 'synthetic.csv'));
    const [extravasated] = csv(read(fresh, 'synthetic.csv')).filter((r) => r.target === 't1');
    expect(Math.abs(Number(extravasated?.observed) - 0.9)).toBeLessThan(0.05);
  });

  it('prints its own help', () => {
    const r = seedsoil('calibrate', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: seedsoil calibrate SPEC/);
    expect(r.stdout).toMatch(/--resume/);
  });
});
