/**
 * Compact pictures of the patches for drawing: one value per lattice point per
 * layer, row by row, without the ghost frame; or, for a lattice larger than the
 * picture may be, one per block of k × k points (fewer at the far edges). Counts
 * are exact sums over the block; ECM is its mean scaled 0..1 -> 0..255; MMP-2 is
 * its mean shown on a square-root scale of its largest possible value (Θ Q / Λ),
 * so a little MMP-2 is still visible.
 */
import { patchName } from './context.ts';
import { ARRIVAL, EPITHELIAL, NORMAL, pointX, pointY, RUPTURED } from './lattice.ts';
import type { TissueSimulation } from './simulation.ts';

export interface PatchFrame {
  mesenchymal: Uint16Array;
  epithelial: Uint16Array;
  /** Empty when fields were not asked for. */
  ecm: Uint8Array;
  mmp: Uint8Array;
}

export interface TissueFrame {
  step: number;
  /** The lattice's side. */
  side: number;
  /** Lattice points a frame value covers along each side (1 unless the lattice is larger than asked for). */
  block: number;
  /** Values a side: ceil(side / block). */
  size: number;
  patches: PatchFrame[];
}

export interface TissueLayout {
  side: number;
  spacingUm: number;
  stepSeconds: number;
  steps: number;
  capacity: number;
  patches: { name: string; vessels: { x: number; y: number; kind: 'normal' | 'ruptured' | 'arrival' }[] }[];
}

const KINDS: Record<number, 'normal' | 'ruptured' | 'arrival'> = {
  [NORMAL]: 'normal',
  [RUPTURED]: 'ruptured',
  [ARRIVAL]: 'arrival',
};

export function tissueLayout(sim: TissueSimulation): TissueLayout {
  const t = sim.ctx.params;
  return {
    side: t.lattice.side,
    spacingUm: t.lattice.spacingUm,
    stepSeconds: t.time.stepSeconds,
    steps: t.time.steps,
    capacity: t.lattice.capacity,
    patches: sim.ctx.state.patches.map((p, i) => ({
      name: patchName(i),
      vessels: p.vesselPoints.map((v) => ({
        x: pointX(p, v),
        y: pointY(p, v),
        kind: KINDS[p.vessel[v] as number] ?? 'normal',
      })),
    })),
  };
}

/** A frame of at most `maxSize` values a side; a larger lattice is summed and averaged in blocks. */
export function tissueFrame(
  sim: TissueSimulation,
  withFields: boolean,
  maxSize = Number.POSITIVE_INFINITY,
): TissueFrame {
  const { state, params } = sim.ctx;
  const side = params.lattice.side;
  const block = Math.max(1, Math.ceil(side / maxSize));
  const size = Math.ceil(side / block);
  const f = params.fields;
  const mMax = f.mmp2Decay > 0 ? (f.mmp2Production * params.lattice.capacity) / f.mmp2Decay : 1;
  const patches = state.patches.map((patch, i) => {
    const n = withFields ? size * size : 0;
    const frame: PatchFrame = {
      mesenchymal: new Uint16Array(size * size),
      epithelial: new Uint16Array(size * size),
      ecm: new Uint8Array(n),
      mmp: new Uint8Array(n),
    };
    const cells = state.cells[i];
    if (cells) {
      for (let j = 0; j < cells.n; j++) {
        const p = cells.pos[j] as number;
        const k = Math.floor(pointY(patch, p) / block) * size + Math.floor(pointX(patch, p) / block);
        const layer = cells.type[j] === EPITHELIAL ? frame.epithelial : frame.mesenchymal;
        layer[k] = (layer[k] as number) + 1;
      }
    }
    if (withFields) {
      for (let by = 0; by < size; by++) {
        const y0 = by * block;
        const y1 = Math.min(side, y0 + block);
        for (let bx = 0; bx < size; bx++) {
          const x0 = bx * block;
          const x1 = Math.min(side, x0 + block);
          let ecm = 0;
          let mmp = 0;
          for (let y = y0; y < y1; y++) {
            // Past the ghost frame: lattice point (x, y) is (x + 1, y + 1) in the patch's arrays.
            const row = (y + 1) * patch.stride + 1;
            for (let p = row + x0, end = row + x1; p < end; p++) {
              ecm += patch.ecm[p] as number;
              mmp += patch.mmp[p] as number;
            }
          }
          const points = (y1 - y0) * (x1 - x0);
          frame.ecm[by * size + bx] = Math.round((255 * ecm) / points);
          frame.mmp[by * size + bx] = Math.round(255 * Math.min(1, Math.sqrt(mmp / points / mMax)));
        }
      }
    }
    return frame;
  });
  return { step: state.step, side, block, size, patches };
}
