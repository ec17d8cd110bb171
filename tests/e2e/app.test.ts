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
import { FREE_DIFFERENCE_CI, fixed } from '../../src/analysis/comparison-text.ts';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { deepMerge, validateScenario } from '../../src/engine/scenario.ts';
import { run } from '../../src/engine/simulation.ts';
import { count } from '../../src/ui/words.ts';
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

/** The captions of the compare view's charts: the curves, then the histograms. */
function compareCaptions(page: Page): Promise<string[]> {
  return page.$$eval('#compare-charts figure', (figures) =>
    figures.map((f) => f.querySelector('figcaption')?.textContent ?? ''),
  );
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
    // breast-her2-early seed 1 founds colonies directly and by waking dormant cells;
    // teaching-basic seed 3 has one macrometastasis and years without a live colony.
    for (const [name, seed] of [
      ['breast-her2-early', 1],
      ['teaching-basic', 3],
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
    // Each chart's caption: what it shows and its key numbers, in the table's words.
    const captions = await compareCaptions(page);
    const [km = '', ...histograms] = captions;
    expect(km).toMatch(/^Distant-metastasis-free survival \(Kaplan–Meier, deaths are events\)\. /);
    expect(km).toContain(`Log-rank ${(rows.events?.[2] ?? '').replace(/^log-rank /, '')}.`);
    names.forEach((name, a) => {
      const events = Number(rows.events?.[a]?.split(' ')[0]);
      // These runs last three weeks: no one is followed to five years.
      expect(km).toContain(
        `${name}: ${count(events, 'event', 'events')} in 8 replicates, not followed for 5 years, median years to the event ${rows['median-years']?.[a]}`,
      );
    });
    expect(rows['free-5']).toEqual([
      'none (not followed for 5 years)',
      'none (not followed for 5 years)',
      `${names[1]} − ${names[0]}: none (an arm was not followed for 5 years) (${FREE_DIFFERENCE_CI})`,
    ]);
    expect(km).toContain(
      `${names[1]} − ${names[0]} in the fraction free of the event at 5 years: none (an arm was not followed for 5 years) (${FREE_DIFFERENCE_CI}). Log-rank`,
    );
    ['metastases', 'early_share', 'primary_mm_at_first_seeding'].forEach((q, k) => {
      const chart = charts[k + 1];
      names.forEach((name, a) => {
        // The bins that hold any replicate.
        const bins = chart.labels
          .flatMap((l: string, i: number) => (chart.data[a][i] > 0 ? [`${l}: ${chart.data[a][i]}`] : []))
          .join(', ');
        expect(histograms[k], q).toContain(`${name}: median ${rows[q]?.[a]}; replicates per bin: ${bins}`);
      });
    });
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
      /^distant-metastasis-free survival: events A (\d+), B (\d+) \(of them deaths: A (\d+), B (\d+)\); log-rank (.*)$/m,
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
    for (const years of [5, 10]) {
      const [freeA, freeB, difference] = printed(
        new RegExp(
          `^  fraction free of the event at ${years} years \\(Kaplan–Meier\\): A (.*); B (.*); B − A \\(${FREE_DIFFERENCE_CI}\\) (.*)$`,
          'm',
        ),
      );
      expect(rows[`free-${years}`]).toEqual([
        freeA,
        freeB,
        `${names[1]} − ${names[0]}: ${difference} (${FREE_DIFFERENCE_CI})`,
      ]);
    }
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
    // The curve's caption reads each arm's curve at 5 years, where the arm was followed that long.
    const [km] = await compareCaptions(page);
    const curves = JSON.parse((await page.getAttribute('#compare-charts figure', 'data-chart')) ?? '{}')
      .data as { x: number; y: number }[][];
    const late = curves[1] ?? [];
    const at5 = late.filter((p) => p.x <= 5).at(-1)?.y ?? Number.NaN;
    expect(late.at(-1)?.x).toBeGreaterThan(5);
    const free5 = await page.$$eval('#compare-table tr[data-row="free-5"] td', (tds) =>
      tds.map((td) => td.textContent ?? ''),
    );
    expect(free5).toEqual([
      'none (not followed for 5 years)',
      fixed(at5),
      `breast-her2-late − hahnfeldt-lewis-lung: none (an arm was not followed for 5 years) (${FREE_DIFFERENCE_CI})`,
    ]);
    expect(km).toContain(
      `breast-her2-late: 0 events in 4 replicates, fraction free of the event at 5 years ${fixed(at5)}`,
    );
    expect(km).toContain('hahnfeldt-lewis-lung: 0 events in 4 replicates, not followed for 5 years');
    expect(km).toContain(
      'breast-her2-late − hahnfeldt-lewis-lung in the fraction free of the event at 5 years: none (an arm was not followed for 5 years)',
    );
    expect(km).toContain('Log-rank not defined');
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

/** A page at a given size that records every console warning and error and every page error. */
async function openAt(
  hash: string,
  size: { width: number; height: number },
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: size });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  await page.goto(`${base}${hash}`);
  await page.waitForSelector('#status[data-day]');
  return { page, problems };
}

const SIZES = {
  desktop: { width: 1440, height: 900 },
  projector: { width: 1024, height: 768 },
  phone: { width: 390, height: 844 },
} as const;

describe('web app for a class', () => {
  it('lays out the run view at 1440×900, 1024×768 and 390×844 with nothing cut off', async () => {
    for (const [name, size] of Object.entries(SIZES)) {
      const { page, problems } = await openAt('#scenario=teaching-basic&seed=42', size);
      await runToEnd(page);
      await page.screenshot({ path: `${ARTIFACTS}/layout-${name}-${size.width}x${size.height}.png` });
      await page.screenshot({
        path: `${ARTIFACTS}/layout-${name}-${size.width}x${size.height}-full.png`,
        fullPage: true,
      });
      // No sideways scrolling, and every part of the run view within the page's width.
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, name).toBeLessThanOrEqual(size.width);
      const boxes = await page.$$eval(
        '#controls, #charts figure, #body-map, #body-legend, #phases, #feed, #status, #run, #guided, #story h2',
        (els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return { id: el.id || el.tagName, left: r.left, right: r.right, width: r.width };
          }),
      );
      for (const b of boxes) {
        expect(b.left, `${name} ${b.id}`).toBeGreaterThanOrEqual(0);
        expect(b.right, `${name} ${b.id}`).toBeLessThanOrEqual(size.width);
      }
      // The charts and the story are wide enough to read.
      const readable = await page.$$eval('#charts figure, #body-map, #phases, #feed', (els) =>
        els.map((el) => el.getBoundingClientRect().width),
      );
      for (const w of readable) expect(w, name).toBeGreaterThan(280);
      // On a projector the body map sits beside the charts, within the first screen's height
      // below the controls; on a phone the parts are stacked in one column.
      const top = (sel: string) => page.$eval(sel, (el) => el.getBoundingClientRect().top + window.scrollY);
      const left = (sel: string) => page.$eval(sel, (el) => el.getBoundingClientRect().left);
      if (name === 'phone') {
        expect(await left('#charts')).toBe(await left('#story'));
        expect(await top('#story')).toBeGreaterThan(await top('#charts'));
      } else {
        expect(await top('#body-map'), name).toBeLessThan(size.height);
        expect(await left('#story'), name).toBeGreaterThan(await left('#charts'));
      }
      expect(problems, name).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('writes what happened in words, with units and plurals: no identifiers in a full teaching-basic run', async () => {
    const { page } = await openAt('#scenario=teaching-basic&seed=42', SIZES.desktop);
    await runToEnd(page);
    const texts = await page.$$eval(
      '#feed li, #phases li, #charts figcaption, #body-map title, #body-map text, #status',
      (els) => els.map((el) => (el instanceof HTMLElement ? el.innerText : (el.textContent ?? ''))),
    );
    const feed = await page.$$eval('#feed li', (els) => els.map((el) => el.textContent ?? ''));
    expect(feed.length).toBeGreaterThan(5);
    for (const t of texts) {
      // camelCase identifiers (sentinelNode), snake_case (first_macro), exponents (0.00e+0).
      expect(t).not.toMatch(/\b[a-z]{2,}[A-Z][a-z]+/);
      expect(t).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
      expect(t).not.toMatch(/\d[eE][+-]?\d/);
      // "1 cells", "1 colonies", "1 micrometastases": a count of one takes the singular.
      expect(t).not.toMatch(/(^|[^\d.,])1 (cells|colonies|micrometastases|macrometastases)\b/);
    }
    expect(feed.join('\n')).toContain('isolated tumour cells in the sentinel lymph node');
    // The site axis of the disseminated cells chart is in words.
    const labels = JSON.parse((await page.getAttribute('figure:has(#chart-dtc)', 'data-labels')) ?? '[]');
    expect(labels).toContain('sentinel node');
    for (const label of labels) expect(label).not.toMatch(/[a-z][A-Z]/);
    await page.close();
  });

  it('explains the body map: a legend of colours and sizes', async () => {
    const { page } = await openAt('#scenario=teaching-basic&seed=42', SIZES.desktop);
    const legend = (await page.textContent('#body-legend')) ?? '';
    for (const words of [
      'primary tumour or a macrometastasis',
      'micrometastasis',
      'disseminated cells',
      'larger circle',
    ])
      expect(legend).toContain(words);
    await page.close();
  });

  it('exposes tabs, the status line and the charts to assistive tools, in text of at least 14 px', async () => {
    const { page } = await openAt('#scenario=teaching-basic&seed=42', SIZES.desktop);
    await page.click('#step');
    await page.waitForFunction(() => Number(document.getElementById('status')?.dataset.day) > 0);
    const tab = (id: string) =>
      page.$eval(`#${id}`, (el) => [el.getAttribute('role'), el.getAttribute('aria-selected')]);
    expect(await page.getAttribute('.tabs', 'role')).toBe('tablist');
    expect(await tab('tab-run')).toEqual(['tab', 'true']);
    expect(await tab('tab-compare')).toEqual(['tab', 'false']);
    await page.click('#tab-compare');
    expect(await tab('tab-run')).toEqual(['tab', 'false']);
    expect(await tab('tab-compare')).toEqual(['tab', 'true']);
    await page.click('#tab-run');
    expect(await page.getAttribute('#status', 'aria-live')).toBe('polite');
    expect(await page.getAttribute('#status', 'role')).toBe('status');
    // Each chart: an image named by its title, and a caption with its latest numbers.
    const charts = await page.$$eval('#charts figure', (figures) =>
      figures.map((f) => ({
        role: f.querySelector('canvas')?.getAttribute('role'),
        name: f.querySelector('canvas')?.getAttribute('aria-label') ?? '',
        caption: f.querySelector('figcaption')?.textContent ?? '',
      })),
    );
    expect(charts).toHaveLength(6);
    for (const c of charts) {
      expect(c.role).toBe('img');
      expect(c.name.length).toBeGreaterThan(10);
      expect(c.caption.length).toBeGreaterThan(20);
    }
    expect(charts[0]?.caption).toMatch(
      /^Year 0\.\d: the primary tumour has [\d,.]+( million| billion)? cells/,
    );
    // Body text: every visible element with text of its own.
    const small = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((el) => {
          const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent?.trim());
          const r = el.getBoundingClientRect();
          return own && r.width > 0 && r.height > 0 && !(el instanceof SVGElement);
        })
        .map((el) => [el.tagName, el.id, (el.textContent ?? '').slice(0, 30), getComputedStyle(el).fontSize])
        .filter(([, , , size]) => Number.parseFloat(size as string) < 14),
    );
    expect(small).toEqual([]);
    await page.close();
  });

  it('guides a class: pauses at each phase, rings it on the body map and the charts, explains it, and opens from a link', async () => {
    const { page, problems } = await openAt('#scenario=teaching-basic&seed=42&guided=1', SIZES.projector);
    expect(await page.isChecked('#guided')).toBe(true);
    await page.click('#run');
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      const state = await page.waitForFunction(
        () => {
          const guide = document.getElementById('guide') as HTMLElement;
          const status = document.getElementById('status') as HTMLElement;
          if (!guide.hidden) return 'stopped';
          if (status.dataset.done === 'true') return 'done';
          return false;
        },
        undefined,
        { timeout: 30_000 },
      );
      if ((await state.jsonValue()) === 'done') break;
      const key = (await page.getAttribute('#guide', 'data-key')) as string;
      const text = (await page.textContent('#guide-text')) ?? '';
      // One sentence.
      expect(text, key).toMatch(/^Year \d+\.\d: [A-Z].*\.$/);
      expect(text, key).not.toMatch(/\. [A-Z]/);
      expect(seen, key).not.toContain(key);
      seen.push(key);
      // The run is paused where the phase first happened: its day is at most a month past it.
      const day = Number(await page.getAttribute('#status', 'data-day'));
      const year = Number(text.slice(5, text.indexOf(':')));
      expect(day / 365.25 - year, key).toBeLessThan(31 / 365.25 + 0.05);
      await page.waitForTimeout(50);
      expect(Number(await page.getAttribute('#status', 'data-day')), `${key} paused`).toBe(day);
      expect(await page.$$('#charts figure.highlight'), key).not.toHaveLength(0);
      if (['first_colony', 'first_micro', 'first_macro', 'detection', 'surgery'].includes(key))
        expect(await page.$$('#body-map g.highlight'), key).toHaveLength(1);
      if (key === 'first_macro') await page.screenshot({ path: `${ARTIFACTS}/guided-macro-1024x768.png` });
      await page.click('#guide-next');
    }
    for (const key of [
      'shed',
      'circulation',
      'arrest',
      'extravasation',
      'first_colony',
      'first_micro',
      'first_macro',
      'detection',
      'surgery',
    ])
      expect(seen).toContain(key);
    expect(seen.indexOf('shed')).toBeLessThan(seen.indexOf('arrest'));
    expect(seen.indexOf('first_micro')).toBeLessThan(seen.indexOf('first_macro'));
    // The run went on to the end, the same run as without the guide.
    const node = run(loadScenarioFile('teaching-basic'), { seed: 42 });
    expect(Number(await page.getAttribute('#status', 'data-shed'))).toBe(node.summary.funnel.shed);
    // Its share link opens in the guided mode again; turning it off drops it from the link.
    await page.click('#share');
    expect(await page.inputValue('#share-url')).toMatch(/[#&]guided=1(&|$)/);
    await page.uncheck('#guided');
    expect(await page.evaluate(() => location.hash)).not.toContain('guided');
    expect(problems).toEqual([]);
    await page.close();

    const bad = await openAt('#scenario=teaching-basic&seed=42&guided=yes', SIZES.desktop);
    expect(await bad.page.textContent('#error')).toContain(
      'link: guided: expected 1 (on) or 0 (off) (got "yes")',
    );
    expect(await bad.page.isChecked('#guided')).toBe(false);
    await bad.page.close();
  }, 120_000);

  it('runs whole scenarios and a comparison with no console warning, page error or failed request', async () => {
    const { page, problems } = await openAt('', SIZES.desktop);
    await page.locator('#params').evaluate((d) => {
      (d as HTMLDetailsElement).open = true;
    });
    await runToEnd(page);
    await page.click('#export');
    await page.waitForSelector('#downloads a[download="events.csv"]');
    await page.selectOption('#scenario', 'teaching-basic');
    await page.waitForFunction(() => location.hash.includes('teaching-basic'));
    await page.waitForSelector('#status[data-day]');
    await runToEnd(page);
    await page.click('#tab-compare');
    await page.fill('#replicates', '2');
    await page.click('#compare-run');
    await page.waitForSelector('#compare-status[data-done="true"]', { timeout: 60_000 });
    // A tissue scenario: the parameter panel hides the patient's fields and shows the tissue's.
    await page.click('#tab-run');
    await page.selectOption('#scenario', 'tissue-teaching');
    await page.waitForSelector('#status[data-step]');
    await page.$eval('#speed', (s) => {
      const select = s as HTMLSelectElement;
      select.value = select.options[select.options.length - 1]?.value ?? '';
    });
    await page.click('#run');
    await page.waitForSelector('#status[data-done="true"]', { timeout: 60_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
