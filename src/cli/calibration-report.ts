/**
 * The HTML report of `seedsoil calibrate`: self-contained (Chart.js inlined, works
 * offline), as `seedsoil compare` writes its own. Marginal histograms of the
 * posterior over its own range with the prior's probability in the same bins, pairwise scatter plots of the
 * posterior, the diagnostics per generation and the posterior predictive check.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AbcResult, Generation, Marginal, Prior } from '../analysis/abc.ts';
import { type Calibration, describePrior, describeScenarios, type Spec } from '../analysis/calibration.ts';
import { erfc } from '../engine/samplers.ts';
import type { PredictiveRow } from './calibrate.ts';

export interface ReportInput {
  spec: Spec;
  specFile: string;
  calibration: Calibration;
  result: AbcResult;
  marginals: Marginal[];
  predictive: PredictiveRow[];
  truth: Record<string, number> | undefined;
}

const BINS = 30;

/** Weighted shares of a generation's particles in bins over [low, high] (on the log scale for log-uniform priors). */
export function histogram(
  g: Generation,
  k: number,
  low: number,
  high: number,
  log: boolean,
): { edges: number[]; shares: number[] } {
  const t = (x: number) => (log ? Math.log(x) : x);
  const a = t(low);
  const b = t(high);
  const edges = Array.from({ length: BINS + 1 }, (_, i) => {
    const e = a + ((b - a) * i) / BINS;
    return log ? Math.exp(e) : e;
  });
  const shares = new Array<number>(BINS).fill(0);
  const total = g.particles.reduce((s, p) => s + p.weight, 0);
  for (const p of g.particles) {
    const x = t(p.theta[k] as number);
    const i = Math.min(BINS - 1, Math.max(0, Math.floor(((x - a) / (b - a)) * BINS)));
    shares[i] = (shares[i] as number) + p.weight / total;
  }
  return { edges, shares };
}

/** The prior's probability between a and b (inside its bounds). */
export function priorMass(prior: Prior, a: number, b: number): number {
  const lo = Math.max(a, prior.low);
  const hi = Math.min(b, prior.high);
  if (!(hi > lo)) return 0;
  if (prior.kind === 'uniform') return (hi - lo) / (prior.high - prior.low);
  if (prior.kind === 'log-uniform') return Math.log(hi / lo) / Math.log(prior.high / prior.low);
  const cdf = (x: number) => erfc(-(x - prior.mean) / (prior.sd * Math.SQRT2)) / 2;
  return (cdf(hi) - cdf(lo)) / (cdf(prior.high) - cdf(prior.low));
}

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const num = (v: number) =>
  !Number.isFinite(v) ? (Number.isNaN(v) ? 'n/a' : v > 0 ? '∞' : '−∞') : String(Number(v.toPrecision(4)));

