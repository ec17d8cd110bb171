/**
 * The compare view: two scenarios, N replicates each, spread over a pool of
 * workers (cores - 1). Replicate i of both arms uses the same seed and replicate
 * index, so the arms differ only in what the scenarios change (paired seeds).
 * An arm is a built-in scenario or the one the run view shows (loaded from a
 * file, opened from a link or edited), under its name. Each replicate is the
 * batch's outcome row; the numbers, the histograms' bins and the words are
 * analysis/comparison.ts' and comparison-text.ts', so the page shows what
 * `seedsoil compare` prints for the same replicates.
 */
import { Chart, type ChartDataset } from 'chart.js';
import * as Comlink from 'comlink';
import seedrandom from 'seedrandom';
import type { EngineApi } from '../../workers/protocol.ts';
import {
  type Arm,
  type ArmReport,
  BINS,
  binLabels,
  type Comparison,
  compareArms,
  DEFAULT_ENDPOINT,
  deathsIn,
  deathsLabel,
  ENDPOINTS,
  type Endpoint,
  type FREE_AT_YEARS,
  type FreeAt,
  type OutcomeRecord,
  QUANTITIES,
  type Quantity,
} from '../analysis/comparison.ts';
import {
  armNames,
  atRiskYears,
  differenceText,
  FREE_DIFFERENCE_CI,
  freeAtText,
  freeDifferenceText,
  logRankText,
  medianText,
  pairedText,
  survivalMedianText,
} from '../analysis/comparison-text.ts';
import { parseSeed } from '../engine/schema.ts';
import { chartPng } from './chart-export.ts';
import { caption, figureOf } from './charts.ts';
import { BUILT_IN, baseRaw, type Chosen, describeError } from './scenarios.ts';
import { yieldToPage } from './tasks.ts';
import { count } from './words.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const COLORS = ['#c0392b', '#2980b9'];
/** The arm pickers' value for the scenario the run view shows (no built-in name has a colon). */
const CURRENT = ':current';

/** Escapes text for innerHTML: a file's name may hold markup characters. */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** What a chart shows, on its figure for tests and assistive tools: title, legend, axis titles, ticks. */
function describe(chart: Chart): void {
  const title = (key: string) => {
    const t = (chart.options.scales?.[key] as { title?: { display?: boolean; text?: unknown } } | undefined)
      ?.title;
    return t?.display ? String(t.text) : '';
  };
  figureOf(chart)?.setAttribute(
    'data-chart',
    JSON.stringify({
      title: chart.options.plugins?.title?.text,
      legend: chart.data.datasets.map((d) => d.label),
      labels: chart.data.labels ?? [],
      x: title('x'),
      y: title('y'),
      yTicks: chart.scales.y?.ticks.map((t) => t.value) ?? [],
      data: chart.data.datasets.map((d) => d.data),
    }),
  );
}

const capitalized = (text: string) => `${text[0]?.toUpperCase()}${text.slice(1)}`;

/** Where each arm's survival, and B − A in it, is read out in the curve's caption (one of the table's years). */
const CAPTION_YEARS: (typeof FREE_AT_YEARS)[number] = 5;

/**
 * The curves' text alternative: each arm's events, the fraction free of the event
 * at 5 years and the median time, B − A in that fraction with its interval, then the
 * log-rank test, in the table's words.
 */
function survivalCaption(c: Comparison, names: [string, string]): string {
  const at = c.freeAt.find((f) => f.years === CAPTION_YEARS) as FreeAt;
  const arm = (r: ArmReport, free: number, name: string) => {
    const followed = Number.isNaN(free)
      ? `not followed for ${CAPTION_YEARS} years`
      : `fraction free of the event at ${CAPTION_YEARS} years ${freeAtText(free, CAPTION_YEARS)}`;
    return `${name}: ${count(r.events, 'event', 'events')} in ${count(r.replicates, 'replicate', 'replicates')}, ${followed}, median years to the event ${survivalMedianText(r.medianYears, r.events)}`;
  };
  const difference = `${names[1]} − ${names[0]} in the fraction free of the event at ${CAPTION_YEARS} years: ${freeDifferenceText(at)} (${FREE_DIFFERENCE_CI})`;
  return `${capitalized(ENDPOINTS[c.endpoint].name)} (Kaplan–Meier, ${deathsIn(c.endpoint)}). ${arm(c.arms[0], at.a, names[0])}. ${arm(c.arms[1], at.b, names[1])}. ${difference}. Log-rank ${logRankText(c.logRank)}.`;
}

