/**
 * A replicate that would hold more records than representation.maxRecords stops
 * with an error that names it, and a batch records that error in runs.csv while
 * the other replicates finish.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { deepMerge, validateScenario } from '../../src/engine/scenario.ts';
import { RecordCapError, run } from '../../src/engine/simulation.ts';

const CAP = 100;
const capped = {
  extends: 'teaching-basic',
  name: 'capped',
  representation: { mode: 'individual', maxRecords: CAP },
  batch: { replicates: 8 },
};

describe('the record cap', () => {
  it('stops a replicate with an error naming the scenario, seed, replicate and cap', () => {
    const base = loadScenarioFile('teaching-basic') as unknown as Record<string, unknown>;
    const s = validateScenario(
      deepMerge(base, { name: 'capped', representation: capped.representation }),
      'test',
    );
    const outcomes = Array.from({ length: 8 }, (_, r) => {
      try {
        run(s, { replicate: r });
        return undefined;
      } catch (e) {
        expect(e).toBeInstanceOf(RecordCapError);
        return (e as Error).message;
      }
    });
    const errors = outcomes.filter((m) => m !== undefined);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThan(8);
    const r = outcomes.findIndex((m) => m !== undefined);
    expect(outcomes[r]).toMatch(
      new RegExp(
        `^scenario capped, seed 42, replicate ${r}: \\d+ records on day [\\d.]+ exceed representation\\.maxRecords = ${CAP}$`,
      ),
    );
  });

  it('is recorded in the error column of runs.csv while the other replicates finish', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-cap-'));
    const file = join(dir, 'capped.yaml');
    writeFileSync(file, JSON.stringify(capped));
    const out = join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      ['bin/seedsoil.js', 'batch', file, '--workers', '2', '--out', out],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    const lines = readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 8);
    // The message holds commas, so its cell is quoted: find the failed rows by it.
    const failed = lines.slice(1).filter((l) => l.includes('exceed representation.maxRecords = 100'));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(8);
    for (const l of failed) expect(l).toMatch(/"scenario capped, seed 42, replicate \d+: \d+ records on day/);
    const header = (lines[0] as string).split(',');
    for (const l of lines.slice(1).filter((l) => !failed.includes(l))) {
      const row = l.split(',');
      expect(row[header.indexOf('error')]).toBe('');
      expect(row[header.indexOf('outcome')]).toMatch(/^(death|end)$/);
    }
    expect(r.stderr).toMatch(/failed: task \d+/);
    expect(r.stdout).toMatch(new RegExp(`, ${failed.length} failed`));
    // Resumed, nothing runs again, and the batch still says what failed (and exits 1).
    const again = spawnSync(
      process.execPath,
      ['bin/seedsoil.js', 'batch', file, '--workers', '2', '--out', out, '--resume'],
      { encoding: 'utf8' },
    );
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(new RegExp(`, ${failed.length} failed`));
  });
});
