/**
 * `seedsoil calibrate SPEC`: fits parameters of a scenario to observed values by
 * ABC-SMC (analysis/abc.ts). Each round of proposals is a batch: one scenario
 * file per proposal (the base scenario, the proposal's values as its one sweep
 * point, its own seed) run by `seedsoil batch` in DIR/gen-K/round-J/, so the pool
 * of workers, `--resume` and `--shard` are batch's own. A mixture of scenarios
 * runs each round as tasks of its own instead (DIR/gen-K/round-J/mixture/): a
 * batch numbers each scenario's replicates from 0, and a mixture's replicate i
 * must be the patient that seedsoil reproduce gives it (replicate i of its member,
 * or in a paired population i's place among the member's replicates). A
 * calibration resumes by replaying its rounds: finished ones are read back, the
 * first unfinished one continues where it stopped.
 *
 * Shards: every shard computes the same proposals (they depend on the spec and
 * seed only), runs its share of each round with `--shard` in a folder of its own
 * under the round, then waits until every shard's part of the round is in the
 * shared folder before deciding it. Shard 1 writes the outputs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import {
  type AbcResult,
  abcSmc,
  type Generation,
  type Marginal,
  marginals,
  type Proposal,
  quantile,
  resample,
  type ScaleSource,
  type Summaries,
} from '../analysis/abc.ts';
import {
  acceptsPoint,
  type Calibration,
  describePrior,
  describeScenarios,
  type Member,
  memberAt,
  memberRefs,
  parseSpec,
  pointOf,
  replicateMembers,
  resolveCalibration,
  type Spec,
  specSchema,
  splitParameter,
  type Target,
} from '../analysis/calibration.ts';
import { parseCsv } from '../analysis/csv.ts';
import { describeSummary, type Row, standardError, summarise } from '../analysis/summaries.ts';
import { canonicalJson, sha256Hex } from '../engine/hash.ts';
import { toCsv } from '../engine/output.ts';
import { GENERATOR } from '../engine/random.ts';
import { formatIssue, resolveExtends, ScenarioError, validateScenario } from '../engine/scenario.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import { type Measurement, patientOfReplicate, TARGETS } from '../reproduce/targets.ts';
import { BatchError, batchCommand, parseShard } from './batch.ts';
import { calibrationReport } from './calibration-report.ts';
import { type Part, readParts, runTasks, writeAtomic } from './ensemble.ts';
import { fileResolver, readSource, SCENARIO_DIR } from './scenarios.ts';

class Interrupted extends Error {}

interface Context {
  specFile: string;
  spec: Spec;
  calibration: Calibration;
  dir: string;
  workers: number;
  shard: { index: number; count: number };
}

interface Run {
  values: Record<string, number>;
  seed: number;
}

/** What a run's replicates gave, by replicate: outcome rows and the reproduce targets' measurements. */
interface Ensemble {
  rows: Row[];
  measured: Map<string, Measurement[]>;
}

const isMixture = (ctx: Context) => ctx.spec.mixture !== undefined;
/** The one scenario of a calibration that is not a mixture (and a mixture's first member). */
const first = (ctx: Context) => ctx.calibration.members[0] as Member;

const pad = (n: number, width = 6) => String(n).padStart(width, '0');
const relativeRef = (from: string, to: string) => {
  const r = relative(dirname(from), to).split('\\').join('/');
  return r.startsWith('.') ? r : `./${r}`;
};

