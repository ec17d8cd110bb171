/**
 * `seedsoil sensitivity SPEC`: a global sensitivity analysis run as a batch. The
 * spec's design (Saltelli's for Sobol' indices, trajectories for Morris) becomes
 * one scenario file with explicit `batch.points` in DIR, run by `seedsoil batch`
 * (so workers, shards, Slurm arrays and --resume behave exactly as there); then
 * each output is aggregated over the replicates of each point and the indices are
 * printed, written as DIR/indices.csv and drawn in DIR/report.html (Chart.js
 * inlined, works offline).
 *
 * Folder layout: DIR/design.json (the scenario with every point), DIR/runs (the
 * batch), DIR/shards/shard-I-of-N (one batch folder per shard), DIR/points.csv
 * (each point's parameter values and outputs), DIR/indices.csv, DIR/report.html.
 * With --shard a run computes its shard only; the same command without --shard
 * merges the shards once all have finished and computes the indices.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsv } from '../analysis/csv.ts';
import {
  type Analysis,
  analyse,
  buildDesign,
  checkSpec,
  type Design,
  designScenario,
  INDEX_COLUMNS,
  indexRows,
  type OutputIndices,
  outputLabel,
  parseSpec,
  pointOutputs,
  specJsonSchema,
} from '../analysis/sensitivity.ts';
import type { Estimate } from '../analysis/sobol.ts';
import { buildPlan } from '../batch/plan.ts';
import { toCsv } from '../engine/output.ts';
import { formatIssue, resolveExtends, ScenarioError } from '../engine/scenario.ts';
import { BatchError, batchCommand, mergeCommand, parseShard } from './batch.ts';
import { fileResolver, readSource } from './scenarios.ts';

type Raw = Record<string, unknown>;

/** Reads and checks the spec and builds its design; throws ScenarioError naming every problem. */
function load(specFile: string, designFile: string): { analysis: Analysis; design: Design; scenario: Raw } {
  let text: string;
  try {
    text = readFileSync(specFile, 'utf8');
  } catch (e) {
    throw new ScenarioError([
      { file: specFile, path: '(file)', message: `cannot read (${(e as NodeJS.ErrnoException).code ?? e})` },
    ]);
  }
  const spec = parseSpec(text, specFile);
  let base: Raw;
  try {
    base = resolveExtends(readSource(spec.scenario, specFile), fileResolver);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError([
      {
        file: specFile,
        path: 'scenario',
        message: `cannot load ${JSON.stringify(spec.scenario)} (${(e as Error).message})`,
      },
    ]);
  }
  const analysis = checkSpec(spec, base, specFile);
  const design = buildDesign(analysis);
  const scenario = designScenario(analysis, design);
  // Every point validated as the batch will, so that a bad point stops the analysis before anything runs.
  try {
    buildPlan([{ file: designFile, raw: scenario }]);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    throw new ScenarioError(e.issues.map((i) => ({ ...i, file: specFile })));
  }
  return { analysis, design, scenario };
}

