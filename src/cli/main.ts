/** The `seedsoil` command line: run one replicate, check and list scenarios, print the editor schema. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_ENDPOINT, ENDPOINTS } from '../analysis/comparison.ts';
import { runModel } from '../engine/model.ts';
import { parameterTable } from '../engine/parameters.ts';
import { formatIssue, ScenarioError } from '../engine/scenario.ts';
import { parseSeed, scenarioSchema } from '../engine/schema.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import { BatchError, batchCommand, mergeCommand } from './batch.ts';
import { CALIBRATE_HELP, calibrateCommand } from './calibrate.ts';
import { compareCommand } from './compare.ts';
import { closeEnsemble } from './ensemble.ts';
import { reproduceCommand } from './reproduce.ts';
import { loadScenarioFile, scenarioList } from './scenarios.ts';
import { sensitivityCommand } from './sensitivity.ts';

/** Each command's synopsis and what it does: `seedsoil COMMAND --help` prints its entry. */
const COMMANDS: Record<string, { synopsis: string; help: string }> = {
  run: {
    synopsis: 'seedsoil run [FILE|NAME] [--seed N] [--replicate I] [--out DIR]',
    help: `run one replicate of a scenario file or a built-in (seedsoil scenarios lists them;
default breast-her2-early); with --out, write timeseries.csv, events.csv,
metastases.csv, funnel.csv, summary.json, manifest.json (a tissue scenario writes
cells.csv instead of metastases.csv)
  --seed N        the run's seed, an integer from 0 to 2147483647 (default: the scenario's seed)
  --replicate I   replicate index: its random streams are derived from the seed and I`,
  },
  batch: {
    synopsis:
      'seedsoil batch FILE... [--replicates R] [--workers W] [--out DIR] [--shard I/N|auto] [--resume]',
    help: `replicates and sweeps on a pool of worker threads; writes DIR/runs.csv (one outcome
row per replicate) and DIR/manifest.json; docs/cluster.md for Slurm and Kubernetes
  --replicates R  replicates per scenario and sweep point (default: the scenario's batch.replicates)
  --workers W     worker threads (default: one per core)
  --shard I/N     run every N-th task from task I-1; auto reads Slurm's or Kubernetes' variables
  --resume        keep the replicates already in DIR and run the rest`,
  },
  merge: {
    synopsis: 'seedsoil merge DIR... --out DIR',
    help: 'merge the output folders of shards into one runs.csv, byte for byte what one process writes (refuses gaps and duplicates)',
  },
  calibrate: {
    synopsis:
      'seedsoil calibrate SPEC [--out DIR] [--workers W] [--shard I/N|auto] [--resume] [--synthesize]',
    help: CALIBRATE_HELP,
  },
  compare: {
    synopsis:
      'seedsoil compare A B [--endpoint E] [--seed N] [--out report.html] [--replicates R] [--workers W]',
    help: `compare two batch folders (or scenario files, run first): Kaplan–Meier with the
log-rank test for the chosen endpoint and B − A in the fraction free of it at 5
and 10 years (95% CI), medians with 95% CIs and B − A with an
unpaired bootstrap 95% CI, and a paired one when the arms share their seed;
failed replicates are left out and counted; writes an offline HTML report and a
CSV of every number in it
  --seed N        run both arms at this seed (as the page does), so that replicate i is paired;
                  an integer from 0 to 2147483647
  --endpoint E    ${Object.entries(ENDPOINTS)
    .map(([k, e]) => `${k} (${e.name})`)
    .join(', ')}; default ${DEFAULT_ENDPOINT}`,
  },
  reproduce: {
    synopsis:
      'seedsoil reproduce [--replicates N] [--only NAME[,NAME…]] [--ci] [--seed S] [--out DIR] [--workers W]',
    help: `run the published targets as ensembles on a pool of worker threads; table to
stdout, DIR/validation.csv and .md (default docs/ for a full run, validation-out/
for --only, --ci, --replicates or --seed); a progress line on stderr as each target finishes;
replicates of one scenario and patient that several targets use are run once
  --seed S        every scenario's seed replaced by S (an integer from 0 to 2147483647):
                  an independent draw of the table`,
  },
  sensitivity: {
    synopsis: 'seedsoil sensitivity SPEC [--out DIR] [--workers W] [--shard I/N|auto] [--resume]',
    help: `global sensitivity analysis of outcomes to parameters (docs/sensitivity.md): Sobol'
first-order and total indices or Morris elementary effects, run as a batch; prints the
indices and writes DIR/indices.csv, DIR/points.csv and an offline DIR/report.html
  --workers W     worker threads (default: one per core)
  --shard I/N     run one shard in DIR/shards; without --shard, merge finished shards and analyse
  --resume        keep the replicates already in DIR and run the rest (or analyse again)
  --schema        print the JSON Schema of spec files (sensitivity/schema.json)`,
  },
  check: {
    synopsis: 'seedsoil check FILE|NAME...',
    help: 'validate scenario files; errors as "file: path.to.field: what is wrong"',
  },
  scenarios: {
    synopsis: 'seedsoil scenarios',
    help: 'list the built-in scenarios (the names run, batch and check accept) with their descriptions',
  },
  schema: {
    synopsis: 'seedsoil schema',
    help: 'print the JSON Schema of scenario files (scenarios/schema.json)',
  },
  params: {
    synopsis: 'seedsoil params',
    help: 'print the parameter reference as Markdown (docs/parameters.md)',
  },
};

