/**
 * The field update (src/engine/tissue/phases/fields.ts) is written for speed: a
 * WebAssembly SIMD kernel taking two points at a time, MMP-2 overwritten in
 * place with the row above kept in a scratch row, the floor and the clamp as
 * masks, and with an odd side the last pair of a row taking in the ghost. It
 * must give the same doubles, bit for bit, as the plain explicit scheme below,
 * at every step of arbitrary scenarios (odd and even sides, and steps at the
 * stability bounds, where the ECM clamp and the MMP-2 floor act).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TissueScenario } from '../../../../src/engine/schema.ts';
import type { Constants } from '../../../../src/engine/tissue/context.ts';
import { leaveVasculature } from '../../../../src/engine/tissue/phases/circulation.ts';
import { updateFields } from '../../../../src/engine/tissue/phases/fields.ts';
import { move } from '../../../../src/engine/tissue/phases/motility.ts';
import { divide } from '../../../../src/engine/tissue/phases/proliferation.ts';
import { createTissueSimulation } from '../../../../src/engine/tissue/simulation.ts';
import { arbitraryTissue, smallTissue, tissueAtBounds } from '../../../support/tissue.ts';

function mirror(side: number, stride: number, f: Float64Array): void {
  for (let k = 1; k <= side; k++) {
    f[k] = f[2 * stride + k] as number;
    f[(side + 1) * stride + k] = f[(side - 1) * stride + k] as number;
    f[k * stride] = f[k * stride + 2] as number;
    f[k * stride + side + 1] = f[k * stride + side - 1] as number;
  }
}

/** The scheme as written in docs/tissue.md: a new array for m, w in place, both from the old m. */
function reference(
  k: Constants,
  side: number,
  stride: number,
  cm: Uint8Array,
  m: Float64Array,
  w: Float64Array,
): Float64Array {
  const next = new Float64Array(m.length);
  mirror(side, stride, m);
  for (let y = 1; y <= side; y++) {
    for (let x = 1; x <= side; x++) {
      const i = y * stride + x;
      const c = cm[i] as number;
      const here = m[i] as number;
      const neighbours =
        (m[i - 1] as number) + (m[i + 1] as number) + (m[i - stride] as number) + (m[i + stride] as number);
      const value = k.mmpKeep * here + k.mmpSpread * neighbours + k.mmpProduction * c;
      next[i] = value < 1e-250 ? 0 : value;
      const factor = 1 - (k.ecmByCells * c + k.ecmByMmp * here);
      w[i] = factor > 0 ? (w[i] as number) * factor : 0;
    }
  }
  mirror(side, stride, w);
  return next;
}

/** The first step at which a patch's interior m or w differs from the reference, or undefined. */
function firstDifference(scenario: TissueScenario, seed: number): string | undefined {
  const sim = createTissueSimulation(scenario, { seed });
  const { ctx } = sim;
  const bits = (f: Float64Array) => new BigUint64Array(f.buffer, f.byteOffset, f.length);
  for (let step = 0; step < scenario.tissue.time.steps; step++) {
    leaveVasculature(ctx);
    const before = ctx.state.patches.map((p) =>
      p.fieldsActive
        ? { m: Float64Array.from(p.mmp), w: Float64Array.from(p.ecm), cm: Uint8Array.from(p.mesenchymal) }
        : undefined,
    );
    updateFields(ctx);
    for (const p of ctx.state.patches) {
      const b = before[p.index];
      if (!b) continue;
      const m = bits(reference(ctx.k, p.side, p.stride, b.cm, b.m, b.w));
      const w = bits(b.w);
      const gotM = bits(p.mmp);
      const gotW = bits(p.ecm);
      for (let y = 1; y <= p.side; y++) {
        for (let x = 1; x <= p.side; x++) {
          const i = y * p.stride + x;
          if (m[i] !== gotM[i] || w[i] !== gotW[i])
            return `step ${step}, patch ${p.index}, point (${x}, ${y})`;
        }
      }
    }
    move(ctx);
    divide(ctx);
    ctx.state.step++;
  }
  return undefined;
}

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('tissue fields', () => {
  it('match the plain explicit scheme bit for bit, in a run whose tumour invades and seeds', () => {
    expect(firstDifference(smallTissue(), 3)).toBeUndefined();
  });

  it('match the plain explicit scheme bit for bit, at every step of arbitrary scenarios', () => {
    fc.assert(
      fc.property(arbitraryTissue, seed, (s, k) => firstDifference(s, k) === undefined),
      { numRuns: 25 },
    );
  });

  it('match the plain explicit scheme bit for bit next to the stability bounds', () => {
    fc.assert(
      fc.property(tissueAtBounds, seed, (s, k) => firstDifference(s, k) === undefined),
      { numRuns: 25 },
    );
  });
});
