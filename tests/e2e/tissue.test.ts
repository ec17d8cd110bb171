/**
 * End-to-end tests of the tissue view in real headless Chromium: the patches
 * drawn from the worker's frames, the numbers against the Node engine, share
 * links with changed tissue parameters, and the ECM/MMP-2 toggles (checked on
 * the wire: what the page asks the worker for). Built into its own folder so it
 * can run beside the other e2e file. Screenshots go to test-artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as esbuild } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { asTissue, deepMerge, validateScenario } from '../../src/engine/scenario.ts';
import type { AnyScenario } from '../../src/engine/schema.ts';
import { tissueFiles } from '../../src/engine/tissue/output.ts';
import { createTissueSimulation, runTissueSteps, tissueResult } from '../../src/engine/tissue/simulation.ts';
import { patchThe, readable } from '../../src/ui/words.ts';
import { launchChromium, serveApp } from '../support/browser.ts';
import { type FieldDigest, fieldDigest } from '../support/field-digest.ts';
import { smallTissue } from '../support/tissue.ts';

const ARTIFACTS = 'test-artifacts';
/** Background colours of a patch: intact ECM when the ECM is shown, plain grey when not. */
const INTACT_ECM = [227, 207, 168];
const PLAIN = [244, 245, 247];
let server: PreviewServer;
let browser: Browser;
let base: string;
let outDir: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'seedsoil-e2e-tissue-'));
  ({ server, base } = await serveApp(outDir));
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** The page's requests to the worker: days to advance, and whether the picture carries the fields. */
type Requests = { requests: [number, boolean][] };

interface Opened {
  page: Page;
  errors: string[];
}

/**
 * Opens the app and records every advanceTissue call the page sends to the
 * worker (comlink's APPLY messages), as [steps, withFields].
 */
async function open(hash = '', waitFor = '#status[data-step]'): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The browser asks for a favicon the app does not have; that 404 is not the page's.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as Requests;
    w.requests = [];
    const post = Worker.prototype.postMessage as (this: Worker, ...args: unknown[]) => void;
    Worker.prototype.postMessage = function (this: Worker, ...args: unknown[]) {
      const m = args[0] as { type?: string; path?: string[]; argumentList?: { value: unknown }[] };
      if (m?.type === 'APPLY' && m.path?.[0] === 'advance') {
        const [days, fields] = (m.argumentList ?? []).map((a) => a.value);
        w.requests.push([days as number, fields as boolean]);
      }
      post.apply(this, args);
    };
  });
  await page.goto(`${base}${hash}`);
  await page.waitForSelector(waitFor);
  return { page, errors };
}

async function runToEnd(page: Page): Promise<void> {
  await page.selectOption('#speed', '300');
  await page.click('#run');
  await page.waitForSelector('#status[data-done="true"]', { timeout: 60_000 });
}

function nodeRun(file: AnyScenario, seed: number) {
  const scenario = asTissue(file);
  const sim = createTissueSimulation(scenario, { seed });
  runTissueSteps(sim, scenario.tissue.time.steps);
  return { sim, result: tissueResult(sim) };
}

/** What the page shows: cells per patch (from the drawn frame) and the status numbers. */
async function shown(page: Page) {
  const patches = await page.$$eval('#patches figure', (figures) =>
    figures.map((f) => ({
      name: f.getAttribute('data-patch'),
      mesenchymal: Number(f.getAttribute('data-mesenchymal')),
      epithelial: Number(f.getAttribute('data-epithelial')),
    })),
  );
  const status = async (name: string) => Number(await page.getAttribute('#status', `data-${name}`));
  return {
    patches,
    step: await status('step'),
    intravasations: await status('intravasations'),
    intravasated: await status('intravasated'),
    arrived: await status('arrived'),
  };
}

