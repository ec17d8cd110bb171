/** The one model interface: both scales give events and funnel rows of one shape. */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { MODELS, runModel } from '../../src/engine/model.ts';
import { asPatient } from '../../src/engine/scenario.ts';
import { smallTissue } from '../support/tissue.ts';

const RUN_EVENT = ['day', 'type', 'site', 'value', 'detail'];

function runs() {
  const patient = asPatient(loadScenarioFile('scenarios/teaching-basic.yaml'));
  return {
    patient: runModel({ ...patient, time: { ...patient.time, durationDays: 3000 } }, { seed: 42 }),
    tissue: runModel(smallTissue(), { seed: 7 }),
  };
}

describe('one shape at every scale', () => {
  // Runs inside each test, not at collection: mutation testing counts what runs at load time as covering every test.
  it('gives every event a day, type, site, value and detail, in days since the start', () => {
    const all = runs();
    for (const [scale, run] of Object.entries(all)) {
      expect(run.events().length, scale).toBeGreaterThan(0);
      for (const e of run.events()) {
        for (const key of RUN_EVENT) expect(e, `${scale} ${key}`).toHaveProperty(key);
        expect(e.day, scale).toBeGreaterThanOrEqual(0);
        expect(e.day, scale).toBeLessThanOrEqual(run.day());
      }
      const header = (run.files()['events.csv'] as string).split('\n')[0]?.split(',') ?? [];
      expect(
        header.filter((c) => RUN_EVENT.includes(c)),
        scale,
      ).toEqual(RUN_EVENT);
    }
  });

  it('writes funnel.csv with the same columns and camelCase stages, and totals that match the rows', () => {
    const all = runs();
    const headers = Object.values(all).map((run) => (run.files()['funnel.csv'] as string).split('\n')[0]);
    expect(headers).toEqual(['stage,route,timing,count,unit', 'stage,route,timing,count,unit']);
    for (const [scale, run] of Object.entries(all)) {
      const totals = run.funnel();
      for (const stage of Object.keys(totals)) expect(stage, scale).toMatch(/^[a-z][a-zA-Z]*$/);
      const rows = (run.files()['funnel.csv'] as string).trim().split('\n').slice(1);
      const summed: Record<string, number> = {};
      for (const row of rows) {
        const [stage, , , count] = row.split(',');
        summed[stage as string] = (summed[stage as string] ?? 0) + Number(count);
      }
      for (const [stage, n] of Object.entries(summed)) expect(n, `${scale} ${stage}`).toBe(totals[stage]);
    }
  });

  it('keeps one registry entry per scale', () => {
    expect(Object.keys(MODELS).sort()).toEqual(['patient', 'tissue']);
  });
});
