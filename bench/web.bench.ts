/**
 * Web app benchmark in headless Chromium: the longest main-thread task while a
 * 20-year run streams (PerformanceObserver long tasks; goal none over 50 ms),
 * chart updates per second, and the wall time of a 200-replicate comparison
 * against the same replicates run by the Node engine in one loop.
 */
import type { AddressInfo } from 'node:net';
import { build, preview } from 'vite';
import { loadScenarioFile } from '../src/cli/scenarios.ts';
import { run } from '../src/engine/simulation.ts';
import { launchChromium } from '../tests/support/browser.ts';

const REPLICATES = 200;

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
await page.goto(`${url}#scenario=breast-her2-early&seed=1`);
await page.waitForSelector('#status[data-day]');
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
  `  20-year breast-her2-early streamed a month per frame: ${updates} chart updates in ${streamSeconds.toFixed(1)} s = ${(updates / streamSeconds).toFixed(0)} updates/s`,
);
console.log(
  `  long tasks on the main thread: ${longTasks.length}, longest ${longTasks.length ? Math.max(...longTasks).toFixed(0) : 0} ms (goal: none over 50 ms)`,
);
console.log(
  `  compare, ${REPLICATES} paired replicates per arm: ${compareSeconds.toFixed(1)} s in the browser pool vs ${nodeSeconds.toFixed(1)} s in one Node loop (ratio ${(compareSeconds / nodeSeconds).toFixed(2)})`,
);
