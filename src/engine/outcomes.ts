/**
 * One row of outcomes per replicate: what batch runs (runs.csv) and the web app's
 * compare view summarise (analysis/comparison.ts reads it for both). Days are -1
 * when the event never happened; the early share is -1 when no colony is alive (it
 * is undefined, not zero).
 */
import { METASTATIC_SITES, ORGANS, SITES } from './schema.ts';
import type { SimulationResult } from './simulation.ts';
import { diameterMm, type RunEvent, SIZE_CLASSES } from './state.ts';

export const OUTCOME_COLUMNS = [
  'outcome',
  'days_simulated',
  'detection_day',
  'primary_mm_at_detection',
  'surgery_day',
  'metastatic_at_diagnosis',
  'stage_at_diagnosis',
  'first_dissemination_day',
  'primary_mm_at_first_seeding',
  'first_colony_day',
  'first_micro_day',
  'first_macro_day',
  'first_distant_macro_day',
  'first_distant_site',
  'recurrence_type',
  'recurrence_day',
  'endocrine_response',
  'death_day',
  'death_site',
  'ctc_per_sample_at_detection',
  'dormant_cells_at_detection',
  'colonies_at_detection',
  'shed_cells',
  'colonies_founded',
  'colonies_alive',
  'metastases',
  'early_share',
  'dormant_cells',
  ...METASTATIC_SITES.flatMap((s) => [`micro_${s}`, `macro_${s}`]),
] as const;

/**
 * The values of the text columns (the rest are numbers): simulation.ts's outcome,
 * clinical.ts's recurrence types and stage, an organ for the first distant site,
 * the disease's answer to endocrine therapy (resistant from the start, escaped
 * during it, or responding throughout), the site holding the largest share of the
 * burden at death; empty when there was none.
 */
export const TEXT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  outcome: ['end', 'death'],
  stage_at_diagnosis: ['localized', 'regional', 'distant', ''],
  first_distant_site: [...ORGANS, ''],
  recurrence_type: ['local', 'regional', 'distant', ''],
  endocrine_response: ['responder', 'resistant', 'escaped', ''],
  death_site: [...SITES, ''],
};

export type OutcomeRow = Record<(typeof OUTCOME_COLUMNS)[number], number | string>;

/** The first macrometastasis in an organ (lymph nodes excluded), if any. */
function firstDistantMacro(events: readonly RunEvent[]): RunEvent | undefined {
  const organs: readonly string[] = ORGANS;
  return events.find((e) => e.type === 'first_macro' && organs.includes(e.site));
}

function endocrineResponse(events: readonly RunEvent[]): string {
  const start = events.find((e) => e.type === 'endocrine_start');
  if (!start) return '';
  if (start.detail === 'resistant') return 'resistant';
  return events.some((e) => e.type === 'endocrine_escape') ? 'escaped' : 'responder';
}

export function outcomeRow(r: SimulationResult): OutcomeRow {
  const s = r.summary;
  const rho = r.manifest.scenario.body.cellsPerMm3;
  const first = (type: string) => r.events.find((e) => e.type === type);
  const firstSeeding = first('first_dissemination');
  const firstMicro = first('first_micro');
  const firstColony = first('first_colony');
  const row: Record<string, number | string> = {
    outcome: s.outcome,
    days_simulated: s.daysSimulated,
    detection_day: s.primary.detectedDay,
    primary_mm_at_detection:
      s.primary.cellsAtDetection >= 0 ? diameterMm(s.primary.cellsAtDetection, rho) : -1,
    surgery_day: s.surgeryDay,
    metastatic_at_diagnosis: s.metastaticAtDiagnosis ? 1 : 0,
    stage_at_diagnosis: s.stageAtDiagnosis,
    first_dissemination_day: s.firstDisseminationDay,
    primary_mm_at_first_seeding: firstSeeding ? diameterMm(firstSeeding.value, rho) : -1,
    first_colony_day: firstColony ? firstColony.day : -1,
    first_micro_day: firstMicro ? firstMicro.day : -1,
    first_macro_day: s.firstMacroDay,
    first_distant_macro_day: firstDistantMacro(r.events)?.day ?? -1,
    first_distant_site: firstDistantMacro(r.events)?.site ?? '',
    recurrence_type: s.recurrence.type,
    recurrence_day: s.recurrence.day,
    endocrine_response: endocrineResponse(r.events),
    death_day: s.deathDay,
    // Where the largest share of the burden was at death: an organ, a node station or the primary.
    death_site: first('death')?.site ?? '',
    ctc_per_sample_at_detection: s.ctcPerSampleAtDetection,
    dormant_cells_at_detection: s.dormantAtDetection,
    colonies_at_detection: s.coloniesAtDetection,
    shed_cells: s.funnel.shed ?? 0,
    colonies_founded: s.colonies.founded,
    colonies_alive: s.colonies.alive,
    metastases: s.colonies.micro + s.colonies.macro,
    early_share: s.earlyShare ?? -1,
    dormant_cells: s.dormantCells,
  };
  for (const site of METASTATIC_SITES)
    for (const cls of SIZE_CLASSES.slice(1)) {
      row[`${cls}_${site}`] = r.metastases.reduce(
        (n, m) => (m.site === site && m.size_class === cls ? n + m.count : n),
        0,
      );
    }
  return row as OutcomeRow;
}