function isPathLike(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.(ya?ml|json)$/i.test(ref);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The scenario file of one run: the base at the run's values (its one sweep point) with its own seed. */
function runFile(ctx: Context, file: string, run: Run, replicates: number, label: string): string {
  const batch = { replicates, timeseriesEveryDays: 0, points: [run.values] };
  return `# ${label} (seedsoil calibrate ${ctx.specFile})\nextends: ${relativeRef(file, join(ctx.dir, 'base.yaml'))}\nseed: ${run.seed}\nbatch: ${JSON.stringify(batch)}\n`;
}

function countParts(dir: string): number {
  const folder = join(dir, 'parts');
  return existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')).length : 0;
}

/** Waits until the shards' folders hold `total` parts between them, then reads them all. */
async function gatherShards(ctx: Context, folders: string[], total: number, what: string): Promise<Row[]> {
  let last = 0;
  for (;;) {
    const found = folders.reduce((n, f) => n + countParts(f), 0);
    if (found >= total) break;
    if (ctx.shard.count === 1)
      throw new BatchError(`${what}: ${found} of ${total} replicates finished; continue with --resume`);
    if (Date.now() - last > 60_000) {
      console.error(`${what}: waiting for the other shards (${found} of ${total} replicates finished)`);
      last = Date.now();
    }
    await sleep(1000);
  }
  const rows: Row[] = [];
  for (const f of folders) for (const part of readParts(f).values()) rows.push(part.row);
  return rows;
}

const shardFolder = (ctx: Context, folder: string, name: string, index = ctx.shard.index) =>
  join(folder, ctx.shard.count > 1 ? `${name}-shard-${index + 1}-of-${ctx.shard.count}` : name);

/** Runs every run's replicates as one batch and returns the outcome rows of each run. */
async function runBatch(
  ctx: Context,
  folder: string,
  runs: readonly Run[],
  replicates: number,
  label: (i: number) => string,
): Promise<Row[][]> {
  let rewritten = false;
  const files = runs.map((run, i) => {
    const file = join(folder, 'runs', `run-${pad(i)}.yaml`);
    const text = runFile(ctx, file, run, replicates, label(i));
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      mkdirSync(dirname(file), { recursive: true });
      writeAtomic(file, text);
      rewritten = true;
    }
    return file;
  });
  const out = shardFolder(ctx, folder, 'batch');
  // Results of other run files (another --synthesize, an interrupted earlier version) would be
  // taken for these: start the batch afresh whenever a file changed.
  if (rewritten) rmSync(out, { recursive: true, force: true });
  const runsCsv = join(out, 'runs.csv');
  const batchArgs = [
    ...files,
    '--out',
    out,
    '--workers',
    String(ctx.workers),
    '--resume',
    ...(ctx.shard.count > 1 ? ['--shard', `${ctx.shard.index + 1}/${ctx.shard.count}`] : []),
  ];
  let rows: Row[];
  if (ctx.shard.count === 1) {
    // runs.csv is written once every replicate is in: the round is done, and its part files
    // (a few kilobytes on disk each) are no longer needed.
    if (!existsSync(runsCsv) && (await batchCommand(batchArgs)) === 130) throw new Interrupted();
    if (!existsSync(runsCsv)) throw new BatchError(`${out}: the batch did not finish`);
    rows = parseCsv(readFileSync(runsCsv, 'utf8'));
    rmSync(join(out, 'parts'), { recursive: true, force: true });
  } else {
    // Shards read each other's part files, so they stay.
    if (!existsSync(runsCsv) && (await batchCommand(batchArgs)) === 130) throw new Interrupted();
    const folders = Array.from({ length: ctx.shard.count }, (_, s) => shardFolder(ctx, folder, 'batch', s));
    rows = await gatherShards(ctx, folders, runs.length * replicates, folder);
  }
  // Rows by run: the file's name carries the run's index, however the folder was spelled.
  const perRun: Row[][] = runs.map(() => []);
  for (const row of rows) {
    const m = /run-(\d+)\.yaml$/.exec(String(row.file));
    if (m) perRun[Number(m[1])]?.push(row);
  }
  for (const r of perRun) r.sort((a, b) => Number(a.replicate) - Number(b.replicate));
  return perRun;
}

/** Keeps the part files in `out` only if they were written for this plan; otherwise starts the folder afresh. */
function keepPartsOf(out: string, plan: unknown): void {
  const hash = `sha256:${sha256Hex(canonicalJson(plan))}\n`;
  const planFile = join(out, 'plan.txt');
  if (existsSync(planFile) && readFileSync(planFile, 'utf8') === hash) return;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'parts'), { recursive: true });
  writeAtomic(planFile, hash);
}

interface MeasureTask {
  index: number;
  run: number;
  replicate: number;
}

/**
 * Runs the reproduce targets' measurements of every run (their own tasks: batch rows do
 * not carry them). Targets on one scenario share each replicate's simulation.
 */
async function runMeasures(
  ctx: Context,
  folder: string,
  runs: readonly Run[],
  replicates: number,
  names: readonly string[],
): Promise<Map<string, (Measurement | null | undefined)[]>[]> {
  const tasks: MeasureTask[] = [];
  runs.forEach((_, run) => {
    for (let replicate = 0; replicate < replicates; replicate++)
      tasks.push({ index: tasks.length, run, replicate });
  });
  const raws = runs.map((run) => ({ ...memberAt(first(ctx), run.values), seed: run.seed }));
  const out = shardFolder(ctx, folder, 'measure');
  // Parts hold each replicate's measurements by the targets' order: parts of other runs or
  // targets (another --synthesize in this folder, a spec's targets changed) start afresh.
  keepPartsOf(out, { raws, replicates, names });
  const mine = tasks.filter((t) => t.index % ctx.shard.count === ctx.shard.index);
  const existing = readParts(out);
  const pending = mine.filter((t) => !existing.has(t.index));
  const errors: string[] = [];
  const { interrupted } = await runTasks(out, mine, pending, ctx.workers, {
    run: (api, t) => api.measure(names, raws[t.run], t.replicate),
    row: (t, outcome) => {
      if (outcome instanceof Error)
        errors.push(
          `${folder}, run ${t.run}, replicate ${t.replicate} (${names.join(', ')}): ${outcome.message}`,
        );
      return outcome instanceof Error
        ? { error: outcome.message }
        : { measurements: JSON.stringify(outcome) };
    },
  });
  if (interrupted) throw new Interrupted();
  for (const e of errors.slice(0, 5)) console.error(`failed: ${e}`);
  const folders = Array.from({ length: ctx.shard.count }, (_, s) => shardFolder(ctx, folder, 'measure', s));
  await gatherShards(ctx, folders, tasks.length, folder);
  const result = runs.map(
    () => new Map(names.map((name) => [name, new Array<Measurement | null | undefined>(replicates)])),
  );
  for (const f of folders)
    for (const part of readParts(f).values()) {
      const t = tasks[part.index] as MeasureTask;
      const ms = part.row.error ? [] : (JSON.parse(String(part.row.measurements)) as (Measurement | null)[]);
      names.forEach((name, k) => {
        (result[t.run]?.get(name) as (Measurement | null | undefined)[])[t.replicate] = ms[k];
      });
    }
  return result;
}