/** Writes under a name of this process and shard first: shards on several hosts may share the folder. */
function writeShared(file: string, text: string, tag: string): void {
  const tmp = `${file}.${tag}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const SHARD_FOLDER = /^shard-(\d+)-of-(\d+)$/;

/** The shard folders of DIR/shards, checked complete as a set (merge then checks every task). */
function shardFolders(out: string): string[] {
  const root = join(out, 'shards');
  if (!existsSync(root)) return [];
  const names = readdirSync(root).filter((n) => SHARD_FOLDER.test(n));
  if (names.length === 0) return [];
  const counts = [...new Set(names.map((n) => Number(SHARD_FOLDER.exec(n)?.[2])))];
  if (counts.length > 1)
    throw new BatchError(`${root}: shards of ${counts.join(' and ')}; keep the folders of one sharding`);
  const count = counts[0] as number;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter(
    (i) => !names.includes(`shard-${i}-of-${count}`),
  );
  if (missing.length)
    throw new BatchError(
      `${root}: shard ${missing.join(', ')} of ${count} has not run; run it, then this command again`,
    );
  return Array.from({ length: count }, (_, i) => join(root, `shard-${i + 1}-of-${count}`));
}

const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const precise = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : 'n/a');
const interval = (e: Estimate | undefined, f: (x: number) => string) =>
  e ? `${f(e.value)} [${f(e.low)}, ${f(e.high)}]` : 'n/a';

/** The printed table: one block per output. */
function table(a: Analysis, results: readonly OutputIndices[]): string {
  const method = a.spec.method;
  const percent = `${Math.round(method.confidence * 1000) / 10}%`;
  const width = Math.max(9, ...a.factors.map((f) => f.name.length)) + 2;
  const lines: string[] = [];
  for (const r of results) {
    const noise = Number.isFinite(r.noiseShare)
      ? `; replicate noise ${Math.round(r.noiseShare * 100)}% of it`
      : '';
    lines.push('', `${r.output}: mean ${precise(r.mean)}, variance ${precise(r.variance)}${noise}`);
    if (!(r.variance > 0)) {
      lines.push('  constant over the design: no indices');
      continue;
    }
    if (r.sobol) {
      const s = r.sobol;
      lines.push(`  ${'parameter'.padEnd(width)}${`S1 [${percent} CI]`.padEnd(28)}ST [${percent} CI]`);
      a.factors.forEach((f, i) => {
        lines.push(
          `  ${f.name.padEnd(width)}${interval(s.first[i], fixed).padEnd(28)}${interval(s.total[i], fixed)}`,
        );
      });
    } else if (r.morris) {
      const m = r.morris;
      const total = a.spec.method.name === 'morris' ? a.spec.method.trajectories : 0;
      lines.push(
        `  ${'parameter'.padEnd(width)}${`mu* [${percent} CI]`.padEnd(34)}${'mu'.padEnd(12)}${'sigma'.padEnd(12)}effects`,
      );
      a.factors.forEach((f, i) => {
        const n = m.effects[i] ?? 0;
        const effects = n < total ? `${n} of ${total} (rounding left ${total - n} unchanged)` : String(n);
        lines.push(
          `  ${f.name.padEnd(width)}${interval(m.muStar[i], precise).padEnd(34)}${precise(m.mu[i] ?? Number.NaN).padEnd(12)}${precise(m.sigma[i] ?? Number.NaN).padEnd(12)}${effects}`,
        );
      });
    }
  }
  if (results.some((r) => Number.isFinite(r.noiseShare) && r.variance > 0))
    lines.push('', ...wrap(noiseNote(method.name === 'sobol' ? 'ST' : 'mu*'), 100));
  return lines.join('\n');
}

/**
 * What the replicate noise share means in this design. Replicate i of every point
 * runs with the same seed (common random numbers), so the noise is not a constant
 * added to every index: it moves with the parameters.
 */
function noiseNote(index: string): string {
  return `Replicate noise is the share of the output's variance that comes from the finite replicates. Replicate i of every point shares its seed (common random numbers), so this noise moves with the parameters: it leaves an inert parameter's ${index} at 0 and can show up in any index, mostly those of the parameters that change how the random streams are used (how many draws are taken, and in what order). Check an index you doubt with more replicates or another seed.`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function heading(a: Analysis, points: number): string {
  const m = a.spec.method;
  const k = a.factors.length;
  const design =
    m.name === 'sobol'
      ? `Sobol' indices (Saltelli design, N = ${m.samples})`
      : `Morris elementary effects (${m.trajectories} trajectories, ${m.levels} levels)`;
  return `${design} of ${String(a.scenario.name ?? a.spec.scenario)}: ${k} parameter${k === 1 ? '' : 's'}, ${points} points × ${a.spec.replicates} replicates, seed ${a.seed}; ${Math.round(m.confidence * 1000) / 10}% bootstrap intervals (${m.bootstrap} resamples)`;
}

