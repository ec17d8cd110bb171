/**
 * Compact pictures of the patches for drawing: one byte per lattice point per
 * layer, row by row, without the ghost frame. Counts are exact; ECM is scaled
 * 0..1 -> 0..255; MMP-2 is shown on a square-root scale of its largest possible
 * value (Θ Q / Λ), so a little MMP-2 is still visible.
 */
import { patchName } from './context.ts';
import { ARRIVAL, EPITHELIAL, NORMAL, pointX, pointY, RUPTURED } from './lattice.ts';
import type { TissueSimulation } from './simulation.ts';

export interface PatchFrame {
  mesenchymal: Uint8Array;
  epithelial: Uint8Array;
  /** Empty when fields were not asked for. */
  ecm: Uint8Array;
  mmp: Uint8Array;
}

export interface TissueFrame {
  step: number;
  side: number;
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

export function tissueFrame(sim: TissueSimulation, withFields: boolean): TissueFrame {
  const { state, params } = sim.ctx;
  const side = params.lattice.side;
  const f = params.fields;
  const mMax = f.mmp2Decay > 0 ? (f.mmp2Production * params.lattice.capacity) / f.mmp2Decay : 1;
  const patches = state.patches.map((patch, i) => {
    const size = withFields ? side * side : 0;
    const frame: PatchFrame = {
      mesenchymal: new Uint8Array(side * side),
      epithelial: new Uint8Array(side * side),
      ecm: new Uint8Array(size),
      mmp: new Uint8Array(size),
    };
    const cells = state.cells[i];
    if (cells) {
      for (let j = 0; j < cells.n; j++) {
        const p = cells.pos[j] as number;
        const k = pointY(patch, p) * side + pointX(patch, p);
        const layer = cells.type[j] === EPITHELIAL ? frame.epithelial : frame.mesenchymal;
        layer[k] = (layer[k] as number) + 1;
      }
    }
    if (withFields) {
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const p = (y + 1) * patch.stride + x + 1;
          frame.ecm[y * side + x] = Math.round(255 * (patch.ecm[p] as number));
          frame.mmp[y * side + x] = Math.round(255 * Math.min(1, Math.sqrt((patch.mmp[p] as number) / mMax)));
        }
      }
    }
    return frame;
  });
  return { step: state.step, side, patches };
}

/** The buffers of a frame, to transfer rather than copy to the page. */
export function frameBuffers(frame: TissueFrame): ArrayBuffer[] {
  return frame.patches.flatMap((p) => [
    p.mesenchymal.buffer,
    p.epithelial.buffer,
    p.ecm.buffer,
    p.mmp.buffer,
  ]) as ArrayBuffer[];
}
