/**
 * Web app benchmark in headless Chromium: long tasks on the page's main thread
 * (PerformanceObserver; goal none over 50 ms) while the page loads and opens its
 * first run, and while a run streams a month per frame: the default scenario
 * (breast-her2-early, 30 years) at 1440 × 900 and on a classroom projector at
 * 1024 × 768, and teaching-basic guided on the projector, Continue at each stop;
 * then the tissue view drawing tissue-franssen (three 201 × 201 patches, ECM and
 * MMP-2 shown) for some seconds, and the wall time of a 200-replicate comparison
 * against the same replicates run by the Node engine in one loop.
 *
 * `npx tsx bench/web.bench.ts long-tasks` measures the long tasks only.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { build, preview } from 'vite';
import { loadScenarioFile } from '../src/cli/scenarios.ts';
import { run } from '../src/engine/simulation.ts';
import { launchChromium } from '../tests/support/browser.ts';

const REPLICATES = 200;
const TISSUE_SECONDS = 6;
const TISSUE_STEPS_PER_FRAME = [10, 90];
const longTasksOnly = process.argv[2] === 'long-tasks';

await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
const server = await preview({
  configFile: 'vite.config.ts',
  preview: { port: 0, host: '127.0.0.1' },
  logLevel: 'warn',
});
const url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/`;
const browser = await launchChromium();

type Size = { width: number; height: number };
const DESKTOP: Size = { width: 1440, height: 900 };
const PROJECTOR: Size = { width: 1024, height: 768 };

/** A page that records the duration of every long task (over 50 ms) and the frames the run drew. */
async function observedPage(b: Browser, size: Size): Promise<Page> {
  const page = await b.newPage({ viewport: size });
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[]; frames: number };
    w.longTasks = [];
    w.frames = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    // The status line changes once per chunk drawn.
    new MutationObserver(() => {
      w.frames++;
    }).observe(document, { subtree: true, attributeFilter: ['data-day', 'data-step'] });
  });
  return page;
}

/** The long tasks recorded since the last call, and the frames drawn. */
async function taken(page: Page): Promise<{ tasks: number[]; frames: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { longTasks: number[]; frames: number };
    const out = { tasks: w.longTasks, frames: w.frames };
    w.longTasks = [];
    w.frames = 0;
    return out;
  });
}

interface Streamed {
  name: string;
  size: Size;
  load: number[];
  loadSeconds: number;
  stream: number[];
  frames: number;
  streamSeconds: number;
  stops: number;
}

/**
 * Opens `hash` at `size`, waits for the first run to be drawn, then runs it to the
 * end a month per frame; a guided run is continued at each stop.
 */
async function streamed(name: string, hash: string, size: Size): Promise<Streamed> {
  const page = await observedPage(browser, size);
  const loadStart = Date.now();
  await page.goto(`${url}#${hash}`);
  await page.waitForSelector('#status[data-day]');
  const loadSeconds = (Date.now() - loadStart) / 1000;
  // Tasks that end after the first run is drawn are still the load's: wait for them.
  await page.waitForTimeout(500);
  const load = (await taken(page)).tasks;
  await page.selectOption('#speed', '30');
  const started = Date.now();
  await page.click('#run');
  let stops = 0;
  for (;;) {
    await page.waitForFunction(
      () =>
        !(document.getElementById('guide') as HTMLElement).hidden ||
        document.getElementById('status')?.dataset.done === 'true',
      undefined,
      { timeout: 600_000 },
    );
    if ((await page.getAttribute('#status', 'data-done')) === 'true') break;
    stops++;
    await page.click('#guide-next');
  }
  const streamSeconds = (Date.now() - started) / 1000;
  const { tasks: stream, frames } = await taken(page);
  await page.close();
  return { name, size, load, loadSeconds, stream, frames, streamSeconds, stops };
}

const longest = (tasks: number[]) => (tasks.length ? `${Math.max(...tasks).toFixed(0)} ms` : 'none');
const over50 = (tasks: number[]) => `${tasks.length} over 50 ms, longest ${longest(tasks)}`;

