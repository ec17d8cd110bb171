/**
 * Census (`npm run bench`): the wall time of every replicate of every built-in
 * patient-scale scenario, to catch the rare replicate that costs far more than the
 * typical one. Goal per scenario: the slowest replicate at most 10 times the median,
 * and none above 1 s. The replicates of a scenario are dealt out in turn to one
 * worker thread per core; each worker warms up on the scenario first and times
 * every replicate itself. The stress scenario has a benchmark of its own.
 */
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadScenarioFile, SCENARIO_DIR } from '../src/cli/scenarios.ts';
import type { CensusShare, CensusTask } from './census.worker.ts';

const REPLICATES = Number(process.env.CENSUS_REPLICATES ?? 1000);
const WARM_UP = 5;
const MAX_OVER_MEDIAN = 10;
const MAX_MS = 1000;

// CENSUS_SCENARIOS (comma-separated names) times only those, to follow up one scenario's worst replicate.
const only = process.env.CENSUS_SCENARIOS?.split(',');
const scenarios = readdirSync(SCENARIO_DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'stress-seeding.yaml')
  .filter((f) => !only || only.includes(f.slice(0, -'.yaml'.length)))
  .map((f) => loadScenarioFile(f.slice(0, -'.yaml'.length)))
  .filter((s) => s.scale === 'patient');

// The package script bundles this file and the worker side by side in bench/.build.
const threads = availableParallelism();
const workers = Array.from(
  { length: threads },
  () => new Worker(new URL('./census.worker.mjs', import.meta.url)),
);
const ask = (w: Worker, task: CensusTask) =>
  new Promise<CensusShare>((resolve, reject) => {
    w.once('error', reject);
    w.once('message', (share: CensusShare) => {
      w.off('error', reject);
      resolve(share);
    });
    w.postMessage(task);
  });

/** Nearest-rank quantile of sorted values. */
const quantile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
const median = (sorted: number[]) =>
  ((sorted[(sorted.length - 1) >> 1] as number) + (sorted[sorted.length >> 1] as number)) / 2;

console.log(
  `seedsoil census (one run on this machine): ${REPLICATES} replicates of each of ${scenarios.length} patient-scale scenarios` +
    `${process.env.CENSUS_REPLICATES ? ' (set by CENSUS_REPLICATES)' : ' (CENSUS_REPLICATES sets the count)'},`,
);
console.log(
  `  ${threads} worker threads, each warmed up with ${WARM_UP} untimed replicates per scenario; time per replicate = creation, every step, result`,
);
console.log(`  goal per scenario: max <= ${MAX_OVER_MEDIAN} x median and no replicate above ${MAX_MS} ms`);
const header = [
  'scenario'.padEnd(30),
  'median ms',
  '   p99 ms',
  '   max ms',
  'max at rep',
  'max/median',
  'peak records median/max',
  ' goal',
];
console.log(`  ${header.join('  ')}`);

const t0 = performance.now();
let met = 0;
for (const scenario of scenarios) {
  const shares = await Promise.all(
    workers.map((w, i) =>
      ask(w, {
        scenario,
        // Warm-up replicates have indexes the census never uses.
        warmUp: Array.from({ length: WARM_UP }, (_, k) => 1_000_000 + i * WARM_UP + k),
        replicates: Array.from({ length: REPLICATES }, (_, r) => r).filter((r) => r % threads === i),
      }),
    ),
  );
  const ms = new Float64Array(REPLICATES);
  const peaks = new Float64Array(REPLICATES);
  for (const s of shares)
    s.replicates.forEach((r, k) => {
      ms[r] = s.ms[k] as number;
      peaks[r] = s.peakRecords[k] as number;
    });
  const sorted = Array.from(ms).sort((a, b) => a - b);
  const max = sorted[sorted.length - 1] as number;
  const mid = median(sorted);
  const ok = max <= MAX_OVER_MEDIAN * mid && max <= MAX_MS;
  if (ok) met++;
  const sortedPeaks = Array.from(peaks).sort((a, b) => a - b);
  const row = [
    scenario.name.padEnd(30),
    mid.toFixed(1).padStart(9),
    quantile(sorted, 0.99).toFixed(1).padStart(9),
    max.toFixed(1).padStart(9),
    String(ms.indexOf(max)).padStart(10),
    `${(max / mid).toFixed(1)} x`.padStart(10),
    `${median(sortedPeaks)} / ${sortedPeaks[sortedPeaks.length - 1]}`.padStart(23),
    ok ? ' met' : ' NOT met',
  ];
  console.log(`  ${row.join('  ')}`);
}
await Promise.all(workers.map((w) => w.terminate()));
console.log(
  `  goals met in ${met} of ${scenarios.length} scenarios; census wall time ${((performance.now() - t0) / 1000).toFixed(0)} s (warm-up included)`,
);
