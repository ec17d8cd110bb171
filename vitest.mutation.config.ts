/**
 * The tests StrykerJS runs against each mutant (`npm run mutation`): the laws of
 * the phases (tests/engine/phases) with the rest of the engine's module tests and
 * the samplers, and the golden traces. Left out: the whole-run properties of
 * tests/system (invariants over arbitrary scenarios, checkpoints: 35 s per run, so
 * a surviving mutant would cost that much and the phases' 700 mutants most of a
 * day on two cores) and its long statistical comparisons; the tissue scale, which
 * no mutated file belongs to; and the browser, CLI, batch and analysis tests,
 * which do not exercise the phases. The score is therefore a lower bound of what
 * the whole suite kills.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/engine/**/*.test.ts', 'tests/system/golden.test.ts'],
    exclude: ['tests/engine/tissue/**', 'tests/engine/schema/tissue.test.ts'],
    testTimeout: 120_000,
  },
});
