/**
 * `seedsoil compare A B`: two batch output folders (or scenario files, run first)
 * compared as a researcher would report them: metastasis-free survival
 * (Kaplan–Meier, log-rank test) and distributions with medians, differences and
 * bootstrap 95% intervals; printed, written as a self-contained HTML report
 * (Chart.js inlined, works offline) and as a CSV of every number in it.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import {
  type Arm,
  type Comparison,
  compareArms,
  DEFAULT_ENDPOINT,
  ENDPOINTS,
  type Endpoint,
  QUANTITIES,
  type Quantity,
  quantity,
} from '../analysis/comparison.ts';
import { type CsvRow, parseCsv } from '../analysis/csv.ts';
import type { Difference, MedianEstimate } from '../analysis/statistics.ts';
import { scenarioHash, sha256Hex } from '../engine/hash.ts';
import { outcomeColumns } from '../engine/model.ts';
import { toCsv } from '../engine/output.ts';
import { parseSeed } from '../engine/schema.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import { BatchError, batchCommand } from './batch.ts';
import { loadScenarioFile } from './scenarios.ts';

interface ArmSource {
  label: string;
  source: string;
  rows: CsvRow[];
  /** Replicates whose run failed (a record cap, say): left out of every number, and said so. */
  failed: number;
  seeds: number[];
}

async function armRows(
  arm: string,
  label: string,
  workDir: string,
  options: { replicates: string | undefined; workers: string | undefined; seed: number | undefined },
  endpoint: Endpoint,
): Promise<ArmSource> {
  let dir = arm;
  if (!(existsSync(arm) && statSync(arm).isDirectory())) {
    let scenario = loadScenarioFile(arm);
    if (!outcomeColumns([scenario]).includes(ENDPOINTS[endpoint].column))
      throw new BatchError(
        `${arm}: compare works on patient-scale scenarios (this one is scale: ${scenario.scale})`,
      );
    let file = arm;
    if (options.seed !== undefined) {
      // Both arms at one seed, as the page runs them: the scenario file with its seed replaced.
      file = join(workDir, `arm-${label}-seed-${options.seed}.yaml`);
      mkdirSync(workDir, { recursive: true });
      writeFileSync(file, `extends: ${existsSync(arm) ? resolve(arm) : arm}\nseed: ${options.seed}\n`);
      scenario = loadScenarioFile(file);
    }
    // One folder per resolved scenario, replicate count and engine version: a change to the
    // file, to a file it extends or to the engine runs afresh; the number of workers does not.
    const key = sha256Hex(
      JSON.stringify([scenarioHash(scenario), options.replicates ?? '', ENGINE_VERSION]),
    ).slice(0, 12);
    dir = join(workDir, `arm-${label}-${key}`);
    const code = await batchCommand([
      file,
      '--out',
      dir,
      ...(existsSync(join(dir, 'manifest.json')) ? ['--resume'] : []),
      ...(options.replicates ? ['--replicates', options.replicates] : []),
      ...(options.workers ? ['--workers', options.workers] : []),
    ]);
    // Exit 1 means some replicates failed; they are counted below. Anything else stopped the batch.
    if (code !== 0 && code !== 1) throw new BatchError(`${arm}: the batch for arm ${label} did not finish`);
  }
  const file = join(dir, 'runs.csv');
  if (!existsSync(file))
    throw new BatchError(`${arm}: no runs.csv (run seedsoil batch first, or merge its shards)`);
  const text = readFileSync(file, 'utf8');
  if (!text.slice(0, text.indexOf('\n')).split(',').includes(ENDPOINTS[endpoint].column))
    throw new BatchError(
      `${arm}: this runs.csv has no ${ENDPOINTS[endpoint].column} (a tissue batch, or one written before that column existed: run it again, or choose another --endpoint)`,
    );
  const all = parseCsv(text);
  // An arm is one scenario at one point: pooling several would mix models and break the pairing.
  const arms = new Set(all.map((r) => `${r.file} point ${r.point}`));
  if (arms.size > 1)
    throw new BatchError(
      `${arm}: holds ${arms.size} scenarios or sweep points (${[...arms].slice(0, 3).join('; ')}); compare takes one per arm`,
    );
  const replicates = all.map((r) => r.replicate);
  if (new Set(replicates).size < replicates.length)
    throw new BatchError(`${arm}: a replicate index appears twice; compare takes one run per replicate`);
  const rows = all.filter((r) => !r.error);
  if (rows.length === 0) throw new BatchError(`${arm}: no replicate finished without an error`);
  return {
    label,
    source: arm,
    rows,
    failed: all.length - rows.length,
    seeds: [...new Set(all.map((r) => Number(r.seed)))],
  };
}