/** Each run's ensemble of one scenario: its batch's rows and its measurements (undefined where a replicate failed). */
async function runScenario(
  ctx: Context,
  folder: string,
  runs: readonly Run[],
  replicates: number,
  label: (i: number) => string,
  names: readonly string[],
): Promise<(Ensemble | undefined)[]> {
  const columnTargets = ctx.calibration.targets.some((t) => t.measure.kind === 'column');
  const rows = columnTargets ? await runBatch(ctx, folder, runs, replicates, label) : undefined;
  const measured = names.length ? await runMeasures(ctx, folder, runs, replicates, names) : undefined;
  return runs.map((_, i) => {
    const mine = rows?.[i] ?? [];
    if (mine.some((r) => r.error)) return undefined;
    const ensemble: Ensemble = { rows: mine, measured: new Map() };
    for (const name of names) {
      const ms = measured?.[i]?.get(name) ?? [];
      // A for loop, not some(): a replicate whose part is missing is a hole that some() skips.
      for (let r = 0; r < replicates; r++) if (ms[r] === undefined) return undefined;
      // null: a patient the target does not admit (not run, and in no row).
      ensemble.measured.set(name, ms.filter((m) => m !== null) as Measurement[]);
    }
    return ensemble;
  });
}

interface SampleTask {
  index: number;
  run: number;
  replicate: number;
  member: number;
}

function readSamples(file: string): Part[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Part);
}

/**
 * Each run's ensemble of a mixture: replicate i runs on the member seedsoil
 * reproduce gives it (stratified by share), with replicate index i (in a paired
 * population, i's place among its member's replicates) and the run's seed, and
 * one simulation gives both its outcome row and its measurements (undefined
 * where a replicate failed). Parts are written as a batch writes
 * them, so --resume and --shard work alike; once a single process has them all
 * they are gathered into samples.jsonl (with each replicate's member and the
 * columns the targets read).
 */
async function runMixture(
  ctx: Context,
  folder: string,
  runs: readonly Run[],
  replicates: number,
  names: readonly string[],
): Promise<(Ensemble | undefined)[]> {
  const c = ctx.calibration;
  const memberOf = replicateMembers(c.members, replicates);
  // A named population whose arms are the same patients (ebctcg-2011) is paired here as in reproduce.
  const population = TARGETS.find((t) => t.name === c.spec.mixture);
  const tasks: SampleTask[] = runs.flatMap((_, run) =>
    memberOf.map((member, replicate) => ({ index: run * replicates + replicate, run, replicate, member })),
  );
  const raws = runs.map((run) => c.members.map((m) => ({ ...memberAt(m, run.values), seed: run.seed })));
  const columns = [
    ...new Set(c.targets.flatMap((t) => (t.measure.kind === 'column' ? [t.measure.summary.column] : []))),
  ];
  const out = shardFolder(ctx, folder, 'mixture');
  // Results of other runs (another --synthesize in this folder) would be taken for these: start afresh.
  keepPartsOf(out, { raws, replicates, names, columns });
  const samples = join(out, 'samples.jsonl');
  let parts: Part[];
  if (existsSync(samples)) parts = readSamples(samples);
  else {
    const mine = tasks.filter((t) => t.index % ctx.shard.count === ctx.shard.index);
    const existing = readParts(out);
    const pending = mine.filter((t) => !existing.has(t.index));
    const errors: string[] = [];
    const { interrupted } = await runTasks(out, mine, pending, ctx.workers, {
      run: (api, t) =>
        api.sample(raws[t.run]?.[t.member], patientOfReplicate(population, t.replicate, replicates), names),
      row: (t, outcome) => {
        const scenario = (c.members[t.member] as Member).scenario.name;
        if (outcome instanceof Error) {
          errors.push(`${folder}, run ${t.run}, replicate ${t.replicate} (${scenario}): ${outcome.message}`);
          return { scenario, error: outcome.message };
        }
        const row = Object.fromEntries(columns.map((k) => [k, outcome.row[k as keyof typeof outcome.row]]));
        return { scenario, row: JSON.stringify(row), measurements: JSON.stringify(outcome.measurements) };
      },
    });
    if (interrupted) throw new Interrupted();
    for (const e of errors.slice(0, 5)) console.error(`failed: ${e}`);
    const folders = Array.from({ length: ctx.shard.count }, (_, s) => shardFolder(ctx, folder, 'mixture', s));
    await gatherShards(ctx, folders, tasks.length, folder);
    parts = folders.flatMap((f) => [...readParts(f).values()]).sort((a, b) => a.index - b.index);
    // Shards read each other's part files, so they stay.
    if (ctx.shard.count === 1) {
      writeAtomic(samples, parts.map((p) => `${JSON.stringify(p)}\n`).join(''));
      rmSync(join(out, 'parts'), { recursive: true, force: true });
    }
  }
  const ensembles = runs.map(() => ({
    rows: new Array<Row>(replicates),
    measured: new Map(names.map((n) => [n, new Array<Measurement>(replicates)])),
    failed: false,
  }));
  for (const part of parts) {
    const t = tasks[part.index] as SampleTask;
    const e = ensembles[t.run] as (typeof ensembles)[number];
    if (part.row.error !== undefined) {
      e.failed = true;
      continue;
    }
    e.rows[t.replicate] = JSON.parse(String(part.row.row)) as Row;
    (JSON.parse(String(part.row.measurements)) as Measurement[]).forEach((m, k) => {
      (e.measured.get(names[k] as string) as Measurement[])[t.replicate] = m;
    });
  }
  return ensembles.map((e) => (e.failed ? undefined : { rows: e.rows, measured: e.measured }));
}

