/**
 * Where a run's fields live (src/engine/tissue/lattice.ts): all patches of a run
 * in one WebAssembly memory, each in its own stretch of it; and a memory lent
 * by a caller to runs one after another, which must leave nothing of one run in
 * the next.
 */
import { describe, expect, it } from 'vitest';
import { createPatches, type FieldArena, GHOST } from '../../../src/engine/tissue/lattice.ts';
import { tissueFiles } from '../../../src/engine/tissue/output.ts';
import {
  createTissueSimulation,
  runTissueSteps,
  type TissueSimulation,
  tissueResult,
} from '../../../src/engine/tissue/simulation.ts';
import { smallTissue } from '../../support/tissue.ts';

/** Byte ranges [start, end) of a typed array in its buffer. */
const span = (a: ArrayBufferView) => [a.byteOffset, a.byteOffset + a.byteLength] as const;

/** Everything a run gives: its files and every byte of its fields, ghosts included. */
function outputOf(sim: TissueSimulation): string[] {
  runTissueSteps(sim, sim.ctx.params.time.steps);
  const files = tissueFiles(tissueResult(sim), sim);
  const fields = sim.ctx.state.patches.flatMap((p) =>
    [p.mmp, p.ecm, p.mesenchymal].map((f) =>
      Array.from(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), (b) => b.toString(16)).join(''),
    ),
  );
  return [...Object.values(files), ...fields];
}

describe('tissue lattice', () => {
  it('puts all patches of a run in one memory, in stretches that do not overlap', () => {
    for (const side of [11, 30, 31]) {
      const patches = createPatches(3, side);
      const memory = patches[0]?.memory;
      const stretches: (readonly [number, number])[] = [];
      for (const p of patches) {
        expect(p.memory).toBe(memory);
        for (const view of [p.mmp, p.ecm, p.scratch, p.mesenchymal]) {
          expect(view.buffer).toBe(memory?.buffer);
          stretches.push(span(view));
        }
        // The kernel reads 16 bytes past the counts: they must be inside the memory.
        expect(span(p.mesenchymal)[1] + 16).toBeLessThanOrEqual(memory?.buffer.byteLength ?? 0);
        expect(p.mmp.byteOffset % 64).toBe(0);
        expect(p.mmp.every((v) => v === 0)).toBe(true);
        expect(p.ecm.every((v) => v === 1)).toBe(true);
        expect(p.mesenchymal.every((v) => v === 0)).toBe(true);
        expect(p.occupancy[0]).toBe(GHOST);
      }
      stretches.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < stretches.length; i++)
        expect(stretches[i]?.[0]).toBeGreaterThanOrEqual(stretches[i - 1]?.[1] ?? Infinity);
      expect(patches.map((p) => p.sheds)).toEqual([true, false, false]);
    }
  });

  it('gives the same run in a memory lent by runs before it (larger and smaller) as in a new one', () => {
    const arena: FieldArena = {};
    // Three patches of 61 × 61 take four pages of memory, so one patch of 21 × 21 leaves room to grow.
    const scenario = smallTissue({ tissue: { lattice: { side: 61 } } });
    const larger = smallTissue({ tissue: { lattice: { side: 71 } } });
    const smaller = smallTissue({ tissue: { lattice: { side: 21 }, vasculature: { arrivalShares: [1] } } });
    const fresh = outputOf(createTissueSimulation(scenario, { seed: 5 }));

    outputOf(createTissueSimulation(larger, { seed: 1, fieldArena: arena }));
    const memory = arena.memory;
    const bytes = memory?.buffer.byteLength;
    expect(outputOf(createTissueSimulation(scenario, { seed: 5, fieldArena: arena }))).toEqual(fresh);
    expect(arena.memory).toBe(memory);
    expect(memory?.buffer.byteLength).toBe(bytes);

    // A smaller run first, so the next one must grow the memory.
    const grown: FieldArena = {};
    outputOf(createTissueSimulation(smaller, { seed: 2, fieldArena: grown }));
    const before = grown.memory?.buffer.byteLength ?? 0;
    expect(outputOf(createTissueSimulation(scenario, { seed: 5, fieldArena: grown }))).toEqual(fresh);
    expect(grown.memory?.buffer.byteLength).toBeGreaterThan(before);
  });
});
