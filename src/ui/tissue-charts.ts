/**
 * The tissue run's charts (Chart.js): cells by type in every patch, the
 * vasculature, the invasion fronts and the funnel. Like the patient charts they
 * redraw with update('none') and only when new rows arrive, and each figure's
 * caption gives the latest numbers in words (words.ts).
 */
import { Chart } from 'chart.js';
// Also registers Chart.js's parts and the shared defaults (no animation) once for both views.
import { caption, figureOf, line, timeChart } from './charts.ts';
import { yieldToPage } from './tasks.ts';
import { TYPE_COLORS } from './tissue-picture.ts';
import { count, patchShort, patchThe, readable, TISSUE_STAGES } from './words.ts';

type Point = { x: number; y: number };

/** Patches are told apart by line style, so the colour keeps meaning the cell type. */
const PATCH_DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 4], [10, 4]];
const FUNNEL_SHOWN = [
  'intravasated',
  'enteredAsSingle',
  'enteredInCluster',
  'disaggregated',
  'diedSingle',
  'diedInCluster',
  'survivedSingle',
  'survivedInCluster',
  'arrived',
  'lostNoRoom',
];

const HOUR_TEXT = (hours: number) => `Hour ${hours.toFixed(1)}`;

export interface TissueCharts {
  all: Chart[];
  reset(patches: string[]): void;
  /** Adds the new rows; each chart is redrawn in its own task. */
  append(columns: Record<string, Float64Array>): Promise<void>;
  funnel(totals: Record<string, number>): void;
  logCells(on: boolean): void;
}