const indent = (text: string) => text.replace(/^/gm, '      ');

const USAGE = `seedsoil ${ENGINE_VERSION} — agent-based simulation of cancer metastasis

usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.synopsis}\n${indent(c.help.split('\n  --')[0] as string)}`)
  .join('\n')}
  seedsoil --version
      print the version of seedsoil (the engine version written into every manifest)

seedsoil COMMAND --help tells more of one command.
`;

function loadOrReport(ref: string): ReturnType<typeof loadScenarioFile> | undefined {
  try {
    return loadScenarioFile(ref);
  } catch (e) {
    if (e instanceof ScenarioError) for (const i of e.issues) console.error(formatIssue(i));
    else console.error(`${ref}: (file): ${(e as Error).message}`);
    return undefined;
  }
}

function parseInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name}: expected a non-negative integer (got "${value}")`);
  return n;
}

/** Writes each file under a temporary name first, so a crash never leaves a half-written file. */
function writeAtomically(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(dir, name));
  }
}

function runCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { seed: { type: 'string' }, replicate: { type: 'string' }, out: { type: 'string' } },
  });
  const ref = positionals[0] ?? 'breast-her2-early';
  const scenario = loadOrReport(ref);
  if (!scenario) return 1;
  const seed = values.seed === undefined ? scenario.seed : parseSeed(values.seed, '--seed');
  const replicate = parseInteger('replicate', values.replicate, 0);
  const run = runModel(scenario, { seed, replicate });
  console.log(run.summaryText());
  if (values.out) {
    writeAtomically(values.out, run.files());
    console.log(`  files written to ${values.out}`);
  }
  return 0;
}

function checkCommand(files: string[]): number {
  if (files.length === 0) {
    console.error('seedsoil check: name at least one scenario file');
    return 2;
  }
  let bad = 0;
  for (const f of files) {
    if (loadOrReport(f)) console.log(`${f}: ok`);
    else bad++;
  }
  return bad ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const entry = command === undefined ? undefined : COMMANDS[command];
  if (entry && (rest.includes('--help') || rest.includes('-h'))) {
    console.log(`usage: ${entry.synopsis}\n\n${entry.help}`);
    return 0;
  }
  try {
    switch (command) {
      case 'run':
        return runCommand(rest);
      case 'check':
        return checkCommand(rest);
      case 'batch':
        return await batchCommand(rest);
      case 'merge':
        return await mergeCommand(rest);
      case 'calibrate':
        return await calibrateCommand(rest);
      case 'compare':
        return await compareCommand(rest);
      case 'reproduce':
        return await reproduceCommand(rest);
      case 'sensitivity':
        return await sensitivityCommand(rest);
      case 'scenarios':
        if (rest.length) throw new Error(`scenarios: takes no arguments (got ${rest.join(' ')})`);
        console.log(scenarioList());
        return 0;
      case '--version':
        console.log(`seedsoil ${ENGINE_VERSION}`);
        return 0;
      case 'params':
        process.stdout.write(parameterTable());
        return 0;
      case 'schema':
        console.log(JSON.stringify(z.toJSONSchema(scenarioSchema, { io: 'input' }), null, 2));
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`seedsoil: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof BatchError) {
      console.error(e.message);
      return 1;
    }
    console.error(`seedsoil: ${(e as Error).message}`);
    return 2;
  } finally {
    // The worker threads a command's batches shared (cli/ensemble.ts) would keep the process alive.
    await closeEnsemble();
  }
}
