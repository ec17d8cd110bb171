/**
 * The run's charts (Chart.js). Streaming updates use update('none'): no
 * animation, so a chunk costs one redraw per chart, each in its own task; long
 * series are decimated (LTTB), and a bar chart whose bars have not changed is
 * not redrawn.
 */
import { Chart, type ChartConfiguration, type ChartDataset, registerables } from 'chart.js';
import { METASTATIC_SITES } from '../engine/schema.ts';
import { yieldToPage } from './tasks.ts';
import { count, readable, siteShort } from './words.ts';

/** Every chart's canvas is an image named by the chart's title; its figure's caption gives the numbers. */
const accessibleName = {
  id: 'seedsoil-accessible-name',
  afterInit(chart: Chart) {
    const title = chart.options.plugins?.title?.text;
    if (title)
      chart.canvas.setAttribute('aria-label', Array.isArray(title) ? title.join(' ') : String(title));
  },
};

Chart.register(...registerables, accessibleName);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.size = 12;

type Point = { x: number; y: number };
const YEAR = 365.25;

/**
 * The funnel's bars: a stage of the engine's funnel (summary.json's `funnel`), its
 * label and its unit. Cells and colonies are separate datasets, so the legend says
 * which bar counts what; a colony founded by a woken dormant cell is counted in its
 * own bar, not in `founded` (cells that founded a colony directly).
 */
export const FUNNEL_BARS: readonly { stage: string; label: string; unit: 'cells' | 'colonies' }[] = [
  { stage: 'shed', label: 'shed', unit: 'cells' },
  { stage: 'killed', label: 'killed', unit: 'cells' },
  { stage: 'arrested', label: 'arrested', unit: 'cells' },
  { stage: 'extravasated', label: 'extravasated', unit: 'cells' },
  { stage: 'dormant', label: 'dormant', unit: 'cells' },
  { stage: 'founded', label: 'founded directly', unit: 'cells' },
  { stage: 'dormantWoke', label: 'woke and founded', unit: 'cells' },
  { stage: 'micro', label: 'micrometastases', unit: 'colonies' },
  { stage: 'macro', label: 'macrometastases', unit: 'colonies' },
];

/**
 * A log axis for counts: its minimum a decade below 1, so that a count of 1 is a bar
 * a decade high, while 0 (not drawable on a log axis) is no bar. Ticks only at powers
 * of ten from 1 up: a count has no fractions.
 */
export const COUNT_LOG_AXIS = {
  type: 'logarithmic',
  min: 0.1,
  suggestedMax: 10,
  ticks: {
    callback: (v: number | string) => {
      const n = Number(v);
      return n >= 1 && Number.isInteger(Math.log10(n)) ? n.toLocaleString('en') : '';
    },
  },
} as const;

export function line(
  label: string,
  color: string,
  extra: Partial<ChartDataset<'line', Point[]>> = {},
): ChartDataset<'line', Point[]> {
  return {
    label,
    data: [],
    borderColor: color,
    backgroundColor: color,
    borderWidth: 1.5,
    pointRadius: 0,
    ...extra,
  };
}

/**
 * A line chart over time: `scales` holds the y axis (or axes), `xLabel` names the time
 * unit; `decimate` thins long series (LTTB), which only series without gaps allow.
 */
export function timeChart(
  canvas: HTMLCanvasElement,
  title: string,
  datasets: ChartDataset<'line', Point[]>[],
  scales: Record<string, object>,
  xLabel = 'years',
  decimate = true,
): Chart<'line', Point[]> {
  const config: ChartConfiguration<'line', Point[]> = {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      normalized: true,
      plugins: {
        title: { display: true, text: title },
        decimation: { enabled: decimate, algorithm: 'lttb', samples: 400 },
        legend: { labels: { boxWidth: 10 } },
      },
      scales: { x: { type: 'linear', title: { display: true, text: xLabel } }, ...scales },
    },
  };
  return new Chart(canvas, config);
}

/** The figure around a chart's canvas: where its data-* attributes and its caption are. */
export const figureOf = (chart: Chart): HTMLElement | null => chart.canvas.closest('figure');

/** Writes a chart's text alternative: its latest numbers, in the figure's caption. */
export function caption(chart: Chart, text: string): void {
  const box = figureOf(chart)?.querySelector('figcaption');
  if (box) box.textContent = text;
}

