/**
 * `seedsoil compare A B`: two batch output folders (or scenario files, run first)
 * compared as a researcher would report them: metastasis-free survival
 * (Kaplan–Meier, log-rank test, B − A in the fraction free of the event at 5
 * and 10 years) and distributions with medians, differences and
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
  BINS,
  binLabels,
  type Comparison,
  compareArms,
  DEFAULT_ENDPOINT,
  deathsIn,
  deathsLabel,
  ENDPOINTS,
  type Endpoint,
  QUANTITIES,
  type Quantity,
} from '../analysis/comparison.ts';
import {
  armNames,
  atRiskYears,
  differenceText,
  FREE_DIFFERENCE_CI,
  freeAtText,
  freeDifferenceText,
  logRankText,
  medianText,
  pairedText,
  survivalMedianText,
} from '../analysis/comparison-text.ts';
import { type CsvRow, parseCsv } from '../analysis/csv.ts';
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
      writeFileSync(
        file,
        `extends: ${JSON.stringify(existsSync(arm) ? resolve(arm) : arm)}\nseed: ${options.seed}\n`,
      );
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

/** An arm's name on the report's legends and headers, as the page names it: a built-in's name, a file's or a folder's. */
const nameOf = (s: ArmSource) => basename(s.source);

function report(sources: [ArmSource, ArmSource], c: Comparison): string {
  const chartJs = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );
  const names = armNames(nameOf(sources[0]), nameOf(sources[1]));
  const quantities = Object.keys(QUANTITIES) as Quantity[];
  // Counts, bins and their labels come from analysis/comparison.ts, as on the page.
  const data = JSON.stringify({
    arms: c.arms.map((r, i) => ({ ...r, name: names[i] })),
    histograms: quantities.map((q) => ({
      key: q,
      title: QUANTITIES[q],
      axis: BINS[q].axis,
      labels: binLabels(q),
    })),
  }).replaceAll('<', '\\u003c');
  const endpoint = ENDPOINTS[c.endpoint];
  const [nameA, nameB] = names.map(escapeHtml) as [string, string];
  const rows = quantities
    .map(
      (q) =>
        `<tr><th>${QUANTITIES[q]}</th>${c.arms.map((r) => `<td>${medianText(r.quantities[q], r.defined[q])}</td>`).join('')}<td>${differenceText(c.differences[q].unpaired)}</td><td>${pairedText(c, q)}</td></tr>`,
    )
    .join('');
  const years = atRiskYears(c, 11);
  const line = (key: 'survival' | 'incidence', title: string, y: string) =>
    `new Chart(document.getElementById('${key}'), { type: 'line', data: { datasets: d.arms.map((arm, i) => ({ label: arm.name, data: arm.${key}.map((s) => ({ x: s.years, y: s.value })), stepped: 'before', borderColor: colors[i], pointRadius: 0 })) },
  options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: ${JSON.stringify(title)} } }, scales: { x: { type: 'linear', title: { display: true, text: 'years from the start of the run' } }, y: { min: 0, max: 1, title: { display: true, text: ${JSON.stringify(y)} } } } } });`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seedsoil comparison</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2430}figure{height:280px;margin:0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.25rem .6rem;text-align:right}</style>
<script>${chartJs}</script></head><body>
<h1>seedsoil comparison</h1>
<p>${sources.map(describeArm).map(escapeHtml).join('. ')}. ${escapeHtml(design(c, sources))}</p>
<p>Endpoint: ${endpoint.name}; the event is ${endpoint.event}. Time runs from the start of each run (the
primary's first simulated day). ${
    endpoint.deathIsEvent
      ? 'Death is an event'
      : 'Death before the event is a competing risk (censored in the Kaplan–Meier curve)'
  }; replicates without either are censored at the end of their run.
