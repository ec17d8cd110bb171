/**
 * `seedsoil reproduce`: runs each published target's scenario as an ensemble and
 * prints the simulated value beside the published one; writes the same table as
 * CSV and Markdown. Exits non-zero when any target fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toCsv } from '../engine/output.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import { runReplicate, TARGETS, type TargetRow } from '../reproduce/targets.ts';
import { BatchError } from './batch.ts';
import { loadScenarioFile } from './scenarios.ts';

const fmt = (v: number) => (Number.isNaN(v) ? 'n/a' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

function markdownTable(rows: TargetRow[], replicates: Record<string, number>): string {
  const lines = [
    '| target | quantity | published | simulated [95% CI] | tolerance | replicates | result |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.target} (${r.source}) | ${r.quantity} | ${r.published} | ${fmt(r.simulated)} [${fmt(r.low)}, ${fmt(r.high)}] | ${r.tolerance} | ${replicates[r.target]} | ${r.pass ? 'pass' : '**fail**'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export async function reproduceCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      replicates: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      ci: { type: 'boolean' },
    },
  });
  const targets = TARGETS.filter((t) => !values.only || t.name === values.only);
  if (targets.length === 0) {
    throw new BatchError(
      `--only: no target named "${values.only}" (targets: ${TARGETS.map((t) => t.name).join(', ')})`,
    );
  }
  const rows: TargetRow[] = [];
  const used: Record<string, number> = {};
  for (const target of targets) {
    const scenario = loadScenarioFile(target.scenario);
    const n = values.replicates
      ? Number(values.replicates)
      : values.ci
        ? target.ciReplicates
        : target.replicates;
    if (!Number.isInteger(n) || n < 1)
      throw new BatchError(`--replicates: expected a positive integer (got "${values.replicates}")`);
    const started = Date.now();
    const measurements = Array.from({ length: n }, (_, i) =>
      target.measure(runReplicate(scenario, i), scenario),
    );
    const result = target.rows(measurements, scenario);
    used[target.name] = n;
    rows.push(...result);
    for (const r of result) {
      console.log(
        `${r.pass ? 'pass' : 'FAIL'}  ${r.target}: ${r.quantity}: simulated ${fmt(r.simulated)} [${fmt(r.low)}, ${fmt(r.high)}], published ${r.published} (${r.tolerance})`,
      );
    }
    console.log(
      `      ${n} replicates of ${target.scenario} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  // Only a full default run replaces the published table in docs/.
  const partial = values.only !== undefined || values.ci === true || values.replicates !== undefined;
  const out = values.out ?? (partial ? 'validation-out' : 'docs');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'validation.csv'), toCsv(rows.map((r) => ({ ...r, replicates: used[r.target] }))));
  writeFileSync(
    join(out, 'validation.md'),
    `# Validation against published results\n\nWritten by \`npx seedsoil reproduce${args.length ? ` ${args.join(' ')}` : ''}\` with engine ${ENGINE_VERSION}. A target passes when the simulated value (the point estimate) lies within its tolerance; the interval is the 95% confidence interval of the ensemble. Scenarios and fitted parameters: [calibration.md](calibration.md).\n\n${markdownTable(rows, used)}`,
  );
  const failed = rows.filter((r) => !r.pass).length;
  console.log(
    `${rows.length - failed} of ${rows.length} pass; table in ${out}/validation.md and ${out}/validation.csv`,
  );
  return failed ? 1 : 0;
}
