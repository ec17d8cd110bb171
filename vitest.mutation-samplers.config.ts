/**
 * The tests StrykerJS runs against the samplers' mutants (`npm run mutation:samplers`):
 * the sampler tests against exact distributions. The samplers are called on every
 * draw, so instrumenting them slows the whole-run tests too much to include them.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/engine/samplers.test.ts'],
    testTimeout: 120_000,
  },
});
