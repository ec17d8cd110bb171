/**
 * The compare view: two scenarios, N replicates each, spread over a pool of
 * workers (cores - 1). Replicate i of both arms uses the same seed and replicate
 * index, so the arms differ only in what the scenarios change (paired seeds).
 * Each replicate is the batch's outcome row and the numbers are analysis/
 * comparison.ts', so the page shows what `seedsoil compare` prints for the same
 * replicates.
 */
import { Chart, type ChartDataset } from 'chart.js';
import * as Comlink from 'comlink';
import seedrandom from 'seedrandom';
import type { EngineApi } from '../../workers/protocol.ts';
import {
  type Arm,
  type ArmReport,
  compareArms,
  DEFAULT_ENDPOINT,
  ENDPOINTS,
  type Endpoint,
  type OutcomeRecord,
  QUANTITIES,
  type Quantity,
  quantity,
} from '../analysis/comparison.ts';
import type { Difference, MedianEstimate } from '../analysis/statistics.ts';
import { parseSeed } from '../engine/schema.ts';
import { BUILT_IN, baseRaw, describeError } from './scenarios.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ARMS = ['A', 'B'] as const;
const COLORS = ['#c0392b', '#2980b9'];

/** Counts in the bins [edges[k], edges[k + 1]), the last bin closed on the right. */
function histogram(values: number[], edges: number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 2;
  for (const v of values) {
    const i = edges.findIndex(
      (e, k) => k <= last && v >= e && (v < (edges[k + 1] as number) || (k === last && v === edges[k + 1])),
    );
    if (i >= 0) counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

function barChart(id: string, title: string): Chart<'bar'> {
  return new Chart($<HTMLCanvasElement>(id), {
    type: 'bar',
    data: {
      labels: [],
      datasets: ARMS.map((a, i) => ({ label: `arm ${a}`, data: [], backgroundColor: COLORS[i] })),
    },
    options: { plugins: { title: { display: true, text: title } }, scales: { y: { beginAtZero: true } } },
  });
}

export function setupCompare(): void {
  // Replicates here are patient-scale outcomes (metastasis-free time), so tissue scenarios are not offered.
  const patientScale = Object.keys(BUILT_IN)
    .filter((name) => baseRaw(name).scale !== 'tissue')
    .sort();
  for (const id of ['arm-a', 'arm-b']) {
    const sel = $<HTMLSelectElement>(id);
    for (const name of patientScale) sel.append(new Option(name, name));
  }
  $<HTMLSelectElement>('arm-a').value = 'breast-her2-early';
  $<HTMLSelectElement>('arm-b').value = 'breast-her2-late';

  const km = new Chart($<HTMLCanvasElement>('chart-km'), {
    type: 'line',
    data: {
      datasets: ARMS.map(
        (a, i): ChartDataset<'line', { x: number; y: number }[]> => ({
          label: `arm ${a}`,
          data: [],
          stepped: 'before',
          borderColor: COLORS[i],
          pointRadius: 0,
        }),
      ),
    },
    options: {
      parsing: false,
      plugins: { title: { display: true, text: '' } },
      scales: { x: { type: 'linear', title: { display: true, text: 'years' } }, y: { min: 0, max: 1 } },
    },
  });
  const counts = barChart('chart-count', 'Metastases (micro + macro) at the end');
  const shares = barChart('chart-share', 'Early-derived share of metastases');
  const seeding = barChart('chart-seeding', 'Primary diameter (mm) when the first cell left');

  const endpoints = $<HTMLSelectElement>('compare-endpoint');
  for (const [key, e] of Object.entries(ENDPOINTS)) endpoints.append(new Option(e.name, key));
  endpoints.value = DEFAULT_ENDPOINT;
  /** The replicates of the last comparison, redrawn when the endpoint changes. */
  let shown: { arms: Arm[]; total: number } | undefined;
  endpoints.addEventListener('change', () => {
    if (shown) render(shown.arms, shown.total, true);
  });
  let pool: { worker: Worker; api: Comlink.Remote<EngineApi> }[] = [];
  let generation = 0;
  const status = $('compare-status');

  const cancel = () => {
    generation++;
    for (const w of pool) w.worker.terminate();
    pool = [];
  };

  const fixed = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(2));
  const median = (m: MedianEstimate) =>
    Number.isNaN(m.median) ? '–' : `${fixed(m.median)} [${fixed(m.low)}, ${fixed(m.high)}]`;
  const interval = (d: Difference) =>
    Number.isNaN(d.difference) ? '–' : `${fixed(d.difference)} [${fixed(d.low)}, ${fixed(d.high)}]`;
  let drawn = 0;
  /** Replicates per arm whose run failed (a record cap, say): left out of every number, and said so. */
  let failed = [0, 0];
  let lastFailure = '';
  /** Whole years at which the numbers at risk are shown: at most six, evenly spaced. */
  const atRiskYears = (a: ArmReport, b: ArmReport) => {
    const last = Math.max(a.atRisk.length, b.atRisk.length) - 1;
    const every = Math.max(1, Math.ceil(last / 5));
    return Array.from({ length: Math.floor(last / every) + 1 }, (_, k) => k * every);
  };

  const render = (arms: Arm[], total: number, force = false) => {
    const finished = (arms[0] as Arm).rows.length + (arms[1] as Arm).rows.length;
    const lost = (failed[0] as number) + (failed[1] as number);
    // The bootstraps cost more as replicates accumulate: redraw at most once a second until the end.
    if (!force && finished + lost < total && performance.now() - drawn < 1000) return;
    drawn = performance.now();
    const endpoint = $<HTMLSelectElement>('compare-endpoint').value as Endpoint;
    const c = compareArms(arms[0] as Arm, arms[1] as Arm, endpoint, seedrandom.alea('seedsoil-compare'));
    km.options.plugins = {
      title: {
        display: true,
        text: `${ENDPOINTS[endpoint].name}: fraction free of the event (Kaplan–Meier, deaths censored)`,
      },
    };
    c.arms.forEach((r, a) => {
      (km.data.datasets[a] as { data: { x: number; y: number }[] }).data = r.survival.map((s) => ({
        x: s.years,
        y: s.value,
      }));
    });
    km.update('none');
    // Bins [e, next) (the last one closed), labelled as the command line's report labels them.
    const fill = (chart: Chart<'bar'>, q: Quantity, edges: number[]) => {
      chart.data.labels = edges
        .slice(0, -1)
        .map((e, k) => (edges[k + 1] === Number.POSITIVE_INFINITY ? `≥${e}` : `${e}–${edges[k + 1]}`));
      arms.forEach((arm, a) => {
        (chart.data.datasets[a] as { data: number[] }).data = histogram(
          quantity(arm, q).filter(Number.isFinite),
          edges,
        );
      });
      chart.update('none');
    };
    fill(counts, 'metastases', [0, 1, 2, 3, 5, 10, 20, Number.POSITIVE_INFINITY]);
    fill(shares, 'early_share', [0, 0.2, 0.4, 0.6, 0.8, 1]);
    fill(seeding, 'primary_mm_at_first_seeding', [0, 1, 2, 5, 10, 20, 50, Number.POSITIVE_INFINITY]);
    const [a, b] = c.arms;
    $('compare-table').innerHTML =
      `<tr><th>median [95% CI]</th><th>arm A (${a.replicates})</th><th>arm B (${b.replicates})</th><th>B − A, unpaired</th><th>B − A, paired</th></tr>` +
      `<tr><th>${ENDPOINTS[endpoint].name}: events (deaths before)</th><td>${a.events} (${a.competing})</td><td>${b.events} (${b.competing})</td><td colspan="2">${c.logRank.df === 0 ? 'log-rank not defined (no event)' : `log-rank p = ${c.logRank.p.toPrecision(3)}`}</td></tr>` +
      `<tr><th>median years to the event (Kaplan–Meier)</th><td>${median(a.medianYears)}</td><td>${median(b.medianYears)}</td><td colspan="2"></td></tr>` +
      `<tr><th>at risk at years ${atRiskYears(a, b).join(', ')}</th>${[a, b]
        .map(
          (r) =>
            `<td>${atRiskYears(a, b)
              .map((y) => r.atRisk[y]?.atRisk ?? 0)
              .join(', ')}</td>`,
        )
        .join('')}<td colspan="2"></td></tr>` +
      (Object.keys(QUANTITIES) as Quantity[])
        .map(
          (q) =>
            `<tr><th>${QUANTITIES[q]}</th><td>${median(a.quantities[q])}</td><td>${median(b.quantities[q])}</td><td>${interval(c.differences[q].unpaired)}</td><td>${interval(c.differences[q].paired)} (${c.differences[q].pairs} pairs)</td></tr>`,
        )
        .join('');
    status.textContent = `${finished + lost} of ${total} replicates${lost ? ` (${failed[0]} in arm A and ${failed[1]} in arm B failed and are left out: ${lastFailure})` : ''}`;
    status.dataset.done = String(finished + lost === total);
  };

  $('compare-run').addEventListener('click', async () => {
    cancel();
    const run = ++generation;
    const arms = [$<HTMLSelectElement>('arm-a').value, $<HTMLSelectElement>('arm-b').value].map((n) =>
      baseRaw(n),
    );
    const n = Number($<HTMLInputElement>('replicates').value);
    let seed: number;
    try {
      seed = parseSeed($<HTMLInputElement>('compare-seed').value, 'compare seed');
      if (!Number.isInteger(n) || n < 2 || n > 2000)
        throw new Error(`replicates: expected an integer from 2 to 2000 (got "${n}")`);
    } catch (e) {
      status.textContent = describeError(e);
      return;
    }
    const size = Math.max(1, (navigator.hardwareConcurrency || 2) - 1);
    pool = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
        type: 'module',
      });
      return { worker, api: Comlink.wrap<EngineApi>(worker) };
    });
    const tasks: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let a = 0; a < 2; a++) tasks.push([a, i]);
    const results: Arm[] = ARMS.map((label) => ({ label, replicates: [], rows: [] }));
    failed = [0, 0];
    shown = { arms: results, total: tasks.length };
    status.dataset.done = 'false';
    render(results, tasks.length, true);
    let next = 0;
    try {
      await Promise.all(
        pool.map(async ({ api }) => {
          while (next < tasks.length && run === generation) {
            const [arm, replicate] = tasks[next++] as [number, number];
            let row: OutcomeRecord;
            try {
              row = (await api.batchRow({ ...(arms[arm] as object), seed }, replicate, 0)).row;
            } catch (e) {
              if (run !== generation) return;
              // One replicate's failure (as batch records it in runs.csv's error column).
              failed[arm] = (failed[arm] as number) + 1;
              lastFailure = describeError(e);
              render(results, tasks.length);
              continue;
            }
            if (run !== generation) return;
            (results[arm] as Arm).replicates.push(replicate);
            (results[arm] as Arm).rows.push(row);
            render(results, tasks.length);
          }
        }),
      );
      render(results, tasks.length, true);
    } catch (e) {
      if (run === generation) status.textContent = `stopped: ${describeError(e)}`;
    }
    if (run === generation) cancel();
  });
  $('compare-cancel').addEventListener('click', () => {
    cancel();
    status.textContent += ' — cancelled';
  });
}
