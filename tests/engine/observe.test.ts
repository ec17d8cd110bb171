/** Observation (observe.ts): the time series' early-derived shares are undefined, not 0, with nothing to share. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulation, runToEnd } from '../../src/engine/simulation.ts';
import { arbitraryScenario, capped } from '../support/scenarios.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('early-derived share', () => {
  it('is NaN exactly when no colony (no macrometastasis) is alive, a share in [0, 1] otherwise', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        seed,
        capped((scenario, s) => {
          const series = runToEnd(createSimulation(scenario, { seed: s })).series;
          const col = (name: string) => series[name] as number[];
          const macro = col('day').map((_, i) =>
            Object.keys(series)
              .filter((k) => k.startsWith('mets_macro_'))
              .reduce((n, k) => n + (col(k)[i] as number), 0),
          );
          const check = (share: number[], alive: number[]) =>
            share.forEach((v, i) => {
              if (alive[i] === 0) expect(v).toBeNaN();
              else expect(v >= 0 && v <= 1).toBe(true);
            });
          check(col('early_share'), col('colonies'));
          check(col('early_share_macro'), macro);
        }),
      ),
      { numRuns: 20 },
    );
  });
});