/** Each run's ensemble, of the one scenario or of the mixture (undefined where a replicate failed). */
function ensembles(
  ctx: Context,
  folder: string,
  runs: readonly Run[],
  replicates: number,
  label: (i: number) => string,
): Promise<(Ensemble | undefined)[]> {
  const names = [
    ...new Set(
      ctx.calibration.targets.flatMap((t) => (t.measure.kind === 'reproduce' ? [t.measure.target] : [])),
    ),
  ];
  return isMixture(ctx)
    ? runMixture(ctx, folder, runs, replicates, names)
    : runScenario(ctx, folder, runs, replicates, label, names);
}

/** Every target's value for each run (undefined where a replicate failed). */
async function simulate(
  ctx: Context,
  folder: string,
  runs: readonly Run[],
  replicates: number,
  label: (i: number) => string,
): Promise<Summaries[]> {
  const done = await ensembles(ctx, folder, runs, replicates, label);
  return runs.map((run, i) => {
    const e = done[i];
    if (!e) return undefined;
    return ctx.calibration.targets.map((t) =>
      t.measure.kind === 'column'
        ? summarise(t.measure.summary, e.rows)
        : reproduceValue(ctx, t, e.measured.get(t.measure.target) as Measurement[], run),
    );
  });
}

function reproduceValue(ctx: Context, t: Target, ms: Measurement[], run: Run): number {
  if (t.measure.kind !== 'reproduce') throw new Error('not a reproduce target');
  const { target: name, quantity } = t.measure;
  const target = TARGETS.find((x) => x.name === name);
  if (!target) throw new BatchError(`targets.${t.name}.reproduce: no target named "${name}"`);
  // A population target's rows read the measurements only; others take the scenario, and a
  // mixture's first member stands for it as it does in seedsoil reproduce.
  const scenario = validateScenario({ ...memberAt(first(ctx), run.values), seed: run.seed }, 'run');
  const rows = target.rows(ms, scenario as never);
  const row = rows.find((r) => r.quantity === quantity);
  if (!row)
    throw new BatchError(
      `targets.${t.name}.quantity: ${name} has no quantity "${quantity}" (expected one of ${rows.map((r) => JSON.stringify(r.quantity)).join(', ')})`,
    );
  return row.simulated;
}

// ---------------------------------------------------------------- outputs

const fmt = (v: number) =>
  Number.isNaN(v)
    ? 'n/a'
    : !Number.isFinite(v)
      ? v > 0
        ? '∞'
        : '−∞'
      : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
        ? v.toPrecision(3)
        : Number(v.toPrecision(4)).toString();

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const STOPPED: Record<AbcResult['stopped'], string> = {
  generations: 'the last planned',
  tolerance: 'where the final tolerance was reached',
  acceptance: 'the last before the acceptance rate fell below the minimum',
  exact: 'the first at tolerance 0, where every accepted simulation matches the observations',
  plateau: 'the last whose particles all share one distance, so the tolerance cannot fall further',
};

function generationLine(g: Generation, population: number): string {
  return `generation ${g.index}: tolerance ${fmt(g.tolerance)}, ${population} of ${g.proposals} proposals accepted (${(100 * g.acceptanceRate).toFixed(1)}%), ESS ${g.ess.toFixed(1)}, ${g.rounds} round${g.rounds === 1 ? '' : 's'}${g.failed ? `, ${g.failed} failed` : ''}`;
}

function populationCsv(ctx: Context, g: Generation): string {
  const c = ctx.calibration;
  const rows = g.particles.map((p, i) => ({
    generation: g.index,
    particle: i,
    weight: p.weight,
    distance: p.distance,
    ...Object.fromEntries(c.parameters.map((q, k) => [q.name, p.theta[k]])),
    seed: p.seed,
    round: p.round,
    proposal: p.index,
    ...Object.fromEntries(c.targets.map((t, k) => [`simulated_${t.name}`, p.summaries[k]])),
  }));
  return toCsv(rows, [
    'generation',
    'particle',
    'weight',
    'distance',
    ...c.parameters.map((q) => q.name),
    'seed',
    'round',
    'proposal',
    ...c.targets.map((t) => `simulated_${t.name}`),
  ]);
}

