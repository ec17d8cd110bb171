/**
 * Batch pool benchmark: replicates per second with 1 and 2 worker threads, and
 * the pool's overhead against the same replicates run in one loop in this thread.
 */

import { createPool } from '../src/cli/pool.ts';
import { loadScenarioFile } from '../src/cli/scenarios.ts';
import { run } from '../src/engine/simulation.ts';

const REPLICATES = 360;
const scenario = loadScenarioFile('breast-her2-early');
const replicates = Array.from({ length: REPLICATES }, (_, i) => i);

async function pooled(workers: number): Promise<{ seconds: number; withStart: number }> {
  const t0 = performance.now();
  const pool = createPool(workers);
  // Warm each worker (module load and compilation) before timing the replicates.
  await pool.run(
    Array.from({ length: workers }, (_, i) => i),
    (api, i) => api.batchRow(scenario, 10_000 + i, 0),
    () => undefined,
  );
  const t1 = performance.now();
  await pool.run(
    replicates,
    (api, r) => api.batchRow(scenario, r, 0),
    () => undefined,
  );
  const t2 = performance.now();
  await pool.close();
  return { seconds: (t2 - t1) / 1000, withStart: (t2 - t0) / 1000 };
}

run(scenario, { replicate: 10_000 });
const t0 = performance.now();
for (const r of replicates) run(scenario, { replicate: r });
const loop = (performance.now() - t0) / 1000;
const one = await pooled(1);
const two = await pooled(2);

console.log(
  `seedsoil batch benchmark (${REPLICATES} replicates of breast-her2-early, 20 years; one run on this machine)`,
);
console.log(`  one loop in this thread: ${(REPLICATES / loop).toFixed(1)} replicates/s`);
console.log(
  `  pool of 1 worker: ${(REPLICATES / one.seconds).toFixed(1)} replicates/s (pool overhead ${((one.seconds / loop - 1) * 100).toFixed(0)}% against the loop; ${one.withStart.toFixed(1)} s with worker start)`,
);
console.log(
  `  pool of 2 workers: ${(REPLICATES / two.seconds).toFixed(1)} replicates/s; speed-up over 1 worker ${(one.seconds / two.seconds).toFixed(2)}x (goal >= 1.8)`,
);