export function calibrationReport(input: ReportInput): string {
  const { spec, calibration: c, result, marginals: m, predictive, truth } = input;
  const chartJs = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );
  const g = result.posterior;
  const parameters = c.parameters.map((p, k) => {
    const log = p.prior.kind === 'log-uniform';
    const t = (x: number) => (log ? Math.log(x) : x);
    const from = (x: number) => (log ? Math.exp(x) : x);
    // Bins over the posterior's own range (a little wider), clamped to the prior's.
    const values = g.particles.map((q) => t(q.theta[k] as number));
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const pad = (hi - lo) * 0.1 || Math.abs(lo) * 0.1 || 1;
    const low = Math.max(from(lo - pad), p.prior.low);
    const high = Math.min(from(hi + pad), p.prior.high);
    const posterior = histogram(g, k, low, high, log);
    return {
      name: p.name,
      log,
      edges: posterior.edges,
      prior: posterior.edges
        .slice(0, -1)
        .map((e, i) => priorMass(p.prior, e, posterior.edges[i + 1] as number)),
      posterior: posterior.shares,
      median: m[k]?.median,
      low: m[k]?.low,
      high: m[k]?.high,
      truth: truth?.[p.name],
    };
  });
  const data = JSON.stringify({
    parameters,
    particles: g.particles.map((p) => ({ theta: p.theta, weight: p.weight })),
    generations: result.generations.map((x) => ({
      index: x.index,
      tolerance: Number.isFinite(x.tolerance) ? x.tolerance : null,
      acceptance: x.acceptanceRate,
      ess: x.ess / x.particles.length,
    })),
    predictive: predictive.map((r) => ({
      target: r.target,
      low: (r.simulated_low - r.observed) / r.scale,
      high: (r.simulated_high - r.observed) / r.scale,
      median: (r.simulated_median - r.observed) / r.scale,
    })),
  }).replaceAll('<', '\\u003c');
  const pairs: [number, number][] = [];
  for (let i = 0; i < c.parameters.length; i++)
    for (let j = i + 1; j < c.parameters.length; j++) pairs.push([i, j]);
  const summaryRows = c.parameters
    .map(
      (p, k) =>
        `<tr><th>${esc(p.name)}</th><td>${num(m[k]?.median as number)}</td><td>${num(m[k]?.low as number)} … ${num(m[k]?.high as number)}</td><td>${esc(describePrior(p.prior))}</td>${truth ? `<td>${truth[p.name] ?? ''}</td>` : ''}</tr>`,
    )
    .join('');
  const diagnosticRows = result.generations
    .map(
      (x) =>
        `<tr><td>${x.index}</td><td>${num(x.tolerance)}</td><td>${x.particles.length}</td><td>${x.proposals}</td><td>${(100 * x.acceptanceRate).toFixed(1)}%</td><td>${x.ess.toFixed(1)}</td></tr>`,
    )
    .join('');
  const predictiveRows = predictive
    .map(
      (r) =>
        `<tr><th>${esc(r.target)}</th><td>${esc(r.measurement)}</td><td>${num(r.observed)}${r.uncertainty === '' ? '' : ` ± ${num(r.uncertainty as number)}`}</td><td>${num(r.simulated_median)}</td><td>${num(r.simulated_low)} … ${num(r.simulated_high)}</td><td>${r.observed_within}</td><td>${num(r.scale)} (${r.scale_source})</td></tr>`,
    )
    .join('');
  const stopped =
    result.stopped === 'generations'
      ? 'after the planned generations'
      : result.stopped === 'tolerance'
        ? 'at the final tolerance'
        : result.stopped === 'exact'
          ? 'at tolerance 0: every accepted simulation matches the observations, so it cannot fall further'
          : result.stopped === 'plateau'
            ? 'when every particle had the same distance: the tolerance cannot fall below it'
            : 'because the acceptance rate fell below the minimum (the last generation was abandoned)';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seedsoil calibration: ${esc(spec.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2430}figure{height:260px;margin:0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:1rem}table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccd;padding:.25rem .6rem;text-align:right}th{text-align:left}</style>
