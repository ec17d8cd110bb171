/**
 * `seedsoil compare A B`: two batch output folders (or scenario files, run first)
 * compared as a researcher would report them: metastasis-free survival
 * (Kaplan–Meier, log-rank test) and distributions with medians, differences and
 * bootstrap 95% intervals; printed, written as a self-contained HTML report
 * (Chart.js inlined, works offline) and as a CSV of every number in it.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import { bootstrapMedianDifference, type Difference, kaplanMeier, logRank } from '../analysis/statistics.ts';
import { sha256Hex } from '../engine/hash.ts';
import { toCsv } from '../engine/output.ts';
import { BatchError, batchCommand } from './batch.ts';
import { loadScenarioFile, readSource } from './scenarios.ts';

type Row = Record<string, string>;

/** RFC 4180 CSV as written by toCsv: quoted fields may hold commas, quotes and newlines. */
function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field || record.length) records.push([...record, field]);
  const [header = [], ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

async function armRows(arm: string, label: string, workDir: string, extra: string[]): Promise<Row[]> {
  let dir = arm;
  if (!(existsSync(arm) && statSync(arm).isDirectory())) {
    if (loadScenarioFile(arm).scale === 'tissue')
      throw new BatchError(`${arm}: compare works on patient-scale scenarios (this one is scale: tissue)`);
    // One folder per arm and options, so a changed file or option runs afresh instead of clashing.
    const key = sha256Hex(JSON.stringify([readSource(arm).text, extra])).slice(0, 12);
    dir = join(workDir, `arm-${label}-${key}`);
    const code = await batchCommand([
      arm,
      '--out',
      dir,
      ...(existsSync(join(dir, 'manifest.json')) ? ['--resume'] : []),
      ...extra,
    ]);
    if (code !== 0) throw new BatchError(`${arm}: the batch for arm ${label} did not finish`);
  }
  const file = join(dir, 'runs.csv');
  if (!existsSync(file))
    throw new BatchError(`${arm}: no runs.csv (run seedsoil batch first, or merge its shards)`);
  const text = readFileSync(file, 'utf8');
  if (!text.slice(0, text.indexOf('\n')).split(',').includes('first_macro_day'))
    throw new BatchError(
      `${arm}: compare works on patient-scale batches (this runs.csv has no first_macro_day)`,
    );
  return parseCsv(text).filter((r) => !r.error);
}

interface ArmSummary {
  label: string;
  source: string;
  replicates: number;
  /** Years to the first macrometastasis, or to the end of the run (censored). */
  times: number[];
  events: boolean[];
  km: { time: number; survival: number }[];
  metastases: number[];
  earlyShare: number[];
  seedingMm: number[];
}

/** Kaplan–Meier steps plus the end of follow-up, so a curve without events is still drawn. */
function kmWithEnd(times: number[], events: boolean[]): { time: number; survival: number }[] {
  const steps = kaplanMeier(times, events).map((s) => ({ time: s.time, survival: s.survival }));
  const end = Math.max(0, ...times);
  return [...steps, { time: end, survival: steps[steps.length - 1]?.survival ?? 1 }];
}

function summarise(label: string, source: string, rows: Row[]): ArmSummary {
  const num = (r: Row, k: string) => Number(r[k]);
  const times = rows.map(
    (r) => (num(r, 'first_macro_day') >= 0 ? num(r, 'first_macro_day') : num(r, 'days_simulated')) / 365.25,
  );
  const events = rows.map((r) => num(r, 'first_macro_day') >= 0);
  return {
    label,
    source,
    replicates: rows.length,
    times,
    events,
    km: kmWithEnd(times, events),
    metastases: rows.map((r) => num(r, 'metastases')),
    earlyShare: rows
      .filter((r) => num(r, 'metastases') > 0 || num(r, 'colonies_founded') > 0)
      .map((r) => num(r, 'early_share')),
    seedingMm: rows.map((r) => num(r, 'primary_mm_at_first_seeding')).filter((v) => v >= 0),
  };
}

function report(
  a: ArmSummary,
  b: ArmSummary,
  test: ReturnType<typeof logRank>,
  diffs: Record<string, Difference>,
): string {
  const chartJs = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );
  const data = JSON.stringify({ a, b, test, diffs }).replaceAll('<', '\\u003c');
  const rows = Object.entries(diffs)
    .map(
      ([k, d]) =>
        `<tr><th>${k}</th><td>${d.a.toFixed(3)}</td><td>${d.b.toFixed(3)}</td><td>${d.difference.toFixed(3)} [${d.low.toFixed(3)}, ${d.high.toFixed(3)}]</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seedsoil comparison</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2430}figure{height:280px;margin:0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.25rem .6rem;text-align:right}</style>
<script>${chartJs}</script></head><body>
<h1>seedsoil comparison</h1>
<p>Arm A: ${a.source} (${a.replicates} replicates). Arm B: ${b.source} (${b.replicates} replicates).
Metastasis-free = no macrometastasis; replicates without one are censored at the end of their run.
Log-rank test: chi-square ${test.chiSquare.toFixed(3)}, p = ${test.p.toPrecision(3)}.</p>
<table><tr><th>median</th><th>arm A</th><th>arm B</th><th>B − A [bootstrap 95% CI]</th></tr>${rows}</table>
<div class="grid"><figure><canvas id="km"></canvas></figure><figure><canvas id="metastases"></canvas></figure>
<figure><canvas id="earlyShare"></canvas></figure><figure><canvas id="seedingMm"></canvas></figure></div>
<script>
const d = ${data};
const colors = ['#c0392b', '#2980b9'];
new Chart(document.getElementById('km'), { type: 'line', data: { datasets: [d.a, d.b].map((arm, i) => ({ label: 'arm ' + arm.label, data: arm.km.map((s) => ({ x: s.time, y: s.survival })), stepped: 'before', borderColor: colors[i], pointRadius: 0 })) },
  options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: 'Macrometastasis-free fraction (Kaplan–Meier)' } }, scales: { x: { type: 'linear', title: { display: true, text: 'years' } }, y: { min: 0, max: 1 } } } });
for (const [key, title, edges] of [['metastases', 'Metastases (micro + macro) at the end', [0, 1, 2, 3, 5, 10, 20, 1e300]], ['earlyShare', 'Early-derived share of metastases', [0, 0.2, 0.4, 0.6, 0.8, 1.0001]], ['seedingMm', 'Primary diameter (mm) when the first cell left', [0, 1, 2, 5, 10, 20, 50, 1e300]]]) {
  const count = (xs) => edges.slice(0, -1).map((e, k) => xs.filter((v) => v >= e && v < edges[k + 1]).length);
  new Chart(document.getElementById(key), { type: 'bar', data: { labels: edges.slice(0, -1).map((e, k) => edges[k + 1] > 1e299 ? '≥' + e : e + '–' + Math.min(1e9, Math.round(edges[k + 1] * 1000) / 1000)), datasets: [d.a, d.b].map((arm, i) => ({ label: 'arm ' + arm.label, data: count(arm[key]), backgroundColor: colors[i] })) },
    options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: title } } } });
}
</script></body></html>
`;
}

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, replicates: { type: 'string' }, workers: { type: 'string' } },
  });
  if (positionals.length !== 2) throw new BatchError('usage: seedsoil compare A B [--out report.html]');
  const out = values.out ?? 'comparison.html';
  const workDir = join(dirname(out), `${basename(out, '.html')}-runs`);
  const extra = [
    ...(values.replicates ? ['--replicates', values.replicates] : []),
    ...(values.workers ? ['--workers', values.workers] : []),
  ];
  const [sourceA, sourceB] = positionals as [string, string];
  const a = summarise('A', sourceA, await armRows(sourceA, 'A', workDir, extra));
  const b = summarise('B', sourceB, await armRows(sourceB, 'B', workDir, extra));
  const test = logRank(a.times, a.events, b.times, b.events);
  const u = seedrandom.alea('seedsoil-compare');
  const diffs: Record<string, Difference> = {
    metastases: bootstrapMedianDifference(a.metastases, b.metastases, u),
    early_share: bootstrapMedianDifference(a.earlyShare, b.earlyShare, u),
    primary_mm_at_first_seeding: bootstrapMedianDifference(a.seedingMm, b.seedingMm, u),
  };

  console.log(
    `arm A: ${sourceA} (${a.replicates} replicates); arm B: ${sourceB} (${b.replicates} replicates)`,
  );
  console.log(
    `metastasis-free survival: log-rank chi-square ${test.chiSquare.toFixed(3)}, p = ${test.p.toPrecision(3)} (events in A: ${test.observedA} observed, ${test.expectedA.toFixed(1)} expected)`,
  );
  for (const [k, d] of Object.entries(diffs)) {
    console.log(
      `${k}: median A ${d.a.toFixed(3)}, B ${d.b.toFixed(3)}, B − A ${d.difference.toFixed(3)} [95% CI ${d.low.toFixed(3)}, ${d.high.toFixed(3)}]`,
    );
  }
  writeFileSync(out, report(a, b, test, diffs));
  const numbers = [
    { quantity: 'log_rank_chi_square', value: test.chiSquare },
    { quantity: 'log_rank_p', value: test.p },
    ...Object.entries(diffs).flatMap(([k, d]) => [
      { quantity: `median_${k}`, arm: 'A', value: d.a },
      { quantity: `median_${k}`, arm: 'B', value: d.b },
      { quantity: `difference_${k}`, arm: 'B-A', value: d.difference, low: d.low, high: d.high },
    ]),
    ...[a, b].flatMap((arm) =>
      arm.km.map((s) => ({
        quantity: 'kaplan_meier_survival',
        arm: arm.label,
        years: s.time,
        value: s.survival,
      })),
    ),
  ];
  const csv = `${out.replace(/\.html?$/, '')}.csv`;
  writeFileSync(csv, toCsv(numbers, ['quantity', 'arm', 'years', 'value', 'low', 'high']));
  console.log(`report: ${out}; numbers: ${csv}`);
  return 0;
}
