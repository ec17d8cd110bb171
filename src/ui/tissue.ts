/**
 * The tissue view: every patch drawn on a canvas from the worker's pictures
 * (tissue-picture.ts: RGBA pixels, at most MAX_PICTURE a side), the vessels and
 * recent entries and arrivals marked on top, the charts of the counts, and the
 * story of the steps from invasion to colonisation. Drawing a frame is one
 * putImageData and one scaled drawImage with smoothing off per patch, so the page
 * never loops over the lattice's points, even at 1001 × 1001.
 * It is the page's View (view.ts) of tissue runs.
 */
import type { TissueChunk } from '../../workers/protocol.ts';
import { asTissue } from '../engine/scenario.ts';
import type { TissueScenario } from '../engine/schema.ts';
import type { TissueEvent } from '../engine/tissue/context.ts';
import type { TissueLayout } from '../engine/tissue/frame.ts';
import { chartPng } from './chart-export.ts';
import { yieldToPage } from './tasks.ts';
import { createTissueCharts, type TissueCharts } from './tissue-charts.ts';
import { type PatchPicture, pictureSize } from './tissue-picture.ts';
import type { View } from './view.ts';
import { count, patchShort, patchThe, readable } from './words.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const VESSEL_COLORS = { normal: '#111111', ruptured: '#8e24aa', arrival: '#1b5e20' } as const;
const FLASH_COLOR = '#ffb300';
/** How long (simulated hours) an entry or arrival stays ringed on its patch. */
const FLASH_HOURS = 3;
/** The feed keeps the newest events only; the full list is in the exported events.csv. */
const FEED_LIMIT = 200;

interface PatchView {
  name: string;
  figure: HTMLElement;
  counts: HTMLElement;
  canvas: HTMLCanvasElement;
  /** The canvas's width on screen (CSS pixels), as last reported by the ResizeObserver; 0 until then. */
  cssWidth: number;
  /** The worker's latest picture of the patch, one pixel per lattice point (or per block of them). */
  lattice: HTMLCanvasElement;
  picture: PatchPicture | undefined;
  vessels: TissueLayout['patches'][number]['vessels'];
}

/** Steps per frame offered for a tissue run. */
const SPEEDS = [10, 30, 90, 300];
const INITIAL_SPEED = 90;
const SECONDS_PER_DAY = 86_400;

/** A speed labelled with the simulated time it covers. */
function speedLabel(steps: number, stepSeconds: number): string {
  const seconds = steps * stepSeconds;
  const time = seconds < 3600 ? `${readable(seconds / 60)} min` : `${readable(seconds / 3600)} h`;
  return `${steps} steps per frame (${time})`;
}

function marker(
  ctx: CanvasRenderingContext2D,
  kind: 'normal' | 'ruptured' | 'arrival',
  x: number,
  y: number,
  r: number,
): void {
  ctx.strokeStyle = VESSEL_COLORS[kind];
  ctx.beginPath();
  if (kind === 'normal') ctx.arc(x, y, r, 0, 2 * Math.PI);
  else if (kind === 'ruptured') {
    ctx.moveTo(x, y - r * 1.2);
    ctx.lineTo(x + r * 1.2, y);
    ctx.lineTo(x, y + r * 1.2);
    ctx.lineTo(x - r * 1.2, y);
    ctx.closePath();
  } else ctx.rect(x - r, y - r, 2 * r, 2 * r);
  ctx.stroke();
}

const PHASES: [string, string, string][] = [
  [
    'invasion',
    'Invasion',
    'Mesenchymal-like cells degrade the ECM (membrane MT1-MMP and diffusing MMP-2) and climb its gradient; epithelial-like cells move more slowly and follow.',
  ],
  [
    'intravasation',
    'Intravasation',
    'A cell stepping onto a vessel enters the blood with every cell on and next to it: any cell at a ruptured vessel, only a mesenchymal-like cell at a normal one.',
  ],
  [
    'circulation',
    'Circulation',
    'Clusters spend a fixed time in the vessels; some cells break away, and single cells die far more often than clusters.',
  ],
  [
    'arrival',
    'Arrival',
    'A survivor arrives at a vessel of a secondary patch and settles on it and its neighbours if there is room.',
  ],
  [
    'colonisation',
    'Colonisation',
    'Settled cells keep dividing and invading: a new colony grows in the secondary patch.',
  ],
];

