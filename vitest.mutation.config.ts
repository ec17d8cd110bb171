/**
 * The tests StrykerJS runs against each mutant (`npm run mutation`): the laws of
 * the phases (tests/engine/phases) with the rest of the engine's module tests and
 * the samplers, and the system-level invariants, golden traces and checkpoints.
 * Left out: the long statistical comparisons (cohorts against the reference,
 * Iwata's limit, halving dt, NK monotonicity), which take minutes per run and
 * would bound how many mutants fit in an hour; the tissue scale, which no mutated
 * file belongs to; and the browser, CLI, batch and analysis tests, which do not
 * exercise the phases.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/engine/**/*.test.ts',
      'tests/system/invariants.test.ts',
      'tests/system/golden.test.ts',
      'tests/system/checkpoint.test.ts',
    ],
    exclude: ['tests/engine/tissue/**', 'tests/engine/schema/tissue.test.ts'],
    testTimeout: 120_000,
  },
});
