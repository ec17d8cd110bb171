/**
 * `seedsoil reproduce`: runs each published target's scenario as an ensemble and
 * prints the simulated value beside the published one (every replicate of every
 * target on one pool of worker threads); writes the same table as
 * CSV and Markdown. Exits non-zero when any target fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toCsv } from '../engine/output.ts';
import { type AnyScenario, parseSeed } from '../engine/schema.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import {
  admittedBy,
  type Measurement,
  matchingModel,
  patientOfReplicate,
  scenarioOfReplicate,
  TARGETS,
  type TargetRow,
  targetScenarios,
} from '../reproduce/targets.ts';
import { BatchError } from './batch.ts';
import { createPool } from './pool.ts';
import { loadScenarioFile } from './scenarios.ts';

const fmt = (v: number) => (Number.isNaN(v) ? 'n/a' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

const CSV_COLUMNS = [
  'target',
  'quantity',
  'source',
  'published',
  'simulated',
  'low',
  'high',
  'tolerance',
  'band_low',
  'band_high',
  'pass',
  'ci_place',
  'replicates',
];

function markdownTable(rows: TargetRow[], replicates: Record<string, number>): string {
  const lines = [
    '| target | quantity | published | simulated [95% CI] | tolerance | replicates | result | CI against the tolerance |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.target} (${r.source}) | ${r.quantity} | ${r.published} | ${fmt(r.simulated)} [${fmt(r.low)}, ${fmt(r.high)}] | ${r.tolerance} | ${replicates[r.target]} | ${r.pass ? 'pass' : '**fail**'} | ${r.ciPlace === 'none' ? 'no interval' : r.ciPlace} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * One line on stderr per finished target, as batch reports its replicates: stdout keeps
 * the table. The estimate counts runs, not replicates: a patient no target admits costs
 * nothing, and carter-1989-under-1-cm draws 30,000 to run a thousand.
 */
function progress(
  targetsDone: number,
  targets: number,
  name: string,
  n: number,
  runs: number,
  total: number,
  started: number,
): void {
  const seconds = (Date.now() - started) / 1000;
  const eta = runs > 0 ? ((total - runs) * seconds) / runs : 0;
  process.stderr.write(
    `${targetsDone}/${targets} targets: ${name} done (${n} replicates); ${runs}/${total} runs in ${seconds.toFixed(1)} s, ETA ${Math.ceil(eta)} s\n`,
  );
}