<script>${chartJs}</script></head><body>
<h1>seedsoil calibration: ${esc(spec.name)}</h1>
<p>${esc(spec.description)}</p>
<p>Spec ${esc(input.specFile)}; ${spec.mixture === undefined ? 'base scenario' : 'scenarios'} ${esc(describeScenarios(spec, input.calibration.members))}; seed ${spec.seed}; ${spec.population} particles per generation,
${spec.replicates} replicates per particle. ABC-SMC stopped ${stopped}: the posterior is generation ${g.index}
(tolerance ${num(g.tolerance)}, ESS ${g.ess.toFixed(1)}). Credible intervals are weighted 2.5% and 97.5% quantiles.</p>
<h2>Posterior</h2>
<table><tr><th>parameter</th><th>median</th><th>95% credible interval</th><th>prior</th>${truth ? '<th>true value</th>' : ''}</tr>${summaryRows}</table>
<div class="grid">${parameters.map((_, k) => `<figure><canvas id="marginal-${k}"></canvas></figure>`).join('')}</div>
${pairs.length ? `<h2>Pairs (posterior particles; area by weight)</h2><div class="grid">${pairs.map(([i, j]) => `<figure><canvas id="pair-${i}-${j}"></canvas></figure>`).join('')}</div>` : ''}
<h2>Generations</h2>
<table><tr><th>generation</th><th>tolerance</th><th>accepted</th><th>proposals</th><th>acceptance</th><th>ESS</th></tr>${diagnosticRows}</table>
<div class="grid"><figure><canvas id="tolerance"></canvas></figure><figure><canvas id="acceptance"></canvas></figure></div>
<h2>Posterior predictive check</h2>
<p>${spec.predictive.particles} particles drawn from the posterior by weight, each simulated again with new seeds; the interval holds 95% of the simulated values.</p>
<table><tr><th>target</th><th>measurement</th><th>observed</th><th>simulated median</th><th>95% interval</th><th>observed within</th><th>distance scale</th></tr>${predictiveRows}</table>
<div class="grid"><figure><canvas id="predictive"></canvas></figure></div>
<script>
const d = ${data};
const base = { animation: false, maintainAspectRatio: false };
d.parameters.forEach((p, k) => {
  const labels = p.edges.slice(0, -1).map((e, i) => Number(((e + p.edges[i + 1]) / 2).toPrecision(3)));
  const marks = [['median', p.median, '#1d2430'], ['2.5%', p.low, '#7f8c8d'], ['97.5%', p.high, '#7f8c8d']];
  if (p.truth !== undefined && p.truth !== null) marks.push(['true value', p.truth, '#27ae60']);
  const where = (x) => { const t = (v) => p.log ? Math.log(v) : v; return (t(x) - t(p.edges[0])) / (t(p.edges[p.edges.length - 1]) - t(p.edges[0])) * labels.length - 0.5; };
  new Chart(document.getElementById('marginal-' + k), {
    type: 'bar',
    data: { labels, datasets: [
      { label: 'prior', data: p.prior, backgroundColor: 'rgba(127,140,141,0.35)', grouped: false },
      { label: 'posterior', data: p.posterior, backgroundColor: 'rgba(41,128,185,0.7)', grouped: false },
    ] },
    options: { ...base, plugins: { title: { display: true, text: p.name + (p.log ? ' (log-spaced bins)' : '') } },
      scales: { y: { title: { display: true, text: 'share' } } } },
    plugins: [{ id: 'marks', afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      for (const [label, x, color] of marks) {
        const px = scales.x.getPixelForValue(where(x));
        ctx.save(); ctx.strokeStyle = color; ctx.setLineDash(label === 'median' || label === 'true value' ? [] : [4, 3]);
        ctx.beginPath(); ctx.moveTo(px, chartArea.top); ctx.lineTo(px, chartArea.bottom); ctx.stroke();
        ctx.fillStyle = color; ctx.fillText(label, px + 3, chartArea.top + 10 + (label === 'true value' ? 12 : 0)); ctx.restore();
      }
    } }],
  });
});
const maxWeight = Math.max(...d.particles.map((p) => p.weight));
for (let i = 0; i < d.parameters.length; i++) for (let j = i + 1; j < d.parameters.length; j++) {
  const pi = d.parameters[i], pj = d.parameters[j];
  const datasets = [{ label: 'posterior', data: d.particles.map((p) => ({ x: p.theta[i], y: p.theta[j] })),
    pointRadius: d.particles.map((p) => 1.5 + 4 * Math.sqrt(p.weight / maxWeight)), backgroundColor: 'rgba(41,128,185,0.5)' }];
  if (pi.truth != null && pj.truth != null) datasets.push({ label: 'true values', data: [{ x: pi.truth, y: pj.truth }], pointRadius: 7, pointStyle: 'crossRot', borderColor: '#27ae60', borderWidth: 3 });
  new Chart(document.getElementById('pair-' + i + '-' + j), { type: 'scatter', data: { datasets },
    options: { ...base, scales: { x: { type: pi.log ? 'logarithmic' : 'linear', title: { display: true, text: pi.name } },
      y: { type: pj.log ? 'logarithmic' : 'linear', title: { display: true, text: pj.name } } } } });
}
const gens = d.generations.map((g) => String(g.index));
new Chart(document.getElementById('tolerance'), { type: 'line', data: { labels: gens, datasets: [{ label: 'tolerance', data: d.generations.map((g) => g.tolerance), borderColor: '#c0392b' }] },
  options: { ...base, plugins: { title: { display: true, text: 'Tolerance per generation' } }, scales: { x: { title: { display: true, text: 'generation' } }, y: { type: 'logarithmic' } } } });
new Chart(document.getElementById('acceptance'), { type: 'line', data: { labels: gens, datasets: [
  { label: 'acceptance rate', data: d.generations.map((g) => g.acceptance), borderColor: '#2980b9' },
  { label: 'ESS / population', data: d.generations.map((g) => g.ess), borderColor: '#27ae60' }] },
  options: { ...base, plugins: { title: { display: true, text: 'Acceptance rate and effective sample size' } }, scales: { x: { title: { display: true, text: 'generation' } }, y: { min: 0, max: 1 } } } });
new Chart(document.getElementById('predictive'), { type: 'bar', data: { labels: d.predictive.map((r) => r.target), datasets: [
  { label: '95% of simulated values', data: d.predictive.map((r) => [r.low, r.high]), backgroundColor: 'rgba(41,128,185,0.4)' },
  { type: 'scatter', label: 'simulated median', data: d.predictive.map((r, i) => ({ x: r.target, y: r.median })), backgroundColor: '#1d2430' }] },
  options: { ...base, plugins: { title: { display: true, text: '(simulated − observed) / distance scale: 0 is the observation' } } } });
</script></body></html>
`;
}