const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function report(a: Analysis, points: number, results: readonly OutputIndices[], text: string): string {
  const chartJs = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const pair = (e: Estimate | undefined) => (e ? [finite(e.low), finite(e.high)] : [null, null]);
  const data = JSON.stringify({
    method: a.spec.method.name,
    parameters: a.factors.map((f) => f.name),
    outputs: results.map((r) => ({
      output: r.output,
      constant: !(r.variance > 0),
      ...(r.sobol && {
        first: r.sobol.first.map((e) => finite(e.value)),
        firstCi: r.sobol.first.map(pair),
        total: r.sobol.total.map((e) => finite(e.value)),
        totalCi: r.sobol.total.map(pair),
      }),
      ...(r.morris && {
        muStar: r.morris.muStar.map((e) => finite(e.value)),
        muStarCi: r.morris.muStar.map(pair),
        sigma: r.morris.sigma.map(finite),
      }),
    })),
  }).replaceAll('<', '\\u003c');
  const ranges = a.spec.parameters
    .map(
      (p) => `<tr><th>${escapeHtml(p.path)}</th><td>${p.low}</td><td>${p.high}</td><td>${p.scale}</td></tr>`,
    )
    .join('');
  const reading =
    a.spec.method.name === 'sobol'
      ? `<p>S1, the first-order index, is the share of the output's variance over the design that the parameter
explains alone; ST, the total effect, adds every interaction it takes part in. ST − S1 measures the interactions;
an ST near 0 means the parameter can be fixed anywhere in its range. Indices are estimated (Saltelli 2010's
first-order estimator, Jansen's total effect) from a Sobol' sequence, with bootstrap percentile intervals over the
N base rows. Each output is first averaged over the point's replicates; the share of its variance that comes
from the finite replicates is given for each output below. Replicate i of every point shares its seed (common
random numbers), so that noise moves with the parameters: an inert parameter's ST stays 0, and the noise can show
up in any index, mostly those of the parameters that change how the random streams are used. Check an index you
doubt with more replicates or another seed.</p>`
      : `<p>μ* (the mean absolute elementary effect) ranks the parameters by influence: the output's change when the
parameter moves by Δ = p / (2(p − 1)) of its range (an integer parameter: by what its rounded value moved), scaled to
the whole range; a move that rounding cancelled gives no effect (the effects column counts those kept). σ (the spread of the effects) is
large when the effect depends on where the other parameters are (interactions) or is non-linear; a parameter
with μ* near 0 can be fixed. Replicate i of every point shares its seed (common random numbers), so the replicate
noise given for each output below moves with the parameters: an inert parameter's μ* stays 0, and the noise can
show up in the μ* and σ of the parameters that change how the random streams are used. Check an effect you doubt
with more replicates or another seed. Intervals are bootstrap percentiles over trajectories.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seedsoil sensitivity analysis</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2430}figure{height:300px;margin:0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.25rem .6rem;text-align:right}
pre{background:#f4f5f8;padding:.75rem;overflow-x:auto}</style>
<script>${chartJs}</script></head><body>
<h1>seedsoil sensitivity analysis</h1>
<p>${escapeHtml(heading(a, points))}.</p>
<table><tr><th>parameter</th><th>low</th><th>high</th><th>scale</th></tr>${ranges}</table>
${reading}
<div class="grid" id="charts"></div>
<h2>Indices</h2>
<pre>${escapeHtml(text.trim())}</pre>
<script>
const d = ${data};
const whiskers = { id: 'whiskers', afterDatasetsDraw(chart) {
  const ctx = chart.ctx; const y = chart.scales.y;
  chart.data.datasets.forEach((ds, i) => {
    const meta = chart.getDatasetMeta(i);
    if (!ds.intervals || meta.hidden) return;
    meta.data.forEach((bar, j) => {
      const [low, high] = ds.intervals[j] || [null, null];
      if (low === null || high === null) return;
      const top = y.getPixelForValue(high); const bottom = y.getPixelForValue(low);
      ctx.save(); ctx.strokeStyle = '#1d2430'; ctx.lineWidth = 1.2; ctx.beginPath();
      ctx.moveTo(bar.x, top); ctx.lineTo(bar.x, bottom);
      ctx.moveTo(bar.x - 5, top); ctx.lineTo(bar.x + 5, top); ctx.moveTo(bar.x - 5, bottom); ctx.lineTo(bar.x + 5, bottom);
      ctx.stroke(); ctx.restore();
    });
  });
} };
const names = { id: 'names', afterDatasetsDraw(chart) {
  const ctx = chart.ctx;
  chart.data.datasets.forEach((ds, i) => {
    if (!ds.names) return;
    chart.getDatasetMeta(i).data.forEach((p, j) => { ctx.save(); ctx.fillStyle = '#1d2430'; ctx.font = '11px system-ui'; ctx.fillText(ds.names[j], p.x + 6, p.y - 6); ctx.restore(); });
  });
} };
const span = (lists) => { const v = lists.flat(2).filter((x) => x !== null); return [Math.min(0, ...v), Math.max(0, ...v)]; };
const figure = () => { const f = document.createElement('figure'); const c = document.createElement('canvas'); f.appendChild(c); document.getElementById('charts').appendChild(f); return c; };
for (const o of d.outputs) {
  if (o.constant) continue;
  if (d.method === 'sobol') {
    const [min, max] = span([o.first, o.firstCi, o.total, o.totalCi]);
    new Chart(figure(), { type: 'bar', plugins: [whiskers], data: { labels: d.parameters, datasets: [
      { label: 'S1 (first order)', data: o.first, intervals: o.firstCi, backgroundColor: '#2980b9' },
      { label: 'ST (total effect)', data: o.total, intervals: o.totalCi, backgroundColor: '#c0392b' } ] },
      options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: o.output } }, scales: { y: { suggestedMin: min, suggestedMax: Math.max(max, 1) } } } });
  } else {
    const [min, max] = span([o.muStar, o.muStarCi]);
    new Chart(figure(), { type: 'bar', plugins: [whiskers], data: { labels: d.parameters, datasets: [
      { label: 'μ* (mean absolute elementary effect)', data: o.muStar, intervals: o.muStarCi, backgroundColor: '#2980b9' } ] },
      options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: o.output } }, scales: { y: { suggestedMin: min, suggestedMax: max } } } });
    new Chart(figure(), { type: 'scatter', plugins: [names], data: { datasets: [
      { label: 'parameters', data: o.muStar.map((m, j) => ({ x: m, y: o.sigma[j] })), names: d.parameters, backgroundColor: '#c0392b' } ] },
      options: { animation: false, maintainAspectRatio: false, layout: { padding: { right: 24 } }, plugins: { title: { display: true, text: o.output + ': σ against μ*' } }, scales: { x: { min: 0, grace: '15%', title: { display: true, text: 'μ*' } }, y: { min: 0, grace: '10%', title: { display: true, text: 'σ' } } } } });
  }
}
</script></body></html>
`;
}

