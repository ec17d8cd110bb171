/**
 * The compact frames the page draws (src/engine/tissue/frame.ts): a lattice
 * larger than the frame may be comes in blocks that keep every cell and the
 * mean of each field, and a frame that fits is the lattice point by point.
 */
import { describe, expect, it } from 'vitest';
import { tissueFrame } from '../../../src/engine/tissue/frame.ts';
import { createTissueSimulation, runTissueSteps } from '../../../src/engine/tissue/simulation.ts';
import { smallTissue } from '../../support/tissue.ts';

const total = (layer: Uint16Array) => layer.reduce((sum, v) => sum + v, 0);

describe('tissue frame', () => {
  const sim = createTissueSimulation(smallTissue({ tissue: { lattice: { side: 31 } } }), { seed: 5 });
  runTissueSteps(sim, 40);
  const full = tissueFrame(sim, true);

  it('is one value per point when the lattice fits', () => {
    expect(tissueFrame(sim, true, 31)).toEqual(full);
    expect(full).toMatchObject({ side: 31, block: 1, size: 31 });
    const patch = sim.ctx.state.patches[0];
    if (!patch) throw new Error('no primary');
    // Point (3, 4) of the lattice, past the ghost frame.
    const p = 5 * patch.stride + 4;
    expect(full.patches[0]?.ecm[4 * 31 + 3]).toBe(Math.round(255 * (patch.ecm[p] as number)));
  });

  it('sums the cells and averages the fields over blocks, the last ones cut short', () => {
    const shrunk = tissueFrame(sim, true, 10);
    // 31 points a side in blocks of 4: 8 values, the last covering 3 points.
    expect(shrunk).toMatchObject({ side: 31, block: 4, size: 8 });
    full.patches.forEach((p, i) => {
      const s = shrunk.patches[i];
      if (!s) throw new Error('a patch is missing');
      expect(total(s.mesenchymal)).toBe(total(p.mesenchymal));
      expect(total(s.epithelial)).toBe(total(p.epithelial));
      expect(s.ecm).toHaveLength(64);
      // The corner block of 3 × 3 points: the mean of their ECM bytes, within rounding.
      let sum = 0;
      for (let y = 28; y < 31; y++) for (let x = 28; x < 31; x++) sum += p.ecm[y * 31 + x] as number;
      expect(Math.abs((s.ecm[63] as number) - sum / 9)).toBeLessThanOrEqual(1);
    });
  });

  it('leaves the fields out when not asked for', () => {
    const bare = tissueFrame(sim, false, 10);
    expect(bare.patches.every((p) => p.ecm.length === 0 && p.mmp.length === 0)).toBe(true);
  });
});
