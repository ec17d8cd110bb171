/**
 * Paired-seed monotonicity: a stronger NK kill never raises the mean number of
 * disseminated cells (extravasated cells). For arbitrary scenarios and two kill
 * strengths, 40 paired seeds; the assertion allows the mean to rise by at most
 * three standard errors of the paired difference (one-sided, about 0.1%).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/engine/simulation.ts';
import { arbitraryScenario, capped, uniform } from '../support/scenarios.ts';
import { mean, standardError } from '../support/stats.ts';

describe('immune kill', () => {
  it('more NK kill never raises the mean number of DTCs', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        uniform(0, 2),
        uniform(1.5, 20),
        capped((scenario, weak, ratio) => {
          // A year is enough for the funnel to fill; the arbitrary scenarios' full 650 days cost twice that.
          const time = { ...scenario.time, durationDays: 365 };
          const at = (k: number, seed: number) =>
            run({ ...scenario, time, circulation: { ...scenario.circulation, nkKillFactor: k } }, { seed })
              .summary.funnel.extravasated as number;
          const diffs: number[] = [];
          for (let seed = 0; seed < 40; seed++) diffs.push(at(weak * ratio, seed) - at(weak, seed));
          const bound = 3 * standardError(diffs);
          expect(mean(diffs)).toBeLessThanOrEqual(Number.isNaN(bound) ? 0 : bound);
        }),
      ),
      { numRuns: 6 },
    );
  });
});