export async function sensitivityCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      resume: { type: 'boolean', default: false },
      schema: { type: 'boolean', default: false },
    },
  });
  if (values.schema) {
    console.log(JSON.stringify(specJsonSchema(), null, 2));
    return 0;
  }
  if (positionals.length !== 1) throw new BatchError('usage: seedsoil sensitivity SPEC [--out DIR]');
  const specFile = positionals[0] as string;
  const out = values.out ?? 'sensitivity-out';
  const shard = parseShard(values.shard);
  const designFile = join(out, 'design.json');

  let loaded: ReturnType<typeof load>;
  try {
    loaded = load(specFile, designFile);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    for (const i of e.issues) console.error(formatIssue(i));
    return 1;
  }
  const { analysis, design, scenario } = loaded;
  const text = `${JSON.stringify(scenario, null, 2)}\n`;
  if (existsSync(designFile) && readFileSync(designFile, 'utf8') !== text)
    throw new BatchError(
      `--out ${out}: holds a sensitivity analysis of another design (its design.json differs); use a new folder`,
    );
  mkdirSync(out, { recursive: true });
  writeShared(designFile, text, `shard-${shard.index}`);

  const options = [
    ...(values.workers ? ['--workers', values.workers] : []),
    ...(values.resume ? ['--resume'] : []),
  ];
  if (shard.count > 1) {
    const dir = join(out, 'shards', `shard-${shard.index + 1}-of-${shard.count}`);
    const code = await batchCommand([
      designFile,
      '--out',
      dir,
      '--shard',
      `${shard.index + 1}/${shard.count}`,
      ...options,
    ]);
    if (code === 0)
      console.log(
        `shard ${shard.index + 1} of ${shard.count} finished; once every shard has, seedsoil sensitivity ${specFile} --out ${out} merges them and computes the indices`,
      );
    return code;
  }

  const runs = join(out, 'runs');
  const shards = existsSync(join(runs, 'manifest.json')) ? [] : shardFolders(out);
  const code = shards.length
    ? await mergeCommand([...shards, '--out', runs])
    : await batchCommand([designFile, '--out', runs, ...options]);
  if (code !== 0) return code;

  const rows = parseCsv(readFileSync(join(runs, 'runs.csv'), 'utf8'));
  const failed = rows.filter((r) => r.error);
  if (failed.length) {
    for (const r of failed.slice(0, 5)) console.error(`task ${r.task} (point ${r.point}): ${r.error}`);
    throw new BatchError(
      `${failed.length} replicates failed (runs.csv's error column); the indices need every point: narrow the ranges or fix the scenario`,
    );
  }
  const outputs = pointOutputs(rows, design.points.length, analysis.spec);
  const results = analyse(analysis, design, outputs);
  const printed = table(analysis, results);
  console.log(`\n${heading(analysis, design.points.length)}${printed}`);

  const method = analysis.spec.method.name;
  writeFileSync(join(out, 'indices.csv'), toCsv(indexRows(analysis, results), INDEX_COLUMNS[method]));
  const labels = analysis.spec.outputs.map(outputLabel);
  writeFileSync(
    join(out, 'points.csv'),
    toCsv(
      design.points.map((p, i) => ({
        point: i,
        ...p,
        ...Object.fromEntries(labels.map((l, j) => [l, outputs.values[j]?.[i]])),
      })),
      ['point', ...analysis.factors.map((f) => f.name), ...labels],
    ),
  );
  writeFileSync(join(out, 'report.html'), report(analysis, design.points.length, results, printed));
  console.log(
    `\nindices: ${join(out, 'indices.csv')}; points: ${join(out, 'points.csv')}; report: ${join(out, 'report.html')}`,
  );
  return 0;
}
