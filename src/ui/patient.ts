/**
 * The patient view: the charts over years, the body map, the eight phases with
 * the run's counts, and the feed of what just happened. It is the page's View
 * (view.ts) of patient runs.
 */
import { asPatient } from '../engine/scenario.ts';
import type { Scenario } from '../engine/schema.ts';
import { drawBodyMap } from './bodymap.ts';
import { chartPng } from './chart-export.ts';
import { createRunCharts } from './charts.ts';
import type { Speeds, View } from './view.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const YEAR = 365.25;

/** Days per frame; the page's markup offers the same before the first run opens. */
const SPEEDS: Speeds = {
  options: [
    { value: 30, label: '1 month per frame' },
    { value: 90, label: '3 months per frame' },
    { value: 365, label: '1 year per frame' },
    { value: 3650, label: '10 years per frame' },
  ],
  initial: 365,
};

const PHASES: [string, string, string][] = [
  [
    'Growth',
    'Cells divide and die; the tumour grows towards its capacity K (stochastic Gompertz).',
    'primary',
  ],
  [
    'Angiogenesis',
    'Without new vessels a tumour stays below about a million cells (1–2 mm); the switch lets it grow.',
    'switch',
  ],
  ['Invasion and intravasation', 'Invasive cells enter blood and lymph, alone or in clusters.', 'shed'],
  ['Circulation', 'Most circulating cells are killed by NK cells and shear within hours.', 'killed'],
  ['Arrest', 'Survivors stop in the first capillary bed or lymph node they meet.', 'arrested'],
  ['Extravasation', 'Most arrested cells leave the vessel; how many depends on the soil.', 'extravasated'],
  [
    'Angiogenesis at the new site',
    'A new colony is avascular and must make its own switch to grow past 2 mm.',
    'micro',
  ],
  [
    'Colonisation or dormancy',
    'A settled cell dies, sleeps as a dormant cell, or founds a colony; few become macrometastases.',
    'macro',
  ],
];

/**
 * The unit of a phase's count: the funnel's stages count cells, except micro and
 * macro, which count colonies that have reached that size (each once, as in the
 * funnel chart and summary.json's `funnel`).
 */
const PHASE_UNITS: Record<string, [string, string]> = {
  micro: ['micrometastasis', 'micrometastases'],
  macro: ['macrometastasis', 'macrometastases'],
};

function renderPhases(funnel: Record<string, number>, primaryCells: number, switched: boolean): void {
  const value = (key: string) => {
    if (key === 'primary') return `${primaryCells.toExponential(2)} cells`;
    if (key === 'switch') return switched ? 'switched' : 'avascular';
    const n = funnel[key] ?? 0;
    const [one, many] = PHASE_UNITS[key] ?? ['cell', 'cells'];
    return `${n} ${n === 1 ? one : many}${key in PHASE_UNITS ? ' so far' : ''}`;
  };
  $('phases').replaceChildren(
    ...PHASES.map(([name, text, key]) => {
      const li = document.createElement('li');
      li.innerHTML = `<b>${name}</b> <span class="value" data-phase="${key}">${value(key)}</span><br>${text}`;
      return li;
    }),
  );
}

const EVENT_TEXT: Record<string, (site: string, value: number, detail: string) => string> = {
  first_dissemination: (_s, v, d) =>
    `First cell left the primary (by ${d}) when it had ${v.toExponential(1)} cells.`,
  angiogenic_switch: (s) => `Angiogenic switch at ${s}: new vessels let it grow.`,
  detection: (_s, v, d) => `Primary found by ${d} at ${v.toFixed(1)} mm.`,
  metastasis_at_diagnosis: () => 'A metastasis was already visible at diagnosis.',
  surgery: (_s, v) => `Surgery removed the primary (${v} cells left behind).`,
  node_status: (s, _v, d) => `${s}: ${d}.`,
  chemotherapy_cycle: (_s, v) => `Chemotherapy cycle ${v}.`,
  endocrine_start: () => 'Endocrine therapy started.',
  endocrine_end: () => 'Endocrine therapy ended.',
  radiotherapy: () => 'Radiotherapy to the breast and nodes.',
  first_colony: (s) => `A disseminated cell started a colony in ${s}.`,
  first_micro: (s) => `First micrometastasis in ${s}.`,
  first_macro: (s) => `First macrometastasis in ${s}.`,
  recurrence: (s, _v, d) => `Recurrence (${d}) in ${s}.`,
  death: () => 'The tumour burden reached the lethal level.',
};

export function createPatientView(): View {
  const charts = createRunCharts((id) => $<HTMLCanvasElement>(id));
  const feed = $('feed');
  let scenario: Scenario | undefined;
  /** The latest value of every time-series column. */
  let latest: Record<string, number> = {};
  let switched = false;

  const open = (): Scenario => {
    if (!scenario) throw new Error('no run is open');
    return scenario;
  };

  return {
    show(shown) {
      $('charts').hidden = !shown;
      $('story-patient').hidden = !shown;
    },
    reset(next) {
      const s = asPatient(next);
      scenario = s;
      latest = {};
      switched = false;
      feed.replaceChildren();
      const cellsAt = (mm: number) => (Math.PI / 6) * mm ** 3 * s.body.cellsPerMm3;
      charts.reset(cellsAt(s.clinical.symptomaticMm), cellsAt(s.clinical.screening.thresholdMm));
    },
    speeds: () => SPEEDS,
    frameDays: (days) => days,
    interval() {
      const days = open().time.observeEveryDays;
      return { days, text: `one observation interval (${days} days)` };
    },
    wantsFields: () => false,
    apply(chunk) {
      charts.append(chunk.columns);
      const n = chunk.columns.day?.length ?? 0;
      if (n > 0) for (const [k, col] of Object.entries(chunk.columns)) latest[k] = col[n - 1] as number;
      const funnel = chunk.funnel;
      charts.siteBars(latest);
      charts.funnel(funnel);
      drawBodyMap($<SVGSVGElement & HTMLElement>('body-map'), latest);
      for (const e of chunk.events) {
        if (e.type === 'angiogenic_switch' && e.site === 'primary') switched = true;
        const li = document.createElement('li');
        li.dataset.type = e.type;
        li.textContent = `Year ${(e.day / YEAR).toFixed(1)}: ${EVENT_TEXT[e.type]?.(e.site, e.value, e.detail) ?? e.type}`;
        feed.prepend(li);
      }
      renderPhases(funnel, latest.primary_cells ?? 0, switched);
      const day = Math.round(chunk.day);
      return {
        text: `Day ${day} (year ${(chunk.day / YEAR).toFixed(1)})`,
        where: `day ${day}`,
        data: {
          day: String(chunk.day),
          shed: String(funnel.shed ?? 0),
          primaryCells: String(latest.primary_cells ?? 0),
        },
      };
    },
    images: () => charts.all.map((c, i): [string, string] => [`chart-${i + 1}.png`, chartPng(c)]),
  };
}