export async function reproduceCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      replicates: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      ci: { type: 'boolean' },
      workers: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  // Another seed for every scenario: an independent draw of the whole table, to see which
  // rows pass whatever the draw.
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed, '--seed');
  const only = values.only?.split(',');
  const unknown = only?.find((name) => !TARGETS.some((t) => t.name === name));
  if (unknown !== undefined)
    throw new BatchError(
      `--only: no target named "${unknown}" (targets: ${TARGETS.map((t) => t.name).join(', ')})`,
    );
  const targets = TARGETS.filter((t) => !only || only.includes(t.name));
  const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new BatchError(`--workers: expected a positive integer (got "${values.workers}")`);
  const plan = targets.map((target) => {
    const n = values.replicates
      ? Number(values.replicates)
      : values.ci
        ? target.ciReplicates
        : target.replicates;
    if (!Number.isInteger(n) || n < 1)
      throw new BatchError(`--replicates: expected a positive integer (got "${values.replicates}")`);
    const scenarios = new Map(
      targetScenarios(target).map((name) => {
        const s = loadScenarioFile(name);
        return [name, seed === undefined ? s : { ...s, seed }];
      }),
    );
    const scenarioOf = (i: number) => scenarios.get(scenarioOfReplicate(target, i, n)) as AnyScenario;
    return { target, scenarioOf, n, measurements: new Array<Measurement | null>(n) };
  });
  // Every replicate of every target on one pool; measurements are kept by index, so
  // the table is the same whatever the number of workers and the order they finish in.
  // Replicates of one scenario with one patient number are one run measured by each of
  // their targets (pan-2017's patients are breast-population's ER+ ones): each target
  // still gets what it would alone (measureReplicates).
  // The arms of a paired target with a fork point are one task: the patient is run once
  // up to where the arms part (measureArms). The measurements of a task come back in the
  // order of its arms' `of`.
  type Arm = { scenario: AnyScenario; of: { p: (typeof plan)[number]; i: number }[] };
  const runs = new Map<string, { replicate: number; arms: Arm[]; forked?: string }>();
  for (const p of plan)
    for (let i = 0; i < p.n; i++) {
      const replicate = patientOfReplicate(p.target, i, p.n);
      if (p.target.paired && p.target.forkAt) {
        const key = `${p.target.name}#${replicate}`;
        const run = runs.get(key) ?? { replicate, arms: [], forked: p.target.name };
        run.arms.push({ scenario: p.scenarioOf(i), of: [{ p, i }] });
        runs.set(key, run);
        continue;
      }
      const key = `${scenarioOfReplicate(p.target, i, p.n)}#${replicate}`;
      const run = runs.get(key) ?? { replicate, arms: [{ scenario: p.scenarioOf(i), of: [] }] };
      run.arms[0]?.of.push({ p, i });
      runs.set(key, run);
    }
  const tasks = [...runs.values()];
  const replicates = plan.reduce((a, p) => a + p.n, 0);
  // Patients no target admits are not run (measureReplicates).
  const toRun = tasks.reduce(
    (n, run) =>
      n +
      run.arms.filter((arm) =>
        admittedBy(
          arm.of.map(({ p }) => p.target),
          arm.scenario,
          run.replicate,
        ).includes(true),
      ).length,
    0,
  );
  const started = Date.now();
  const left = new Map(plan.map((p) => [p, p.n]));
  let targetsDone = 0;
  let simulated = 0;
  const pool = createPool(Math.min(workers, tasks.length));
  const stop = () => pool.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await pool.run(
      tasks,
      (api, run) =>
        run.forked
          ? api.measureArms(
              run.forked,
              run.arms.map((arm) => arm.scenario),
              run.replicate,
            )
          : api.measure(
              run.arms[0]?.of.map(({ p }) => p.target.name) ?? [],
              run.arms[0]?.scenario,
              run.replicate,
            ),
      (run, ms) => {
        const of = run.arms.flatMap((arm) => arm.of);
        if (ms instanceof Error)
          throw new BatchError(
            `${of.map(({ p, i }) => `${p.target.name}, replicate ${i}`).join('; ')}: ${ms.message}`,
          );
        simulated += run.forked ? ms.filter((m) => m !== null).length : +ms.some((m) => m !== null);
        of.forEach(({ p, i }, k) => {
          p.measurements[i] = ms[k] ?? null;
          const remaining = (left.get(p) as number) - 1;
          left.set(p, remaining);
          if (remaining === 0)
            progress(++targetsDone, plan.length, p.target.name, p.n, simulated, toRun, started);
        });
      },
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await pool.close();
  }
  if (pool.stopped) {
    console.error('\nreproduce: interrupted; nothing written');
    return 130;
  }
  const rows: TargetRow[] = [];
  const used: Record<string, number> = {};
  for (const { target, scenarioOf, n, measurements } of plan) {
    const run = measurements.filter((m) => m !== null);
    const result = target.rows(run, scenarioOf(0));
    used[target.name] = n;
    rows.push(...result);
    for (const r of result) {
      console.log(
        `${r.pass ? 'pass' : 'FAIL'}  ${r.target}: ${r.quantity}: simulated ${fmt(r.simulated)} [${fmt(r.low)}, ${fmt(r.high)}], published ${r.published} (${r.tolerance})${r.ciPlace === 'across an edge' ? '; the interval crosses the tolerance' : ''}`,
      );
    }
    const left = run.length < n ? ` (${run.length} run; the others cannot enter a row)` : '';
    console.log(`      ${n} replicates of ${targetScenarios(target).join(', ')}${left}`);
  }
  console.log(
    `${replicates} replicates on ${Math.min(workers, tasks.length)} workers in ${((Date.now() - started) / 1000).toFixed(1)} s (${simulated} runs)`,
  );
  // Only a full default run replaces the published table in docs/.
  const partial =
    values.only !== undefined || values.ci === true || values.replicates !== undefined || seed !== undefined;
  const out = values.out ?? (partial ? 'validation-out' : 'docs');
  const failed = rows.filter((r) => !r.pass).length;
  const across = rows.filter((r) => r.ciPlace === 'across an edge').length;
  const matching = matchingModel(rows);
  const chance = matching.rows
    ? `. A model whose every value lay at the middle of its tolerance would, with these ensembles, fail about ${matching.failures.toFixed(1)} of the ${matching.rows} rows with an interval and a closed tolerance in a draw, and pass them all with probability near ${(100 * matching.allPass).toPrecision(2)}% (were the rows independent)`
    : '';
  const tally = `${rows.length - failed} of ${rows.length} pass; the intervals of ${across} cross their tolerance${chance}`;
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'validation.csv'),
    toCsv(
      rows.map(({ band, ciPlace, ...r }) => ({
        ...r,
        band_low: band[0],
        band_high: band[1],
        ci_place: ciPlace,
        replicates: used[r.target],
      })),
      CSV_COLUMNS,
    ),
  );
  writeFileSync(
    join(out, 'validation.md'),
    `# Validation against published results\n\nWritten by \`npx seedsoil reproduce${args.length ? ` ${args.join(' ')}` : ''}\` with engine ${ENGINE_VERSION}. A target passes when the simulated value (the point estimate) lies within its tolerance; the interval is the 95% confidence interval of the ensemble. The last column says where that interval lies against the tolerance: wholly inside or outside it, the verdict would very likely stand in another draw of the same size; across an edge, another draw can turn it. ${tally}. Scenarios and fitted parameters: [calibration.md](calibration.md).\n\n${markdownTable(rows, used)}`,
  );
  console.log(`${tally}; table in ${out}/validation.md and ${out}/validation.csv`);
  return failed ? 1 : 0;
}
