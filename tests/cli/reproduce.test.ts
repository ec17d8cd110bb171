/** `seedsoil reproduce` on its worker pool: the table does not depend on the number of workers. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function seedsoil(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/seedsoil.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
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
        /^1\/1 targets: luzzi-1998 done \(6 replicates\); 6\/6 replicates in [\d.]+ s, ETA 0 s$/m,
      );
      expect(r.stdout).not.toMatch(/targets:/);
      return readFileSync(join(out, 'validation.csv'), 'utf8');
    });
    expect(tables[1]).toBe(tables[0]);
    expect(tables[0]).toMatch(/luzzi-1998/);
  });

  it('names a bad --workers value', () => {
    const r = seedsoil('reproduce', '--only', 'luzzi-1998', '--workers', 'many');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--workers: expected a positive integer \(got "many"\)/);
  });
});
