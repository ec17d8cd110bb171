/**
 * The walk (src/engine/tissue/phases/motility.ts) against numbers worked out by
 * hand: move frequencies on a fixed ECM gradient match dt/h^2 (D ± χ/4 Δw).
 */
import { describe, expect, it } from 'vitest';
import { createTissueSimulation, stepTissue } from '../../../../src/engine/tissue/simulation.ts';
import { validateTissue } from '../../../support/tissue.ts';

describe('tissue motility', () => {
  it('moves left, right, down and up with the discretised diffusion-haptotaxis probabilities', () => {
    // 400 cells on a fixed ECM ramp w = x / stride: Δw across a cell is 2 / stride.
    const side = 101;
    const scenario = validateTissue(
      {
        scale: 'tissue',
        tissue: {
          lattice: { side, capacity: 100 },
          time: { steps: 500 },
          initial: { cells: 400, discPoints: 4, mesenchymalFraction: 1 },
          motility: { diffusionMesenchymal: 1e-10, haptotaxisMesenchymal: 1e-8 },
          proliferation: { doublingHoursEpithelial: 1e4, doublingHoursMesenchymal: 1e4 },
          fields: { mmp2Production: 0, ecmDegradationByMT1MMP: 0, ecmDegradationByMMP2: 0 },
          vessels: { normal: 0, ruptured: 0 },
          vasculature: { arrivalShares: [] },
        },
      },
      'ramp',
    );
    const sim = createTissueSimulation(scenario, { seed: 11 });
    const patch = sim.ctx.state.patches[0];
    const cells = sim.ctx.state.cells[0];
    if (!patch || !cells) throw new Error('no primary');
    const { stride } = patch;
    for (let i = 0; i < patch.ecm.length; i++) patch.ecm[i] = (i % stride) / stride;
    const counts = { left: 0, right: 0, down: 0, up: 0, stay: 0 };
    for (let s = 0; s < 500; s++) {
      const before = Int32Array.from(cells.pos.subarray(0, cells.n));
      stepTissue(sim);
      for (let j = 0; j < cells.n; j++) {
        const d = (cells.pos[j] as number) - (before[j] as number);
        if (d === -1) counts.left++;
        else if (d === 1) counts.right++;
        else if (d === -stride) counts.down++;
        else if (d === stride) counts.up++;
        else counts.stay++;
      }
    }
    // dt/h^2 = 40 / 1e-6: D' = 4e-3; χ' = dt χ / (4 h^2) = 0.1; χ' Δw = 0.2 / stride.
    const d = 4e-3;
    const g = 0.2 / stride;
    const expected = { left: d - g, right: d + g, down: d, up: d, stay: 1 - 4 * d };
    const n = 400 * 500;
    let chi2 = 0;
    for (const [k, p] of Object.entries(expected)) {
      const observed = counts[k as keyof typeof counts];
      chi2 += (observed - n * p) ** 2 / (n * p);
    }
    // Chi-square with 4 degrees of freedom: P(> 18.47) = 0.001.
    expect({ counts, chi2 }).toMatchObject({ counts });
    expect(chi2).toBeLessThan(18.47);
    expect(counts.right).toBeGreaterThan(counts.left);
  });
});
