/**
 * The exact bytes of a tissue run's MMP-2 and ECM fields, as one SHA-256 per
 * field: computed in Node and in a browser worker (tests/e2e/tissue.test.ts) to
 * show that the WebAssembly field kernel gives the same doubles in both.
 */
import { sha256Hex } from '../../src/engine/hash.ts';
import type { TissueScenario } from '../../src/engine/schema.ts';
import { createTissueSimulation, runTissueSteps } from '../../src/engine/tissue/simulation.ts';

export interface FieldDigest {
  mmp: string;
  ecm: string;
  /** Points (over all patches) whose MMP-2 is not zero: a digest of fields nobody touched would prove little. */
  active: number;
}

export function fieldDigest(scenario: TissueScenario, seed: number): FieldDigest {
  const sim = createTissueSimulation(scenario, { seed });
  runTissueSteps(sim, scenario.tissue.time.steps);
  const hex = (f: Float64Array) =>
    Array.from(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
  const interior = (pick: 'mmp' | 'ecm') =>
    sim.ctx.state.patches
      .map((p) => {
        const rows: string[] = [];
        for (let y = 1; y <= p.side; y++)
          rows.push(hex(p[pick].subarray(y * p.stride + 1, y * p.stride + 1 + p.side)));
        return rows.join('\n');
      })
      .join('\n');
  let active = 0;
  for (const p of sim.ctx.state.patches)
    for (let y = 1; y <= p.side; y++)
      for (let x = 1; x <= p.side; x++) if (p.mmp[y * p.stride + x] !== 0) active++;
  return { mmp: sha256Hex(interior('mmp')), ecm: sha256Hex(interior('ecm')), active };
}
