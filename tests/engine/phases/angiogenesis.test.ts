/**
 * Laws of phase 2, angiogenesis (src/engine/phases/angiogenesis.ts): the switch of
 * an avascular tumour and the capacity that follows it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { angiogenesis } from '../../../src/engine/phases/angiogenesis.ts';
import { ANGIOGENIC, PRIMARY_SITE } from '../../../src/engine/state.ts';
import { contextOf, driverSet, seed, tumourOf } from '../../support/phases.ts';
import { uniform } from '../../support/scenarios.ts';

describe('phase 2, angiogenesis', () => {
  it('conserves cells: the switch and the capacity after it never change a clone, and a vascular tumour stays vascular', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(fc.record({ drivers: driverSet, cells: fc.integer({ min: 0, max: 1e9 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.boolean(),
        fc.double({ min: 1, max: 1e12, noNaN: true }),
        uniform(0, 10),
        (s, clones, vascular, capacity, hazard) => {
          const ctx = contextOf({}, s);
          const t = tumourOf(PRIMARY_SITE, clones, { vascular, capacity, primary: true });
          const before = structuredClone(t.clones);
          for (let k = 0; k < 4; k++) {
            const wasVascular = t.vascular;
            angiogenesis(t, ctx, hazard);
            expect(t.clones).toEqual(before);
            if (wasVascular) expect(t.vascular).toBe(true);
            expect(t.capacity).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an avascular tumour below the switch threshold and without the angiogenic driver never switches', () => {
    fc.assert(
      fc.property(seed, uniform(0, 0.999), uniform(0, 1e3), driverSet, (s, share, hazard, drivers) => {
        const ctx = contextOf({}, s);
        const a = ctx.scenario.angiogenesis;
        const cells = Math.max(1, Math.floor(share * a.switchThresholdFraction * a.avascularCapacityCells));
        const t = tumourOf(PRIMARY_SITE, [{ drivers: drivers & ~ANGIOGENIC, cells }], { primary: true });
        for (let k = 0; k < 5; k++) angiogenesis(t, ctx, hazard);
        expect(t.vascular).toBe(false);
        expect(t.capacity).toBe(a.avascularCapacityCells);
      }),
      { numRuns: 60 },
    );
  });

  it('a tumour with a living angiogenic-driver clone switches at once, at any size and hazard', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 1e9 }), driverSet, (s, cells, drivers) => {
        const ctx = contextOf({}, s);
        const t = tumourOf(PRIMARY_SITE, [{ drivers: drivers | ANGIOGENIC, cells }], { primary: true });
        angiogenesis(t, ctx, 0);
        expect(t.vascular).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
