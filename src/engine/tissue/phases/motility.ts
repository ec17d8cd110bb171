/**
 * Invasion, the cell side: each cell moves to one of its four neighbours or
 * stays, with the probabilities of the discretised diffusion-haptotaxis equation
 * ∂c/∂t = D Δc − χ ∇·(c ∇w) read as a walk (Anderson & Chaplain 1998; Franssen
 * et al. 2019):
 *
 *   left/right = dt/h^2 (D ∓ χ/4 (w[x+1] − w[x−1])),  down/up likewise in y,
 *
 * negative values set to zero and staying taking the rest. The mean drift is
 * χ ∇w and the variance 2 D per axis, as in the continuous equation. A move onto
 * a full point is not made (the capacity holds at every moment); a move onto a
 * vessel the cell may lead into is an intravasation. Cells act in storage order
 * from a random starting cell each step, so no cell always has first pick of a
 * free place.
 *
 * Most cells stay put (at the defaults a cell moves with probability below 2%), so instead of a
 * uniform number per cell the loop jumps from one candidate to the next: each
 * cell is a candidate with probability `bound` (at least any cell's chance to
 * move), the gaps between candidates are geometric, and a candidate's uniform is
 * drawn on [0, bound). That is the same distribution as one uniform per cell,
 * with two draws per candidate (about 4 per 100 cells at the defaults) instead of 100.
 */

import { compact, moveCell } from '../cells.ts';
import type { TissueContext } from '../context.ts';
import { MESENCHYMAL } from '../lattice.ts';
import { canLead, intravasate } from './intravasation.ts';

export function move(ctx: TissueContext): void {
  const rand = ctx.streams['tissue-motility'];
  const { capacity, diffusion, haptotaxis, moveBound: bound } = ctx.k;
  if (bound === 0) return;
  const logStay = Math.log1p(-bound);
  for (const patch of ctx.state.patches) {
    const cells = ctx.state.cells[patch.index];
    if (!cells || cells.n === 0) continue;
    const { occupancy, mesenchymal, ecm, stride } = patch;
    const n = cells.n;
    const start = Math.floor(rand() * n);
    let removed = false;
    for (let k = skip(rand, logStay); k < n; k += 1 + skip(rand, logStay)) {
      let i = start + k;
      if (i >= n) i -= n;
      const p = cells.pos[i] as number;
      if (p < 0) continue;
      const type = cells.type[i] as number;
      const u = bound * rand();
      const d = diffusion[type] as number;
      const h = haptotaxis[type] as number;
      const gx = h * ((ecm[p + 1] as number) - (ecm[p - 1] as number));
      const gy = h * ((ecm[p + stride] as number) - (ecm[p - stride] as number));
      const left = d - gx > 0 ? d - gx : 0;
      const right = d + gx > 0 ? d + gx : 0;
      const down = d - gy > 0 ? d - gy : 0;
      const up = d + gy > 0 ? d + gy : 0;
      let target: number;
      if (u < left) target = p - 1;
      else if (u < left + right) target = p + 1;
      else if (u < left + right + down) target = p - stride;
      else if (u < left + right + down + up) target = p + stride;
      else continue;
      if (canLead(patch, target, type)) {
        intravasate(ctx, patch, target);
        removed = true;
        continue;
      }
      if ((occupancy[target] as number) >= capacity) continue;
      occupancy[p] = (occupancy[p] as number) - 1;
      occupancy[target] = (occupancy[target] as number) + 1;
      if (type === MESENCHYMAL) {
        mesenchymal[p] = (mesenchymal[p] as number) - 1;
        mesenchymal[target] = (mesenchymal[target] as number) + 1;
      }
      moveCell(cells, i, target);
    }
    if (removed) compact(cells);
  }
}

/** Cells passed over before the next candidate: geometric, P(gap = g) = (1 - bound)^g bound. */
function skip(rand: () => number, logStay: number): number {
  if (logStay === Number.NEGATIVE_INFINITY) return 0;
  return Math.floor(Math.log(1 - rand()) / logStay);
}
