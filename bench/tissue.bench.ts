/**
 * Tissue-scale benchmarks (`npm run bench`): the paper's default configuration
 * (tissue-franssen: 201 × 201, 388 cells, two secondary patches, 28,000 steps),
 * then the cost per step against the grid side and against the number of cells.
 * Measured one after the other in one process, so ratios are meaningful.
 *
 * Reference (measured on a machine of this kind): MetaSpread (Python on Mesa
 * 2.1.2) takes a median 0.226 s per step at the default configuration, so
 * 28,000 steps take about 1.8 hours; the goal is 1000 times less per step.
 */
import { loadScenarioFile } from '../src/cli/scenarios.ts';
import { asTissue, deepMerge, validateScenario } from '../src/engine/scenario.ts';
import type { AnyScenario } from '../src/engine/schema.ts';
import { createTissueSimulation, runTissueSteps, tissueResult } from '../src/engine/tissue/simulation.ts';

const METASPREAD_SECONDS_PER_STEP = 0.226;

function seconds(f: () => void): number {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
}

// 1. The default configuration, whole run.
const franssen = asTissue(loadScenarioFile('tissue-franssen'));
runTissueSteps(createTissueSimulation(franssen, { seed: 999 }), 2000); // warm-up
const sim = createTissueSimulation(franssen);
const wall = seconds(() => runTissueSteps(sim, franssen.tissue.time.steps));
const r = tissueResult(sim);
const perStep = wall / franssen.tissue.time.steps;
const cellsAtEnd = r.summary.patches.reduce((a, p) => a + p.mesenchymal + p.epithelial, 0);
console.log('tissue scale: tissue-franssen (201 × 201, 388 cells, 2 secondary patches), 28,000 steps');
console.log(`  wall time ${wall.toFixed(2)} s; ${(perStep * 1e3).toFixed(3)} ms per step (goal <= 0.226 ms)`);
console.log(
  `  MetaSpread reference ${METASPREAD_SECONDS_PER_STEP} s per step: ${(METASPREAD_SECONDS_PER_STEP / perStep).toFixed(0)}× fewer seconds per step (goal >= 1000×)`,
);
console.log(
  `  cells at the end: ${cellsAtEnd}; heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`,
);

// 2 and 3: a fixed population (no division, no vessels) so only the size varies.
function fixed(side: number, cells: number): AnyScenario {
  return validateScenario(
    deepMerge(franssen as unknown as Record<string, unknown>, {
      tissue: {
        lattice: { side },
        initial: { cells, discPoints: Math.max(1, Math.ceil(cells / 4)) },
        proliferation: { doublingHoursEpithelial: 1e4, doublingHoursMesenchymal: 1e4 },
        vessels: { normal: 0, ruptured: 0, clearPoints: 0 },
      },
    }),
    'bench',
  );
}

function msPerStep(s: AnyScenario, steps: number): number {
  const run = createTissueSimulation(asTissue(s));
  runTissueSteps(run, 200);
  return (seconds(() => runTissueSteps(run, steps)) / steps) * 1e3;
}

console.log('  cost per step against the grid side (388 cells; one active patch):');
const sides = [51, 101, 201, 401];
for (const side of sides) {
  const ms = msPerStep(fixed(side, 388), 2000);
  console.log(
    `    side ${String(side).padStart(3)}: ${ms.toFixed(4)} ms per step, ${((ms * 1e6) / (side * side)).toFixed(2)} ns per lattice point`,
  );
}
console.log('  cost per step against the number of cells (side 201):');
const base = msPerStep(fixed(201, 388), 2000);
console.log(`       388 cells: ${base.toFixed(4)} ms per step (mostly the fields)`);
for (const cells of [4000, 40000, 120000]) {
  const ms = msPerStep(fixed(201, cells), 2000);
  console.log(
    `    ${String(cells).padStart(6)} cells: ${ms.toFixed(4)} ms per step, ${(((ms - base) * 1e6) / (cells - 388)).toFixed(2)} ns per added cell`,
  );
}