/** Everything the page shows of a finished run, to compare with the Node engine's run whole. */
async function shownWhole(page: Page) {
  return {
    ...(await shown(page)),
    events: Number(await page.getAttribute('#tissue-feed', 'data-count')),
    // The front chart has three lines, one point per observation row each.
    rows: Number(await page.getAttribute('figure:has(#chart-tissue-front)', 'data-points')) / 3,
  };
}

function expectedWhole(result: ReturnType<typeof tissueResult>) {
  return {
    ...expected(result),
    events: result.events.length,
    rows: result.series.step?.length,
  };
}

/** Waits until the run of this seed (its share link written, so its reset is over) has finished. */
async function finished(page: Page, seed: number): Promise<void> {
  await page.waitForFunction(
    (seed) =>
      new URLSearchParams(location.hash.slice(1)).get('seed') === String(seed) &&
      document.getElementById('status')?.dataset.done === 'true',
    seed,
    { timeout: 30_000 },
  );
}

/** Types a seed and presses Run in the same task, as a click on Run does when it takes the focus. */
async function seedThenRun(page: Page, seeds: number[]): Promise<void> {
  await page.evaluate((seeds) => {
    const field = document.getElementById('seed') as HTMLInputElement;
    for (const seed of seeds) {
      field.value = String(seed);
      field.dispatchEvent(new Event('change'));
    }
    document.getElementById('run')?.click();
  }, seeds);
}

function expected(result: ReturnType<typeof tissueResult>) {
  return {
    patches: result.summary.patches.map((p) => ({
      name: p.name,
      mesenchymal: p.mesenchymal,
      epithelial: p.epithelial,
    })),
    step: result.summary.steps,
    intravasations: result.summary.funnel.intravasations,
    intravasated: result.summary.funnel.intravasated,
    arrived: result.summary.funnel.arrived,
  };
}

/** Pixels of a patch canvas dominated by the mesenchymal (red) or the epithelial (blue) colour. */
async function cellPixels(page: Page, patch: string): Promise<{ red: number; blue: number }> {
  return page.$eval(`#patches figure[data-patch="${patch}"] canvas`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
    let red = 0;
    let blue = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
      if (r > g + 80 && r > b + 80) red++;
      if (b > r + 60 && b > g + 25) blue++;
    }
    return { red, blue };
  });
}

/** The colour drawn most often on a patch canvas: the background (tissue without cells, vessels or MMP-2). */
async function background(page: Page, patch: string): Promise<number[]> {
  return page.$eval(`#patches figure[data-patch="${patch}"] canvas`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
    const counts = new Map<string, number>();
    for (let i = 0; i < data.length; i += 4) {
      const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const [mode] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
    return mode.split(',').map(Number);
  });
}

/** Share of a patch canvas's pixels that have exactly this colour. */
async function share(page: Page, patch: string, rgb: number[]): Promise<number> {
  return page.$eval(
    `#patches figure[data-patch="${patch}"] canvas`,
    (c, rgb) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2]) n++;
      return n / (data.length / 4);
    },
    rgb,
  );
}

async function openDetails(page: Page, selector: string): Promise<void> {
  await page.locator(selector).evaluate((d) => {
    (d as HTMLDetailsElement).open = true;
  });
}

