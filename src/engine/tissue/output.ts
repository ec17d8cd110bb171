/**
 * The files of a tissue run, as text: the same bytes from the command line, the
 * web app's export and the batch runner.
 */
import { FUNNEL_COLUMNS, seriesCsv, toCsv } from '../output.ts';
import { patchName } from './context.ts';
import { MESENCHYMAL, pointX, pointY } from './lattice.ts';
import type { TissueResult, TissueSimulation } from './simulation.ts';

// The run's event columns first (as at the patient scale), then where on the lattice.
const EVENT_COLUMNS = [
  'day',
  'type',
  'site',
  'value',
  'detail',
  'step',
  'patch',
  'x',
  'y',
  'mesenchymal',
  'epithelial',
];

/** Every cell at the end of the run: patch, lattice point and type. */
function cellsCsv(sim: TissueSimulation): string {
  const lines = ['patch,x,y,type'];
  sim.ctx.state.patches.forEach((patch, i) => {
    const cells = sim.ctx.state.cells[i];
    if (!cells) return;
    for (let j = 0; j < cells.n; j++) {
      const p = cells.pos[j] as number;
      const type = cells.type[j] === MESENCHYMAL ? 'mesenchymal' : 'epithelial';
      lines.push(`${patchName(i)},${pointX(patch, p)},${pointY(patch, p)},${type}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

export function tissueFiles(r: TissueResult, sim: TissueSimulation): Record<string, string> {
  return {
    'timeseries.csv': seriesCsv(r.series),
    'events.csv': toCsv(r.events, EVENT_COLUMNS),
    'funnel.csv': toCsv(r.funnel, FUNNEL_COLUMNS),
    'cells.csv': cellsCsv(sim),
    'summary.json': `${JSON.stringify(r.summary, null, 2)}\n`,
    'manifest.json': `${JSON.stringify(r.manifest, null, 2)}\n`,
  };
}

export function tissueHumanSummary(r: TissueResult): string {
  const s = r.summary;
  const f = s.funnel;
  return [
    `${s.scenario} — seed ${s.seed}, replicate ${s.replicate}: ${s.steps} steps (${s.hours.toFixed(1)} h, tissue scale)`,
    ...s.patches.map(
      (p) =>
        `  ${p.name}: ${p.mesenchymal} mesenchymal, ${p.epithelial} epithelial (${p.births} born${p.patch > 0 ? `, ${p.arrived} arrived, first ${p.firstArrivalStep < 0 ? 'never' : `step ${p.firstArrivalStep} (${p.firstArrivalHours.toFixed(1)} h)`}` : ''})`,
    ),
    `  invasion front (99th percentile from centre): mesenchymal ${s.frontMesenchymalUm.toFixed(0)} µm, epithelial ${s.frontEpithelialUm.toFixed(0)} µm`,
    `  vasculature: ${f.intravasations} entries, ${f.intravasated} cells (${f.enteredAsSingle} alone, ${f.enteredInCluster} in clusters) -> died ${(f.diedSingle ?? 0) + (f.diedInCluster ?? 0)}, survived ${(f.survivedSingle ?? 0) + (f.survivedInCluster ?? 0)} -> settled ${f.arrived}, no room ${f.lostNoRoom}; still inside ${f.inVasculature}`,
  ].join('\n');
}
