/**
 * The invasion front (src/engine/tissue/observe.ts) against numbers worked out by
 * hand: the nearest-rank 99th percentile of the distances from the centre.
 */
import { describe, expect, it } from 'vitest';
import { fronts } from '../../../src/engine/tissue/observe.ts';
import { createTissueSimulation } from '../../../src/engine/tissue/simulation.ts';
import { validateTissue } from '../../support/tissue.ts';

describe('tissue invasion front', () => {
  it('is the nearest-rank 99th percentile of the distances from the centre, per cell type', () => {
    let ranksMattered = 0;
    for (const cellsWanted of [50, 100, 200, 300, 400, 500, 600]) {
      const scenario = validateTissue(
        {
          scale: 'tissue',
          tissue: {
            lattice: { side: 41 },
            initial: { cells: cellsWanted, discPoints: 900, mesenchymalFraction: 0.5 },
            vasculature: { arrivalShares: [] },
          },
        },
        'front',
      );
      const sim = createTissueSimulation(scenario, { seed: cellsWanted });
      const patch = sim.ctx.state.patches[0];
      const cells = sim.ctx.state.cells[0];
      if (!patch || !cells) throw new Error('no primary');
      const byType: number[][] = [[], []];
      for (let j = 0; j < cells.n; j++) {
        const p = cells.pos[j] as number;
        const x = (p % patch.stride) - 1;
        const y = Math.floor(p / patch.stride) - 1;
        byType[cells.type[j] as number]?.push(Math.hypot(x - 20, y - 20) * 10);
      }
      const got = fronts(sim.ctx);
      byType.forEach((ds, type) => {
        const sorted = [...ds].sort((a, b) => a - b);
        const nearestRank = sorted[Math.ceil(0.99 * sorted.length) - 1] ?? 0;
        const oneAbove = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0;
        if (nearestRank !== oneAbove) ranksMattered++;
        expect(got[type]).toBeCloseTo(nearestRank, 9);
      });
    }
    // At least one case where the rank one above would have given another distance.
    expect(ranksMattered).toBeGreaterThan(0);
  });
});