export interface PredictiveRow {
  target: string;
  measurement: string;
  observed: number;
  uncertainty: number | string;
  scale: number;
  scale_source: ScaleSource;
  simulated_median: number;
  simulated_low: number;
  simulated_high: number;
  draws: number;
  observed_within: 'yes' | 'no';
}

function measurementOf(t: Target): string {
  return t.measure.kind === 'column'
    ? describeSummary(t.measure.summary)
    : `${t.measure.target}: ${t.measure.quantity}`;
}

function formatValue(v: number, integer: boolean): string {
  return integer ? String(Math.round(v)) : String(Number(v.toPrecision(6)));
}

/** Where each scenario's posterior medians go: one file, or one per member of a mixture. */
function mediansFiles(ctx: Context): { member: Member; file: string }[] {
  if (!isMixture(ctx)) return [{ member: first(ctx), file: 'posterior-medians.yaml' }];
  return ctx.calibration.members.map((member) => ({
    member,
    file: `posterior-medians-${member.scenario.name}.yaml`,
  }));
}

/** A scenario at the posterior medians that extends a member (the base), each value with where it came from. */
function mediansYaml(ctx: Context, result: AbcResult, m: Marginal[], member: Member, file: string): string {
  const c = ctx.calibration;
  const ref = isPathLike(member.ref)
    ? relativeRef(
        join(ctx.dir, file),
        isAbsolute(member.ref) ? member.ref : resolve(dirname(ctx.specFile), member.ref),
      )
    : member.ref;
  const name = member.scenario.name;
  const g = result.posterior;
  const tree: Record<string, unknown> = {};
  c.parameters.forEach((p, k) => {
    const { member: own, path } = splitParameter(p.name);
    if (own !== undefined && own !== name) return;
    const keys = path.split('.');
    let node = tree;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = k;
  });
  const lines: string[] = [];
  const emit = (node: Record<string, unknown>, indent: string) => {
    for (const [key, v] of Object.entries(node)) {
      if (typeof v === 'number') {
        const p = c.parameters[v];
        const mm = m[v] as Marginal;
        const integer = c.integer[v] as boolean;
        lines.push(
          `${indent}${key}: ${formatValue(mm.median, integer)} # posterior median; 95% credible interval ${formatValue(mm.low, integer)} … ${formatValue(mm.high, integer)}; prior ${describePrior((p as (typeof c.parameters)[number]).prior)}`,
        );
      } else {
        lines.push(`${indent}${key}:`);
        emit(v as Record<string, unknown>, `${indent}  `);
      }
    }
  };
  emit(tree, '');
  const schema = relativeRef(join(ctx.dir, file), join(SCENARIO_DIR, 'schema.json'));
  const mixture = isMixture(ctx)
    ? `\n# ${name} is one member of the mixture (share ${member.share}); every member takes ${c.parameters.some((p) => splitParameter(p.name).member === name) ? 'the shared values, this one also its own' : 'the shared values'}.`
    : '';
  return `# yaml-language-server: $schema=${schema}
#
# Posterior medians of the calibration ${ctx.specFile} (seedsoil calibrate, seed ${ctx.spec.seed}):
# generation ${g.index} of ${ctx.spec.tolerance.generations} planned, ${STOPPED[result.stopped]};
# ${g.particles.length} particles, tolerance ${fmt(g.tolerance)}, ${ctx.spec.replicates} replicates per particle.
# The medians are taken one parameter at a time: together they need not be the best fit.${mixture}
extends: ${JSON.stringify(ref)}
name: ${JSON.stringify(`${name}-calibrated`)}
description: ${JSON.stringify(`${name} at the posterior medians of ${ctx.spec.name}`)}
${lines.join('\n')}
`;
}

function writeOutputs(ctx: Context, result: AbcResult, predictive: PredictiveRow[]): void {
  const c = ctx.calibration;
  const g = result.posterior;
  const m = marginals(g, c.parameters.length);
  writeAtomic(join(ctx.dir, 'posterior.csv'), populationCsv(ctx, g));
  const truth = ctx.spec.synthetic?.values;
  writeAtomic(
    join(ctx.dir, 'summary.csv'),
    toCsv(
      c.parameters.map((p, k) => ({
        parameter: p.name,
        prior: describePrior(p.prior),
        prior_low: p.prior.low,
        prior_high: p.prior.high,
        median: m[k]?.median,
        ci_low: m[k]?.low,
        ci_high: m[k]?.high,
        mean: m[k]?.mean,
        generation: g.index,
        ...(truth ? { true_value: truth[p.name] ?? '' } : {}),
      })),
    ),
  );
  writeAtomic(
    join(ctx.dir, 'diagnostics.csv'),
    toCsv(
      result.generations.map((x) => ({
        generation: x.index,
        tolerance: Number.isFinite(x.tolerance) ? x.tolerance : 'inf',
        proposals: x.proposals,
        simulated: x.simulated,
        failed: x.failed,
        accepted: x.particles.length,
        acceptance_rate: x.acceptanceRate,
        ess: x.ess,
        rounds: x.rounds,
      })),
    ),
  );
  writeAtomic(join(ctx.dir, 'ppc.csv'), toCsv(predictive));
  for (const { member, file } of mediansFiles(ctx))
    writeAtomic(join(ctx.dir, file), mediansYaml(ctx, result, m, member, file));
  writeAtomic(
    join(ctx.dir, 'report.html'),
    calibrationReport({
      spec: ctx.spec,
      specFile: ctx.specFile,
      calibration: c,
      result,
      marginals: m,
      predictive,
      truth,
    }),
  );
}

