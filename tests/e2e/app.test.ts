/**
 * End-to-end tests of the web app in real headless Chromium (Debian's chromium,
 * driven by playwright-core). The app is built with Vite and served on 127.0.0.1.
 * Screenshots of each view are kept in test-artifacts/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { deepMerge, validateScenario } from '../../src/engine/scenario.ts';
import { run } from '../../src/engine/simulation.ts';
import { launchChromium, serveApp } from '../support/browser.ts';

const ARTIFACTS = 'test-artifacts';
let server: PreviewServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  ({ server, base } = await serveApp());
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

async function open(hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}${hash}`);
  await page.waitForSelector('#status[data-day]');
  expect(errors).toEqual([]);
  return page;
}

async function runToEnd(page: Page): Promise<void> {
  await page.selectOption('#speed', '3650');
  await page.click('#run');
  await page.waitForSelector('#status[data-done="true"]', { timeout: 60_000 });
}

describe('web app', () => {
  it('loads with the default scenario and no error', async () => {
    const page = await open();
    expect(await page.title()).toContain('seedsoil');
    expect(await page.isHidden('#error')).toBe(true);
    expect(await page.inputValue('#scenario')).toBe('breast-her2-early');
    await page.close();
  });

  it('fills the charts with a seeded run whose numbers equal the Node engine', async () => {
    const page = await open('#scenario=teaching-basic&seed=5');
    await runToEnd(page);
    for (const id of ['chart-primary', 'chart-ctc', 'chart-mets', 'chart-early']) {
      const points = Number(await page.getAttribute(`figure:has(#${id})`, 'data-points'));
      expect(points).toBeGreaterThan(10);
    }
    const node = run(loadScenarioFile('teaching-basic'), { seed: 5 });
    expect(Number(await page.getAttribute('#status', 'data-shed'))).toBe(node.summary.funnel.shed);
    expect(Number(await page.getAttribute('#status', 'data-day'))).toBe(node.summary.daysSimulated);
    const feed = await page.$$eval('#feed li', (items) => items.map((li) => li.getAttribute('data-type')));
    expect(feed.reverse()).toEqual(node.events.map((e) => e.type));
    await page.screenshot({ path: `${ARTIFACTS}/run-view.png`, fullPage: true });
    await page.close();
  });

  it('gives each count one definition: funnel bars, phases and feed agree with the engine; 1 shows, no share is a gap', async () => {
    let ones = 0;
    // breast-her2-early seed 1 founds its colonies only by waking dormant cells;
    // teaching-basic seed 7 has one macrometastasis and years without a live colony.
    for (const [name, seed] of [
      ['breast-her2-early', 1],
      ['teaching-basic', 7],
    ] as const) {
      const page = await open(`#scenario=${name}&seed=${seed}`);
      await runToEnd(page);
      const node = run(loadScenarioFile(name), { seed });
      const f = node.summary.funnel;
      const bars = JSON.parse(
        (await page.getAttribute('figure:has(#chart-funnel)', 'data-bars')) ?? '[]',
      ) as {
        stage: string;
        unit: string;
        count: number;
        px: number;
      }[];
      expect(bars.map((b) => [b.stage, b.unit, b.count])).toEqual(
        [
          'shed',
          'killed',
          'arrested',
          'extravasated',
          'dormant',
          'founded',
          'dormantWoke',
          'micro',
          'macro',
        ].map((stage) => [stage, stage === 'micro' || stage === 'macro' ? 'colonies' : 'cells', f[stage]]),
      );
      // A count of 1 is a bar a person sees (a decade of the log axis, at least a tenth
      // of the tallest bar's height); 0 is none.
      const tallest = Math.max(...bars.map((b) => b.px));
      for (const b of bars) {
        if (b.count >= 1) expect(b.px, `${name} ${b.stage}`).toBeGreaterThanOrEqual(tallest / 10);
        else expect(b.px, `${name} ${b.stage}`).toBe(0);
        if (b.count === 1) ones++;
      }
      // The feed's first colony is in the bars: founded directly or by a dormant cell that woke.
      const feed = await page.$$eval('#feed li', (items) => items.map((li) => li.getAttribute('data-type')));
      expect(feed.includes('first_colony')).toBe((f.founded ?? 0) + (f.dormantWoke ?? 0) > 0);
      expect(node.summary.colonies.founded > 0).toBe(feed.includes('first_colony'));
      const phase = (key: string) => page.textContent(`[data-phase="${key}"]`);
      const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many} so far`;
      expect(await phase('micro')).toBe(plural(f.micro ?? 0, 'micrometastasis', 'micrometastases'));
      expect(await phase('macro')).toBe(plural(f.macro ?? 0, 'macrometastasis', 'macrometastases'));
      // An early-derived share of no colony is a gap in the chart, as it is an empty cell in timeseries.csv.
      const column = (c: string) => node.series[c] as number[];
      const macro = column('day').map((_, i) =>
        Object.keys(node.series)
          .filter((c) => c.startsWith('mets_macro_'))
          .reduce((n, c) => n + (column(c)[i] as number), 0),
      );
      const undefinedShares =
        column('colonies').filter((n) => n === 0).length + macro.filter((n) => n === 0).length;
      expect(Number(await page.getAttribute('figure:has(#chart-early)', 'data-gaps'))).toBe(undefinedShares);
      expect(undefinedShares).toBeGreaterThan(0);
      await page.close();
    }
    expect(ones).toBeGreaterThan(0);
  }, 120_000);

  it('exports a paused run as the run so far, matching what is drawn', async () => {
    const page = await open('#scenario=teaching-basic&seed=5');
    for (let i = 0; i < 3; i++) await page.click('#step');
    await page.waitForFunction(() => Number(document.getElementById('status')?.dataset.day) > 0);
    await page.click('#export');
    await page.waitForSelector('#downloads a[download="events.csv"]');
    const day = Math.round(Number(await page.getAttribute('#status', 'data-day')));
    expect(await page.textContent('#downloads .partial')).toContain(`day ${day}`);
    const rows = await page.$eval('#downloads a[download="events.csv"]', (a) =>
      fetch((a as HTMLAnchorElement).href).then(async (r) => (await r.text()).trim().split('\n').length - 1),
    );
    expect(rows).toBe(await page.$$eval('#feed li', (items) => items.length));

    await runToEnd(page);
    await page.click('#export');
    await page.waitForFunction(() => !document.querySelector('#downloads .partial'));
    await page.waitForSelector('#downloads a[download="events.csv"]');
    await page.close();
  });

  it('reproduces a run from a share link with changed parameters', async () => {
    const page = await open('#scenario=teaching-basic&seed=3');
    await page.locator('#params').evaluate((d) => {
      (d as HTMLDetailsElement).open = true;
    });
    await page
      .locator('#param-list details')
      .filter({ hasText: 'invasion' })
      .first()
      .evaluate((d) => {
        (d as HTMLDetailsElement).open = true;
      });
    await page.fill('[data-path="invasion.bloodRate"]', '0.008');
    await page.press('[data-path="invasion.bloodRate"]', 'Tab');
    await page.waitForFunction(() => location.hash.includes('diff='));
    await page.click('#share');
    const link = await page.inputValue('#share-url');
    await page.close();

    const again = await open(link.slice(link.indexOf('#')));
    await runToEnd(again);
    const scenario = validateScenario(
      deepMerge(loadScenarioFile('teaching-basic') as unknown as Record<string, unknown>, {
        invasion: { bloodRate: 0.008 },
      }),
      'test',
    );
    const node = run(scenario, { seed: 3 });
    expect(Number(await again.getAttribute('#status', 'data-shed'))).toBe(node.summary.funnel.shed);
    expect(Number(await again.getAttribute('#status', 'data-primary-cells'))).toBe(
      (node.series.primary_cells as number[]).at(-1),
    );
    await again.close();
  });

  it('finishes a comparison of two arms', async () => {
    const page = await open();
    await page.click('#tab-compare');
    await page.fill('#replicates', '6');
    await page.click('#compare-run');
    await page.waitForSelector('#compare-status[data-done="true"]', { timeout: 90_000 });
    const header = await page.textContent('#compare-table tr');
    expect(header).toContain('arm A (6)');
    expect(header).toContain('arm B (6)');
    await page.screenshot({ path: `${ARTIFACTS}/compare-view.png`, fullPage: true });
    const table = await page.$$eval('#compare-table tr', (rows) =>
      rows.map((r) => Array.from(r.children, (c) => c.textContent ?? '')),
    );
    await page.close();

    // `seedsoil compare` on the same replicates (both arms at seed 1, as the page ran
    // them) prints the same numbers: one outcome definition, one comparison.
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-compare-'));
    const cli = spawnSync(
      process.execPath,
      [
        'bin/seedsoil.js',
        'compare',
        'breast-her2-early',
        'breast-her2-late',
        '--replicates',
        '6',
        '--seed',
        '1',
        '--out',
        join(dir, 'report.html'),
      ],
      { encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const numbers = readFileSync(join(dir, 'report.csv'), 'utf8').trim().split('\n').slice(1);
    const value = (quantity: string, arm: string) => {
      const line = numbers.find((l) => l.startsWith(`${quantity},${arm},`)) as string;
      // An undefined number is an empty cell.
      const [, , , v, low, high] = line.split(',').map((x) => (x === '' ? Number.NaN : Number(x)));
      const f = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(2));
      return Number.isNaN(v as number)
        ? '–'
        : `${f(v as number)} [${f(low as number)}, ${f(high as number)}]`;
    };
    for (const [quantity, label] of [
      ['metastases', 'metastases'],
      ['early_share', 'early-derived share'],
      ['primary_mm_at_first_seeding', 'primary diameter'],
    ] as const) {
      const row = table.find((r) => r[0]?.startsWith(label)) as string[];
      expect([row[1], row[2]], quantity).toEqual([
        value(`median_${quantity}`, 'A'),
        value(`median_${quantity}`, 'B'),
      ]);
      expect(row[3], quantity).toBe(value(`difference_${quantity}_unpaired`, 'B-A'));
      const pairs = numbers.find((l) => l.startsWith(`pairs_${quantity},`))?.split(',')[3];
      expect(row[4], quantity).toBe(`${value(`difference_${quantity}_paired`, 'B-A')} (${pairs} pairs)`);
    }
  }, 180_000);

  it('shows the error of a bad scenario file and keeps working', async () => {
    const page = await open('#scenario=teaching-basic&seed=2');
    await page.setInputFiles('#file', {
      name: 'bad.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from('growth:\n  lambda: -1\ninvasion:\n  programm: early\n'),
    });
    await page.waitForSelector('#error:not([hidden])');
    const message = await page.textContent('#error');
    expect(message).toContain('bad.yaml: growth.lambda: too small (got -1, expected >= 0)');
    expect(message).toContain('invasion.programm: unknown key (did you mean "programme"?)');
    expect(await page.inputValue('#scenario')).toBe('teaching-basic');
    await page.screenshot({ path: `${ARTIFACTS}/bad-file.png`, fullPage: true });
    await runToEnd(page);
    const node = run(loadScenarioFile('teaching-basic'), { seed: 2 });
    expect(Number(await page.getAttribute('#status', 'data-shed'))).toBe(node.summary.funnel.shed);
    await page.close();
  });

  it('names what is wrong in a malformed link and falls back to the default', async () => {
    const page = await open('#scenario=no-such&seed=1');
    expect(await page.textContent('#error')).toContain(
      'link: scenario: no built-in scenario named "no-such"',
    );
    expect(await page.inputValue('#scenario')).toBe('breast-her2-early');
    await page.close();
  });

  it('refuses a seed outside 0…2^31−1 in a link and in the seed box with the message a file gets', async () => {
    const message = 'not a valid seed (got 99999999999, expected an integer from 0 to 2147483647)';
    const page = await open('#scenario=teaching-basic&seed=99999999999');
    expect(await page.textContent('#error')).toContain(`link: seed: ${message}`);
    expect(await page.inputValue('#seed')).toBe('1');
    await page.fill('#seed', '99999999999');
    await page.dispatchEvent('#seed', 'change');
    expect(await page.textContent('#error')).toContain(`seed: ${message}`);
    expect(await page.textContent('#error')).not.toContain('link:');
    // Nothing ran at the refused seed: the link still carries the one that opened.
    expect(await page.evaluate(() => location.hash)).toMatch(/seed=1(&|$)/);
    await page.close();
  });
});
