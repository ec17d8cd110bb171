/**
 * Tissue-scale benchmarks (`npm run bench`, run from the project root): the
 * paper's default configuration (tissue-franssen: 201 × 201, 388 cells, two
 * secondary patches, 28,000 steps), the peer MetaSpread timed beside seedsoil in
 * the same run, then the cost per step against the grid side and against the
 * number of cells. Measured one after the other in one process, so ratios are
 * meaningful on a shared machine even when absolute times are not.
 *
 * The peer is MetaSpread (the public Python reimplementation, on Mesa 2.1.2) as
 * its kit runs it: `../shared/peers/metaspread/run.sh STEPS --gridsize G` from the
 * project root prints one JSON line with the median seconds per step over STEPS
 * steps after one warm-up step, at its default configuration (388 cells, three
 * grids) with side G. seedsoil runs the same steps of the same configuration
 * (tissue-franssen with side G: 388 cells, three patches), from step 0, with one
 * warm-up step and the same number of timed steps, repeated on fresh runs
 * because its steps are far shorter than a timer's noise. Both do almost nothing
 * but the MMP-2/ECM update in these first steps (no division before step 2000,
 * no arrival before step 180). When the peer is absent or fails, the bench says
 * so and prints seedsoil's times alone; it never divides by a figure measured
 * elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadScenarioFile } from '../src/cli/scenarios.ts';
import { asTissue, deepMerge, validateScenario } from '../src/engine/scenario.ts';
import type { AnyScenario } from '../src/engine/schema.ts';
import { updateFields } from '../src/engine/tissue/phases/fields.ts';
import { createTissueSimulation, runTissueSteps, tissueResult } from '../src/engine/tissue/simulation.ts';

/** The peer's runner, relative to the project root (the bench runs from the root). */
const PEER = '../shared/peers/metaspread/run.sh';
const PEER_STEPS = 30;
const PEER_SIDES = [51, 101, 201];
/** Sides timed for seedsoil alone (the peer takes minutes per step there). */
const OWN_SIDES = [401];
const CELLS = 388;

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
console.log(`  wall time ${wall.toFixed(2)} s; ${(perStep * 1e3).toFixed(3)} ms per step`);
console.log(
  `  cells at the end: ${cellsAtEnd}; heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`,
);