function printSummary(ctx: Context, result: AbcResult, predictive: PredictiveRow[]): void {
  const c = ctx.calibration;
  const g = result.posterior;
  const m = marginals(g, c.parameters.length);
  const truth = ctx.spec.synthetic?.values;
  console.log(
    `\nposterior: generation ${g.index} (${STOPPED[result.stopped]}), ${g.particles.length} particles, ESS ${g.ess.toFixed(1)}`,
  );
  console.log(
    table([
      ['parameter', 'median', '95% credible interval', 'prior', ...(truth ? ['true'] : [])],
      ...c.parameters.map((p, k) => [
        p.name,
        fmt(m[k]?.median as number),
        `${fmt(m[k]?.low as number)} … ${fmt(m[k]?.high as number)}`,
        describePrior(p.prior),
        ...(truth ? [truth[p.name] === undefined ? '' : String(truth[p.name])] : []),
      ]),
    ]),
  );
  console.log('\ngenerations:');
  console.log(
    table([
      ['generation', 'tolerance', 'accepted', 'proposals', 'acceptance', 'ESS'],
      ...result.generations.map((x) => [
        String(x.index),
        fmt(x.tolerance),
        String(x.particles.length),
        String(x.proposals),
        `${(100 * x.acceptanceRate).toFixed(1)}%`,
        x.ess.toFixed(1),
      ]),
    ]),
  );
  console.log('\nposterior predictive check:');
  console.log(
    table([
      ['target', 'observed', 'simulated median', '95% interval', 'within'],
      ...predictive.map((r) => [
        r.target,
        fmt(r.observed),
        fmt(r.simulated_median),
        `${fmt(r.simulated_low)} … ${fmt(r.simulated_high)}`,
        r.observed_within,
      ]),
    ]),
  );
}

// ---------------------------------------------------------------- the command

function loadCalibration(specFile: string): Omit<Context, 'dir' | 'workers' | 'shard'> | undefined {
  try {
    let text: string;
    try {
      text = readFileSync(specFile, 'utf8');
    } catch (e) {
      throw new ScenarioError([{ file: specFile, path: '(file)', message: (e as Error).message }]);
    }
    const spec = parseSpec(text, specFile);
    const members = memberRefs(spec, specFile).map((m): Member => {
      let source: ReturnType<typeof readSource>;
      try {
        source = readSource(m.ref, specFile);
      } catch (e) {
        throw new ScenarioError([
          {
            file: specFile,
            path: m.field,
            message: `cannot load ${JSON.stringify(m.ref)} (${(e as Error).message})`,
          },
        ]);
      }
      const { batch: _, ...raw } = resolveExtends(source, fileResolver);
      return { ...m, raw, scenario: validateScenario(raw, source.name) };
    });
    const calibration = resolveCalibration(spec, members, specFile);
    return { specFile, spec, calibration };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    for (const i of e.issues) console.error(formatIssue(i));
    return undefined;
  }
}

interface Manifest {
  engine: 'seedsoil';
  engineVersion: string;
  generator: string;
  spec: string;
  hash: string;
}

/**
 * Writes the resolved scenarios the runs start from, for the record: base.yaml,
 * or for a mixture one members/NAME.yaml per member.
 */
function writeScenarios(ctx: Context, why: string): void {
  const label = describeScenarios(ctx.spec, ctx.calibration.members);
  if (!isMixture(ctx)) {
    writeAtomic(
      join(ctx.dir, 'base.yaml'),
      `# The base scenario of ${ctx.specFile} (${label}), resolved${why}.\n${toYaml(first(ctx).raw)}`,
    );
    return;
  }
  mkdirSync(join(ctx.dir, 'members'), { recursive: true });
  for (const m of ctx.calibration.members)
    writeAtomic(
      join(ctx.dir, 'members', `${m.scenario.name}.yaml`),
      `# A member of the mixture of ${ctx.specFile}, ${label}: ${m.ref}, resolved; its share of every particle's replicates runs it at the particle's values.\n${toYaml(m.raw)}`,
    );
}

