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
  // The block column of every lattice column, so the field loop does not divide.
  const column = Int32Array.from({ length: side }, (_, x) => Math.floor(x / block));
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
      const ecm = new Float64Array(n);
      const mmp = new Float64Array(n);
      for (let y = 0; y < side; y++) {
        const row = Math.floor(y / block) * size;
        const first = (y + 1) * patch.stride + 1;
        for (let x = 0; x < side; x++) {
          const k = row + (column[x] as number);
          ecm[k] = (ecm[k] as number) + (patch.ecm[first + x] as number);
          mmp[k] = (mmp[k] as number) + (patch.mmp[first + x] as number);
        }
      }
      for (let k = 0; k < n; k++) {
        const points =
          Math.min(block, side - (k % size) * block) * Math.min(block, side - Math.floor(k / size) * block);
        frame.ecm[k] = Math.round((255 * (ecm[k] as number)) / points);
        frame.mmp[k] = Math.round(255 * Math.min(1, Math.sqrt((mmp[k] as number) / points / mMax)));
      }
    }
    return frame;
  });
  return { step: state.step, side, block, size, patches };
}