const YEAR_TEXT = (day: number) => `Year ${(day / YEAR).toFixed(1)}`;
const percent = (share: number | undefined) =>
  share === undefined || Number.isNaN(share) ? 'none alive' : `${Math.round(share * 100)}%`;

/**
 * Each chart is redrawn in its own task: together a chunk's redraws held the
 * page's main thread for more than 50 ms.
 */
export interface RunCharts {
  all: Chart[];
  reset(symptomaticCells: number, screeningCells: number): Promise<void>;
  append(columns: Record<string, Float64Array>): Promise<void>;
  siteBars(latest: Record<string, number>): void;
  funnel(totals: Record<string, number>): void;
}

/** Redraws a bar chart only if its bars changed: a chunk often leaves them as they were. */
function updateIfChanged(chart: Chart, drawn: { key: string }): void {
  const key = JSON.stringify(chart.data.datasets.map((d) => d.data));
  if (key === drawn.key) return;
  drawn.key = key;
  chart.update('none');
}

/**
 * The first number a page formats loads its locale's data, and the first text
 * drawn on a canvas looks up each font family of the charts' list (the system's
 * font configuration, up to some 200 ms on a cold start): in the first chart's
 * construction, these made a long task. Here each is a task of its own.
 */
async function warmUp(): Promise<void> {
  new Intl.NumberFormat(Chart.defaults.locale, { notation: 'scientific' }).format(1e6);
  await yieldToPage();
  const context = document.createElement('canvas').getContext('2d');
  const { family = '', size } = Chart.defaults.font;
  for (const font of [...family.split(','), family]) {
    for (const weight of ['normal', 'bold']) {
      if (context) {
        context.font = `${weight} ${size}px ${font}`;
        context.measureText('0');
      }
      await yieldToPage();
    }
  }
  // Then Chart.js's own first run, in two sketches: a bare chart, then one with a
  // title, a legend and axes; the page's first chart is then as quick as the next.
  const sketch = document.createElement('canvas');
  const bare = { legend: { display: false }, title: { display: false } };
  const axes = { x: { type: 'linear', display: false }, y: { display: false } } as const;
  for (const [plugins, scales] of [
    [bare, axes],
    [
      { title: { display: true, text: '1' } },
      { x: { type: 'linear', title: { display: true, text: '1' } }, y: { type: 'logarithmic' } },
    ],
  ] as const) {
    new Chart(sketch, {
      type: 'line',
      data: {
        datasets: [
          {
            label: '1',
            data: [
              { x: 1, y: 1 },
              { x: 2, y: 10 },
            ],
          },
        ],
      },
      options: { responsive: false, parsing: false, plugins, scales },
    }).destroy();
    await yieldToPage();
  }
}

/**
 * Builds the charts one per task: each costs some 15 ms of layout, and together
 * they would hold the page's main thread for some 90 ms while it loads.
 */
