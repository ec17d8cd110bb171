/**
 * The published targets, run as small ensembles (the `--ci` sizes). Targets that
 * the built-in scenarios reproduce must pass; docs/calibration.md lists the
 * targets not yet reproduced, which run here only to prove their checks work.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { run } from '../../src/engine/simulation.ts';
import { hahnfeldtOde, TARGETS } from '../../src/reproduce/targets.ts';

const REPRODUCED = ['luzzi-1998', 'meng-2004', 'hahnfeldt-1999', 'hosseini-2016', 'tubiana-1991', 'hu-2019'];

function evaluate(name: string, replicates?: number) {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(name);
  const scenario = loadScenarioFile(target.scenario);
  const n = replicates ?? target.ciReplicates;
  return target.rows(
    Array.from({ length: n }, (_, i) => target.measure(run(scenario, { replicate: i }), scenario)),
    scenario,
  );
}

describe('published results', () => {
  for (const name of REPRODUCED) {
    it(`${name} is reproduced by a small ensemble`, () => {
      const rows = evaluate(name);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows)
        expect({ quantity: r.quantity, value: r.simulated, pass: r.pass }).toMatchObject({ pass: true });
    });
  }

  it('every target names a built-in scenario and a source', () => {
    for (const t of TARGETS) {
      expect(loadScenarioFile(t.scenario).name).toBe(t.scenario);
      expect(t.source).toMatch(/\d{4}/);
      expect(t.ciReplicates).toBeLessThanOrEqual(t.replicates);
    }
  });

  it('the Hahnfeldt reference solves the published ODE', () => {
    const s = loadScenarioFile('hahnfeldt-lewis-lung');
    // At t = 0 the volume is V0; the tumour grows towards its rising capacity.
    expect(hahnfeldtOde(s, 0)).toBeCloseTo(180, 9);
    expect(hahnfeldtOde(s, 10)).toBeGreaterThan(hahnfeldtOde(s, 5));
  });
});