/** Refuses a folder that holds another calibration, or this one without --resume. */
function prepare(ctx: Context, resume: boolean): void {
  const members = ctx.calibration.members;
  // A calibration of one scenario keeps the hash it had before mixtures existed.
  const scenarios = isMixture(ctx)
    ? { members: members.map((m) => ({ share: m.share, raw: m.raw })) }
    : { base: first(ctx).raw };
  const hash = `sha256:${sha256Hex(
    canonicalJson({ spec: ctx.spec, ...scenarios, engine: ENGINE_VERSION, generator: GENERATOR }),
  )}`;
  const file = join(ctx.dir, 'calibration.json');
  if (existsSync(file)) {
    const old = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (old.hash !== hash)
      throw new BatchError(
        `--out ${ctx.dir}: holds a different calibration (the spec, its scenarios or the engine differ); use a new folder`,
      );
    if (!resume && ctx.shard.count === 1)
      throw new BatchError(`--out ${ctx.dir}: already holds this calibration; add --resume to continue it`);
  } else if (existsSync(join(ctx.dir, 'gen-0'))) {
    throw new BatchError(`--out ${ctx.dir}: holds generations without calibration.json; use an empty folder`);
  }
  try {
    mkdirSync(ctx.dir, { recursive: true });
    const manifest: Manifest = {
      engine: 'seedsoil',
      engineVersion: ENGINE_VERSION,
      generator: GENERATOR,
      spec: ctx.specFile,
      hash,
    };
    writeAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
    writeScenarios(ctx, '; every run extends it');
  } catch (e) {
    if (e instanceof BatchError) throw e;
    throw new BatchError(`--out ${ctx.dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
}

async function calibrate(ctx: Context): Promise<number> {
  const c = ctx.calibration;
  const spec = ctx.spec;
  const lead = ctx.shard.index === 0;
  const result = await abcSmc(
    {
      parameters: c.parameters,
      observed: c.targets.map((t) => t.observed),
      uncertainty: c.targets.map((t) => t.uncertainty),
      seed: spec.seed,
      population: spec.population,
      roundSize: spec.roundSize ?? spec.population,
      generations: spec.tolerance.generations,
      quantile: spec.tolerance.quantile,
      finalTolerance: spec.tolerance.final,
      minAcceptance: spec.tolerance.minAcceptance,
      inSupport: (theta) => acceptsPoint(c, theta),
    },
    ({ generation, round, proposals }) =>
      simulate(
        ctx,
        join(ctx.dir, `gen-${generation}`, `round-${round}`),
        proposals.map((p: Proposal) => ({ values: pointOf(c, p.theta), seed: p.seed })),
        spec.replicates,
        (i) => `generation ${generation}, round ${round}, proposal ${i}`,
      ),
    (g, { scales, sources }) => {
      if (g.index === 0) {
        // A target that takes one value over the whole prior cannot tell parameters apart, and with
        // no uncertainty its distance has no scale: every particle would be accepted, the prior
        // returned as the posterior.
        const constant = c.targets.filter((_, k) => sources[k] === 'none');
        if (constant.length)
          throw new BatchError(
            constant
              .map((t) => {
                const k = c.targets.indexOf(t);
                const value = g.particles[0]?.summaries[k];
                return `${ctx.specFile}: targets.${t.name}: ${measurementOf(t)} is ${value === undefined ? 'the same' : fmt(value)} in every one of generation 0's ${g.particles.length} simulations, so it cannot tell the parameters apart and its distance has no scale (expected a target that varies over the prior; choose another column or summary, or drop it)`;
              })
              .join('\n'),
          );
        console.log(
          `distance scales: ${c.targets.map((t, k) => `${t.name} ${fmt(scales[k] as number)} (${sources[k]})`).join(', ')}`,
        );
        const mixed = new Set(sources.map((s) => s === 'uncertainty')).size > 1;
        if (mixed)
          console.log(
            '  some targets are scaled by their uncertainty and some by their spread in generation 0: the first weigh much more',
          );
      }
      console.log(generationLine(g, spec.population));
      if (lead) writeAtomic(join(ctx.dir, `gen-${g.index}`, 'population.csv'), populationCsv(ctx, g));
    },
  );

  // Posterior predictive check: particles drawn by weight, simulated again with new seeds.
  const u = seedrandom.alea(`seedsoil-abc-ppc:${spec.seed}`);
  const g = result.posterior;
  const drawn = resample(
    g.particles.map((p) => p.weight),
    spec.predictive.particles,
    u,
  );
  const runs = drawn.map((i) => ({
    values: pointOf(c, (g.particles[i] as Generation['particles'][number]).theta),
    seed: Math.floor(u() * 2 ** 31),
  }));
  const ppc = await simulate(
    ctx,
    join(ctx.dir, 'ppc'),
    runs,
    spec.predictive.replicates ?? spec.replicates,
    (i) => `posterior predictive draw ${i}`,
  );
  const predictive: PredictiveRow[] = c.targets.map((t, k) => {
    const values = ppc.flatMap((s) => (s && Number.isFinite(s[k]) ? [s[k] as number] : []));
    const low = quantile(values, 0.025);
    const high = quantile(values, 0.975);
    return {
      target: t.name,
      measurement: measurementOf(t),
      observed: t.observed,
      uncertainty: t.uncertainty ?? '',
      scale: result.scales[k] as number,
      scale_source: result.scaleSources[k] as ScaleSource,
      simulated_median: quantile(values, 0.5),
      simulated_low: low,
      simulated_high: high,
      draws: values.length,
      observed_within: t.observed >= low && t.observed <= high ? 'yes' : 'no',
    };
  });
  printSummary(ctx, result, predictive);
  if (!lead) {
    console.log(`\nshard ${ctx.shard.index + 1} of ${ctx.shard.count} done; shard 1 writes the outputs`);
    return 0;
  }
  writeOutputs(ctx, result, predictive);
  console.log(
    `\n${ctx.dir}/: posterior.csv, summary.csv, diagnostics.csv, ppc.csv, report.html, ${mediansFiles(ctx)
      .map((f) => f.file)
      .join(', ')}`,
  );
  return 0;
}

