/** `seedsoil reproduce` on its worker pool: the table does not depend on the number of workers. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/analysis/csv.ts';
import { intervalPlace } from '../../src/reproduce/targets.ts';

function seedsoil(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/seedsoil.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Each row carries the band its verdict and its interval's place were read against. */
function expectConsistentTable(text: string) {
  const rows = parseCsv(text);
  expect(Object.keys(rows[0] ?? {})).toEqual([
    'target',
    'quantity',
    'source',
    'published',
    'simulated',
    'low',
    'high',
    'tolerance',
    'band_low',
    'band_high',
    'pass',
    'ci_place',
    'replicates',
  ]);
  for (const r of rows) {
    // A missing interval and an open end of a band are both written empty.
    const read = (v: string | undefined, empty: number) => (v ? Number(v) : empty);
    const value = read(r.simulated, Number.NaN);
    const from = read(r.band_low, Number.NEGATIVE_INFINITY);
    const to = read(r.band_high, Number.POSITIVE_INFINITY);
    expect({ quantity: r.quantity, pass: r.pass }).toEqual({
      quantity: r.quantity,
      pass: String(value >= from && value <= to),
    });
    expect({ quantity: r.quantity, place: r.ci_place }).toEqual({
      quantity: r.quantity,
      place: intervalPlace(read(r.low, Number.NaN), read(r.high, Number.NaN), [from, to]),
    });
  }
}

describe('seedsoil reproduce', () => {
  it('writes the same table with one worker and with two', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-reproduce-'));
    const tables = ['1', '2'].map((workers) => {
      const out = join(dir, `w${workers}`);
      const r = seedsoil(
        'reproduce',
        '--only',
        'luzzi-1998',
        '--replicates',
        '6',
        '--workers',
        workers,
        '--out',
        out,
      );
      expect(r.stdout).toMatch(new RegExp(`6 replicates on ${workers} workers`));
      // Progress goes to stderr, one line per finished target; the table alone to stdout.
      expect(r.stderr).toMatch(
        /^1\/1 targets: luzzi-1998 done \(6 replicates\); 6\/6 runs in [\d.]+ s, ETA 0 s$/m,
      );
      expect(r.stdout).not.toMatch(/targets:/);
      return readFileSync(join(out, 'validation.csv'), 'utf8');
    });
    expect(tables[1]).toBe(tables[0]);
    expect(tables[0]).toMatch(/luzzi-1998/);
    expectConsistentTable(tables[0] as string);
  });

  it('ships a table whose verdicts and places follow from its own numbers', () => {
    expectConsistentTable(readFileSync('docs/validation.csv', 'utf8'));
  });

  it('runs a patient two targets share once, and gives each target its rows alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-reproduce-shared-'));
    const table = (only: string) => {
      const out = join(dir, only.replace(',', '+'));
      const r = seedsoil('reproduce', '--only', only, '--replicates', '6', '--workers', '2', '--out', out);
      // Six patients fail rows (the exit code says so); the rows themselves are compared.
      expect(r.stderr).not.toMatch(/replicate \d+:/);
      return { stdout: r.stdout, csv: readFileSync(join(out, 'validation.csv'), 'utf8').trim().split('\n') };
    };
    // Both targets run colorectal-liver: replicates 0-5 of each are the same six patients.
    const both = table('hu-2019,colorectal-population');
    expect(both.stdout).toMatch(/12 replicates on 2 workers in [\d.]+ s \(6 runs\)/);
    const hu = table('hu-2019');
    const stage = table('colorectal-population');
    expect(both.csv).toEqual([...hu.csv.slice(0, 1), ...hu.csv.slice(1), ...stage.csv.slice(1)]);
    expect(seedsoil('reproduce', '--only', 'hu-2019,hu-2091').stderr).toMatch(
      /--only: no target named "hu-2091"/,
    );
  });

  it('counts as runs only the patients some target admits', () => {
    const out = mkdtempSync(join(tmpdir(), 'seedsoil-reproduce-admitted-'));
    // One era patient in about thirty is found under 1 cm; the others are drawn, not run.
    const r = seedsoil('reproduce', '--only', 'carter-1989-under-1-cm', '--replicates', '120', '--out', out);
    const admitted = Number(r.stdout.match(/\((\d+) run; the others cannot enter a row\)/)?.[1]);
    expect(admitted).toBeGreaterThan(0);
    expect(r.stdout).toMatch(
      new RegExp(`120 replicates on \\d+ workers in [\\d.]+ s \\(${admitted} runs\\)`),
    );
    // The progress line counts runs too, so that its estimate is not thrown by free patients.
    expect(r.stderr).toMatch(new RegExp(`done \\(120 replicates\\); ${admitted}/${admitted} runs in`));
  });

  it('draws the table again with another seed for every scenario, and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-reproduce-seed-'));
    const table = (...seed: string[]) => {
      const out = join(dir, seed.join('') || 'own');
      seedsoil('reproduce', '--only', 'meng-2004', '--replicates', '3', ...seed, '--out', out);
      const md = readFileSync(join(out, 'validation.md'), 'utf8');
      return { md, csv: readFileSync(join(out, 'validation.csv'), 'utf8') };
    };
    const own = table();
    // ctc-half-life ships seed 1: --seed 1 is its own draw, --seed 2 another.
    expect(table('--seed', '1').csv).toBe(own.csv);
    const other = table('--seed', '2');
    expect(other.csv).not.toBe(own.csv);
    expect(other.md).toMatch(
      /Written by `npx seedsoil reproduce --only meng-2004 --replicates 3 --seed 2 --out /,
    );
    expect(seedsoil('reproduce', '--only', 'meng-2004', '--seed', '1.5').stderr).toMatch(
      /--seed: not a valid seed \(got 1.5, expected an integer from 0 to 2147483647\)/,
    );
  });

  it('names a bad --workers value', () => {
    const r = seedsoil('reproduce', '--only', 'luzzi-1998', '--workers', 'many');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--workers: expected a positive integer \(got "many"\)/);
  });
});
