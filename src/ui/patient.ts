/**
 * The patient view: the charts over years, the body map, the eight phases with
 * the run's counts, and the feed of what just happened. It is the page's View
 * (view.ts) of patient runs.
 */
import type { Chunk } from '../../workers/protocol.ts';
import { drawPatientTraits } from '../engine/patient.ts';
import { asPatient } from '../engine/scenario.ts';
import { METASTATIC_SITES, type Scenario } from '../engine/schema.ts';
import { createBodyMap } from './bodymap.ts';
import { chartPng } from './chart-export.ts';
import { createRunCharts } from './charts.ts';
import { yieldToPage } from './tasks.ts';
import type { Milestone, Speeds, View } from './view.ts';
import { cells, count, eventSentence, feedLine, siteThe } from './words.ts';

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

/**
 * The list of phases, built once; `show` writes each phase's count into it (in
 * place, so a streamed chunk does not rebuild the list).
 */
function createPhases(): (funnel: Record<string, number>, primaryCells: number, switched: boolean) => void {
  const values = PHASES.map(([name, text, key]) => {
    const li = document.createElement('li');
    li.dataset.step = key;
    const value = document.createElement('span');
    value.className = 'value';
    value.dataset.phase = key;
    const b = document.createElement('b');
    b.textContent = name;
    li.append(b, ' ', value, document.createElement('br'), text);
    return { li, value, key };
  });
  $('phases').replaceChildren(...values.map((v) => v.li));
  return (funnel, primaryCells, switched) => {
    for (const { value, key } of values) {
      let text: string;
      if (key === 'primary') text = cells(primaryCells);
      else if (key === 'switch') text = switched ? 'switched' : 'avascular';
      else {
        const n = funnel[key] ?? 0;
        const [one, many] = PHASE_UNITS[key] ?? ['cell', 'cells'];
        text = `${count(n, one, many)}${key in PHASE_UNITS ? ' so far' : ''}`;
      }
      if (value.textContent !== text) value.textContent = text;
    }
  };
}

/** The order of the guided mode's stops when several fall on the same day: the order of the phases. */
const STOPS = [
  'shed',
  'circulation',
  'arrest',
  'extravasation',
  'dormant',
  'switch',
  'first_colony',
  'first_micro',
  'site_switch',
  'first_macro',
  'detection',
  'surgery',
];

/**
 * The first time each phase happens in this chunk (guided mode). Events carry
 * their day; phases seen only in the funnel's totals (arrest, extravasation,
 * dormancy) are placed at the chunk's end, or before the first colony event of the
 * chunk, which cannot come before them.
 */
function milestones(chunk: Chunk, latest: Record<string, number>, seen: Set<string>): Milestone[] {
  const out: Milestone[] = [];
  const add = (m: Milestone) => {
    if (seen.has(m.key)) return;
    seen.add(m.key);
    out.push(m);
  };
  const colonyDays = chunk.events
    .filter((e) => e.type.startsWith('first_') && e.type !== 'first_dissemination')
    .map((e) => e.day);
  const funnelDay = Math.min(chunk.day, ...colonyDays);
  for (const e of chunk.events) {
    const where = siteThe(e.site);
    if (e.type === 'first_dissemination')
      add({
        key: 'shed',
        day: e.day,
        text: `Invasion and intravasation: a first cell broke away from the primary tumour and entered ${e.detail === 'blood' ? 'the blood' : 'the lymph'}.`,
        site: 'primary',
        charts: ['chart-funnel'],
        phase: 'shed',
      });
    else if (e.type === 'angiogenic_switch' && e.site === 'primary')
      add({
        key: 'switch',
        day: e.day,
        text: 'Angiogenesis: the primary tumour made its own new blood vessels, so it can now grow past 1–2 mm.',
        site: 'primary',
        charts: ['chart-primary'],
        phase: 'switch',
      });
    else if (e.type === 'angiogenic_switch')
      add({
        key: 'site_switch',
        day: e.day,
        text: `Angiogenesis at the new site: the metastasis in ${where} made its own blood vessels, so it can grow past 2 mm.`,
        site: e.site,
        charts: ['chart-mets'],
        phase: 'micro',
      });
    else if (e.type === 'first_colony')
      add({
        key: 'first_colony',
        day: e.day,
        text: `Colonisation: a disseminated cell in ${where} began to divide and founded a colony.`,
        site: e.site,
        charts: ['chart-mets', 'chart-dtc'],
        phase: 'macro',
      });
    else if (e.type === 'first_micro')
      add({
        key: 'first_micro',
        day: e.day,
        text: `Micrometastasis: a colony in ${where} has grown past 0.2 mm (a micrometastasis, up to 2 mm).`,
        site: e.site,
        charts: ['chart-mets'],
        phase: 'micro',
      });
    else if (e.type === 'first_macro')
      add({
        key: 'first_macro',
        day: e.day,
        text: `Macrometastasis: a metastasis in ${where} has grown past 2 mm.`,
        site: e.site,
        charts: ['chart-mets', 'chart-funnel'],
        phase: 'macro',
      });
    else if (e.type === 'detection')
      add({
        key: 'detection',
        day: e.day,
        text: `Detection: the primary tumour was found by ${e.detail === 'screening' ? 'screening' : 'its symptoms'} at ${e.value.toFixed(1)} mm across.`,
        site: 'primary',
        charts: ['chart-primary'],
        phase: 'primary',
      });
    else if (e.type === 'surgery')
      add({
        key: 'surgery',
        day: e.day,
        text: 'Surgery removed the primary tumour; the cells that had already left it stay in the body.',
        site: 'primary',
        charts: ['chart-primary'],
        phase: 'primary',
      });
  }
  const funnel = chunk.funnel;
  const day = chunk.columns.day;
  const ctc = chunk.columns.ctc_per_sample;
  const firstCtc = ctc ? ctc.findIndex((n) => n > 0) : -1;
  if (firstCtc >= 0 || (funnel.killed ?? 0) > 0)
    add({
      key: 'circulation',
      day: firstCtc >= 0 ? (day?.[firstCtc] as number) : funnelDay,
      text: 'Circulation: tumour cells travel in the blood, where most are killed by immune cells and shear within hours.',
      site: '',
      charts: ['chart-ctc', 'chart-funnel'],
      phase: 'killed',
    });
  if ((funnel.arrested ?? 0) > 0)
    add({
      key: 'arrest',
      day: funnelDay,
      text: 'Arrest: a cell that survived the circulation stopped in the first small vessel or lymph node it met.',
      site: '',
      charts: ['chart-funnel'],
      phase: 'arrested',
    });
  if ((funnel.extravasated ?? 0) > 0)
    add({
      key: 'extravasation',
      day: funnelDay,
      text: 'Extravasation: a cell squeezed out of the vessel into the tissue of a new site.',
      site: '',
      charts: ['chart-funnel'],
      phase: 'extravasated',
    });
  if ((funnel.dormant ?? 0) > 0) {
    const site = METASTATIC_SITES.find((s) => (latest[`dtc_dormant_${s}`] ?? 0) > 0) ?? '';
    add({
      key: 'dormant',
      day: funnelDay,
      text: `Dormancy: a disseminated cell is asleep${site ? ` in ${siteThe(site)}` : ''}; it neither divides nor dies for now, and may wake years later.`,
      site,
      charts: ['chart-dtc', 'chart-funnel'],
      phase: 'macro',
    });
  }
  return out.sort((a, b) => a.day - b.day || STOPS.indexOf(a.key) - STOPS.indexOf(b.key));
}