describe('tissue view', () => {
  it('runs tissue-teaching chosen in the picker and shows the Node engine’s numbers', async () => {
    const { page, errors } = await open('', '#status[data-day]');
    await page.selectOption('#scenario', 'tissue-teaching');
    await page.waitForSelector('#status[data-step="0"]');
    expect(await page.isHidden('#charts')).toBe(true);
    expect(await page.isVisible('#tissue')).toBe(true);
    expect(await page.isVisible('#story-tissue')).toBe(true);
    expect(await page.isHidden('#story-patient')).toBe(true);
    expect(await page.$$eval('#speed option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([
      '10',
      '30',
      '90',
      '300',
    ]);
    // Only the tissue section (and batch) is editable; the scale comes with the scenario.
    const hiddenSections = await page.$$eval('#param-list > [data-section]', (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-section'), (e as HTMLElement).hidden])),
    );
    expect(hiddenSections.tissue).toBe(false);
    expect(hiddenSections.batch).toBe(false);
    expect(hiddenSections.scale).toBe(true);
    for (const s of ['time', 'growth', 'invasion', 'clinical', 'sites']) expect(hiddenSections[s]).toBe(true);
    // The compare view compares patient-scale runs only.
    const arms = await page.$$eval('#arm-a option', (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(arms).toContain('breast-her2-early');
    expect(arms.filter((a) => a.startsWith('tissue-'))).toEqual([]);

    const start = await shown(page);
    expect(start.patches.map((p) => p.name)).toEqual(['primary', 'secondary1', 'secondary2']);
    expect(start.patches[0]?.mesenchymal).toBe(120);
    expect(start.patches[0]?.epithelial).toBe(80);

    await runToEnd(page);
    const scenario = loadScenarioFile('tissue-teaching');
    const { sim, result } = nodeRun(scenario, 7);
    expect(await shown(page)).toEqual(expected(result));
    expect(await page.textContent('#status')).toContain('finished');
    expect(Number(await page.getAttribute('#tissue-feed', 'data-count'))).toBe(result.events.length);
    expect(await page.getAttribute('#tissue-feed li:first-child', 'data-type')).toBe(
      result.events.at(-1)?.type,
    );
    expect(await page.textContent('[data-phase="intravasation"]')).toBe(
      `${result.summary.funnel.intravasations} entries, ${result.summary.funnel.intravasated} cells`,
    );
    for (const id of ['chart-tissue-cells', 'chart-tissue-vessels', 'chart-tissue-front']) {
      const points = Number(await page.getAttribute(`figure:has(#${id})`, 'data-points'));
      expect(points).toBeGreaterThan(100);
    }
    await page.screenshot({ path: `${ARTIFACTS}/tissue-view.png`, fullPage: true });
    // The canvases show the cells: red (M) and blue (E) pixels in every patch that holds them.
    for (const p of result.summary.patches) {
      const pixels = await cellPixels(page, p.name);
      if (p.mesenchymal > 0) expect(pixels.red).toBeGreaterThan(0);
      if (p.epithelial > 0) expect(pixels.blue).toBeGreaterThan(0);
    }

    // Export: the run's files, byte for byte those of the command line, and pictures of the patches.
    await page.click('#export');
    await page.waitForSelector('#downloads a[download="patch-primary.png"]');
    const links = await page.$$eval('#downloads a', (as) => as.map((a) => a.getAttribute('download')));
    expect(links).toEqual(
      expect.arrayContaining([
        'timeseries.csv',
        'events.csv',
        'funnel.csv',
        'cells.csv',
        'summary.json',
        'manifest.json',
        'scenario.yaml',
        'patch-primary.png',
        'patch-secondary1.png',
        'patch-secondary2.png',
      ]),
    );
    const files = tissueFiles(result, sim);
    for (const name of Object.keys(files)) {
      const text = await page.$eval(`#downloads a[download="${name}"]`, (a) =>
        fetch((a as HTMLAnchorElement).href).then((r) => r.text()),
      );
      expect(text, name).toBe(files[name]);
    }
    expect(errors).toEqual([]);
    expect(await page.isHidden('#error')).toBe(true);
    await page.close();
  });

  it('computes the same MMP-2 and ECM bytes in a browser worker as in Node (the WebAssembly field kernel)', async () => {
    // The engine bundled on its own into a module worker that answers one run with its field digest.
    const bundle = await esbuild({
      stdin: {
        contents: `import { fieldDigest } from './tests/support/field-digest.ts';
          self.onmessage = (e) => self.postMessage(fieldDigest(e.data.scenario, e.data.seed));`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      write: false,
      logLevel: 'warning',
    });
    const code = bundle.outputFiles[0]?.text ?? '';
    const page = await browser.newPage();
    await page.goto(base);
    // An odd side (the last pair of a row takes in the ghost) and an even one, with secondary patches seeded.
    const runs = [
      { scenario: asTissue(loadScenarioFile('tissue-teaching')), seed: 7 },
      { scenario: smallTissue({ tissue: { lattice: { side: 30 } } }), seed: 3 },
    ];
    for (const { scenario, seed } of runs) {
      const inBrowser = await page.evaluate(
        ({ code, scenario, seed }) =>
          new Promise<FieldDigest>((resolve, reject) => {
            const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
            const worker = new Worker(url, { type: 'module' });
            worker.onmessage = (e) => {
              resolve(e.data as FieldDigest);
              worker.terminate();
            };
            worker.onerror = (e) => reject(new Error(e.message));
            worker.postMessage({ scenario, seed });
          }),
        { code, scenario, seed },
      );
      const inNode = fieldDigest(scenario, seed);
      expect(inNode.active).toBeGreaterThan(scenario.tissue.lattice.side ** 2);
      expect(inBrowser, scenario.name).toEqual(inNode);
    }
    await page.close();
  });

  it('reproduces a tissue run from a share link with a changed tissue parameter and seed', async () => {
    const { page, errors } = await open('#scenario=tissue-teaching&seed=3');
    await openDetails(page, '#params');
    await openDetails(page, '#param-list > [data-section="tissue"]');
    await openDetails(
      page,
      '#param-list > [data-section="tissue"] details:has([data-path="tissue.time.steps"])',
    );
    await openDetails(
      page,
      '#param-list > [data-section="tissue"] details:has([data-path="tissue.vasculature.survivalSingle"])',
    );
    await page.fill('[data-path="tissue.time.steps"]', '3600');
    await page.press('[data-path="tissue.time.steps"]', 'Tab');
    await page.waitForFunction(() => location.hash.includes('diff='));
    await page.fill('[data-path="tissue.vasculature.survivalSingle"]', '0.4');
    await page.press('[data-path="tissue.vasculature.survivalSingle"]', 'Tab');
    await page.waitForSelector('#status[data-step="0"]');
    await page.click('#share');
    const link = await page.inputValue('#share-url');
    expect(link).toContain('scenario=tissue-teaching');
    expect(link).toContain('seed=3');
    expect(errors).toEqual([]);
    await page.close();

    const again = await open(link.slice(link.indexOf('#')));
    expect(await again.page.inputValue('[data-path="tissue.vasculature.survivalSingle"]')).toBe('0.4');
    await runToEnd(again.page);
    const scenario = validateScenario(
      deepMerge(loadScenarioFile('tissue-teaching') as unknown as Record<string, unknown>, {
        tissue: { time: { steps: 3600 }, vasculature: { survivalSingle: 0.4 } },
      }),
      'test',
    );
    const { result } = nodeRun(scenario, 3);
    expect(result.summary.steps).toBe(3600);
    expect(await shown(again.page)).toEqual(expected(result));
    // The changed value matters: the unchanged scenario gives other numbers.
    const unchanged = nodeRun(
      validateScenario(
        deepMerge(loadScenarioFile('tissue-teaching') as unknown as Record<string, unknown>, {
          tissue: { time: { steps: 3600 } },
        }),
        'test',
      ),
      3,
    );
    expect(expected(unchanged.result)).not.toEqual(expected(result));
    expect(again.errors).toEqual([]);
    await again.page.close();
  });

  it('asks for the fields only while ECM or MMP-2 is shown and redraws when they are toggled', async () => {
    const { page, errors } = await open('#scenario=tissue-teaching&seed=7');
    const requests = () => page.evaluate(() => (window as unknown as Requests).requests);
    const side = Number(await page.getAttribute('#patches', 'data-side'));
    // ECM is shown at first: the opening frame carries the fields and the corner is intact ECM.
    expect(await page.isChecked('#show-ecm')).toBe(true);
    expect(await page.isChecked('#show-mmp')).toBe(false);
    expect(await requests()).toEqual([[0, true]]);
    expect(await page.getAttribute('#patches', 'data-fields')).toBe('ecm mmp');
    expect(await background(page, 'primary')).toEqual(INTACT_ECM);

    await page.uncheck('#show-ecm');
    await page.waitForFunction(() => (window as unknown as Requests).requests.length === 2);
    await page.waitForSelector('#patches[data-fields=""]');
    expect(await background(page, 'primary')).toEqual(PLAIN);
    expect(await share(page, 'primary', INTACT_ECM)).toBe(0);
    // The worker sends the picture as RGBA pixels, one per point, with or without the fields.
    expect(Number(await page.getAttribute('#patches', 'data-frame-bytes'))).toBe(3 * 4 * side * side);

    // Running with both off: every frame comes without fields. Turning ECM on mid-run
    // switches every later request (and none before) to fields.
    await page.selectOption('#speed', '30');
    await page.click('#run');
    await page.waitForFunction(() => Number(document.getElementById('status')?.dataset.step) >= 900);
    const before = await page.evaluate(() => {
      const n = (window as unknown as Requests).requests.length;
      (document.getElementById('show-ecm') as HTMLInputElement).click();
      return n;
    });
    await page.waitForFunction(() => Number(document.getElementById('status')?.dataset.step) >= 1800);
    await page.click('#pause');
    await page.waitForFunction(() => document.getElementById('patches')?.dataset.fields === 'ecm mmp');
    const during = await requests();
    // 30 steps a frame at the chosen speed.
    const days = (30 * asTissue(loadScenarioFile('tissue-teaching')).tissue.time.stepSeconds) / 86_400;
    expect(during.slice(2, before).every(([d, fields]) => Math.abs(d - days) < 1e-12 && !fields)).toBe(true);
    expect(during.length).toBeGreaterThan(before + 3);
    expect(during.slice(before).every(([, fields]) => fields)).toBe(true);
    expect(Number(await page.getAttribute('#patches', 'data-frame-bytes'))).toBe(3 * 4 * side * side);
    expect(await background(page, 'primary')).toEqual(INTACT_ECM);
    expect(await share(page, 'primary', PLAIN)).toBe(0);

    // MMP-2 on, ECM off, paused: one fresh frame with fields, shaded teal where MMP-2 is.
    await page.evaluate(() => {
      (window as unknown as Requests).requests = [];
    });
    await page.uncheck('#show-ecm');
    await page.check('#show-mmp');
    await page.waitForFunction(() => (window as unknown as Requests).requests.length >= 2);
    await page.waitForFunction(() => document.getElementById('patches')?.dataset.fields === 'ecm mmp');
    expect((await requests()).at(-1)).toEqual([0, true]);
    const teal = await page.$eval('#patches figure[data-patch="primary"] canvas', (c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (
          (data[i + 1] as number) > (data[i] as number) + 40 &&
          (data[i + 2] as number) > (data[i] as number) + 40
        )
          n++;
      }
      return n;
    });
    expect(teal).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/tissue-mmp.png`, fullPage: true });

    // Both off: the last request asks for no fields.
    await page.uncheck('#show-mmp');
    await page.waitForSelector('#patches[data-fields=""]');
    expect((await requests()).at(-1)).toEqual([0, false]);
    expect(errors).toEqual([]);
    expect(await page.isHidden('#error')).toBe(true);
    await page.close();
  });

  it('runs the new seed when Run is clicked right after the seed is changed', async () => {
    const { page, errors } = await open('#scenario=tissue-teaching&seed=7');
    await page.selectOption('#speed', '300');
    const scenario = loadScenarioFile('tissue-teaching');

    // Before the first run has started.
    await seedThenRun(page, [3]);
    await finished(page, 3);
    const three = nodeRun(scenario, 3).result;
    expect(await shownWhole(page)).toEqual(expectedWhole(three));

    // After a run has finished: the click runs the new run, not the finished one.
    await seedThenRun(page, [5]);
    await finished(page, 5);
    const five = nodeRun(scenario, 5);
    expect(await shownWhole(page)).toEqual(expectedWhole(five.result));
    expect(expectedWhole(five.result)).not.toEqual(expectedWhole(three));
    await page.click('#export');
    await page.waitForSelector('#downloads a[download="events.csv"]');
    expect(await page.$('#downloads .partial')).toBeNull();
    const events = await page.$eval('#downloads a[download="events.csv"]', (a) =>
      fetch((a as HTMLAnchorElement).href).then((r) => r.text()),
    );
    expect(events).toBe(tissueFiles(five.result, five.sim)['events.csv']);

    // A reset clears the downloads and frees their files.
    const href = (await page.getAttribute('#downloads a[download="events.csv"]', 'href')) ?? '';
    await page.fill('#seed', '6');
    await page.press('#seed', 'Tab');
    await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('seed') === '6');
    expect(await page.$$('#downloads a')).toHaveLength(0);
    expect(errors).toEqual([]);
    // The fetch of a freed file fails, and the browser logs that failure.
    const freed = await page.evaluate(
      (href) =>
        fetch(href).then(
          () => false,
          () => true,
        ),
      href,
    );
    expect(freed).toBe(true);
    expect(await page.isHidden('#error')).toBe(true);
    await page.close();
  });

  it('opens only the last of several quick changes, across scales, without errors', async () => {
    const { page, errors } = await open('#scenario=tissue-teaching&seed=7');
    await page.selectOption('#speed', '300');
    await page.evaluate(() => {
      const field = document.getElementById('seed') as HTMLInputElement;
      const select = document.getElementById('scenario') as HTMLSelectElement;
      const change = (el: HTMLInputElement | HTMLSelectElement, value: string) => {
        el.value = value;
        el.dispatchEvent(new Event('change'));
      };
      change(field, '11');
      change(select, 'teaching-basic');
      change(field, '12');
      change(select, 'tissue-teaching');
      change(field, '13');
      change(field, '3');
      document.getElementById('run')?.click();
    });
    await finished(page, 3);
    expect(await page.inputValue('#scenario')).toBe('tissue-teaching');
    expect(await page.inputValue('#seed')).toBe('3');
    const { result } = nodeRun(loadScenarioFile('tissue-teaching'), 3);
    expect(await shownWhole(page)).toEqual(expectedWhole(result));
    expect(errors).toEqual([]);
    expect(await page.isHidden('#error')).toBe(true);
    await page.close();
  });

  it('switches from a running patient run to a tissue run and runs it at once', async () => {
    const { page, errors } = await open('#scenario=teaching-basic&seed=2', '#status[data-day]');
    await page.selectOption('#speed', '30');
    await page.click('#run');
    await page.waitForFunction(() => Number(document.getElementById('status')?.dataset.day) > 100);
    await page.evaluate(() => {
      const select = document.getElementById('scenario') as HTMLSelectElement;
      select.value = 'tissue-teaching';
      select.dispatchEvent(new Event('change'));
      document.getElementById('run')?.click();
    });
    await page.waitForSelector('#status[data-step]');
    await page.selectOption('#speed', '300');
    await finished(page, 7);
    const { result } = nodeRun(loadScenarioFile('tissue-teaching'), 7);
    expect(await shownWhole(page)).toEqual(expectedWhole(result));
    expect(errors).toEqual([]);
    expect(await page.isHidden('#error')).toBe(true);
    await page.close();
  });

  it('never draws an older step after a newer one when Step is clicked during a run', async () => {
    const { page, errors } = await open('#scenario=tissue-teaching&seed=7');
    // Every step shown, in order: the value each change replaced, then the last.
    await page.evaluate(() => {
      const w = window as unknown as { steps: number[] };
      w.steps = [];
      const status = document.getElementById('status') as HTMLElement;
      new MutationObserver((records) => {
        for (const r of records) if (r.oldValue !== null) w.steps.push(Number(r.oldValue));
      }).observe(status, { attributeFilter: ['data-step'], attributeOldValue: true });
    });
    // Small chunks come back well within a frame, so Step often lands between a chunk's arrival and its drawing.
    await page.selectOption('#speed', '10');
    await page.evaluate(async () => {
      const click = (id: string) => document.getElementById(id)?.click();
      const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
      for (let i = 0; i < 15; i++) {
        click('run');
        await wait(30 + 7 * (i % 5));
        click('step');
        click('step');
        await wait(20);
      }
    });
    // Every drawn chunk says "Step …", running or not, and the last clicks' steps may still
    // be queued behind the run's last chunk: wait until the page has stopped drawing.
    let paused = -1;
    for (;;) {
      const now = Number(await page.getAttribute('#status', 'data-step'));
      if (now === paused) break;
      paused = now;
      await page.waitForTimeout(1000);
    }
    expect(paused).toBeGreaterThan(0);

    // Export mid-run: the run so far, said to be so, and exactly what is drawn.
    await page.click('#export');
    await page.waitForSelector('#downloads a[download="events.csv"]');
    expect(await page.textContent('#downloads .partial')).toContain(`step ${paused} of 10000`);
    const lines = (name: string) =>
      page.$eval(`#downloads a[download="${name}"]`, (a) =>
        fetch((a as HTMLAnchorElement).href).then(
          async (r) => (await r.text()).trim().split('\n').length - 1,
        ),
      );
    const sofar = await shownWhole(page);
    expect(await lines('events.csv')).toBe(sofar.events);
    expect(await lines('timeseries.csv')).toBe(sofar.rows);

    await runToEnd(page);
    const seen = await page.evaluate(() => (window as unknown as { steps: number[] }).steps);
    seen.push(Number(await page.getAttribute('#status', 'data-step')));
    const backwards = seen.filter((s, i) => i > 0 && s < (seen[i - 1] as number));
    expect(backwards).toEqual([]);
    const { result } = nodeRun(loadScenarioFile('tissue-teaching'), 7);
    expect(await shownWhole(page)).toEqual(expectedWhole(result));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('speaks a class’s words: chart captions with the latest numbers, no identifiers or exponents', async () => {
    const { page, errors } = await open('#scenario=tissue-teaching&seed=7');
    await runToEnd(page);
    const scenario = asTissue(loadScenarioFile('tissue-teaching'));
    const { result } = nodeRun(scenario, 7);
    const f = result.summary.funnel;
    const charts = await page.$$eval('#tissue-charts figure', (figures) =>
      figures.map((fig) => ({
        name: fig.querySelector('canvas')?.getAttribute('aria-label') ?? '',
        caption: fig.querySelector('figcaption')?.textContent ?? '',
      })),
    );
    expect(charts).toHaveLength(4);
    for (const c of charts) expect(c.name.length).toBeGreaterThan(10);
    const [cells, vessels, front, funnel] = charts.map((c) => c.caption);
    const { steps, stepSeconds } = scenario.tissue.time;
    const hours = `Hour ${((steps * stepSeconds) / 3600).toFixed(1)}: `;
    for (const c of [cells, vessels, front]) expect(c?.startsWith(hours), c).toBe(true);
    for (const p of result.summary.patches)
      expect(cells).toContain(
        `${patchThe(p.name)} has ${readable(p.mesenchymal)} mesenchymal-like and ${readable(p.epithelial)} epithelial-like cells`,
      );
    expect(vessels).toContain(
      `${readable(f.intravasated ?? 0)} cells entered the blood in ${readable(f.intravasations ?? 0)} entries`,
    );
    expect(front).toMatch(/the mesenchymal-like front is \d+ µm from the centre/);
    expect(funnel).toContain(
      `So far: ${readable(f.intravasated ?? 0)} cells entered the blood, ${readable(f.enteredAsSingle ?? 0)} entered alone`,
    );

    // Everything the view writes, its bar labels and its pictures' names.
    const texts = await page.$$eval(
      '#tissue figcaption, #tissue-bar, #story-tissue li, #status, #speed option',
      (els) => els.map((el) => (el as HTMLElement).innerText),
    );
    texts.push(
      ...JSON.parse((await page.getAttribute('figure:has(#chart-tissue-funnel)', 'data-labels')) ?? '[]'),
    );
    texts.push(
      ...(await page.$$eval('#tissue canvas', (cs) => cs.map((c) => c.getAttribute('aria-label') ?? ''))),
    );
    expect(texts.join('\n')).toContain('secondary patch 1');
    for (const t of texts) {
      // camelCase (enteredAsSingle), names with a number (secondary1), exponents (0.00e+0).
      expect(t).not.toMatch(/\b[a-z]{2,}[A-Z][a-z]+/);
      expect(t).not.toMatch(/\b[a-z]+\d+\b/);
      expect(t).not.toMatch(/\d[eE][+-]?\d/);
      expect(t).not.toMatch(/(^|[^\d.,])1 (cells|entries)\b/);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws tissue-centimetre (1001 × 1001) from pictures no larger than a patch canvas', async () => {
    const { page, errors } = await open('#scenario=tissue-centimetre&seed=1', '#patches');
    await page.waitForSelector('#status[data-step="0"]', { timeout: 120_000 });
    // Blocks of 2 × 2 points: 501 pixels a side, RGBA, for each of the three patches.
    expect(Number(await page.getAttribute('#patches', 'data-side'))).toBe(1001);
    expect(Number(await page.getAttribute('#patches', 'data-frame-bytes'))).toBe(3 * 4 * 501 * 501);
    expect(await background(page, 'primary')).toEqual(INTACT_ECM);
    const atStart = await cellPixels(page, 'primary');
    expect(atStart.red + atStart.blue).toBeGreaterThan(0);

    await page.selectOption('#speed', '10');
    await page.click('#run');
    await page.waitForFunction(() => Number(document.getElementById('patches')?.dataset.frames) >= 6, null, {
      timeout: 60_000,
    });
    await page.click('#pause');
    expect(Number(await page.getAttribute('#status', 'data-step'))).toBeGreaterThan(0);
    const running = await cellPixels(page, 'primary');
    expect(running.red + running.blue).toBeGreaterThan(0);
    // The counts are the whole lattice's, not the shrunk picture's.
    const [primary] = (await shown(page)).patches;
    expect((primary?.mesenchymal ?? 0) + (primary?.epithelial ?? 0)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('goes back to the patient view for a patient scenario', async () => {
    const { page, errors } = await open('#scenario=tissue-teaching&seed=7');
    await page.selectOption('#scenario', 'teaching-basic');
    await page.waitForSelector('#status[data-day]');
    expect(await page.isVisible('#charts')).toBe(true);
    expect(await page.isHidden('#tissue')).toBe(true);
    expect(await page.isHidden('#param-list > [data-section="tissue"]')).toBe(true);
    expect(await page.getAttribute('#param-list > [data-section="invasion"]', 'hidden')).toBeNull();
    expect(await page.$$eval('#speed option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([
      '30',
      '90',
      '365',
      '3650',
    ]);
    await page.selectOption('#speed', '3650');
    await page.click('#run');
    await page.waitForSelector('#status[data-done="true"]', { timeout: 60_000 });
    expect(Number(await page.getAttribute('#status', 'data-day'))).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
