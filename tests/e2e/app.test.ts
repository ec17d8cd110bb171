/**
 * End-to-end tests of the web app in real headless Chromium (Debian's chromium,
 * driven by playwright-core). The app is built with Vite and served on 127.0.0.1.
 * Screenshots of each view are kept in test-artifacts/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('compares a loaded scenario with a built-in one, names both, and prints what seedsoil compare prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsoil-compare-'));
    const file = 'liver-slow.yaml';
    const text = 'extends: experimental-metastasis-liver\ngrowth: { lambda: 0.35 }\n';
    writeFileSync(join(dir, file), text);
    const page = await open();
    await page.setInputFiles('#file', { name: file, mimeType: 'text/yaml', buffer: Buffer.from(text) });
    await page.waitForFunction(
      (name) => document.querySelector('#arm-a option[value=":current"]')?.textContent?.includes(name),
      file,
    );
    await page.click('#tab-compare');
    await page.selectOption('#arm-a', ':current');
    await page.selectOption('#arm-b', 'experimental-metastasis-lung');
    await page.fill('#replicates', '8');
    await page.fill('#compare-seed', '3');
    await page.click('#compare-run');
    await page.waitForSelector('#compare-status[data-done="true"]', { timeout: 60_000 });
    await page.screenshot({ path: `${ARTIFACTS}/compare-view.png`, fullPage: true });
    const names = [file, 'experimental-metastasis-lung'];
    const charts = await page.$$eval('#compare-charts figure', (figures) =>
      figures.map((f) => JSON.parse(f.getAttribute('data-chart') ?? '{}')),
    );
    expect(charts).toHaveLength(4);
    for (const c of charts) {
      expect(c.legend, c.title).toEqual(names);
      expect(c.x, c.title).not.toBe('');
      expect(c.y, c.title).not.toBe('');
    }
    const header = (await page.textContent('#compare-table tr')) ?? '';
    for (const name of names) expect(header).toContain(`${name} (8)`);
    expect(header).toContain(`${names[1]} − ${names[0]}`);
    const view = (await page.textContent('#compare-view')) ?? '';
    expect(view).not.toMatch(/NaN|arm [AB]\b/);
    const rows = Object.fromEntries(
      await page.$$eval('#compare-table tr[data-row]', (trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-row'),
          Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? ''),
        ]),
      ),
    ) as Record<string, string[]>;
    await page.close();

    // `seedsoil compare` on the same file and built-in, both arms at the page's seed.
    const cli = spawnSync(
      process.execPath,
      [
        'bin/seedsoil.js',
        'compare',
        join(dir, file),
        'experimental-metastasis-lung',
        '--replicates',
        '8',
        '--seed',
        '3',
        '--workers',
        '1',
        '--out',
        join(dir, 'report.html'),
      ],
      { encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const printed = (pattern: RegExp) => {
      const m = cli.stdout.match(pattern);
      expect(m, `${pattern} in\n${cli.stdout}`).not.toBeNull();
      return (m as RegExpMatchArray).slice(1);
    };
    const [eventsA, eventsB, deathsA, deathsB, logRank] = printed(
      /^time to a distant macrometastasis: events A (\d+), B (\d+) \(deaths before the event: A (\d+), B (\d+)\); log-rank (.*)$/m,
    );
    expect(logRank).toMatch(/^chi-square \d/);
    expect(rows.events).toEqual([
      `${eventsA} (${deathsA})`,
      `${eventsB} (${deathsB})`,
      `log-rank ${logRank}`,
    ]);
    expect(rows['median-years']).toEqual([
      ...printed(/median years to the event \(Kaplan–Meier, 95% CI\): A (.*); B (.*)$/m),
      '',
    ]);
    for (const q of ['metastases', 'early_share', 'primary_mm_at_first_seeding'])
      expect(rows[q], q).toEqual(
        printed(
          new RegExp(
            `^${q}: median A (.*); B (.*); B − A \\(95% bootstrap\\) unpaired (.*); paired (.*)$`,
            'm',
          ),
        ),
      );
    // The histograms: the report's bins, labels and counts, with the same names.
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const report = JSON.parse((html.match(/^const d = (.*);$/m) as RegExpMatchArray)[1] as string) as {
      arms: { name: string; histograms: Record<string, number[]> }[];
      histograms: { key: string; labels: string[] }[];
    };
    expect(report.arms.map((a) => a.name)).toEqual(names);
    report.histograms.forEach((h, k) => {
      const shown = charts[k + 1];
      expect(shown.labels, h.key).toEqual(h.labels);
      expect(shown.data, h.key).toEqual(report.arms.map((a) => a.histograms[h.key]));
      // Counts of replicates: whole-number ticks only.
      expect(shown.yTicks.length, h.key).toBeGreaterThan(1);
      for (const t of shown.yTicks) expect(Number.isInteger(t), `${h.key} tick ${t}`).toBe(true);
    });
    expect(charts[1].labels).toEqual(['0', '1', '2', '3–4', '5–9', '10–19', '≥20']);
  }, 120_000);

  it('says why a number is missing instead of printing NaN', async () => {
    const page = await open();
    await page.click('#tab-compare');
    // No event in either arm, no live colony (no early-derived share), fewer than six values.
    await page.selectOption('#arm-a', 'hahnfeldt-lewis-lung');
    await page.selectOption('#arm-b', 'breast-her2-late');
    await page.fill('#replicates', '4');
    await page.click('#compare-run');
    await page.waitForSelector('#compare-status[data-done="true"]', { timeout: 60_000 });
    const view = (await page.textContent('#compare-view')) ?? '';
    expect(view).not.toContain('NaN');
    expect(view).toContain('log-rank not defined (no event in either arm');
    expect(view).toContain('not reached (no events)');
    expect(view).toContain('(no 95% CI from fewer than 6 values)');
    expect(view).toContain('none (no replicate defines it)');
    expect(view).toContain('none (an arm has no value)');
    await page.close();
  });

  it('exports charts 1600 px wide on white, with their titles, from the run and compare views', async () => {
    const page = await open('#scenario=teaching-basic&seed=5');
    await page.click('#step');
    await page.click('#export');
    await page.waitForSelector('#downloads a[download="chart-1.png"]');
    const pictures = await page.$$eval('#downloads a[download$=".png"]', (as) =>
      as.map((a) => (a as HTMLAnchorElement).href),
    );
    await page.click('#tab-compare');
    await page.selectOption('#arm-a', 'hahnfeldt-lewis-lung');
    await page.selectOption('#arm-b', 'breast-her2-late');
    await page.fill('#replicates', '2');
    await page.click('#compare-run');
    await page.waitForSelector('#compare-status[data-done="true"]', { timeout: 60_000 });
    await page.click('#compare-export');
    await page.waitForSelector('#compare-downloads a[download="kaplan-meier.png"]');
    pictures.push(
      ...(await page.$$eval('#compare-downloads a', (as) => as.map((a) => (a as HTMLAnchorElement).href))),
    );
    expect(pictures).toHaveLength(6 + 4);
    for (const url of pictures) {
      const png = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      expect(width).toBeGreaterThanOrEqual(1600);
      expect(height).toBeGreaterThan(600);
      // The corners are opaque white; the title (top tenth) and the x axis title (bottom tenth) draw dark pixels.
      const seen = await page.evaluate(async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
        ctx.drawImage(img, 0, 0);
        const pixel = (x: number, y: number) => Array.from(ctx.getImageData(x, y, 1, 1).data);
        const dark = (y0: number, y1: number) => {
          const d = ctx.getImageData(0, y0, img.width, y1 - y0).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if ((d[i] as number) < 128 && (d[i + 3] as number) > 200) n++;
          return n;
        };
        const tenth = Math.round(img.height / 10);
        return {
          corners: [pixel(0, 0), pixel(img.width - 1, img.height - 1)],
          title: dark(0, tenth),
          bottom: dark(img.height - tenth, img.height),
        };
      }, url);
      expect(seen.corners).toEqual([
        [255, 255, 255, 255],
        [255, 255, 255, 255],
      ]);
      expect(seen.title).toBeGreaterThan(500);
      expect(seen.bottom).toBeGreaterThan(500);
    }
    await page.close();
  });

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