/** Runs the scenario (or mixture) at the spec's true values and prints each target's value and uncertainty. */
async function synthesize(ctx: Context): Promise<number> {
  const synthetic = ctx.spec.synthetic;
  if (!synthetic)
    throw new BatchError(
      `${ctx.specFile}: --synthesize needs a synthetic section (values, replicates, seed)`,
    );
  mkdirSync(ctx.dir, { recursive: true });
  writeScenarios(ctx, '');
  const c = ctx.calibration;
  const values = Object.fromEntries(
    c.parameters.map((p, k) => {
      const v = synthetic.values[p.name];
      return [p.name, v === undefined ? v : c.integer[k] ? Math.round(v) : v];
    }),
  );
  const missing = c.parameters.filter((p) => values[p.name] === undefined).map((p) => p.name);
  if (missing.length)
    throw new BatchError(`${ctx.specFile}: synthetic.values: missing ${missing.join(', ')}`);
  const folder = join(ctx.dir, 'synthetic');
  const run = { values: values as Record<string, number>, seed: synthetic.seed };
  const [ensemble] = await ensembles(
    ctx,
    folder,
    [run],
    synthetic.replicates,
    () => 'synthetic data at the true values',
  );
  if (!ensemble) throw new BatchError('a replicate at the true values failed (see above)');
  const u = seedrandom.alea(`seedsoil-synthesize:${synthetic.seed}`);
  const out = c.targets.map((t) => {
    if (t.measure.kind === 'column')
      return {
        target: t.name,
        measurement: measurementOf(t),
        observed: summarise(t.measure.summary, ensemble.rows),
        uncertainty: standardError(t.measure.summary, ensemble.rows, u),
        replicates: synthetic.replicates,
      };
    return {
      target: t.name,
      measurement: measurementOf(t),
      observed: reproduceValue(ctx, t, ensemble.measured.get(t.measure.target) as Measurement[], run),
      uncertainty: Number.NaN,
      replicates: synthetic.replicates,
    };
  });
  if (ctx.shard.index === 0) writeAtomic(join(ctx.dir, 'synthetic.csv'), toCsv(out));
  console.log(
    `synthetic data: ${describeScenarios(ctx.spec, c.members)} at ${Object.entries(values)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')}; ${synthetic.replicates} replicates, seed ${synthetic.seed}`,
  );
  console.log('targets (observed, uncertainty = standard error of the observed value):');
  for (const r of out)
    console.log(
      `  ${r.target}: { observed: ${r.observed}${Number.isFinite(r.uncertainty) ? `, uncertainty: ${r.uncertainty}` : ''} }   # ${r.measurement}`,
    );
  return 0;
}

export const CALIBRATE_HELP = `fit parameters of a scenario to observed values by ABC-SMC (docs/calibration-guide.md);
each round of proposals runs as a batch in DIR/gen-K/round-J/; writes DIR/posterior.csv,
summary.csv, diagnostics.csv, ppc.csv, report.html and posterior-medians.yaml
  --out DIR       output folder (default calibrate-out)
  --workers W     worker threads (default: one per core)
  --shard I/N     run every N-th replicate of each round; the N shards share DIR and wait for each other
  --resume        continue the calibration in DIR (the same spec)
  --synthesize    run the spec's synthetic section (true values) and print each target's observed value
  --schema        print the JSON Schema of calibration specs (calibrations/schema.json)`;

export function specJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(specSchema, { io: 'input' }), null, 2)}\n`;
}

export async function calibrateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      resume: { type: 'boolean', default: false },
      synthesize: { type: 'boolean', default: false },
      schema: { type: 'boolean', default: false },
    },
  });
  if (values.schema) {
    process.stdout.write(specJsonSchema());
    return 0;
  }
  if (positionals.length !== 1) throw new BatchError('usage: seedsoil calibrate SPEC [--out DIR] [--resume]');
  let workers = availableParallelism();
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1)
      throw new BatchError(`--workers: expected a positive integer (got "${values.workers}")`);
  }
  const shard = parseShard(values.shard);
  const loaded = loadCalibration(positionals[0] as string);
  if (!loaded) return 1;
  const ctx: Context = { ...loaded, dir: values.out ?? 'calibrate-out', workers, shard };
  try {
    if (values.synthesize) return await synthesize(ctx);
    prepare(ctx, values.resume);
    return await calibrate(ctx);
  } catch (e) {
    if (e instanceof Interrupted) {
      console.error('\ninterrupted; continue with the same command and --resume');
      return 130;
    }
    if (e instanceof ScenarioError) {
      for (const i of e.issues) console.error(formatIssue(i));
      return 1;
    }
    throw e;
  }
}
