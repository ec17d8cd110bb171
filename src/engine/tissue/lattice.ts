/**
 * One patch of tissue: a square lattice stored with a one-point frame of ghost
 * points around it, so every interior point has four neighbours at fixed offsets
 * (±1, ±stride) and the stencils need no edge tests. Ghost points are never
 * occupied (their occupancy is GHOST, above any capacity, so no cell moves or is
 * born there). A field's ghosts are copies of the point one inside (a zero-flux
 * edge), made for their readers (phases/fields.ts): the ECM's after each field
 * update, for haptotaxis; MMP-2's just before the update, its only reader.
 * Between steps the MMP-2 ghosts are stale, and with an odd side its right ghost
 * column holds what the kernel wrote there (the last pair of a row takes in the
 * ghost): only the interior of MMP-2 is a value of the model.
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
   * All patches of a run share it (createPatches). It does not grow during the
   * run, so the views below stay valid.
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

/** Bytes of one patch's part of the memory: MMP-2, ECM, the scratch row, the counts and 16 bytes. */
function patchBytes(side: number): number {
  const stride = side + 2;
  const size = stride * stride;
  // Each part starts on a 64-byte line, so the kernel's 16-byte loads line up as in a memory of its own.
  return Math.ceil((8 * (2 * size + stride) + size + 16) / 64) * 64;
}

const PAGE = 65_536;

/**
 * One WebAssembly memory lent to runs made one after another, each finished
 * before the next starts (a worker's batch replicates): each run takes it over,
 * growing it when too small. Empty until the first run.
 */
export interface FieldArena {
  memory?: WebAssembly.Memory;
}

/**
 * The patches of one run (the first sheds into the vasculature, the others are
 * secondary), their fields in one WebAssembly memory sized for all of them up
 * front, which the run never grows: the arena's when one is given, else a new one.
 *
 * Why so few memories: V8 reserves about 10 GB of address space for each
 * (guard regions that let the kernel skip bounds checks) however small it is,
 * and a virtual-memory limit (`ulimit -v`, which Slurm passes to its jobs)
 * counts that reservation. A memory per patch made a run of three patches
 * reserve 30 GB. A run's own memory is released when the run is collected, and
 * when a reservation fails V8 collects the garbage of that thread and tries
 * again; but not another thread's, so in a batch a worker could fail while
 * another still held finished runs' memories. A worker's arena holds one
 * reservation for all its runs. The engine keeps no memory of its own between
 * runs: a thread may hold several runs at once (the page, tests, benches), and
 * only the caller knows that a run is finished.
 */
export function createPatches(count: number, side: number, arena?: FieldArena): Patch[] {
  const stride = side + 2;
  const size = stride * stride;
  const bytes = patchBytes(side);
  const pages = Math.ceil((count * bytes) / PAGE);
  let memory = arena?.memory;
  if (!memory) memory = new WebAssembly.Memory({ initial: pages });
  else {
    const have = memory.buffer.byteLength / PAGE;
    if (have < pages) memory.grow(pages - have);
    // A fresh memory's zeros: the previous run's values must not leak into this one.
    new Uint8Array(memory.buffer, 0, count * bytes).fill(0);
  }
  if (arena) arena.memory = memory;
  const buffer = memory.buffer;
  return Array.from({ length: count }, (_, index) => {
    const occupancy = new Uint8Array(size).fill(GHOST);
    for (let y = 1; y <= side; y++) {
      for (let x = 1; x <= side; x++) {
        occupancy[y * stride + x] = 0;
      }
    }
    // MMP-2, ECM, the scratch row, then the counts and 16 bytes that the kernel's
    // eight-byte reads of the counts may touch past the last point.
    const at = index * bytes;
    const countsAt = at + 8 * (2 * size + stride);
    const ecm = new Float64Array(buffer, at + 8 * size, size);
    ecm.fill(1);
    return {
      index,
      side,
      stride,
      occupancy,
      memory,
      mesenchymal: new Uint8Array(buffer, countsAt, size),
      mmp: new Float64Array(buffer, at, size),
      ecm,
      scratch: new Float64Array(buffer, at + 16 * size, stride),
      vessel: new Uint8Array(size),
      vesselPoints: [],
      sheds: index === 0,
      fieldsActive: false,
    };
  });
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