/** Builds the charts one per task (tasks.ts), as the page loads. */
export async function createTissueCharts(byId: (id: string) => HTMLCanvasElement): Promise<TissueCharts> {
  const cells = timeChart(
    byId('chart-tissue-cells'),
    'Cells by type in each patch',
    [],
    { y: { type: 'logarithmic', min: 1 } },
    'hours',
  );
  await yieldToPage();
  const vessels = timeChart(
    byId('chart-tissue-vessels'),
    'Vasculature (cumulative, except "in vessels now")',
    [
      line('intravasated cells', '#8e44ad'),
      line('entries (clusters or single)', '#8e44ad', { borderDash: [4, 3] }),
      line('in vessels now', '#d35400'),
      line('died in vessels', '#7f8c8d'),
      line('arrived in a secondary patch', '#1b5e20'),
    ],
    { y: { beginAtZero: true, ticks: { precision: 0 } } },
    'hours',
  );
  await yieldToPage();
  const front = timeChart(
    byId('chart-tissue-front'),
    'Invasion front in the primary (99th percentile from the centre)',
    [
      line('mesenchymal-like (µm)', TYPE_COLORS.mesenchymal),
      line('epithelial-like (µm)', TYPE_COLORS.epithelial),
      line('ECM remaining (share, right axis)', '#a1887f', { borderDash: [4, 3], yAxisID: 'ecm' }),
    ],
    {
      y: { beginAtZero: true, title: { display: true, text: 'µm' } },
      ecm: { position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false } },
    },
    'hours',
  );
  await yieldToPage();
  const funnel = new Chart(byId('chart-tissue-funnel'), {
    type: 'bar',
    data: {
      labels: FUNNEL_SHOWN.map((s) => TISSUE_STAGES[s] ?? s),
      datasets: [{ label: 'cells so far', data: [], backgroundColor: '#34495e' }],
    },
    options: {
      plugins: {
        title: { display: true, text: 'The vasculature funnel: cells so far, log scale' },
        legend: { display: false },
      },
      scales: {
        y: {
          type: 'logarithmic',
          min: 0.5,
          suggestedMax: 10,
          // Powers of ten only: the log axis's in-between ticks read as false precision (50.0, 5.0).
          ticks: {
            callback: (v) => (Number.isInteger(Math.log10(Number(v))) ? Number(v).toLocaleString('en') : ''),
          },
        },
      },
    },
  });

  // The funnel's bar labels, for tests and assistive tools.
  figureOf(funnel)?.setAttribute('data-labels', JSON.stringify(funnel.data.labels));

  let names: string[] = [];
  const lines = [cells, vessels, front];
  const push = (chart: Chart<'line', Point[]>, i: number, xs: Float64Array, ys: Float64Array | undefined) => {
    const data = chart.data.datasets[i]?.data;
    if (!data || !ys) return;
    for (let k = 0; k < xs.length; k++) data.push({ x: xs[k] as number, y: ys[k] as number });
  };

  return {
    all: [cells, vessels, front, funnel],
    reset(patches) {
      names = patches;
      cells.data.datasets = patches.flatMap((name, i) => {
        const borderDash = PATCH_DASHES[i % PATCH_DASHES.length] as number[];
        return [
          line(`${patchShort(name)} M`, TYPE_COLORS.mesenchymal, { borderDash }),
          line(`${patchShort(name)} E`, TYPE_COLORS.epithelial, { borderDash }),
        ];
      });
      for (const c of [vessels, front]) for (const d of c.data.datasets) d.data = [];
      (funnel.data.datasets[0] as { data: number[] }).data = [];
      for (const c of [...lines, funnel]) {
        c.update('none');
        caption(c, 'No run yet.');
      }
    },
    async append(columns) {
      const hours = columns.hours;
      if (!hours || hours.length === 0) return;
      names.forEach((name, i) => {
        push(cells, 2 * i, hours, columns[`${name}_mesenchymal`]);
        push(cells, 2 * i + 1, hours, columns[`${name}_epithelial`]);
      });
      push(vessels, 0, hours, columns.intravasated_cells);
      push(vessels, 1, hours, columns.intravasations);
      push(vessels, 2, hours, columns.vasculature_cells);
      push(vessels, 3, hours, columns.died_in_vasculature);
      push(vessels, 4, hours, columns.arrived_cells);
      push(front, 0, hours, columns.front_mesenchymal_um);
      push(front, 1, hours, columns.front_epithelial_um);
      push(front, 2, hours, columns.primary_ecm_remaining);
      for (const c of lines) {
        c.update('none');
        await yieldToPage();
        // Lets tests and assistive tools see that data arrived without reaching into Chart.js.
        const points = c.data.datasets.reduce((sum, d) => sum + d.data.length, 0);
        figureOf(c)?.setAttribute('data-points', String(points));
      }
      const n = hours.length;
      const last = (column: string) => columns[column]?.[n - 1] ?? 0;
      const at = HOUR_TEXT(hours[n - 1] as number);
      const patches = names.map((name) => {
        const [m, e] = [last(`${name}_mesenchymal`), last(`${name}_epithelial`)];
        return `${patchThe(name)} has ${readable(m)} mesenchymal-like and ${readable(e)} epithelial-like ${m + e === 1 ? 'cell' : 'cells'}`;
      });
      caption(cells, `${at}: ${patches.join('; ')}.`);
      caption(
        vessels,
        `${at}: ${count(last('intravasated_cells'), 'cell', 'cells')} entered the blood in ${count(last('intravasations'), 'entry', 'entries')}; ${count(last('vasculature_cells'), 'cell is', 'cells are')} in the vessels now, ${readable(last('died_in_vasculature'))} died there and ${readable(last('arrived_cells'))} settled in a secondary patch.`,
      );
      caption(
        front,
        `${at}: the mesenchymal-like front is ${last('front_mesenchymal_um').toFixed(0)} µm from the centre of the primary patch, the epithelial-like front ${last('front_epithelial_um').toFixed(0)} µm; ${(100 * last('primary_ecm_remaining')).toFixed(1)}% of its ECM is left.`,
      );
    },
    funnel(totals) {
      (funnel.data.datasets[0] as { data: number[] }).data = FUNNEL_SHOWN.map((s) => totals[s] ?? 0);
      funnel.update('none');
      const [first, ...rest] = FUNNEL_SHOWN.map((s) => ({ n: totals[s] ?? 0, what: TISSUE_STAGES[s] ?? s }));
      caption(
        funnel,
        `So far: ${[
          `${count(first?.n ?? 0, 'cell', 'cells')} ${first?.what}`,
          ...rest.map(({ n, what }) => `${readable(n)} ${what}`),
        ].join(', ')}.`,
      );
    },
    logCells(on) {
      // Only the y axis is replaced: spreading the resolved scales into a new object hands
      // Chart.js its own resolvers back, which it ignores with a console warning.
      const scales = cells.options.scales as Record<string, unknown>;
      scales.y = on
        ? { type: 'logarithmic', min: 1 }
        : { type: 'linear', beginAtZero: true, ticks: { precision: 0 } };
      cells.update('none');
    },
  };
}