/**
 * A histogram's text alternative: each arm's median with its 95% CI and its
 * count of replicates in each bin that holds any.
 */
function histogramCaption(c: Comparison, q: Quantity, names: [string, string]): string {
  const labels = binLabels(q);
  const arm = (r: ArmReport, name: string) => {
    const filled = labels.flatMap((l, k) => {
      const n = r.histograms[q][k] ?? 0;
      return n > 0 ? [`${l}: ${n}`] : [];
    });
    const bins =
      filled.length === 0
        ? 'none in any bin'
        : `${filled.join(', ')}${filled.length < labels.length ? ' (the other bins empty)' : ''}`;
    return `${name}: median ${medianText(r.quantities[q], r.defined[q])}; replicates per bin: ${bins}`;
  };
  return `${capitalized(QUANTITIES[q])}. ${arm(c.arms[0], names[0])}. ${arm(c.arms[1], names[1])}.`;
}

function histogramChart(q: Quantity): Chart<'bar'> {
  return new Chart($<HTMLCanvasElement>(`chart-${q}`), {
    type: 'bar',
    data: {
      labels: binLabels(q),
      datasets: COLORS.map((color) => ({ label: '', data: [], backgroundColor: color })),
    },
    options: {
      plugins: {
        title: { display: true, text: capitalized(QUANTITIES[q]) },
      },
      scales: {
        x: { title: { display: true, text: BINS[q].axis } },
        // Counts of replicates: whole numbers only on the axis.
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'replicates' } },
      },
    },
  });
}

export interface CompareView {
  /** The run view's scenario has changed: the pickers' "current scenario" says which it now is. */
  refresh(): void;
}

/**
 * `current` is the scenario the run view shows, offered as an arm. Built in pieces,
 * each its own task (tasks.ts), as the page loads.
 */