export async function createPatientView(): Promise<View> {
  const charts = await createRunCharts((id) => $<HTMLCanvasElement>(id));
  const drawBodyMap = createBodyMap($<SVGSVGElement & HTMLElement>('body-map'));
  const renderPhases = createPhases();
  const feed = $('feed');
  let scenario: Scenario | undefined;
  /** The latest value of every time-series column. */
  let latest: Record<string, number> = {};
  let switched = false;
  /** The phases whose first time the run has passed (guided mode). */
  let seen = new Set<string>();

  const open = (): Scenario => {
    if (!scenario) throw new Error('no run is open');
    return scenario;
  };

  return {
    show(shown) {
      $('charts').hidden = !shown;
      $('story-patient').hidden = !shown;
    },
    async reset(next, _layout, seed) {
      const s = asPatient(next);
      scenario = s;
      latest = {};
      switched = false;
      seen = new Set();
      feed.replaceChildren();
      const cellsAt = (mm: number) => (Math.PI / 6) * mm ** 3 * s.body.cellsPerMm3;
      // The page runs replicate 0: its patient's own detection size (none under the hazard
      // law, where it is not known in advance), and a screening line only for a patient who
      // is screened.
      const patient = drawPatientTraits(s, seed, 0);
      const screened = s.clinical.screening.enabled && patient.screened;
      await charts.reset(
        s.clinical.symptomaticHazard > 0 ? Number.NaN : cellsAt(patient.symptomaticMm),
        screened ? cellsAt(s.clinical.screening.thresholdMm) : Number.NaN,
      );
    },
    speeds: () => SPEEDS,
    frameDays: (days) => days,
    interval() {
      const days = open().time.observeEveryDays;
      return { days, text: `one observation interval (${days} days)` };
    },
    shown: () => ({ ecm: false, mmp: false }),
    // In pieces, each its own task (charts.ts); the status comes when all are drawn.
    async apply(chunk) {
      await charts.append(chunk.columns);
      const n = chunk.columns.day?.length ?? 0;
      if (n > 0) for (const [k, col] of Object.entries(chunk.columns)) latest[k] = col[n - 1] as number;
      const funnel = chunk.funnel;
      charts.siteBars(latest);
      await yieldToPage();
      charts.funnel(funnel);
      await yieldToPage();
      drawBodyMap(latest);
      for (const e of chunk.events) {
        if (e.type === 'angiogenic_switch' && e.site === 'primary') switched = true;
        const li = document.createElement('li');
        li.dataset.type = e.type;
        li.textContent = feedLine(e.day, eventSentence(e.type, e.site, e.value, e.detail));
        feed.prepend(li);
      }
      renderPhases(funnel, latest.primary_cells ?? 0, switched);
      const reached = milestones(chunk, latest, seen);
      const day = Math.round(chunk.day);
      return {
        text: `Day ${day} (year ${(chunk.day / YEAR).toFixed(1)})`,
        where: `day ${day}`,
        data: {
          day: String(chunk.day),
          shed: String(funnel.shed ?? 0),
          primaryCells: String(latest.primary_cells ?? 0),
        },
        reached,
      };
    },
    images: () => charts.all.map((c, i): [string, string] => [`chart-${i + 1}.png`, chartPng(c)]),
  };
}
