/**
 * Halving the tissue step (and doubling the number of steps) must not change the
 * distributions of outcomes: the walk's probabilities, the field updates, the
 * doubling times and the time in the vasculature all scale with the step.
 * Two-sample Kolmogorov–Smirnov tests at a fixed 0.001 over 40 fixed seeds each.
 */
import { describe, expect, it } from 'vitest';
import { runTissue } from '../../../src/engine/tissue/simulation.ts';
import { ksTwoSample, mean } from '../../support/stats.ts';
import { smallTissue } from '../../support/tissue.ts';

const REPLICATES = 40;

function outcomes(stepSeconds: number, steps: number): Record<string, number[]> {
  const scenario = smallTissue({ tissue: { time: { stepSeconds, steps, observeEverySteps: steps } } });
  const out: Record<string, number[]> = { cells: [], frontM: [], frontE: [], intravasated: [], ecm: [] };
  for (let i = 0; i < REPLICATES; i++) {
    const r = runTissue(scenario, { replicate: i });
    out.cells?.push(r.summary.patches.reduce((a, p) => a + p.mesenchymal + p.epithelial, 0));
    out.frontM?.push(r.summary.frontMesenchymalUm);
    out.frontE?.push(r.summary.frontEpithelialUm);
    out.intravasated?.push(r.summary.funnel.intravasated ?? 0);
    out.ecm?.push(r.series.primary_ecm_remaining?.at(-1) ?? 1);
  }
  return out;
}

describe('tissue step length', () => {
  it('halving the step leaves the outcome distributions unchanged', () => {
    const coarse = outcomes(40, 600);
    const fine = outcomes(20, 1200);
    for (const key of Object.keys(coarse)) {
      const a = coarse[key] as number[];
      const b = fine[key] as number[];
      const { p } = ksTwoSample(a, b);
      expect({ key, p, coarse: mean(a), fine: mean(b) }).toMatchObject({ key });
      expect(p, `${key}: means ${mean(a)} vs ${mean(b)}`).toBeGreaterThan(0.001);
    }
    // The outcomes vary: a test of equal distributions over constants would prove nothing.
    expect(new Set(coarse.intravasated).size).toBeGreaterThan(5);
  });
});
