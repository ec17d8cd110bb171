/**
 * One patch of tissue: a square lattice stored with a one-point frame of ghost
 * points around it, so every interior point has four neighbours at fixed offsets
 * (±1, ±stride) and the stencils need no edge tests. Ghost points are never
 * occupied (their occupancy is GHOST, above any capacity, so no cell moves or is
 * born there) and the field ghosts mirror the point one inside (a zero-flux edge).
 */

/** Occupancy of a ghost point: larger than any capacity the schema allows. */
export const GHOST = 255;

export const NO_VESSEL = 0;
export const NORMAL = 1;
export const RUPTURED = 2;
/** A vessel in a secondary patch, where survivors leave the blood. */
export const ARRIVAL = 3;

export const MESENCHYMAL = 0;
export const EPITHELIAL = 1;

export interface Patch {
  index: number;
  side: number;
  stride: number;
  /** Cells per point. */
  occupancy: Uint8Array;
  /**
   * The WebAssembly memory that holds the fields, the scratch row and the
   * mesenchymal-like counts, the field kernel's whole input (phases/fields.ts).
   * It never grows, so the views below stay valid.
   */
  memory: WebAssembly.Memory;
  /** Mesenchymal-like cells per point (the epithelial-like ones are the rest). */
  mesenchymal: Uint8Array;
  /** MMP-2 and ECM. */
  mmp: Float64Array;
  ecm: Float64Array;
  /** One row of scratch for the in-place MMP-2 update. */
  scratch: Float64Array;
  vessel: Uint8Array;
  /** Padded indices of the vessel points, in the order they were placed. */
  vesselPoints: number[];
  /** Only the primary patch loses cells to its vessels. */
  sheds: boolean;
  /**
   * False until a mesenchymal-like cell has been in the patch: before that MMP-2
   * is zero everywhere and the ECM untouched, so the field update would change
   * nothing and is skipped (exactly, not approximately).
   */
  fieldsActive: boolean;
}

export function createPatch(index: number, side: number, sheds: boolean): Patch {
  const stride = side + 2;
  const size = stride * stride;
  const occupancy = new Uint8Array(size).fill(GHOST);
  for (let y = 1; y <= side; y++) {
    for (let x = 1; x <= side; x++) {
      occupancy[y * stride + x] = 0;
    }
  }
  // MMP-2, ECM, the scratch row, then the counts and 16 bytes that the kernel's
  // eight-byte reads of the counts may touch past the last point.
  const countsAt = 8 * (2 * size + stride);
  const memory = new WebAssembly.Memory({ initial: Math.ceil((countsAt + size + 16) / 65536) });
  const ecm = new Float64Array(memory.buffer, 8 * size, size);
  ecm.fill(1);
  return {
    index,
    side,
    stride,
    occupancy,
    memory,
    mesenchymal: new Uint8Array(memory.buffer, countsAt, size),
    mmp: new Float64Array(memory.buffer, 0, size),
    ecm,
    scratch: new Float64Array(memory.buffer, 16 * size, stride),
    vessel: new Uint8Array(size),
    vesselPoints: [],
    sheds,
    fieldsActive: false,
  };
}

/** Padded index of lattice point (x, y), both 0-based. */
export function pointIndex(p: Patch, x: number, y: number): number {
  return (y + 1) * p.stride + x + 1;
}

export function pointX(p: Patch, i: number): number {
  return (i % p.stride) - 1;
}

export function pointY(p: Patch, i: number): number {
  return Math.floor(i / p.stride) - 1;
}

/** Copies the first interior row/column beyond each edge into the ghosts: a zero-flux edge. */
export function mirrorEdges(p: Patch, f: Float64Array): void {
  const { side, stride } = p;
  for (let k = 1; k <= side; k++) {
    f[k] = f[2 * stride + k] as number;
    f[(side + 1) * stride + k] = f[(side - 1) * stride + k] as number;
    f[k * stride] = f[k * stride + 2] as number;
    f[k * stride + side + 1] = f[k * stride + side - 1] as number;
  }
}

/**
 * The `count` points nearest the centre, nearest first (ties in row order), as
 * padded indices: the initial tumour's disc and the vessel-free zone around it.
 */
export function centralPoints(p: Patch, count: number): number[] {
  const c = (p.side - 1) / 2;
  const all: { i: number; d: number }[] = [];
  for (let y = 0; y < p.side; y++) {
    for (let x = 0; x < p.side; x++) all.push({ i: pointIndex(p, x, y), d: (x - c) ** 2 + (y - c) ** 2 });
  }
  all.sort((a, b) => a.d - b.d || a.i - b.i);
  return all.slice(0, count).map((e) => e.i);
}
