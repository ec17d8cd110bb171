/**
 * One row of outcomes per tissue replicate (runs.csv of `seedsoil batch`). Steps
 * are -1 when the event never happened.
 */
import { patchName } from './context.ts';
import type { TissueResult } from './simulation.ts';

/** runs.csv column and the funnel stage it reports. */
const FUNNEL_COLUMNS = [
  ['intravasations', 'intravasations'],
  ['intravasated_cells', 'intravasated'],
  ['entered_as_single', 'enteredAsSingle'],
  ['entered_in_cluster', 'enteredInCluster'],
  ['disaggregated', 'disaggregated'],
  ['died_single', 'diedSingle'],
  ['died_in_cluster', 'diedInCluster'],
  ['survived_single', 'survivedSingle'],
  ['survived_in_cluster', 'survivedInCluster'],
  ['arrived_cells', 'arrived'],
  ['lost_no_room', 'lostNoRoom'],
  ['left_model', 'leftModel'],
  ['in_vasculature', 'inVasculature'],
] as const;

export function tissueOutcomeColumns(patches: number): string[] {
  const perPatch = Array.from({ length: patches }, (_, i) => {
    const name = patchName(i);
    return i === 0
      ? [`${name}_mesenchymal`, `${name}_epithelial`]
      : [`${name}_mesenchymal`, `${name}_epithelial`, `${name}_arrived`, `${name}_first_arrival_step`];
  }).flat();
  return [
    'steps_simulated',
    'hours_simulated',
    ...perPatch,
    ...FUNNEL_COLUMNS.map(([column]) => column),
    'colonised_patches',
    'front_mesenchymal_um',
    'front_epithelial_um',
  ];
}

export function tissueOutcomeRow(r: TissueResult): Record<string, number | string> {
  const s = r.summary;
  const f = s.funnel;
  const row: Record<string, number | string> = { steps_simulated: s.steps, hours_simulated: s.hours };
  for (const p of s.patches) {
    row[`${p.name}_mesenchymal`] = p.mesenchymal;
    row[`${p.name}_epithelial`] = p.epithelial;
    if (p.patch > 0) {
      row[`${p.name}_arrived`] = p.arrived;
      row[`${p.name}_first_arrival_step`] = p.firstArrivalStep;
    }
  }
  for (const [column, stage] of FUNNEL_COLUMNS) row[column] = f[stage] ?? 0;
  row.colonised_patches = s.patches.filter((p) => p.patch > 0 && p.mesenchymal + p.epithelial > 0).length;
  row.front_mesenchymal_um = s.frontMesenchymalUm;
  row.front_epithelial_um = s.frontEpithelialUm;
  return row;
}
