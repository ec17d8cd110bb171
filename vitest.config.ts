import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that take ten seconds or more, longest first (measured on two cores).
 * Started first, they run beside the many short files instead of alone at the end.
 * The list only orders the run: a file missing from it still runs, after these.
 */
const SLOW_FIRST = [
  'tests/system/cohorts.test.ts',
  'tests/e2e/app.test.ts',
  'tests/cli/calibrate.test.ts',
  'tests/reproduce/reproduce.test.ts',
  'tests/system/invariants.test.ts',
  'tests/e2e/tissue.test.ts',
  'tests/batch/batch.test.ts',
  'tests/cli/compare.test.ts',
  'tests/cli/cli.test.ts',
  'tests/engine/phases/settling.test.ts',
  'tests/system/iwata.test.ts',
  'tests/system/checkpoint.test.ts',
  'tests/system/monotonicity.test.ts',
  'tests/batch/slurm.test.ts',
  'tests/cli/sensitivity.test.ts',
  'tests/system/dt.test.ts',
  'tests/batch/interrupt.test.ts',
];

/**
 * Vitest orders files by the durations it cached in node_modules; a clean clone
 * (CI) has none, and then it runs the largest files first, which put slow small
 * files (a few spawned batches) at the end of the run.
 */
class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(relative(this.ctx.config.root, f.moduleId).replaceAll('\\', '/'));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/support/fast-check-seed.ts'],
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on a two-core machine
    // that is one file at a time, leaving a core idle through every single-threaded
    // test. Most of the suite is such tests; the rest spawn commands that may
    // share the cores.
    maxWorkers: '100%',
    sequence: { sequencer: SlowFirst },
    testTimeout: 120_000,
  },
});
