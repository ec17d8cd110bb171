/**
 * The compare view: two scenarios, N replicates each, spread over a pool of
 * workers (cores - 1). Replicate i of both arms uses the same seed and replicate
 * index, so the arms differ only in what the scenarios change (paired seeds).
 */
import { Chart, type ChartDataset } from 'chart.js';
import * as Comlink from 'comlink';
import type { EngineApi, ReplicateOutcome } from '../../workers/protocol.ts';
import { kaplanMeier, type MedianEstimate, medianWithCi } from '../analysis/statistics.ts';
import { BUILT_IN, baseRaw, describeError, parseSeed } from './scenarios.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ARMS = ['A', 'B'] as const;
const COLORS = ['#c0392b', '#2980b9'];

function histogram(values: number[], edges: number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    const i = edges.findIndex((e, k) => k < edges.length - 1 && v >= e && v < (edges[k + 1] as number));
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
      plugins: { title: { display: true, text: 'Macrometastasis-free fraction (Kaplan–Meier)' } },
      scales: { x: { type: 'linear', title: { display: true, text: 'years' } }, y: { min: 0, max: 1 } },
    },
  });
  const counts = barChart('chart-count', 'Metastases (micro + macro) at the end');
  const shares = barChart('chart-share', 'Early-derived share of metastases');
  const seeding = barChart('chart-seeding', 'Primary diameter (mm) when the first cell left');

  let pool: { worker: Worker; api: Comlink.Remote<EngineApi> }[] = [];
  let generation = 0;
  const status = $('compare-status');

  const cancel = () => {
    generation++;
    for (const w of pool) w.worker.terminate();
    pool = [];
  };

  const render = (results: ReplicateOutcome[][], total: number) => {
    ARMS.forEach((_, a) => {
      const r = results[a] as ReplicateOutcome[];
      const steps = kaplanMeier(
        r.map((x) => x.metastasisFreeDays / 365.25),
        r.map((x) => x.metastasisSeen),
      );
      (km.data.datasets[a] as { data: { x: number; y: number }[] }).data = [
        ...steps.map((s) => ({ x: s.time, y: s.survival })),
        {
          x: Math.max(0, ...r.map((x) => x.metastasisFreeDays / 365.25)),
          y: steps[steps.length - 1]?.survival ?? 1,
        },
      ];
    });
    km.update('none');
    const fill = (
      chart: Chart<'bar'>,
      pick: (o: ReplicateOutcome) => number,
      edges: number[],
      fmt: (e: number) => string,
    ) => {
      chart.data.labels = edges.slice(0, -1).map(fmt);
      ARMS.forEach((_, a) => {
        (chart.data.datasets[a] as { data: number[] }).data = histogram(
          (results[a] as ReplicateOutcome[]).map(pick).filter((v) => v >= 0),
          edges,
        );
      });
      chart.update('none');
    };
    fill(
      counts,
      (o) => o.metastases,
      [0, 1, 2, 3, 5, 10, 20, Number.POSITIVE_INFINITY],
      (e) => `${e}+`,
    );
    fill(
      shares,
      (o) => o.earlyShare,
      [0, 0.2, 0.4, 0.6, 0.8, 1.0001],
      (e) => e.toFixed(1),
    );
    fill(
      seeding,
      (o) => o.primaryMmAtFirstSeeding,
      [0, 1, 2, 5, 10, 20, 50, Number.POSITIVE_INFINITY],
      (e) => `${e}`,
    );

    const fmt = (m: MedianEstimate) =>
      Number.isNaN(m.median) ? '–' : `${m.median.toFixed(2)} [${m.low.toFixed(2)}, ${m.high.toFixed(2)}]`;
    const rows: [string, (o: ReplicateOutcome) => number][] = [
      ['metastases at end', (o) => o.metastases],
      ['early-derived share', (o) => o.earlyShare],
      ['primary mm at first seeding', (o) => o.primaryMmAtFirstSeeding],
    ];
    const table = $('compare-table');
    table.innerHTML = `<tr><th>median [95% CI]</th><th>arm A (${(results[0] as []).length})</th><th>arm B (${(results[1] as []).length})</th></tr>${rows
      .map(
        ([label, pick]) =>
          `<tr><th>${label}</th>${ARMS.map((_, a) => `<td>${fmt(medianWithCi((results[a] as ReplicateOutcome[]).map(pick).filter((v) => v >= 0)))}</td>`).join('')}</tr>`,
      )
      .join('')}`;
    const finished = (results[0] as []).length + (results[1] as []).length;
    status.textContent = `${finished} of ${total} replicates`;
    status.dataset.done = String(finished === total);
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
    const results: ReplicateOutcome[][] = [[], []];
    status.dataset.done = 'false';
    render(results, tasks.length);
    let next = 0;
    try {
      await Promise.all(
        pool.map(async ({ api }) => {
          while (next < tasks.length && run === generation) {
            const [arm, replicate] = tasks[next++] as [number, number];
            const outcome = await api.replicate(arms[arm], seed, replicate);
            if (run !== generation) return;
            (results[arm] as ReplicateOutcome[]).push(outcome);
            render(results, tasks.length);
          }
        }),
      );
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
