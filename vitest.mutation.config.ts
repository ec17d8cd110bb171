/**
 * The tests StrykerJS runs against each mutant (`npm run mutation`): the engine's
 * laws, invariants, golden traces and checkpoints, and the samplers. Left out: the
 * long statistical comparisons (cohorts against the reference, Iwata's limit,
 * halving dt, NK monotonicity), which take minutes per run and would bound how
 * many mutants fit in an hour, and the browser, CLI, batch and analysis tests,
 * which do not exercise the phases.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/engine/**/*.test.ts', 'tests/samplers.test.ts'],
    exclude: [
      'tests/engine/cohorts.test.ts',
      'tests/engine/iwata.test.ts',
      'tests/engine/dt.test.ts',
      'tests/engine/monotonicity.test.ts',
    ],
    testTimeout: 120_000,
  },
});