Events: ${nameA} ${c.arms[0].events}, ${nameB} ${c.arms[1].events}; ${deathsLabel(c.endpoint)}: ${nameA} ${c.arms[0].deaths}, ${nameB} ${c.arms[1].deaths}.
Median years to the event (Kaplan–Meier, 95% CI): ${nameA} ${survivalMedianText(c.arms[0].medianYears, c.arms[0].events)}, ${nameB} ${survivalMedianText(c.arms[1].medianYears, c.arms[1].events)}.
${c.freeAt.map((f) => `Fraction free of the event at ${f.years} years (Kaplan–Meier): ${nameA} ${freeAtText(f.a, f.years)}, ${nameB} ${freeAtText(f.b, f.years)}; ${nameB} − ${nameA} ${freeDifferenceText(f)} (${FREE_DIFFERENCE_CI}).`).join('\n')}
Log-rank test: ${logRankText(c.logRank)}.</p>
<table><tr><th>at risk, year</th>${years.map((y) => `<th>${y}</th>`).join('')}</tr>${c.arms
    .map(
      (r, i) =>
        `<tr><th>${i === 0 ? nameA : nameB}</th>${years.map((y) => `<td>${r.atRisk[y]?.atRisk ?? 0}</td>`).join('')}</tr>`,
    )
    .join('')}</table>
<table><tr><th>median [95% CI]</th><th>${nameA}</th><th>${nameB}</th><th>${nameB} − ${nameA}, unpaired bootstrap</th><th>${nameB} − ${nameA}, paired bootstrap</th></tr>${rows}</table>
<div class="grid"><figure><canvas id="survival"></canvas></figure><figure><canvas id="incidence"></canvas></figure>${quantities.map((q) => `<figure><canvas id="${q}"></canvas></figure>`).join('')}</div>
<script>
const d = ${data};
const colors = ['#c0392b', '#2980b9'];
${line('survival', `${endpoint.name[0]?.toUpperCase()}${endpoint.name.slice(1)}: fraction free of the event (Kaplan–Meier, ${deathsIn(c.endpoint)})`, 'fraction free of the event')}
${line('incidence', `Cumulative incidence of the event${endpoint.deathIsEvent ? '' : ', death competing'} (Aalen–Johansen)`, 'cumulative incidence')}
for (const h of d.histograms) {
  new Chart(document.getElementById(h.key), { type: 'bar', data: { labels: h.labels, datasets: d.arms.map((arm, i) => ({ label: arm.name, data: arm.histograms[h.key], backgroundColor: colors[i] })) },
    options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: h.title } }, scales: { x: { title: { display: true, text: h.axis } }, y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'replicates' } } } } });
}
</script></body></html>
`;
}

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
  // The same words as the page's compare view (analysis/comparison-text.ts); ";" separates them.
  console.log(
    `${ENDPOINTS[endpoint].name}: events A ${c.arms[0].events}, B ${c.arms[1].events} (${deathsLabel(endpoint)}: A ${c.arms[0].deaths}, B ${c.arms[1].deaths}); log-rank ${logRankText(test)}`,
  );
  console.log(
    `  median years to the event (Kaplan–Meier, 95% CI): A ${survivalMedianText(c.arms[0].medianYears, c.arms[0].events)}; B ${survivalMedianText(c.arms[1].medianYears, c.arms[1].events)}`,
  );
  for (const f of c.freeAt)
    console.log(
      `  fraction free of the event at ${f.years} years (Kaplan–Meier): A ${freeAtText(f.a, f.years)}; B ${freeAtText(f.b, f.years)}; B − A (${FREE_DIFFERENCE_CI}) ${freeDifferenceText(f)}`,
    );
  const shownYears = atRiskYears(c, 11);
  console.log(`  at risk at years ${shownYears.join(', ')}:`);
  for (const r of c.arms)
    console.log(`    ${r.label}: ${shownYears.map((y) => r.atRisk[y]?.atRisk ?? 0).join(', ')}`);
  for (const q of Object.keys(QUANTITIES) as Quantity[]) {
    const [ra, rb] = c.arms;
    console.log(
      `${q}: median A ${medianText(ra.quantities[q], ra.defined[q])}; B ${medianText(rb.quantities[q], rb.defined[q])}; B − A (95% bootstrap) unpaired ${differenceText(c.differences[q].unpaired)}; paired ${pairedText(c, q)}`,
    );
  }
  writeFileSync(out, report(sources, c));
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
      { quantity: 'deaths_among_events', arm: r.label, value: r.deaths - r.competing },
    ]),
    ...c.freeAt.flatMap((f) => [
      ...c.arms.map((r, i) => ({
        quantity: `${endpoint}_free_at`,
        arm: r.label,
        years: f.years,
        value: i === 0 ? f.a : f.b,
      })),
      {
        quantity: `${endpoint}_free_difference`,
        arm: 'B-A',
        years: f.years,
        value: f.difference,
        low: f.low,
        high: f.high,
      },
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