const runs = [
  await streamed('breast-her2-early', 'scenario=breast-her2-early&seed=1', DESKTOP),
  await streamed('breast-her2-early', 'scenario=breast-her2-early&seed=1', PROJECTOR),
  await streamed('teaching-basic guided', 'scenario=teaching-basic&seed=42&guided=1', PROJECTOR),
];
console.log('seedsoil web benchmark (headless Chromium, one run on this machine)');
console.log('  long tasks on the main thread (goal: none over 50 ms), a month per frame:');
for (const r of runs) {
  console.log(
    `    ${r.name} at ${r.size.width} × ${r.size.height}: load (${r.loadSeconds.toFixed(1)} s to the first run drawn) ${over50(r.load)}; streaming ${r.frames} frames in ${r.streamSeconds.toFixed(1)} s (${(r.frames / r.streamSeconds).toFixed(0)} frames/s${r.stops ? `, ${r.stops} guided stops` : ''}) ${over50(r.stream)}`,
  );
}
if (longTasksOnly) {
  await browser.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  process.exit(0);
}

const tissuePage = await observedPage(browser, DESKTOP);
await tissuePage.goto(`${url}#scenario=tissue-franssen&seed=1`);
await tissuePage.waitForSelector('#status[data-step="0"]');
await tissuePage.check('#show-ecm');
await tissuePage.check('#show-mmp');
const tissueCounts = () =>
  tissuePage.evaluate(() => ({
    frames: Number(document.getElementById('patches')?.dataset.frames),
    step: Number(document.getElementById('status')?.dataset.step),
  }));
const tissue: { speed: number; seconds: number; frames: number; steps: number; longTasks: number[] }[] = [];
// A few steps per frame shows the page's drawing rate; more shows the worker's pace.
for (const speed of TISSUE_STEPS_PER_FRAME) {
  await tissuePage.selectOption('#speed', String(speed));
  await taken(tissuePage);
  const before = await tissueCounts();
  const start = Date.now();
  await tissuePage.click('#run');
  await tissuePage.waitForTimeout(TISSUE_SECONDS * 1000);
  const after = await tissueCounts();
  const seconds = (Date.now() - start) / 1000;
  await tissuePage.click('#pause');
  const longTasks = (await taken(tissuePage)).tasks;
  tissue.push({
    speed,
    seconds,
    frames: after.frames - before.frames,
    steps: after.step - before.step,
    longTasks,
  });
  await tissuePage.waitForTimeout(500);
}
const frameBytes = Number(await tissuePage.getAttribute('#patches', 'data-frame-bytes'));
await tissuePage.close();

const page = await browser.newPage({ viewport: DESKTOP });
await page.goto(`${url}#scenario=breast-her2-early&seed=1`);
await page.waitForSelector('#status[data-day]');
await page.click('#tab-compare');
await page.fill('#replicates', String(REPLICATES));
const compareStart = Date.now();
await page.click('#compare-run');
await page.waitForSelector('#compare-status[data-done="true"]', { timeout: 600_000 });
const compareSeconds = (Date.now() - compareStart) / 1000;
await browser.close();
await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));

const arms = [loadScenarioFile('breast-her2-early'), loadScenarioFile('breast-her2-late')];
const nodeStart = Date.now();
for (let i = 0; i < REPLICATES; i++) for (const s of arms) run(s, { seed: 1, replicate: i });
const nodeSeconds = (Date.now() - nodeStart) / 1000;

console.log(
  `  tissue-franssen (3 patches of 201 × 201, ECM and MMP-2 shown): ${(frameBytes / 1024).toFixed(0)} KiB per frame, transferred`,
);
for (const t of tissue) {
  console.log(
    `    ${t.speed} steps per frame for ${t.seconds.toFixed(1)} s: ${(t.frames / t.seconds).toFixed(0)} frames drawn/s, ${(t.steps / t.seconds).toFixed(0)} steps/s; long tasks ${over50(t.longTasks)}`,
  );
}
console.log(
  `  compare, ${REPLICATES} paired replicates per arm: ${compareSeconds.toFixed(1)} s in the browser pool vs ${nodeSeconds.toFixed(1)} s in one Node loop (ratio ${(compareSeconds / nodeSeconds).toFixed(2)})`,
);