/** The event's hour as the page's clock counts it (steps × step length), not through its day, which rounds twice. */
function eventHours(e: TissueEvent, stepSeconds: number): number {
  return (e.step * stepSeconds) / 3600;
}

function eventText(e: TissueEvent, patches: string[], stepSeconds: number): string {
  const n = e.mesenchymal + e.epithelial;
  const who =
    n === 1
      ? `a single ${e.mesenchymal ? 'M' : 'E'} cell`
      : `a cluster of ${n} (${e.mesenchymal} M, ${e.epithelial} E)`;
  const name = patches[e.patch];
  const where = `${name === undefined ? `patch ${e.patch}` : patchThe(name)} at (${e.x}, ${e.y})`;
  const text =
    e.type === 'intravasation'
      ? `${who} entered a ${e.detail || 'vessel'} in ${where}`
      : `${who} arrived in ${where}${e.detail ? `; ${e.detail}` : ''}`;
  return `${eventHours(e, stepSeconds).toFixed(1)} h: ${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The tissue view; `redraw` asks for a fresh picture of the run when the fields shown change. */
export async function createTissueView(redraw: (view: View) => void): Promise<View> {
  const charts: TissueCharts = await createTissueCharts((id) => $<HTMLCanvasElement>(id));
  const showEcm = $<HTMLInputElement>('show-ecm');
  const showMmp = $<HTMLInputElement>('show-mmp');
  const box = $('patches');
  let patches: PatchView[] = [];
  let layout: TissueLayout | undefined;
  let scenario: TissueScenario | undefined;
  let latest: Record<string, number> = {};
  let recent: TissueEvent[] = [];
  let hours = 0;
  let events = 0;
  let frames = 0;
  const phaseValues = new Map<string, HTMLElement>();

  const draw = (v: PatchView, index: number) => {
    if (!v.picture || !layout) return;
    const m = v.picture.mesenchymal;
    const e = v.picture.epithelial;
    v.figure.dataset.mesenchymal = String(m);
    v.figure.dataset.epithelial = String(e);
    v.counts.textContent = `M ${readable(m)} · E ${readable(e)}`;
    const ctx = v.canvas.getContext('2d');
    const size = v.canvas.width;
    if (!ctx || size === 0) return;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(v.lattice, 0, 0, size, size);
    const cell = size / layout.side;
    // Markers keep a readable size on screen whatever the lattice size.
    // The width is the observer's, not clientWidth: reading layout here, just after
    // writing the counts, would force a synchronous layout for every patch every frame.
    const cssPixel = size / Math.max(1, v.cssWidth || size);
    const r = Math.max(3.5 * cssPixel, 0.7 * cell);
    ctx.lineWidth = 1.5 * cssPixel;
    for (const vessel of v.vessels)
      marker(ctx, vessel.kind, (vessel.x + 0.5) * cell, (vessel.y + 0.5) * cell, r);
    ctx.strokeStyle = FLASH_COLOR;
    for (const ev of recent) {
      if (ev.patch !== index) continue;
      const age = (hours - eventHours(ev, layout.stepSeconds)) / FLASH_HOURS;
      ctx.globalAlpha = Math.max(0, 1 - age);
      ctx.lineWidth = 2.5 * cssPixel;
      ctx.beginPath();
      ctx.arc((ev.x + 0.5) * cell, (ev.y + 0.5) * cell, r * (1.8 + 2 * age), 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  };
  const drawAll = () => {
    patches.forEach(draw);
  };

  // The backing store follows the canvas's size on screen, so the lattice is drawn at device resolution.
  const resize = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const i = patches.findIndex((p) => p.canvas === entry.target);
      const v = patches[i];
      const width = entry.contentRect.width;
      const size = Math.round(width * devicePixelRatio);
      if (!v || size === 0 || (v.canvas.width === size && v.cssWidth === width)) continue;
      v.cssWidth = width;
      if (v.canvas.width !== size) {
        v.canvas.width = size;
        v.canvas.height = size;
      }
      draw(v, i);
    }
  });

  // The worker paints the fields, so a toggle asks it for a fresh picture.
  const toggled = () => {
    redraw(view);
  };
  showEcm.addEventListener('change', toggled);
  showMmp.addEventListener('change', toggled);
  $<HTMLInputElement>('log-cells').addEventListener('change', (e) =>
    charts.logCells((e.target as HTMLInputElement).checked),
  );

  const renderPhases = (funnel: Record<string, number>) => {
    const secondary = patches
      .slice(1)
      .reduce(
        (sum, p) => sum + (latest[`${p.name}_mesenchymal`] ?? 0) + (latest[`${p.name}_epithelial`] ?? 0),
        0,
      );
    const died = (funnel.diedSingle ?? 0) + (funnel.diedInCluster ?? 0);
    const survived = (funnel.survivedSingle ?? 0) + (funnel.survivedInCluster ?? 0);
    const values: Record<string, string> = {
      invasion: `front M ${(latest.front_mesenchymal_um ?? 0).toFixed(0)} µm, E ${(latest.front_epithelial_um ?? 0).toFixed(0)} µm; ${(100 * (latest.primary_ecm_remaining ?? 1)).toFixed(1)}% ECM left`,
      intravasation: `${count(funnel.intravasations ?? 0, 'entry', 'entries')}, ${count(funnel.intravasated ?? 0, 'cell', 'cells')}`,
      circulation: `${count(funnel.inVasculature ?? 0, 'cell', 'cells')} in vessels, ${readable(died)} died, ${readable(survived)} survived`,
      arrival: `${count(funnel.arrived ?? 0, 'cell', 'cells')} settled${funnel.lostNoRoom ? `, ${readable(funnel.lostNoRoom)} found no room` : ''}`,
      colonisation: `${count(secondary, 'cell', 'cells')} in secondary patches`,
    };
    for (const [key, el] of phaseValues) el.textContent = values[key] ?? '';
  };

  const open = (): { scenario: TissueScenario; layout: TissueLayout } => {
    if (!scenario || !layout) throw new Error('no run is open');
    return { scenario, layout };
  };

  const view: View = {
    show(shown) {
      $('tissue').hidden = !shown;
      $('story-tissue').hidden = !shown;
    },
    speeds() {
      const { stepSeconds } = open().scenario.tissue.time;
      return {
        options: SPEEDS.map((value) => ({ value, label: speedLabel(value, stepSeconds) })),
        initial: INITIAL_SPEED,
      };
    },
    frameDays: (steps) => (steps * open().scenario.tissue.time.stepSeconds) / SECONDS_PER_DAY,
    interval() {
      const { observeEverySteps, stepSeconds } = open().scenario.tissue.time;
      return {
        days: (observeEverySteps * stepSeconds) / SECONDS_PER_DAY,
        text: `one observation interval (${observeEverySteps} steps)`,
      };
    },
    shown: () => ({ ecm: showEcm.checked, mmp: showMmp.checked }),
    async reset(s, next) {
      if (!next) throw new Error('a tissue run comes with its layout');
      scenario = asTissue(s);
      layout = next;
      latest = {};
      recent = [];
      hours = 0;
      events = 0;
      for (const p of patches) resize.unobserve(p.canvas);
      patches = next.patches.map((p) => {
        const figure = document.createElement('figure');
        figure.className = 'patch';
        figure.dataset.patch = p.name;
        const caption = document.createElement('figcaption');
        const title = document.createElement('b');
        title.textContent = patchShort(p.name);
        const counts = document.createElement('span');
        counts.className = 'counts';
        caption.append(title, ' ', counts);
        const canvas = document.createElement('canvas');
        canvas.width = next.side * 4;
        canvas.height = next.side * 4;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${patchThe(p.name)}: cells, fields and vessels`);
        figure.append(caption, canvas);
        const lattice = document.createElement('canvas');
        lattice.width = pictureSize(next.side);
        lattice.height = lattice.width;
        resize.observe(canvas);
        return {
          name: p.name,
          figure,
          counts,
          canvas,
          cssWidth: 0,
          lattice,
          picture: undefined,
          vessels: p.vessels,
        };
      });
      box.replaceChildren(...patches.map((p) => p.figure));
      box.dataset.side = String(next.side);
      box.dataset.frames = '0';
      frames = 0;
      const mm = (next.side * next.spacingUm) / 1000;
      box.title = `each patch is ${mm.toFixed(2)} mm square (${next.side} × ${next.side} points ${next.spacingUm} µm apart, up to ${next.capacity} cells a point)`;
      charts.reset(patches.map((p) => p.name));
      charts.logCells($<HTMLInputElement>('log-cells').checked);

      const v = scenario.tissue.vasculature;
      const list = $('tissue-phases');
      phaseValues.clear();
      list.replaceChildren(
        ...PHASES.map(([key, name, text]) => {
          const li = document.createElement('li');
          const b = document.createElement('b');
          b.textContent = name;
          const value = document.createElement('span');
          value.className = 'value';
          value.dataset.phase = key;
          phaseValues.set(key, value);
          const detail =
            key === 'circulation'
              ? ` (${v.hours} h; a single cell survives with p = ${v.survivalSingle}, a cluster with ${v.survivalCluster})`
              : '';
          li.append(b, ' ', value, document.createElement('br'), `${text}${detail}`);
          return li;
        }),
      );
      const feed = $('tissue-feed');
      feed.replaceChildren();
      feed.dataset.count = '0';
    },
    // In pieces, each its own task (tasks.ts); the status comes when all are drawn.
    async apply(received) {
      const chunk = received as TissueChunk;
      await charts.append(chunk.columns);
      const n = chunk.columns.step?.length ?? 0;
      if (n > 0) for (const [k, col] of Object.entries(chunk.columns)) latest[k] = col[n - 1] as number;
      charts.funnel(chunk.funnel);
      await yieldToPage();
      const { steps, stepSeconds } = open().layout;
      hours = (chunk.step * stepSeconds) / 3600;
      const names = patches.map((p) => p.name);
      const feed = $('tissue-feed');
      for (const e of chunk.events) {
        const li = document.createElement('li');
        li.dataset.type = e.type;
        li.textContent = eventText(e, names, stepSeconds);
        feed.prepend(li);
      }
      while (feed.childElementCount > FEED_LIMIT) feed.lastElementChild?.remove();
      events += chunk.events.length;
      feed.dataset.count = String(events);
      recent = [...recent, ...chunk.events].filter((e) => eventHours(e, stepSeconds) >= hours - FLASH_HOURS);

      const size = chunk.frame.size;
      chunk.frame.patches.forEach((p, i) => {
        const v = patches[i];
        if (!v) return;
        v.picture = p;
        v.lattice.getContext('2d')?.putImageData(new ImageData(p.pixels, size, size), 0, 0);
      });
      drawAll();
      frames++;
      box.dataset.step = String(chunk.frame.step);
      box.dataset.frames = String(frames);
      box.dataset.fields = chunk.frame.fields ? 'ecm mmp' : '';
      box.dataset.frameBytes = String(chunk.frame.patches.reduce((sum, p) => sum + p.pixels.byteLength, 0));
      renderPhases(chunk.funnel);
      const stepHours = stepSeconds / 3600;
      return {
        text: `Step ${chunk.step} of ${steps} (${(chunk.step * stepHours).toFixed(1)} h of ${(steps * stepHours).toFixed(1)} h)`,
        where: `step ${chunk.step} of ${steps}`,
        data: {
          step: String(chunk.step),
          intravasations: String(chunk.funnel.intravasations ?? 0),
          intravasated: String(chunk.funnel.intravasated ?? 0),
          arrived: String(chunk.funnel.arrived ?? 0),
        },
      };
    },
    images() {
      return [
        ...patches.map((p): [string, string] => [`patch-${p.name}.png`, p.canvas.toDataURL('image/png')]),
        ...charts.all.map((c, i): [string, string] => [`chart-${i + 1}.png`, chartPng(c)]),
      ];
    },
  };
  return view;
}
