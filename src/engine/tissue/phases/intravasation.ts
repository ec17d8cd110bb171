/**
 * Intravasation (Franssen et al. 2019): a cell that steps onto a vessel point
 * enters the vasculature if the vessel lets it lead — a ruptured vessel lets any
 * cell lead, a normal one only a mesenchymal-like cell — and it takes along every
 * cell on the vessel point and its four neighbours, so epithelial-like cells
 * reach normal vessels only in company. One entry is one cluster (or a single
 * cell when it was alone); it leaves the vasculature after a fixed time.
 */
import { takePoint } from '../cells.ts';
import { daysOf, patchName, type TissueContext } from '../context.ts';
import { MESENCHYMAL, NO_VESSEL, type Patch, pointX, pointY, RUPTURED } from '../lattice.ts';

export function canLead(patch: Patch, point: number, type: number): boolean {
  const v = patch.vessel[point] as number;
  return patch.sheds && (v === RUPTURED || (v !== NO_VESSEL && type === MESENCHYMAL));
}

/** Moves the cells around `point` into the vasculature; they are marked removed (compacted later). */
export function intravasate(ctx: TissueContext, patch: Patch, point: number): void {
  const cells = ctx.state.cells[patch.index];
  if (!cells) return;
  const s = patch.stride;
  let nM = 0;
  let nE = 0;
  // The store's per-point index gives the cells of the five points directly.
  for (const q of [point, point - 1, point + 1, point - s, point + s]) {
    takePoint(cells, q, (i) => {
      patch.occupancy[q] = (patch.occupancy[q] as number) - 1;
      if (cells.type[i] === MESENCHYMAL) {
        patch.mesenchymal[q] = (patch.mesenchymal[q] as number) - 1;
        nM++;
      } else nE++;
    });
  }
  const { state, k } = ctx;
  const v = state.vasculature;
  v.exitStep.push(state.step + 1 + k.vasculatureSteps);
  v.mesenchymal.push(nM);
  v.epithelial.push(nE);
  const c = state.counters;
  const n = nM + nE;
  c.intravasations++;
  c.intravasatedCells += n;
  c.intravasatedMesenchymal += nM;
  c.intravasatedEpithelial += nE;
  if (n === 1) c.enteredAsSingle++;
  else c.enteredInCluster += n;
  state.events.push({
    day: daysOf(ctx, state.step + 1),
    type: 'intravasation',
    site: patchName(patch.index),
    value: n,
    detail: patch.vessel[point] === RUPTURED ? 'ruptured vessel' : 'normal vessel',
    step: state.step + 1,
    patch: patch.index,
    x: pointX(patch, point),
    y: pointY(patch, point),
    mesenchymal: nM,
    epithelial: nE,
  });
}
