/**
 * Arrest and extravasation: a surviving cluster or single cell arrives in
 * secondary patch k with probability E_k, at one of that patch's vessel points
 * chosen at random, and settles on the vessel point and its four neighbours in a
 * fixed order (here, left, right, down, up), mesenchymal-like cells first, as far
 * as their capacity allows. A cell that finds no room dies there (counted).
 * With no secondary patch listed, survivors leave the modelled tissue (counted).
 */
import { addCell } from '../cells.ts';
import { daysOf, patchName, type TissueContext } from '../context.ts';
import { EPITHELIAL, MESENCHYMAL, pointX, pointY } from '../lattice.ts';

export function extravasate(ctx: TissueContext, m: number, e: number): void {
  const rand = ctx.streams['tissue-extravasation'];
  const { state, k, params } = ctx;
  const shares = params.vasculature.arrivalShares;
  let u = rand();
  let j = 0;
  while (j < shares.length - 1 && u >= (shares[j] as number)) u -= shares[j++] as number;
  const patch = state.patches[j + 1];
  const cells = state.cells[j + 1];
  if (!patch || !cells || patch.vesselPoints.length === 0) {
    state.counters.leftModel += m + e;
    return;
  }
  const point = patch.vesselPoints[Math.floor(rand() * patch.vesselPoints.length)] as number;
  const s = patch.stride;
  const places = [point, point - 1, point + 1, point - s, point + s];
  const now = state.step + 1;
  let settled = 0;
  let place = 0;
  const settle = (type: number, count: number) => {
    for (let n = 0; n < count; n++) {
      while (place < places.length && (patch.occupancy[places[place] as number] as number) >= k.capacity)
        place++;
      if (place === places.length) return;
      const q = places[place] as number;
      patch.occupancy[q] = (patch.occupancy[q] as number) + 1;
      if (type === MESENCHYMAL) {
        patch.mesenchymal[q] = (patch.mesenchymal[q] as number) + 1;
        patch.fieldsActive = true;
      }
      addCell(cells, q, type, now + (k.doublingSteps[type] as number));
      settled++;
    }
  };
  settle(MESENCHYMAL, m);
  settle(EPITHELIAL, e);
  const c = state.counters;
  c.arrived[patch.index] = (c.arrived[patch.index] as number) + settled;
  c.lostNoRoom += m + e - settled;
  if (state.firstArrivalStep[patch.index] === -1 && settled > 0) state.firstArrivalStep[patch.index] = now;
  state.events.push({
    day: daysOf(ctx, now),
    type: m + e > 1 ? 'cluster_arrival' : 'single_arrival',
    site: patchName(patch.index),
    value: m + e,
    detail: settled < m + e ? `${m + e - settled} found no room` : '',
    step: now,
    patch: patch.index,
    x: pointX(patch, point),
    y: pointY(patch, point),
    mesenchymal: m,
    epithelial: e,
  });
}
