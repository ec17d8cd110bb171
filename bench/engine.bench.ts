/**
 * Engine benchmarks (`npm run bench`). Figures are measured in one process, one
 * after the other, so their ratios are meaningful on a noisy machine even when the
 * absolute times are not.
 */
import { loadScenarioFile } from '../src/cli/scenarios.ts';
import { createStream, type Stream } from '../src/engine/random.ts';
import { asPatient, deepMerge, validateScenario } from '../src/engine/scenario.ts';
import type { AnyScenario } from '../src/engine/schema.ts';
import { createSimulation, run, runToEnd } from '../src/engine/simulation.ts';

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, (performance.now() - t0) / 1000];
}

// 1. Replicates per second of breast-her2-early over 20 simulated years.
const her2 = asPatient(loadScenarioFile('breast-her2-early'));
run(her2, { seed: 999 }); // warm-up
const REPLICATES = 20;
const [, her2Seconds] = time(() => {
  for (let i = 0; i < REPLICATES; i++) run(her2, { seed: i + 1 });
});

// 2. Cost per simulated year at a steady burden of 1e6 versus 1e12 cells.
function steadyBurden(cells: number): AnyScenario {
  return validateScenario(
    deepMerge(her2 as unknown as Record<string, unknown>, {
      name: `steady-${cells}`,
      time: { durationDays: 3650, observeEveryDays: 30 },
      primary: { initialCells: cells },
      body: { lethalBurdenCells: 1e14 },
      angiogenesis: { avascularCapacityCells: cells, switchHazard: 0 },
      growth: { driverMutationRate: 0 },
      invasion: { bloodRate: 0, lymphRate: 0 },
      // Nothing is shed, so no node station fills; a station's limit must clear the
      // avascular capacity raised above, so the stations go without one.
      sites: { sentinelNode: { maxCells: 0 }, regionalNode: { maxCells: 0 }, distantNode: { maxCells: 0 } },
      clinical: { symptomaticMm: 500, surgery: { enabled: false } },
    }),
    'bench',
  );
}
const years = 10;
const perYear = (cells: number) => {
  const s = asPatient(steadyBurden(cells));
  run(s, { seed: 1 });
  const [, seconds] = time(() => {
    for (let i = 0; i < 5; i++) run(s, { seed: i + 2 });
  });
  return seconds / 5 / years;
};
const small = perYear(1e6);
const large = perYear(1e12);

// 3. Engine time against the time to draw the same number of uniforms, over the same replicates.
let draws = 0;
const counting = (stream: Stream): Stream => {
  const f = (() => {
    draws++;
    return stream();
  }) as Stream;
  f.state = stream.state;
  return f;
};
for (let i = 0; i < REPLICATES; i++) runToEnd(createSimulation(her2, { seed: i + 1, wrapStream: counting }));
const raw = createStream(1, 0, 'bench');
let sink = 0;
const [, drawSeconds] = time(() => {
  for (let i = 0; i < draws; i++) sink += raw();
});

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
console.log('seedsoil engine benchmark (one run on this machine)');
console.log(`  breast-her2-early, 20 simulated years: ${(REPLICATES / her2Seconds).toFixed(1)} replicates/s`);
console.log(
  `  time per simulated year: ${(small * 1e3).toFixed(2)} ms at 1e6 cells, ${(large * 1e3).toFixed(2)} ms at 1e12 cells; ratio ${(large / small).toFixed(2)} (goal <= 2)`,
);
console.log(
  `  ${REPLICATES} replicates drew ${draws} uniforms: engine ${(her2Seconds * 1e3).toFixed(0)} ms vs ${(drawSeconds * 1e3).toFixed(1)} ms to draw them; ratio ${(her2Seconds / drawSeconds).toFixed(2)} (goal <= 3)`,
);
console.log(`  peak resident memory: ${mb(process.resourceUsage().maxRSS * 1024)}${sink < 0 ? '' : ''}`);
