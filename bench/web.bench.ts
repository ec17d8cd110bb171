/**
 * Web app benchmark in headless Chromium: the longest main-thread task while the
 * page loads and opens its first run, and while a 20-year run streams, at the
 * default size and in guided mode on a projector (PerformanceObserver long tasks;
 * goal none over 50 ms),
 * chart updates per second, the tissue view drawing tissue-franssen (three
 * 201 × 201 patches, ECM and MMP-2 shown) for some seconds, and the wall time of
 * a 200-replicate comparison against the same replicates run by the Node engine
 * in one loop.
 */
import type { AddressInfo } from 'node:net';
import { build, preview } from 'vite';
import { loadScenarioFile } from '../src/cli/scenarios.ts';
import { run } from '../src/engine/simulation.ts';
import { launchChromium } from '../tests/support/browser.ts';

const REPLICATES = 200;
const TISSUE_SECONDS = 6;
const TISSUE_STEPS_PER_FRAME = [10, 90];

await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
const server = await preview({
  configFile: 'vite.config.ts',
  preview: { port: 0, host: '127.0.0.1' },
  logLevel: 'warn',
});
const url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/`;
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.addInitScript(() => {
  const w = window as unknown as { longTasks: number[] };
  w.longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
});
const loadStart = Date.now();
await page.goto(`${url}#scenario=breast-her2-early&seed=1`);
await page.waitForSelector('#status[data-day]');
const loadSeconds = (Date.now() - loadStart) / 1000;
// Tasks that end after the first run is drawn are still the load's: wait for them.
await page.waitForTimeout(500);
const loadTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
await page.evaluate(() => {
  (window as unknown as { longTasks: number[] }).longTasks = [];
});
await page.selectOption('#speed', '30');
const started = Date.now();
await page.click('#run');
await page.waitForSelector('#status[data-done="true"]', { timeout: 600_000 });
const streamSeconds = (Date.now() - started) / 1000;
const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
const updates = Math.ceil(7300 / 30);

// A class's page: teaching-basic guided on a projector, a month per frame, Continue at each stop.
const guidedPage = await browser.newPage({ viewport: { width: 1024, height: 768 } });
await guidedPage.addInitScript(() => {
  const w = window as unknown as { longTasks: number[] };
  w.longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
});
await guidedPage.goto(`${url}#scenario=teaching-basic&seed=42&guided=1`);
await guidedPage.waitForSelector('#status[data-day]');
await guidedPage.waitForTimeout(500);
const guidedLoadTasks = await guidedPage.evaluate(
  () => (window as unknown as { longTasks: number[] }).longTasks,
);
await guidedPage.evaluate(() => {
  (window as unknown as { longTasks: number[] }).longTasks = [];
});
await guidedPage.click('#run');
let stops = 0;
for (;;) {
  await guidedPage.waitForFunction(
    () =>
      !(document.getElementById('guide') as HTMLElement).hidden ||
      document.getElementById('status')?.dataset.done === 'true',
    undefined,
    { timeout: 600_000 },
  );
  if ((await guidedPage.getAttribute('#status', 'data-done')) === 'true') break;
  stops++;
  await guidedPage.click('#guide-next');
}
const guidedTasks = await guidedPage.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
await guidedPage.close();
const longest = (tasks: number[]) => (tasks.length ? Math.max(...tasks).toFixed(0) : '0');

const tissuePage = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await tissuePage.addInitScript(() => {
  const w = window as unknown as { longTasks: number[] };
  w.longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
});
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
  await tissuePage.evaluate(() => {
    (window as unknown as { longTasks: number[] }).longTasks = [];
  });
  const before = await tissueCounts();
  const start = Date.now();
  await tissuePage.click('#run');
  await tissuePage.waitForTimeout(TISSUE_SECONDS * 1000);
  const after = await tissueCounts();
  const seconds = (Date.now() - start) / 1000;
  await tissuePage.click('#pause');
  const longTasks = await tissuePage.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
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

console.log('seedsoil web benchmark (headless Chromium, one run on this machine)');
console.log(
  `  page load to the first run drawn (breast-her2-early, 1400 × 900): ${loadSeconds.toFixed(1)} s; long tasks ${loadTasks.length}, longest ${longest(loadTasks)} ms (goal: none over 50 ms)`,
);
console.log(
  `  teaching-basic guided at 1024 × 768: load long tasks ${guidedLoadTasks.length}, longest ${longest(guidedLoadTasks)} ms; run with ${stops} stops: long tasks ${guidedTasks.length}, longest ${longest(guidedTasks)} ms (goal: none over 50 ms)`,
);
console.log(
  `  20-year breast-her2-early streamed a month per frame: ${updates} chart updates in ${streamSeconds.toFixed(1)} s = ${(updates / streamSeconds).toFixed(0)} updates/s`,
);
console.log(
  `  long tasks on the main thread: ${longTasks.length}, longest ${longTasks.length ? Math.max(...longTasks).toFixed(0) : 0} ms (goal: none over 50 ms)`,
);
console.log(
  `  tissue-franssen (3 patches of 201 × 201, ECM and MMP-2 shown): ${(frameBytes / 1024).toFixed(0)} KiB per frame, transferred`,
);
for (const t of tissue) {
  console.log(
    `    ${t.speed} steps per frame for ${t.seconds.toFixed(1)} s: ${(t.frames / t.seconds).toFixed(0)} frames drawn/s, ${(t.steps / t.seconds).toFixed(0)} steps/s; long tasks ${t.longTasks.length}, longest ${t.longTasks.length ? Math.max(...t.longTasks).toFixed(0) : 0} ms (goal: none over 50 ms)`,
  );
}
console.log(
  `  compare, ${REPLICATES} paired replicates per arm: ${compareSeconds.toFixed(1)} s in the browser pool vs ${nodeSeconds.toFixed(1)} s in one Node loop (ratio ${(compareSeconds / nodeSeconds).toFixed(2)})`,
);
