/**
 * Golden traces: fixed scenarios and seeds whose outputs are snapshotted, so that
 * any change to the numbers is seen and must be explained in the commit that
 * updates the snapshot (`npx vitest run -u`).
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { sha256Hex } from '../../src/engine/hash.ts';
import { runFiles } from '../../src/engine/output.ts';
import { run } from '../../src/engine/simulation.ts';
import { fastScenario } from '../support/scenarios.ts';

const CASES = [
  { name: 'teaching-basic', seed: 42, scenario: () => loadScenarioFile('teaching-basic') },
  {
    name: 'experimental-metastasis-liver',
    seed: 7,
    scenario: () => loadScenarioFile('experimental-metastasis-liver'),
  },
  { name: 'fast-scenario', seed: 2024, scenario: () => fastScenario() },
];

describe('golden traces', () => {
  for (const c of CASES) {
    it(`${c.name}, seed ${c.seed}`, () => {
      const files = runFiles(run(c.scenario(), { seed: c.seed }));
      expect({
        summary: JSON.parse(files['summary.json'] as string),
        funnel: files['funnel.csv'],
        events: (files['events.csv'] as string).split('\n').slice(0, 25).join('\n'),
        metastasesSha256: sha256Hex(files['metastases.csv'] as string),
        timeseriesSha256: sha256Hex(files['timeseries.csv'] as string),
      }).toMatchSnapshot();
    });
  }
});
