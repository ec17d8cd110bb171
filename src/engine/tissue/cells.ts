/**
 * The cells of one patch as structure-of-arrays: position (a padded lattice
 * index), type and the step of the next division. A removed cell is marked with
 * position -1 and the store is compacted once, after the phase that removed it,
 * so the order of the remaining cells never changes within a step.
 *
 * A patch whose vessels take cells in also keeps the cells of each point as a
 * linked list (`atPoint`, `nextAt`), so that an entry finds the cells on a vessel
 * point and its neighbours without scanning the whole store. Positions change
 * only through `addCell`, `moveCell`, `takePoint` and `compact`, which keep the
 * lists in step.
 */
import { MESENCHYMAL } from './lattice.ts';

/** Ends a list of `atPoint` / `nextAt`. */
export const NONE = -1;

export interface Cells {
  n: number;
  pos: Int32Array;
  type: Uint8Array;
  nextDivision: Int32Array;
  /** No cell divides before this step: the division phase skips the store until then. */
  earliestDivision: number;
  /** Per lattice point, the first cell there (or NONE); empty in a store without the index. */
  atPoint: Int32Array;
  /** Per cell, the next cell at the same point (or NONE); unused without the index. */
  nextAt: Int32Array;
}

/** A store; with `points` > 0 (the patch's padded size) it keeps the per-point index. */
export function createCells(capacity = 1024, points = 0): Cells {
  return {
    n: 0,
    pos: new Int32Array(capacity),
    type: new Uint8Array(capacity),
    nextDivision: new Int32Array(capacity),
    earliestDivision: Number.POSITIVE_INFINITY,
    atPoint: new Int32Array(points).fill(NONE),
    nextAt: new Int32Array(points > 0 ? capacity : 0),
  };
}

export function addCell(c: Cells, pos: number, type: number, nextDivision: number): void {
  if (c.n === c.pos.length) {
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    c.pos = grow(c.pos, (n) => new Int32Array(n));
    c.type = grow(c.type, (n) => new Uint8Array(n));
    c.nextDivision = grow(c.nextDivision, (n) => new Int32Array(n));
    if (c.atPoint.length > 0) c.nextAt = grow(c.nextAt, (n) => new Int32Array(n));
  }
  c.pos[c.n] = pos;
  c.type[c.n] = type;
  c.nextDivision[c.n] = nextDivision;
  if (c.atPoint.length > 0) link(c, c.n, pos);
  c.n++;
  if (nextDivision < c.earliestDivision) c.earliestDivision = nextDivision;
}

/** Moves cell i to point `to`. */
export function moveCell(c: Cells, i: number, to: number): void {
  if (c.atPoint.length > 0) {
    unlink(c, i, c.pos[i] as number);
    link(c, i, to);
  }
  c.pos[i] = to;
}

/**
 * Marks every cell at `point` removed and calls `each` with its index, in no
 * particular order; needs the index. The caller compacts the store afterwards.
 */
export function takePoint(c: Cells, point: number, each: (i: number) => void): void {
  if (c.atPoint.length === 0) throw new Error('takePoint needs a store with the per-point index');
  let i = c.atPoint[point] as number;
  c.atPoint[point] = NONE;
  while (i !== NONE) {
    c.pos[i] = -1;
    each(i);
    i = c.nextAt[i] as number;
  }
}

/** Drops the cells marked removed (position -1), keeping the order of the others. */
export function compact(c: Cells): void {
  let w = 0;
  for (let r = 0; r < c.n; r++) {
    const p = c.pos[r] as number;
    if (p < 0) continue;
    if (w !== r) {
      c.pos[w] = p;
      c.type[w] = c.type[r] as number;
      c.nextDivision[w] = c.nextDivision[r] as number;
    }
    w++;
  }
  c.n = w;
  if (c.atPoint.length === 0) return;
  // The cells' numbers changed: relink every point that holds one (rare: only after an entry).
  for (let j = 0; j < w; j++) c.atPoint[c.pos[j] as number] = NONE;
  for (let j = 0; j < w; j++) link(c, j, c.pos[j] as number);
}

function link(c: Cells, i: number, point: number): void {
  c.nextAt[i] = c.atPoint[point] as number;
  c.atPoint[point] = i;
}

function unlink(c: Cells, i: number, point: number): void {
  let j = c.atPoint[point] as number;
  if (j === i) {
    c.atPoint[point] = c.nextAt[i] as number;
    return;
  }
  // At most `capacity` cells share a point, so the walk is short.
  while (j !== NONE) {
    const after = c.nextAt[j] as number;
    if (after === i) {
      c.nextAt[j] = c.nextAt[i] as number;
      return;
    }
    j = after;
  }
}

/** Mesenchymal-like cells in the store (the rest are epithelial-like). */
export function mesenchymalCount(c: Cells): number {
  let m = 0;
  for (let i = 0; i < c.n; i++) if (c.type[i] === MESENCHYMAL) m++;
  return m;
}