export async function createRunCharts(byId: (id: string) => HTMLCanvasElement): Promise<RunCharts> {
  await warmUp();
  const primary = timeChart(
    byId('chart-primary'),
    'Primary tumour (cells, log scale)',
    [
      line('primary cells', '#c0392b'),
      line('capacity K', '#7f8c8d', { borderDash: [4, 3] }),
      line('symptomatic detection', '#2c3e50', { borderDash: [2, 4] }),
      line('screening threshold', '#8e44ad', { borderDash: [2, 4] }),
    ],
    { y: { type: 'logarithmic', min: 1 } },
  );
  await yieldToPage();
  const ctc = timeChart(byId('chart-ctc'), 'CTCs per 7.5 mL of blood', [line('CTCs per sample', '#d35400')], {
    y: { beginAtZero: true },
  });
  await yieldToPage();
  const mets = timeChart(
    byId('chart-mets'),
    'Colonies alive by size class (all sites)',
    [
      line('ITC size (cycling DTCs)', '#f1c40f'),
      line('micrometastases', '#e67e22'),
      line('macrometastases', '#c0392b'),
    ],
    { y: { beginAtZero: true } },
  );
  await yieldToPage();
  const early = timeChart(
    byId('chart-early'),
    'Share of live colonies from early-disseminated cells (none alive: a gap)',
    // Points drawn, so that a share between two gaps still shows.
    [
      line('all colonies', '#16a085', { pointRadius: 1 }),
      line('macrometastases', '#2c3e50', { pointRadius: 1 }),
    ],
    { y: { min: 0, max: 1 } },
    'years',
    // The share is undefined (NaN: a gap) while no colony is alive, and LTTB's averages
    // are not defined over gaps: this chart draws every point.
    false,
  );

  await yieldToPage();
  const dtc = new Chart(byId('chart-dtc'), {
    type: 'bar',
    data: {
      labels: METASTATIC_SITES.map(siteShort),
      datasets: [
        { label: 'dormant DTCs (cells)', data: [], backgroundColor: '#2980b9' },
        { label: 'cycling DTCs (colonies of ITC size)', data: [], backgroundColor: '#f39c12' },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: 'Disseminated tumour cells per site (now)' },
        legend: { labels: { boxWidth: 10 } },
      },
      // Room for the first rotated site name, which Chart.js would cut at the left edge.
      layout: { padding: { left: 24 } },
      // Every site named: Chart.js would skip every other label where they crowd.
      scales: { x: { ticks: { autoSkip: false } }, y: { beginAtZero: true } },
    },
  });
  // The site axis's labels, for tests and assistive tools.
  figureOf(dtc)?.setAttribute('data-labels', JSON.stringify(dtc.data.labels));
  await yieldToPage();
  const funnel = new Chart<'bar', (number | null)[], string>(byId('chart-funnel'), {
    type: 'bar',
    data: {
      labels: FUNNEL_BARS.map((b) => b.label),
      // One dataset per unit, each null on the other's bars; not grouped, so every bar is full width.
      datasets: [
        { label: 'cells', data: [], backgroundColor: '#34495e', grouped: false },
        { label: 'colonies', data: [], backgroundColor: '#c0392b', grouped: false },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: 'The funnel so far: cells, then colonies (log scale)' },
        legend: { labels: { boxWidth: 10 } },
      },
      // Every bar named: Chart.js would skip every other label where they crowd.
      scales: { x: { ticks: { autoSkip: false } }, y: COUNT_LOG_AXIS },
    },
  });

  const push = (chart: Chart<'line', Point[]>, i: number, xs: Float64Array, ys: ArrayLike<number>) => {
    const data = chart.data.datasets[i]?.data as Point[];
    for (let k = 0; k < xs.length; k++) data.push({ x: (xs[k] as number) / YEAR, y: ys[k] as number });
  };
  const sum = (columns: Record<string, Float64Array>, prefix: string, n: number) => {
    const out = new Float64Array(n);
    for (const site of METASTATIC_SITES) {
      const col = columns[`${prefix}${site}`];
      if (col) for (let k = 0; k < n; k++) out[k] = (out[k] as number) + (col[k] as number);
    }
    return out;
  };
  let thresholds = [0, 0];
  const dtcDrawn = { key: '' };
  const funnelDrawn = { key: '' };

  return {
    all: [primary, ctc, dtc, mets, early, funnel],
    async reset(symptomaticCells, screeningCells) {
      thresholds = [symptomaticCells, screeningCells];
      for (const c of [primary, ctc, mets, early]) for (const d of c.data.datasets) d.data = [];
      dtc.data.datasets.forEach((d) => {
        d.data = [];
      });
      for (const d of funnel.data.datasets) d.data = [];
      dtcDrawn.key = '';
      funnelDrawn.key = '';
      for (const c of [primary, ctc, dtc, mets, early, funnel]) {
        c.update('none');
        caption(c, 'No run yet.');
        await yieldToPage();
      }
    },
    async append(columns) {
      const day = columns.day as Float64Array;
      const n = day.length;
      if (n === 0) return;
      push(primary, 0, day, columns.primary_cells as Float64Array);
      push(primary, 1, day, columns.primary_capacity_cells as Float64Array);
      push(primary, 2, day, new Float64Array(n).fill(thresholds[0] as number));
      push(primary, 3, day, new Float64Array(n).fill(thresholds[1] as number));
      push(ctc, 0, day, columns.ctc_per_sample as Float64Array);
      const alive = ['dtc_cycling_', 'mets_micro_', 'mets_macro_'].map((prefix) => sum(columns, prefix, n));
      alive.forEach((ys, i) => {
        push(mets, i, day, ys);
      });
      push(early, 0, day, columns.early_share as Float64Array);
      push(early, 1, day, columns.early_share_macro as Float64Array);
      for (const c of [primary, ctc, mets, early]) {
        c.update('none');
        await yieldToPage();
        // Lets tests and assistive tools see that data arrived without reaching into Chart.js.
        const points = c.data.datasets.reduce((sum, d) => sum + d.data.length, 0);
        figureOf(c)?.setAttribute('data-points', String(points));
        // Undefined values (an early-derived share while nothing is alive) are gaps, not zeros.
        const gaps = c.data.datasets.reduce(
          (sum, d) => sum + d.data.filter((p) => Number.isNaN(p.y)).length,
          0,
        );
        figureOf(c)?.setAttribute('data-gaps', String(gaps));
      }
      const last = (c: string) => columns[c]?.[n - 1];
      const at = YEAR_TEXT(day[n - 1] as number);
      caption(
        primary,
        `${at}: the primary tumour has ${count(last('primary_cells') ?? 0, 'cell', 'cells')}; its capacity K is ${readable(last('primary_capacity_cells') ?? 0)} cells.`,
      );
      caption(
        ctc,
        `${at}: ${readable(last('ctc_per_sample') ?? 0)} circulating tumour cells per 7.5 mL of blood.`,
      );
      const [itc, micro, macro] = alive.map((ys) => ys[n - 1] as number) as [number, number, number];
      caption(
        mets,
        `${at}: colonies alive: ${count(itc, 'colony', 'colonies')} of ITC size, ${count(micro, 'micrometastasis', 'micrometastases')}, ${count(macro, 'macrometastasis', 'macrometastases')}.`,
      );
      caption(
        early,
        `${at}: from early-disseminated cells: ${percent(last('early_share'))} of live colonies, ${percent(last('early_share_macro'))} of macrometastases.`,
      );
    },
    siteBars(latest) {
      (dtc.data.datasets[0] as { data: number[] }).data = METASTATIC_SITES.map(
        (s) => latest[`dtc_dormant_${s}`] ?? 0,
      );
      (dtc.data.datasets[1] as { data: number[] }).data = METASTATIC_SITES.map(
        (s) => latest[`dtc_cycling_${s}`] ?? 0,
      );
      updateIfChanged(dtc, dtcDrawn);
      const where = METASTATIC_SITES.flatMap((s) => {
        const dormant = latest[`dtc_dormant_${s}`] ?? 0;
        const cycling = latest[`dtc_cycling_${s}`] ?? 0;
        if (dormant + cycling === 0) return [];
        return [
          `${siteShort(s)} ${count(dormant, 'dormant cell', 'dormant cells')} and ${count(cycling, 'small colony', 'small colonies')}`,
        ];
      });
      caption(dtc, `Now: ${where.length ? where.join('; ') : 'no disseminated tumour cells anywhere'}.`);
    },
    funnel(totals) {
      funnel.data.datasets.forEach((d, i) => {
        const unit = i === 0 ? 'cells' : 'colonies';
        d.data = FUNNEL_BARS.map((b) => (b.unit === unit ? (totals[b.stage] ?? 0) : null));
      });
      updateIfChanged(funnel, funnelDrawn);
      // What each bar shows and how tall it is drawn, for tests and assistive tools.
      const bars = FUNNEL_BARS.map((b, k) => {
        const bar = funnel.getDatasetMeta(b.unit === 'cells' ? 0 : 1).data[k] as unknown as {
          height?: number;
        };
        return {
          stage: b.stage,
          unit: b.unit,
          count: totals[b.stage] ?? 0,
          px: Number.isFinite(bar?.height) ? Math.round(bar?.height as number) : 0,
        };
      });
      figureOf(funnel)?.setAttribute('data-bars', JSON.stringify(bars));
      caption(
        funnel,
        `So far: ${FUNNEL_BARS.map((b) => {
          const n = totals[b.stage] ?? 0;
          return b.unit === 'cells'
            ? `${b.label} ${count(n, 'cell', 'cells')}`
            : count(n, b.label.replace(/ses$/, 'sis'), b.label);
        }).join(', ')}.`,
      );
    },
  };
}
