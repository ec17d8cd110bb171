/**
 * Halving dt must not change outcome distributions beyond sampling noise. Each
 * outcome is compared by a two-sample Kolmogorov-Smirnov test over 150 fixed seeds
 * per arm; with four outcomes the level is 0.001 each (family-wise about 0.004).
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/engine/simulation.ts';
import { fastScenario } from '../support/scenarios.ts';
import { ksTwoSample } from '../support/stats.ts';

const REPLICATES = 150;
const LEVEL = 0.001;

function outcomes(dt: number, overrides: Record<string, unknown> = {}) {
  const scenario = fastScenario({ ...overrides, time: { dt, durationDays: 420, observeEveryDays: 60 } });
  const primaryAt300: number[] = [];
  const shed: number[] = [];
  const dormant: number[] = [];
  const founded: number[] = [];
  for (let seed = 0; seed < REPLICATES; seed++) {
    const r = run(scenario, { seed: 10_000 + seed });
    const day = r.series.day as number[];
    primaryAt300.push((r.series.primary_cells as number[])[day.indexOf(300)] as number);
    shed.push(r.summary.funnel.shed as number);
    dormant.push(r.summary.funnel.dormant as number);
    founded.push(r.summary.colonies.founded);
  }
  return { primaryAt300, shed, dormant, founded };
}

describe('time step', () => {
  it('halving dt leaves outcome distributions unchanged', () => {
    const coarse = outcomes(1);
    const fine = outcomes(0.5);
    for (const key of Object.keys(coarse) as (keyof typeof coarse)[]) {
      const { d, p } = ksTwoSample(coarse[key], fine[key]);
      expect({ key, d, p: p > LEVEL }).toEqual({ key, d, p: true });
    }
  });

  it('halving dt leaves them unchanged at high turnover too, where dt = 1 needs growth substeps', () => {
    const overrides = { growth: { turnover: 0.5, lambda: 3e-3, driverMutationRate: 1e-6 } };
    const coarse = outcomes(1, overrides);
    const fine = outcomes(0.5, overrides);
    for (const key of Object.keys(coarse) as (keyof typeof coarse)[]) {
      const { d, p } = ksTwoSample(coarse[key], fine[key]);
      expect({ key, d, p: p > LEVEL }).toEqual({ key, d, p: true });
    }
  });
});
