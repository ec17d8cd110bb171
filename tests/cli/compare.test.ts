/** `seedsoil compare` as a user runs it: options checked before anything runs. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('seedsoil compare', () => {
  it('names a bad endpoint and the ones it accepts, and runs nothing', () => {
    const r = spawnSync(
      process.execPath,
      ['bin/seedsoil.js', 'compare', 'breast-her2-early', 'breast-her2-late', '--endpoint', 'cure'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--endpoint: expected one of distant, macro, recurrence, death \(got "cure"\)/);
    expect(r.stdout).toBe('');
  });

  it('prints its own help', () => {
    const r = spawnSync(process.execPath, ['bin/seedsoil.js', 'compare', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: seedsoil compare A B/);
    expect(r.stdout).toMatch(/--endpoint E/);
  });
});
