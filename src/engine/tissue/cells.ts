/**
 * The cells of one patch as structure-of-arrays: position (a padded lattice
 * index), type and the step of the next division. A removed cell is marked with
 * position -1 and the store is compacted once, after the phase that removed it,
 * so the order of the remaining cells never changes within a step.
 */
import { MESENCHYMAL } from './lattice.ts';

export interface Cells {
  n: number;
  pos: Int32Array;
  type: Uint8Array;
  nextDivision: Int32Array;
  /** No cell divides before this step: the division phase skips the store until then. */
  earliestDivision: number;
}

export function createCells(capacity = 1024): Cells {
  return {
    n: 0,
    pos: new Int32Array(capacity),
    type: new Uint8Array(capacity),
    nextDivision: new Int32Array(capacity),
    earliestDivision: Number.POSITIVE_INFINITY,
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
  }
  c.pos[c.n] = pos;
  c.type[c.n] = type;
  c.nextDivision[c.n] = nextDivision;
  c.n++;
  if (nextDivision < c.earliestDivision) c.earliestDivision = nextDivision;
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
}

/** Mesenchymal-like cells in the store (the rest are epithelial-like). */
export function mesenchymalCount(c: Cells): number {
  let m = 0;
  for (let i = 0; i < c.n; i++) if (c.type[i] === MESENCHYMAL) m++;
  return m;
}
