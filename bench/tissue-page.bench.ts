/**
 * The tissue view drawing the 1 cm × 1 cm scenario (tissue-centimetre: three
 * patches of 1001 × 1001 points, ECM and MMP-2 shown) in headless Chromium:
 * frames drawn per second, steps per second and the main thread's long tasks
 * (PerformanceObserver; goal at least 20 frames per second and no task over
 * 50 ms), at a few steps per frame and at more. The worker sends a picture after
 * at most its step budget (session.ts), so at 90 steps per frame a frame carries
 * fewer steps and the steps per second tell the worker's pace. Measured as
 * bench/web.bench.ts measures tissue-franssen. Run from the project root:
 * `npx tsx bench/tissue-page.bench.ts`.
 */
import type { AddressInfo } from 'node:net';
import { build, preview } from 'vite';
import { launchChromium } from '../tests/support/browser.ts';

const SECONDS = 8;
const STEPS_PER_FRAME = [10, 90];

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
const opened = Date.now();
await page.goto(`${url}#scenario=tissue-centimetre&seed=1`);
await page.waitForSelector('#status[data-step="0"]', { timeout: 120_000 });
const openSeconds = (Date.now() - opened) / 1000;
const openTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
await page.check('#show-ecm');
await page.check('#show-mmp');
const counts = () =>
  page.evaluate(() => ({
    frames: Number(document.getElementById('patches')?.dataset.frames),
    step: Number(document.getElementById('status')?.dataset.step),
  }));
const rows: { speed: number; seconds: number; frames: number; steps: number; longTasks: number[] }[] = [];
for (const speed of STEPS_PER_FRAME) {
  await page.selectOption('#speed', String(speed));
  await page.evaluate(() => {
    (window as unknown as { longTasks: number[] }).longTasks = [];
  });
  const before = await counts();
  const start = Date.now();
  await page.click('#run');
  await page.waitForTimeout(SECONDS * 1000);
  const after = await counts();
  const seconds = (Date.now() - start) / 1000;
  await page.click('#pause');
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  rows.push({
    speed,
    seconds,
    frames: after.frames - before.frames,
    steps: after.step - before.step,
    longTasks,
  });
  await page.waitForTimeout(500);
}
const frameBytes = Number(await page.getAttribute('#patches', 'data-frame-bytes'));
await browser.close();
await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));

const longest = (tasks: number[]) => (tasks.length ? Math.max(...tasks).toFixed(0) : '0');
const over50 = (tasks: number[]) => tasks.filter((t) => t > 50).length;
console.log(
  'tissue view, tissue-centimetre (3 patches of 1001 × 1001, ECM and MMP-2 shown), headless Chromium',
);
console.log(
  `  opened in ${openSeconds.toFixed(1)} s; long tasks ${openTasks.length}, longest ${longest(openTasks)} ms; ${(frameBytes / 2 ** 20).toFixed(1)} MiB per frame (RGBA pixels), transferred`,
);
for (const r of rows) {
  console.log(
    `  ${r.speed} steps per frame asked for ${r.seconds.toFixed(1)} s: ${(r.frames / r.seconds).toFixed(1)} frames drawn/s (goal: 20), ${(r.steps / r.seconds).toFixed(0)} steps/s (${(r.steps / Math.max(1, r.frames)).toFixed(1)} per frame drawn); long tasks ${r.longTasks.length}, ${over50(r.longTasks)} over 50 ms, longest ${longest(r.longTasks)} ms (goal: none over 50 ms)`,
  );
}
