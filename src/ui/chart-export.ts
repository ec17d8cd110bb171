/**
 * Charts exported as pictures for slides and papers. The chart on the page is
 * only as large as its box (some 400 px wide) and transparent; an exported one is
 * drawn again from the same data and options on a canvas of its own: 1600 px
 * wide, on white, with the chart's title, legend and axis titles. Chart.js draws
 * only on a canvas, so there is no SVG export.
 */
import { Chart, type ChartConfiguration, type Plugin } from 'chart.js';

/** The exported picture's layout size (CSS px, where the fonts' sizes apply) and its width in pixels. */
const LAYOUT_WIDTH = 640;
export const EXPORT_WIDTH = 1600;

/** Fills the canvas white under everything the chart draws (a PNG is otherwise transparent). */
const whiteBackground: Plugin = {
  id: 'seedsoil-white-background',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/**
 * A copy of plain data and options: arrays and plain objects are copied, anything
 * else (tick callbacks) is shared. Chart.js writes into the configuration it is
 * given, which must not be the live chart's.
 */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  }
  return value;
}

/**
 * The chart as a PNG data URL `width` pixels wide, its height in the proportion
 * shown on the page, on white.
 */
export function chartPng(chart: Chart, width = EXPORT_WIDTH): string {
  const shown = chart.width > 0 && chart.height > 0 ? chart.height / chart.width : 0.625;
  const layoutHeight = Math.round(LAYOUT_WIDTH * Math.min(0.75, Math.max(0.55, shown)));
  // Chart.js lays out and draws a chart only on a canvas in the document; this one is out of sight.
  const box = document.createElement('div');
  box.style.cssText = `position:fixed;left:-100000px;top:0;width:${LAYOUT_WIDTH}px;height:${layoutHeight}px`;
  const canvas = document.createElement('canvas');
  canvas.width = LAYOUT_WIDTH;
  canvas.height = layoutHeight;
  box.append(canvas);
  document.body.append(box);
  const config = chart.config as unknown as ChartConfiguration;
  // A decimated series keeps its full data in `_data` (Chart.js' decimation plugin); the copy starts from that.
  const datasets = config.data.datasets.map((d) => {
    const { _data, _decimated, ...rest } = d as typeof d & { _data?: unknown; _decimated?: unknown };
    return copy({ ...rest, data: _data ?? d.data });
  });
  try {
    const picture = new Chart(canvas, {
      type: config.type,
      data: { labels: copy(config.data.labels), datasets },
      options: {
        ...copy(config.options),
        responsive: false,
        animation: false,
        devicePixelRatio: width / LAYOUT_WIDTH,
      },
      plugins: [whiteBackground],
    } as ChartConfiguration);
    const url = picture.toBase64Image('image/png', 1);
    picture.destroy();
    return url;
  } finally {
    box.remove();
  }
}