function arm(a: ArmSource): Arm {
  return { label: a.label, replicates: a.rows.map((r) => Number(r.replicate)), rows: a.rows };
}

/** Text for HTML: a path or a scenario name may hold markup characters. */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

function report(sources: [ArmSource, ArmSource], a: Arm, b: Arm, c: Comparison): string {
  const chartJs = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );
  const values = (x: Arm) =>
    Object.fromEntries(
      (Object.keys(QUANTITIES) as Quantity[]).map((q) => [q, quantity(x, q).filter(Number.isFinite)]),
    );
  const data = JSON.stringify({
    arms: c.arms.map((r, i) => ({ ...r, values: values(i === 0 ? a : b) })),
    titles: QUANTITIES,
  }).replaceAll('<', '\\u003c');
  const endpoint = ENDPOINTS[c.endpoint];
  const rows = (Object.keys(QUANTITIES) as Quantity[])
    .map((q) => {
      const d = c.differences[q];
      const [ma, mb] = c.arms.map((r) => median(r.quantities[q]));
      return `<tr><th>${QUANTITIES[q]}</th><td>${ma}</td><td>${mb}</td><td>${interval(d.unpaired)}</td><td>${interval(d.paired)} (${d.pairs})</td></tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seedsoil comparison</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2430}figure{height:280px;margin:0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.25rem .6rem;text-align:right}</style>
<script>${chartJs}</script></head><body>
<h1>seedsoil comparison</h1>
<p>${sources.map(describeArm).map(escapeHtml).join('. ')}. ${escapeHtml(design(c, sources))}</p>
<p>Endpoint: ${endpoint.name}; the event is ${endpoint.event}. Time runs from the start of each run (the
primary's first simulated day). Death before the event is a competing risk (censored in the Kaplan–Meier
curve); replicates without either are censored at the end of their run.
Events: A ${c.arms[0].events}, B ${c.arms[1].events}; deaths before the event: A ${c.arms[0].competing}, B ${c.arms[1].competing}.
Median years to the event (Kaplan–Meier, 95% CI): A ${median(c.arms[0].medianYears)}, B ${median(c.arms[1].medianYears)}.
Log-rank test: ${logRankText(c)}.</p>
<table><tr><th>at risk, year</th>${atRiskYears(c)
    .map((y) => `<th>${y}</th>`)
    .join('')}</tr>${c.arms
    .map(
      (r) =>
        `<tr><th>arm ${r.label}</th>${atRiskYears(c)
          .map((y) => `<td>${r.atRisk[y]?.atRisk ?? 0}</td>`)
          .join('')}</tr>`,
    )
    .join('')}</table>
<table><tr><th>median [95% CI]</th><th>arm A</th><th>arm B</th><th>B − A, unpaired bootstrap</th><th>B − A, paired bootstrap (pairs)</th></tr>${rows}</table>
<div class="grid"><figure><canvas id="km"></canvas></figure><figure><canvas id="incidence"></canvas></figure><figure><canvas id="metastases"></canvas></figure>
<figure><canvas id="early_share"></canvas></figure><figure><canvas id="primary_mm_at_first_seeding"></canvas></figure></div>
<script>
const d = ${data};
const colors = ['#c0392b', '#2980b9'];
new Chart(document.getElementById('km'), { type: 'line', data: { datasets: d.arms.map((arm, i) => ({ label: 'arm ' + arm.label, data: arm.survival.map((s) => ({ x: s.years, y: s.value })), stepped: 'before', borderColor: colors[i], pointRadius: 0 })) },
  options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: ${JSON.stringify(`${endpoint.name[0]?.toUpperCase()}${endpoint.name.slice(1)}: fraction free of the event (Kaplan–Meier, deaths censored)`)} } }, scales: { x: { type: 'linear', title: { display: true, text: 'years' } }, y: { min: 0, max: 1 } } } });
new Chart(document.getElementById('incidence'), { type: 'line', data: { datasets: d.arms.map((arm, i) => ({ label: 'arm ' + arm.label, data: arm.incidence.map((s) => ({ x: s.years, y: s.value })), stepped: 'before', borderColor: colors[i], pointRadius: 0 })) },
  options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: 'Cumulative incidence of the event, death competing (Aalen–Johansen)' } }, scales: { x: { type: 'linear', title: { display: true, text: 'years' } }, y: { min: 0, max: 1 } } } });
for (const [key, edges] of [['metastases', [0, 1, 2, 3, 5, 10, 20, 1e300]], ['early_share', [0, 0.2, 0.4, 0.6, 0.8, 1.0001]], ['primary_mm_at_first_seeding', [0, 1, 2, 5, 10, 20, 50, 1e300]]]) {
  const count = (xs) => edges.slice(0, -1).map((e, k) => xs.filter((v) => v >= e && v < edges[k + 1]).length);
  new Chart(document.getElementById(key), { type: 'bar', data: { labels: edges.slice(0, -1).map((e, k) => edges[k + 1] > 1e299 ? '≥' + e : e + '–' + Math.min(1e9, Math.round(edges[k + 1] * 1000) / 1000)), datasets: d.arms.map((arm, i) => ({ label: 'arm ' + arm.label, data: count(arm.values[key]), backgroundColor: colors[i] })) },
    options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: d.titles[key] } } } });
}
</script></body></html>
`;
}

/** Whole years at which the numbers at risk are shown: at most eleven, evenly spaced. */
function atRiskYears(c: Comparison): number[] {
  const last = Math.max(c.arms[0].atRisk.length, c.arms[1].atRisk.length) - 1;
  const every = Math.max(1, Math.ceil(last / 10));
  return Array.from({ length: Math.floor(last / every) + 1 }, (_, k) => k * every);
}

const fixed = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

const describeArm = (s: ArmSource) =>
  `arm ${s.label}: ${s.source} (${s.rows.length} replicates${s.failed ? `; ${s.failed} failed and left out` : ''}; seed ${s.seeds.join(', ')})`;

/** Whether the arms are paired: one seed, the same in both (replicate i then shares its random streams). */
const pairedSeeds = (sources: [ArmSource, ArmSource]) =>
  sources[0].seeds.length === 1 &&
  sources[1].seeds.length === 1 &&
  sources[0].seeds[0] === sources[1].seeds[0];

function design(c: Comparison, sources: [ArmSource, ArmSource]): string {
  return c.paired
    ? 'Replicate i of both arms shares its seed (paired design).'
    : `The arms have different seeds (${sources.map((s) => s.seeds.join('/')).join(' and ')}): not paired, so no paired interval (give --seed to run both arms at one seed).`;
}

/** The log-rank test, or why there is none (no event, or an arm never at risk at one). */
const logRankText = (c: Comparison) =>
  c.logRank.df === 0
    ? 'not defined (no event in either arm, or one arm never at risk at an event)'
    : `chi-square ${c.logRank.chiSquare.toFixed(3)}, p = ${c.logRank.p.toPrecision(3)}`;
const median = (m: MedianEstimate) => `${fixed(m.median)} [${fixed(m.low)}, ${fixed(m.high)}]`;
const interval = (d: Difference) => `${fixed(d.difference)} [${fixed(d.low)}, ${fixed(d.high)}]`;

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      replicates: { type: 'string' },
      workers: { type: 'string' },
      endpoint: { type: 'string', default: DEFAULT_ENDPOINT },
      seed: { type: 'string' },
    },
  });
  if (positionals.length !== 2) throw new BatchError('usage: seedsoil compare A B [--out report.html]');
  const endpoint = values.endpoint as Endpoint;
  if (!Object.hasOwn(ENDPOINTS, endpoint))
    throw new BatchError(
      `--endpoint: expected one of ${Object.keys(ENDPOINTS).join(', ')} (got "${values.endpoint}")`,
    );
  const out = values.out ?? 'comparison.html';
  const workDir = join(dirname(out), `${basename(out, '.html')}-runs`);
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed, '--seed');
  const options = { replicates: values.replicates, workers: values.workers, seed };
  const [sourceA, sourceB] = positionals as [string, string];
  const sources: [ArmSource, ArmSource] = [
    await armRows(sourceA, 'A', workDir, options, endpoint),
    await armRows(sourceB, 'B', workDir, options, endpoint),
  ];
  const [a, b] = sources.map(arm) as [Arm, Arm];
  const c = compareArms(a, b, endpoint, seedrandom.alea('seedsoil-compare'), 2000, pairedSeeds(sources));
  const test = c.logRank;

  console.log(sources.map(describeArm).join('; '));
  if (!c.paired) console.log(design(c, sources));
  console.log(
    `${ENDPOINTS[endpoint].name}: events A ${c.arms[0].events}, B ${c.arms[1].events} (deaths before the event: A ${c.arms[0].competing}, B ${c.arms[1].competing}); log-rank ${logRankText(c)}`,
  );
  console.log(
    `  median years to the event: A ${median(c.arms[0].medianYears)}, B ${median(c.arms[1].medianYears)} (Kaplan–Meier, 95% CI)`,
  );
  const shownYears = atRiskYears(c);
  console.log(`  at risk at years ${shownYears.join(', ')}:`);
  for (const r of c.arms)
    console.log(`    ${r.label}: ${shownYears.map((y) => r.atRisk[y]?.atRisk ?? 0).join(', ')}`);
  for (const q of Object.keys(QUANTITIES) as Quantity[]) {
    const d = c.differences[q];
    console.log(
      `${q}: median A ${median(c.arms[0].quantities[q])}, B ${median(c.arms[1].quantities[q])}; B − A ${interval(d.unpaired)} unpaired${c.paired ? `, ${interval(d.paired)} paired over ${d.pairs} pairs` : ''} (95% bootstrap)`,
    );
  }
  writeFileSync(out, report(sources, a, b, c));
  const numbers = [
    { quantity: 'log_rank_chi_square', value: test.chiSquare },
    { quantity: 'log_rank_p', value: test.p },
    ...sources.flatMap((s) => [
      { quantity: 'replicates', arm: s.label, value: s.rows.length },
      { quantity: 'failed_replicates', arm: s.label, value: s.failed },
    ]),
    ...c.arms.flatMap((r) => [
      { quantity: 'events', arm: r.label, value: r.events },
      { quantity: 'competing_deaths', arm: r.label, value: r.competing },
    ]),
    ...(Object.keys(QUANTITIES) as Quantity[]).flatMap((q) => [
      ...c.arms.map((r) => ({
        quantity: `median_${q}`,
        arm: r.label,
        value: r.quantities[q].median,
        low: r.quantities[q].low,
        high: r.quantities[q].high,
      })),
      ...(['unpaired', 'paired'] as const).map((how) => ({
        quantity: `difference_${q}_${how}`,
        arm: 'B-A',
        value: c.differences[q][how].difference,
        low: c.differences[q][how].low,
        high: c.differences[q][how].high,
      })),
      { quantity: `pairs_${q}`, arm: 'B-A', value: c.differences[q].pairs },
    ]),
    ...c.arms.flatMap((r) =>
      r.survival.map((s) => ({
        quantity: `${endpoint}_free_survival`,
        arm: r.label,
        years: s.years,
        value: s.value,
      })),
    ),
  ];
  const csv = `${out.replace(/\.html?$/, '')}.csv`;
  writeFileSync(csv, toCsv(numbers, ['quantity', 'arm', 'years', 'value', 'low', 'high']));
  console.log(`report: ${out}; numbers: ${csv}`);
  return 0;
}