export async function setupCompare(current: () => Chosen): Promise<CompareView> {
  // Replicates here are patient-scale outcomes (metastasis-free time), so tissue scenarios are not offered.
  const patientScale: string[] = [];
  for (const name of Object.keys(BUILT_IN).sort()) {
    if (baseRaw(name).scale !== 'tissue') patientScale.push(name);
    await yieldToPage();
  }
  const pickers = [$<HTMLSelectElement>('arm-a'), $<HTMLSelectElement>('arm-b')];
  const currentOptions = pickers.map((sel) => {
    const option = new Option('', CURRENT);
    sel.append(option);
    for (const name of patientScale) sel.append(new Option(name, name));
    return option;
  });
  const refresh = () => {
    const c = current();
    const tissue = c.scenario.scale === 'tissue';
    for (const option of currentOptions) {
      option.textContent = `current scenario: ${c.name}${tissue ? ' (tissue scale: not comparable)' : ''}`;
      option.disabled = tissue;
      if (tissue && option.selected) {
        const sel = option.parentElement as HTMLSelectElement;
        sel.value = sel === pickers[0] ? 'breast-her2-early' : 'breast-her2-late';
      }
    }
  };
  refresh();
  (pickers[0] as HTMLSelectElement).value = 'breast-her2-early';
  (pickers[1] as HTMLSelectElement).value = 'breast-her2-late';

  await yieldToPage();
  const km = new Chart($<HTMLCanvasElement>('chart-km'), {
    type: 'line',
    data: {
      datasets: COLORS.map(
        (color): ChartDataset<'line', { x: number; y: number }[]> => ({
          label: '',
          data: [],
          stepped: 'before',
          borderColor: color,
          backgroundColor: color,
          pointRadius: 0,
        }),
      ),
    },
    options: {
      parsing: false,
      plugins: { title: { display: true, text: '' } },
      scales: {
        x: {
          type: 'linear',
          beginAtZero: true,
          title: { display: true, text: 'years from the start of the run' },
        },
        y: { min: 0, max: 1, title: { display: true, text: 'fraction free of the event' } },
      },
    },
  });
  const quantities = Object.keys(QUANTITIES) as Quantity[];
  const histograms: Chart<'bar'>[] = [];
  for (const q of quantities) {
    await yieldToPage();
    histograms.push(histogramChart(q));
  }
  const charts: Chart[] = [km, ...histograms];

  const endpoints = $<HTMLSelectElement>('compare-endpoint');
  for (const [key, e] of Object.entries(ENDPOINTS)) endpoints.append(new Option(e.name, key));
  endpoints.value = DEFAULT_ENDPOINT;
  /** The replicates and arm names of the last comparison, redrawn when the endpoint changes. */
  let shown: { arms: Arm[]; names: [string, string]; total: number } | undefined;
  endpoints.addEventListener('change', () => {
    if (shown) render(shown.arms, shown.names, shown.total, true);
  });
  let pool: { worker: Worker; api: Comlink.Remote<EngineApi> }[] = [];
  let generation = 0;
  const status = $('compare-status');

  const cancel = () => {
    generation++;
    for (const w of pool) w.worker.terminate();
    pool = [];
  };

  let drawn = 0;
  /** Replicates per arm whose run failed (a record cap, say): left out of every number, and said so. */
  let failed = [0, 0];
  let lastFailure = '';

  const render = (arms: Arm[], names: [string, string], total: number, force = false) => {
    const finished = (arms[0] as Arm).rows.length + (arms[1] as Arm).rows.length;
    const lost = (failed[0] as number) + (failed[1] as number);
    // The bootstraps cost more as replicates accumulate: redraw at most once a second until the end.
    if (!force && finished + lost < total && performance.now() - drawn < 1000) return;
    drawn = performance.now();
    const endpoint = $<HTMLSelectElement>('compare-endpoint').value as Endpoint;
    const c = compareArms(arms[0] as Arm, arms[1] as Arm, endpoint, seedrandom.alea('seedsoil-compare'));
    const [nameA, nameB] = names;
    km.options.plugins = {
      title: {
        display: true,
        text: `${capitalized(ENDPOINTS[endpoint].name)}: fraction free of the event (Kaplan–Meier, ${deathsIn(endpoint)})`,
      },
    };
    c.arms.forEach((r, a) => {
      const dataset = km.data.datasets[a] as ChartDataset<'line', { x: number; y: number }[]>;
      dataset.label = names[a];
      dataset.data = r.survival.map((s) => ({ x: s.years, y: s.value }));
    });
    km.update('none');
    caption(km, survivalCaption(c, names));
    histograms.forEach((chart, k) => {
      const q = quantities[k] as Quantity;
      c.arms.forEach((r, a) => {
        const dataset = chart.data.datasets[a] as ChartDataset<'bar', number[]>;
        dataset.label = names[a];
        dataset.data = r.histograms[q];
      });
      chart.update('none');
      caption(chart, histogramCaption(c, q, names));
    });
    for (const chart of charts) describe(chart);

    const [a, b] = c.arms;
    const [hA, hB] = [escapeHtml(nameA), escapeHtml(nameB)];
    const years = atRiskYears(c, 6);
    $('compare-table').innerHTML =
      `<tr><th>median [95% CI]</th><th>${hA} (${a.replicates})</th><th>${hB} (${b.replicates})</th><th>${hB} − ${hA}, unpaired bootstrap</th><th>${hB} − ${hA}, paired bootstrap</th></tr>` +
      `<tr data-row="events"><th>${ENDPOINTS[endpoint].name}: events (${deathsLabel(endpoint)})</th><td>${a.events} (${a.deaths})</td><td>${b.events} (${b.deaths})</td><td colspan="2">log-rank ${logRankText(c.logRank)}</td></tr>` +
      `<tr data-row="median-years"><th>median years to the event (Kaplan–Meier)</th><td>${survivalMedianText(a.medianYears, a.events)}</td><td>${survivalMedianText(b.medianYears, b.events)}</td><td colspan="2"></td></tr>` +
      `<tr data-row="at-risk"><th>at risk at years ${years.join(', ')}</th>${[a, b]
        .map((r) => `<td>${years.map((y) => r.atRisk[y]?.atRisk ?? 0).join(', ')}</td>`)
        .join('')}<td colspan="2"></td></tr>` +
      c.freeAt
        .map(
          (f) =>
            `<tr data-row="free-${f.years}"><th>fraction free of the event at ${f.years} years (Kaplan–Meier)</th><td>${freeAtText(f.a, f.years)}</td><td>${freeAtText(f.b, f.years)}</td><td colspan="2">${hB} − ${hA}: ${freeDifferenceText(f)} (${FREE_DIFFERENCE_CI})</td></tr>`,
        )
        .join('') +
      quantities
        .map(
          (q) =>
            `<tr data-row="${q}"><th>${QUANTITIES[q]}</th><td>${medianText(a.quantities[q], a.defined[q])}</td><td>${medianText(b.quantities[q], b.defined[q])}</td><td>${differenceText(c.differences[q].unpaired)}</td><td>${pairedText(c, q)}</td></tr>`,
        )
        .join('');
    status.textContent = `${finished + lost} of ${total} replicates${lost ? ` (${failed[0]} of ${nameA} and ${failed[1]} of ${nameB} failed and are left out: ${lastFailure})` : ''}`;
    status.dataset.done = String(finished + lost === total);
  };

  $('compare-run').addEventListener('click', async () => {
    cancel();
    const run = ++generation;
    $('compare-downloads').replaceChildren();
    let arms: { raw: object; name: string }[];
    const n = Number($<HTMLInputElement>('replicates').value);
    let seed: number;
    try {
      // The current scenario as it is now: later changes in the run view do not reach a comparison under way.
      arms = pickers.map((sel) => {
        if (sel.value !== CURRENT) return { raw: baseRaw(sel.value), name: sel.value };
        const c = current();
        if (c.scenario.scale === 'tissue')
          throw new Error(`${c.name}: compare works on patient-scale scenarios (this one is tissue scale)`);
        return { raw: c.scenario, name: c.name };
      });
      seed = parseSeed($<HTMLInputElement>('compare-seed').value, 'compare seed');
      if (!Number.isInteger(n) || n < 2 || n > 2000)
        throw new Error(`replicates: expected an integer from 2 to 2000 (got "${n}")`);
    } catch (e) {
      status.textContent = describeError(e);
      return;
    }
    const names = armNames((arms[0] as { name: string }).name, (arms[1] as { name: string }).name);
    const size = Math.max(1, (navigator.hardwareConcurrency || 2) - 1);
    pool = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
        type: 'module',
      });
      return { worker, api: Comlink.wrap<EngineApi>(worker) };
    });
    const tasks: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let a = 0; a < 2; a++) tasks.push([a, i]);
    const results: Arm[] = ['A', 'B'].map((label) => ({ label, replicates: [], rows: [] }));
    failed = [0, 0];
    shown = { arms: results, names, total: tasks.length };
    status.dataset.done = 'false';
    render(results, names, tasks.length, true);
    let next = 0;
    try {
      await Promise.all(
        pool.map(async ({ api }) => {
          while (next < tasks.length && run === generation) {
            const [arm, replicate] = tasks[next++] as [number, number];
            let row: OutcomeRecord;
            try {
              row = (await api.batchRow({ ...(arms[arm]?.raw as object), seed }, replicate, 0)).row;
            } catch (e) {
              if (run !== generation) return;
              // One replicate's failure (as batch records it in runs.csv's error column).
              failed[arm] = (failed[arm] as number) + 1;
              lastFailure = describeError(e);
              render(results, names, tasks.length);
              continue;
            }
            if (run !== generation) return;
            (results[arm] as Arm).replicates.push(replicate);
            (results[arm] as Arm).rows.push(row);
            render(results, names, tasks.length);
          }
        }),
      );
      render(results, names, tasks.length, true);
    } catch (e) {
      if (run === generation) status.textContent = `stopped: ${describeError(e)}`;
    }
    if (run === generation) cancel();
  });
  $('compare-cancel').addEventListener('click', () => {
    cancel();
    status.textContent += ' — cancelled';
  });

  // Pictures for slides and papers: each chart 1600 px wide on white (chart-export.ts).
  $('compare-export').addEventListener('click', () => {
    const files: [string, Chart][] = [
      ['kaplan-meier.png', km],
      ...quantities.map((q, k): [string, Chart] => [`${q.replaceAll('_', '-')}.png`, histograms[k] as Chart]),
    ];
    $('compare-downloads').replaceChildren(
      ...files.map(([name, chart]) => {
        const a = document.createElement('a');
        a.href = chartPng(chart);
        a.download = name;
        a.textContent = name;
        return a;
      }),
    );
  });

  return { refresh };
}