// 2. Side by side with MetaSpread: the same configuration and steps, in this run.
function franssenAt(side: number): AnyScenario {
  return validateScenario(
    deepMerge(franssen as unknown as Record<string, unknown>, { tissue: { lattice: { side } } }),
    'bench',
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** seedsoil's median seconds per step over steps 2..STEPS + 1 of fresh runs (one warm-up step each). */
function seedsoilFirstSteps(side: number, steps: number, runs: number): number {
  const scenario = asTissue(franssenAt(side));
  runTissueSteps(createTissueSimulation(scenario, { seed: 998 }), 500); // compile the code paths first
  const perStep: number[] = [];
  for (let k = 0; k < runs; k++) {
    const run = createTissueSimulation(scenario, { replicate: k });
    runTissueSteps(run, 1);
    perStep.push(seconds(() => runTissueSteps(run, steps)) / steps);
  }
  return median(perStep);
}

type Peer = { ok: true; seconds: number } | { ok: false; why: string };

function peerFirstSteps(side: number, steps: number): Peer {
  const out = spawnSync(PEER, [String(steps), '--gridsize', String(side)], {
    cwd: process.cwd(),
    encoding: 'utf8',
    timeout: 3_600_000,
  });
  const line = out.stdout?.trim().split('\n').at(-1) ?? '';
  if (out.status === 0) {
    try {
      const seconds = (JSON.parse(line) as { median_s_per_step?: unknown }).median_s_per_step;
      if (typeof seconds === 'number' && seconds > 0) return { ok: true, seconds };
    } catch {
      // reported below
    }
  }
  const why = out.error?.message ?? out.stderr?.trim().split('\n').at(-1) ?? `exit status ${out.status}`;
  return { ok: false, why: `exit status ${out.status}: ${why}` };
}

console.log(
  `side by side with MetaSpread, ${PEER_STEPS} steps after one warm-up step from step 0 (medians; ${CELLS} cells; per point: per point of one patch of side × side):`,
);
const peerPresent = existsSync(resolve(process.cwd(), PEER));
if (!peerPresent)
  console.log(`  MetaSpread is absent (no ${PEER} from ${process.cwd()}): seedsoil's times alone, no ratio`);
/** Seconds per step as ms per step, ns per lattice point (one patch) and ns per cell. */
function costs(secondsPerStep: number, side: number): string {
  const ms = (secondsPerStep * 1e3).toFixed(4);
  const perPoint = ((secondsPerStep * 1e9) / (side * side)).toFixed(2);
  const perCell = ((secondsPerStep * 1e9) / CELLS).toFixed(0);
  return `${ms} ms per step, ${perPoint} ns per point, ${perCell} ns per cell`;
}

for (const side of [...PEER_SIDES, ...OWN_SIDES]) {
  const ours = seedsoilFirstSteps(side, PEER_STEPS, 51);
  const label = `  side ${String(side).padStart(3)}: seedsoil ${costs(ours, side)}`;
  if (!peerPresent || !PEER_SIDES.includes(side)) {
    console.log(label);
    continue;
  }
  const peer = peerFirstSteps(side, PEER_STEPS);
  if (peer.ok)
    console.log(
      `${label}\n            MetaSpread ${costs(peer.seconds, side)}: ${(peer.seconds / ours).toFixed(0)}× fewer seconds per step`,
    );
  else console.log(`${label}, MetaSpread failed (${peer.why}): no ratio`);
}
console.log(
  `  (these first steps hold 388 cells and no division; seedsoil's mean over the whole run, as the tumour grows to about 52,000 cells, is ${(perStep * 1e3).toFixed(3)} ms per step, above)`,
);

// The field update alone (MMP-2 and ECM), in one patch whose MMP-2 has spread for
// 2000 steps: above the floor at every point at sides 201 and 401, at 68.5% of the
// points at 1001. The kernel does the same work at every point either way (no
// branch per point, and the floor keeps the slow subnormal numbers out).
function fieldsNsPerPoint(side: number, calls: number): { median: number; least: number } {
  const sim = createTissueSimulation(asTissue(fixed(side, CELLS)));
  runTissueSteps(sim, 2000);
  const primary = sim.ctx.state.patches.slice(0, 1);
  const ctx = { ...sim.ctx, state: { ...sim.ctx.state, patches: primary } };
  const perPoint: number[] = [];
  for (let k = 0; k < 15; k++) {
    const s = seconds(() => {
      for (let c = 0; c < calls; c++) updateFields(ctx);
    });
    perPoint.push((s * 1e9) / calls / (side * side));
  }
  return { median: median(perPoint), least: Math.min(...perPoint) };
}

// On a shared machine the least of the repeats is the nearest to the hardware's own pace.
console.log('  the field update alone (one patch; median and least of 15 repeats):');
for (const [side, calls] of [
  [201, 500],
  [401, 125],
  [1001, 20],
] as const) {
  const t = fieldsNsPerPoint(side, calls);
  console.log(
    `    side ${String(side).padStart(4)}: ${t.median.toFixed(2)} ns per lattice point per step (least ${t.least.toFixed(2)})`,
  );
}

// 3 and 4: a fixed population (no division, no vessels) so only the size varies.
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

// 5. The 1 cm × 1 cm scenario, run whole (as `seedsoil run tissue-centimetre` does).
const centimetre = asTissue(loadScenarioFile('tissue-centimetre'));
const big = createTissueSimulation(centimetre);
const bigWall = seconds(() => runTissueSteps(big, centimetre.tissue.time.steps));
const bigSummary = tissueResult(big).summary;
const bigCells = bigSummary.patches.reduce((a, p) => a + p.mesenchymal + p.epithelial, 0);
const active = big.ctx.state.patches.filter((p) => p.fieldsActive).length;
console.log('tissue scale: tissue-centimetre (1001 × 1001, 388 cells, 2 secondary patches), 28,000 steps');
console.log(
  `  wall time ${bigWall.toFixed(1)} s; ${((bigWall / centimetre.tissue.time.steps) * 1e3).toFixed(2)} ms per step`,
);
console.log(
  `  cells at the end: ${bigCells}; arrivals ${bigSummary.funnel.arrived}; patches with fields at the end: ${active} of ${big.ctx.state.patches.length}`,
);
