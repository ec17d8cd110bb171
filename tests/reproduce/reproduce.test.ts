/**
 * The published targets, run as small ensembles (the `--ci` sizes). Targets that
 * the built-in scenarios reproduce must pass; docs/calibration.md lists the
 * targets not yet reproduced, which run here only to prove their checks work.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { asPatient } from '../../src/engine/scenario.ts';
import { hahnfeldtOde, runReplicate, TARGETS } from '../../src/reproduce/targets.ts';

const REPRODUCED = [
  'luzzi-1998',
  'meng-2004',
  'hahnfeldt-1999',
  'hosseini-2016',
  'tubiana-1991',
  'hu-2019',
  'franssen-2019',
];

function evaluate(name: string, replicates?: number) {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(name);
  const scenario = loadScenarioFile(target.scenario);
  const n = replicates ?? target.ciReplicates;
  return target.rows(
    Array.from({ length: n }, (_, i) => target.measure(runReplicate(scenario, i), scenario)),
    scenario,
  );
}

describe('published results', () => {
  for (const name of REPRODUCED) {
    // The human targets run tens of 30-year patients: allow minutes, not the default two.
    it(`${name} is reproduced by a small ensemble`, { timeout: 600_000 }, () => {
      const rows = evaluate(name);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows)
        expect({ quantity: r.quantity, value: r.simulated, pass: r.pass }).toMatchObject({ pass: true });
    });
  }

  it('pan-2017 (not yet reproduced) runs its check on eligible patients', () => {
    const rows = evaluate('pan-2017');
    expect(rows.map((r) => r.quantity)).toEqual([
      'distant recurrence years 5–20, T1N0',
      'distant recurrence years 5–20, T1N1–3',
      'distant recurrence years 5–20, T1N4–9',
    ]);
    // At least the node-negative group has patients; its rate is a proportion.
    const n0 = rows[0] as (typeof rows)[number];
    expect(n0.simulated).toBeGreaterThanOrEqual(0);
    expect(n0.simulated).toBeLessThanOrEqual(1);
  });

  it('every target names a built-in scenario and a source', () => {
    for (const t of TARGETS) {
      expect(loadScenarioFile(t.scenario).name).toBe(t.scenario);
      expect(t.source).toMatch(/\d{4}/);
      expect(t.ciReplicates).toBeLessThanOrEqual(t.replicates);
    }
  });

  it('the Hahnfeldt reference solves the published ODE', () => {
    const s = asPatient(loadScenarioFile('hahnfeldt-lewis-lung'));
    // At t = 0 the volume is V0; the tumour grows towards its rising capacity.
    expect(hahnfeldtOde(s, 0)).toBeCloseTo(180, 9);
    expect(hahnfeldtOde(s, 10)).toBeGreaterThan(hahnfeldtOde(s, 5));
  });
});
