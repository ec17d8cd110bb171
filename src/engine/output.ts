/**
 * The files of a run, as text: the same bytes whether written by the command line,
 * offered for download by the web app or compared in a test. Numbers are written
 * with JavaScript's shortest round-trip form, so a CSV reads back to the same doubles.
 */
import type { SimulationResult } from './simulation.ts';

function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(rows: readonly object[], columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  const lines = [cols.join(',')];
  for (const r of rows) lines.push(cols.map((c) => cell((r as Record<string, unknown>)[c])).join(','));
  return `${lines.join('\n')}\n`;
}

export function seriesCsv(series: Record<string, number[]>): string {
  const cols = Object.keys(series);
  const n = series[cols[0] ?? '']?.length ?? 0;
  const lines = [cols.join(',')];
  for (let i = 0; i < n; i++) lines.push(cols.map((c) => cell(series[c]?.[i])).join(','));
  return `${lines.join('\n')}\n`;
}

const EVENT_COLUMNS = ['day', 'type', 'site', 'tumour', 'value', 'detail'];
const METASTASIS_COLUMNS = [
  'id',
  'kind',
  'count',
  'site',
  'founded_day',
  'dissemination_day',
  'origin',
  'route',
  'timing',
  'generation',
  'primary_cells_at_dissemination',
  'primary_diameter_at_dissemination_mm',
  'founder_cells',
  'founder_drivers',
  'drivers_now',
  'cells',
  'diameter_mm',
  'size_class',
  'vascular',
  'shared_mutations',
  'private_mutations',
];
export const FUNNEL_COLUMNS = ['stage', 'route', 'timing', 'count', 'unit'];

/** File name to content for one run. */
export function runFiles(r: SimulationResult): Record<string, string> {
  return {
    'timeseries.csv': seriesCsv(r.series),
    'events.csv': toCsv(r.events, EVENT_COLUMNS),
    'metastases.csv': toCsv(r.metastases, METASTASIS_COLUMNS),
    'funnel.csv': toCsv(r.funnel, FUNNEL_COLUMNS),
    'summary.json': `${JSON.stringify(r.summary, null, 2)}\n`,
    'manifest.json': `${JSON.stringify(r.manifest, null, 2)}\n`,
  };
}

/**
 * A few lines for a person at a terminal. Each count carries its unit and says which
 * of summary.json's keys it is: colonies (colonies.*) are never mixed with cells
 * (the funnel's stages, dormant and settling DTCs).
 */
export function humanSummary(r: SimulationResult): string {
  const s = r.summary;
  const c = s.colonies;
  const day = (d: number) => (d < 0 ? 'never' : `day ${Math.round(d)} (year ${(d / 365.25).toFixed(1)})`);
  const f = s.funnel;
  const share = s.earlyShare === null ? 'undefined (no colony alive)' : `${(100 * s.earlyShare).toFixed(0)}%`;
  return [
    `${s.scenario} — seed ${s.seed}, replicate ${s.replicate}: ${Math.round(s.daysSimulated)} days, ${s.outcome === 'death' ? `died ${day(s.deathDay)}` : 'alive at end'}`,
    `  primary detected: ${day(s.primary.detectedDay)}${s.primary.detectionMode ? ` by ${s.primary.detectionMode}` : ''}; surgery: ${day(s.surgeryDay)}`,
    `  first dissemination: ${day(s.firstDisseminationDay)}; first macrometastasis: ${day(s.firstMacroDay)}`,
    `  recurrence: ${s.recurrence.day < 0 ? 'none' : `${s.recurrence.type}, ${day(s.recurrence.day)}`}`,
    `  colonies founded: ${c.founded} (directly ${c.foundedDirectly}, by waking dormant cells ${c.foundedByWaking}); extinct ${c.extinct}, removed ${c.removed}`,
    `  colonies alive: ${c.alive} (ITC size ${c.itc}, micrometastases ${c.micro}, macrometastases ${c.macro}); early-derived share ${share}`,
    `  disseminated cells now: dormant ${s.dormantCells}${s.settlingCells > 0 ? `, settling ${s.settlingCells}` : ''}`,
    `  funnel (cells): shed ${f.shed} -> killed ${f.killed} -> arrested ${f.arrested} -> extravasated ${f.extravasated} -> dormant ${f.dormant} / founded a colony directly ${f.founded}; woke and founded a colony ${f.dormantWoke}`,
    `  funnel (colonies, each counted once): reached micrometastasis size ${f.micro} -> macrometastasis size ${f.macro}`,
  ].join('\n');
}
