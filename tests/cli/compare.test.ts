/** `seedsoil compare` as a user runs it: options, pairing, failed replicates, what a folder may hold. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('seedsoil compare', () => {
  it('names a bad endpoint and the ones it accepts, and runs nothing', () => {
    const r = spawnSync(
      process.execPath,
      ['bin/seedsoil.js', 'compare', 'breast-her2-early', 'breast-her2-late', '--endpoint', 'cure'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /--endpoint: expected one of dmfs, distant, macro, recurrence, death \(got "cure"\)/,
    );
    expect(r.stdout).toBe('');
  });

  it('refuses a --seed outside 0…2^31−1 with the seed message, and runs nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-compare-'));
    const r = spawnSync(
      process.execPath,
      [
        join(process.cwd(), 'bin/seedsoil.js'),
        'compare',
        'teaching-basic',
        'teaching-basic',
        '--seed',
        '99999999999',
      ],
      // In an empty folder, where the default report and its runs would appear.
      { encoding: 'utf8', cwd: dir },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'seedsoil: --seed: not a valid seed (got 99999999999, expected an integer from 0 to 2147483647)',
    );
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('prints its own help', () => {
    const r = spawnSync(process.execPath, ['bin/seedsoil.js', 'compare', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: seedsoil compare A B/);
    expect(r.stdout).toMatch(/--endpoint E/);
  });
});

describe('seedsoil compare on real batches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seedsoil-compare-'));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/seedsoil.js', 'compare', ...args], { encoding: 'utf8' });
  const scenario = (name: string, text: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    return file;
  };
  const numbers = (csv: string) =>
    Object.fromEntries(
      readFileSync(csv, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map(([q, arm, , v]) => [`${q}/${arm}`, v]),
    );
  const fast = 'extends: teaching-basic\ntime: { durationDays: 600 }\n';

  it('pairs the arms only when they share their seed, and --seed makes them share it', () => {
    const a = scenario('a', `${fast}seed: 3\n`);
    const b = scenario('b', `${fast}seed: 4\n`);
    const apart = run(a, b, '--replicates', '4', '--workers', '1', '--out', join(dir, 'apart.html'));
    expect(apart.status, apart.stderr).toBe(0);
    expect(apart.stdout).toMatch(/different seeds \(3 and 4\): not paired/);
    expect(numbers(join(dir, 'apart.csv'))['pairs_metastases/B-A']).toBe('0');
    // The same scenario twice at one seed: every paired difference is exactly 0.
    const same = run(
      a,
      b,
      '--replicates',
      '4',
      '--workers',
      '1',
      '--seed',
      '9',
      '--out',
      join(dir, 'same.html'),
    );
    expect(same.status, same.stderr).toBe(0);
    const n = numbers(join(dir, 'same.csv'));
    expect(n['pairs_metastases/B-A']).toBe('4');
    expect(n['difference_metastases_paired/B-A']).toBe('0');
    // Runs of 600 days reach neither 5 nor 10 years: no fraction free there, said so, and empty in the CSV.
    expect(same.stdout).toContain(
      '  fraction free of the event at 5 years (Kaplan–Meier): A none (not followed for 5 years); B none (not followed for 5 years); B − A (95% CI, Greenwood; arms taken as independent, conservative for paired replicates) none (an arm was not followed for 5 years)\n',
    );
    const free = readFileSync(join(dir, 'same.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('dmfs_free_at,') || l.startsWith('dmfs_free_difference,'));
    expect(free).toEqual([
      'dmfs_free_at,A,5,,,',
      'dmfs_free_at,B,5,,,',
      'dmfs_free_difference,B-A,5,,,',
      'dmfs_free_at,A,10,,,',
      'dmfs_free_at,B,10,,,',
      'dmfs_free_difference,B-A,10,,,',
    ]);
    expect(readFileSync(join(dir, 'same.html'), 'utf8')).toMatch(/seed 9/);
  }, 120_000);

  it('leaves failed replicates out and says how many, the same on a second run', () => {
    const capped = scenario(
      'capped',
      // Five of these six replicates pass 240 records (seed 42): they fail, the other finishes.
      `${fast}invasion: { bloodRate: 0.05, lymphRate: 0.05 }\nrepresentation: { mode: individual, maxRecords: 240 }\n`,
    );
    const a = scenario('plain', fast);
    for (const attempt of [1, 2]) {
      const r = run(a, capped, '--replicates', '6', '--workers', '1', '--out', join(dir, 'capped.html'));
      expect(r.status, `${attempt}: ${r.stderr}`).toBe(0);
      const failed = Number(numbers(join(dir, 'capped.csv'))['failed_replicates/B']);
      expect(failed, `attempt ${attempt}`).toBe(5);
      expect(numbers(join(dir, 'capped.csv'))['replicates/B']).toBe('1');
      expect(r.stdout).toMatch(new RegExp(`${failed} failed and left out`));
    }
  }, 120_000);

  it('refuses a folder holding several sweep points, and escapes paths in the report', () => {
    const sweep = scenario('sweep', `${fast}batch: { grid: { invasion.bloodRate: [0.001, 0.002] } }\n`);
    const folder = join(dir, 'sweep-out');
    const batch = spawnSync(
      process.execPath,
      ['bin/seedsoil.js', 'batch', sweep, '--replicates', '2', '--workers', '1', '--out', folder],
      { encoding: 'utf8' },
    );
    expect(batch.status, batch.stderr).toBe(0);
    const r = run(folder, folder, '--out', join(dir, 'sweep.html'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds 2 scenarios or sweep points/);

    const odd = join(dir, '<odd & "arm">.yaml');
    writeFileSync(odd, fast);
    const e = run(odd, odd, '--replicates', '2', '--workers', '1', '--out', join(dir, 'odd.html'));
    expect(e.status, e.stderr).toBe(0);
    const html = readFileSync(join(dir, 'odd.html'), 'utf8');
    expect(html).toContain('&lt;odd &amp; &quot;arm&quot;&gt;');
    expect(html).not.toContain('<odd');
  }, 120_000);
});
