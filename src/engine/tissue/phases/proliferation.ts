/**
 * Growth (and colonisation, in a secondary patch): a cell divides when its
 * doubling time has passed since its last division (or since step 0: the initial
 * cells divide together, as in Franssen et al. 2019). The daughter takes a place
 * at the mother's point if there is room, otherwise at a neighbour with room,
 * chosen at random; with no room anywhere near, the division is lost and the
 * clock starts again (contact inhibition), which keeps a full interior from
 * retrying every step.
 */
import { addCell } from '../cells.ts';
import type { TissueContext } from '../context.ts';
import { MESENCHYMAL } from '../lattice.ts';

export function divide(ctx: TissueContext): void {
  const rand = ctx.streams['tissue-proliferation'];
  const { capacity, doublingSteps } = ctx.k;
  const now = ctx.state.step + 1;
  const free = [0, 0, 0, 0];
  for (const patch of ctx.state.patches) {
    const cells = ctx.state.cells[patch.index];
    if (!cells || cells.earliestDivision > now) continue;
    const { occupancy, mesenchymal, stride } = patch;
    const neighbours = [-1, 1, -stride, stride];
    const n = cells.n;
    let earliest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const due = cells.nextDivision[i] as number;
      if (due > now) {
        if (due < earliest) earliest = due;
        continue;
      }
      const type = cells.type[i] as number;
      const next = now + (doublingSteps[type] as number);
      cells.nextDivision[i] = next;
      if (next < earliest) earliest = next;
      const p = cells.pos[i] as number;
      let target = -1;
      if ((occupancy[p] as number) < capacity) target = p;
      else {
        let count = 0;
        for (const offset of neighbours) {
          if ((occupancy[p + offset] as number) < capacity) free[count++] = p + offset;
        }
        if (count === 1) target = free[0] as number;
        else if (count > 1) target = free[Math.floor(rand() * count)] as number;
      }
      if (target < 0) continue;
      occupancy[target] = (occupancy[target] as number) + 1;
      if (type === MESENCHYMAL) mesenchymal[target] = (mesenchymal[target] as number) + 1;
      addCell(cells, target, type, next);
      ctx.state.counters.births[patch.index] = (ctx.state.counters.births[patch.index] as number) + 1;
    }
    // Daughters (appended after n) are due at `next` too, already counted in `earliest`.
    cells.earliestDivision = earliest;
  }
}
