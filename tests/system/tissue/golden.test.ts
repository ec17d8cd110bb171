/**
 * Golden traces of the tissue scale: fixed scenarios and seeds whose output files,
 * and the exact bytes of the MMP-2 and ECM fields at the end, are snapshotted.
 * The fields are not in any output file in full (only the primary's mean ECM),
 * so a change in their last bit that has not yet reached a cell would pass
 * unseen without their hash. Any change must be explained in the commit that
 * updates the snapshot (`npx vitest run -u`).
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/cli/scenarios.ts';
import { sha256Hex } from '../../../src/engine/hash.ts';
import { asTissue, deepMerge } from '../../../src/engine/scenario.ts';
import type { TissueScenario } from '../../../src/engine/schema.ts';
import { tissueFiles } from '../../../src/engine/tissue/output.ts';
import {
  createTissueSimulation,
  runTissueSteps,
  type TissueSimulation,
  tissueResult,
} from '../../../src/engine/tissue/simulation.ts';
import { smallTissue, validateTissue } from '../../support/tissue.ts';

/** Hex of the interior points' float64 bytes (the ghost frame is scratch space, not state). */
function fieldHex(sim: TissueSimulation, pick: 'mmp' | 'ecm'): string {
  const parts: string[] = [];
  for (const patch of sim.ctx.state.patches) {
    const f = patch[pick];
    for (let y = 1; y <= patch.side; y++) {
      const row = new Uint8Array(f.buffer, f.byteOffset + (y * patch.stride + 1) * 8, patch.side * 8);
      parts.push(Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(''));
    }
  }
  return parts.join('\n');
}

const CASES: { name: string; seed: number; scenario: () => TissueScenario }[] = [
  { name: 'small tissue', seed: 3, scenario: () => smallTissue() },
  { name: 'tissue-teaching', seed: 7, scenario: () => asTissue(loadScenarioFile('tissue-teaching')) },
  {
    // The paper's lattice with M cells from the start; 3000 steps keep the test short.
    name: 'tissue-franssen, 3000 steps',
    seed: 11,
    scenario: () =>
      validateTissue(
        deepMerge(loadScenarioFile('tissue-franssen') as unknown as Record<string, unknown>, {
          tissue: { time: { steps: 3000 } },
        }),
        'franssen-short',
      ),
  },
];

describe('tissue golden traces', () => {
  for (const c of CASES) {
    it(`${c.name}, seed ${c.seed}`, () => {
      const scenario = c.scenario();
      const sim = createTissueSimulation(scenario, { seed: c.seed });
      runTissueSteps(sim, scenario.tissue.time.steps);
      const files = tissueFiles(tissueResult(sim), sim);
      expect({
        summary: JSON.parse(files['summary.json'] as string),
        funnel: files['funnel.csv'],
        events: (files['events.csv'] as string).split('\n').slice(0, 25).join('\n'),
        eventsSha256: sha256Hex(files['events.csv'] as string),
        cellsSha256: sha256Hex(files['cells.csv'] as string),
        timeseriesSha256: sha256Hex(files['timeseries.csv'] as string),
        mmpSha256: sha256Hex(fieldHex(sim, 'mmp')),
        ecmSha256: sha256Hex(fieldHex(sim, 'ecm')),
      }).toMatchSnapshot();
    });
  }
});
