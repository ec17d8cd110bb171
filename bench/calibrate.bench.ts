/**
 * Calibration benchmark (`npm run bench`): a small version of the shipped example
 * (calibrations/recover-known.yaml: 30 particles, 5 replicates each, 3
 * generations) calibrated on 1 and on 2 workers, then every replicate it
 * simulated run again as one plain batch of the same scenario files on 2
 * workers. Reports particles and replicates per second, the speed-up of 2
 * workers over 1, and the calibration loop's overhead over the plain batch
 * (goal at most 10%). Each run is a child process of its own, timed from outside.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

const GOAL_OVERHEAD = 0.1;
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'seedsoil-calibrate-bench-'));
const spec = parse(readFileSync(join(root, 'calibrations/recover-known.yaml'), 'utf8'));
spec.scenario = join(root, 'calibrations', spec.scenario);
spec.population = 30;
spec.replicates = 5;
spec.tolerance = {
  quantile: spec.tolerance.quantile,
  generations: 3,
  minAcceptance: spec.tolerance.minAcceptance,
};
spec.predictive = { particles: 5 };
const specFile = join(dir, 'spec.yaml');
writeFileSync(specFile, stringify(spec));

function timed(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/seedsoil.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seedsoil ${args.join(' ')} failed:\n${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

/** The scenario files of every batch the calibration ran: its rounds (gen-K/round-J) and the predictive check (ppc). */
function runFiles(out: string): string[] {
  const folders = [join(out, 'ppc')];
  for (const gen of readdirSync(out).filter((d) => d.startsWith('gen-')))
    for (const round of readdirSync(join(out, gen)).filter((d) => d.startsWith('round-')))
      folders.push(join(out, gen, round));
  return folders.flatMap((f) => readdirSync(join(f, 'runs')).map((name) => join(f, 'runs', name))).sort();
}

const seconds: Record<number, number> = {};
for (const workers of [1, 2])
  seconds[workers] = timed([
    'calibrate',
    specFile,
    '--out',
    join(dir, `w${workers}`),
    '--workers',
    String(workers),
  ]);
const files = runFiles(join(dir, 'w2'));
// Each run file sets its own replicates; a plain batch of all of them runs the same replicates.
const replicates = files.length * spec.replicates;
const plain = timed(['batch', ...files, '--out', join(dir, 'plain'), '--workers', '2']);
const overhead = (seconds[2] as number) / plain - 1;
const particles = files.length;

console.log(
  `seedsoil calibrate benchmark (recover-known at 30 particles x 5 replicates, 3 generations: ${particles} proposals, ${replicates} replicates incl. the predictive check)`,
);
for (const w of [1, 2])
  console.log(
    `  ${w} worker${w > 1 ? 's' : ''}: ${(seconds[w] as number).toFixed(1)} s, ${(particles / (seconds[w] as number)).toFixed(1)} proposals/s, ${(replicates / (seconds[w] as number)).toFixed(1)} replicates/s`,
  );
console.log(
  `  speed-up of 2 workers over 1: ${((seconds[1] as number) / (seconds[2] as number)).toFixed(2)}x`,
);
console.log(
  `  the same replicates as one plain batch on 2 workers: ${plain.toFixed(1)} s; calibration overhead ${(100 * overhead).toFixed(1)}% (goal <= ${100 * GOAL_OVERHEAD}%: ${overhead <= GOAL_OVERHEAD ? 'met' : 'NOT met'})`,
);
rmSync(dir, { recursive: true, force: true });
