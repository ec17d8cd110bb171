/** Routes: every cell that enters blood or lymph stops somewhere, and first beds come first. */
import { describe, expect, it } from 'vitest';
import { ARTERIAL, buildAnatomy, LIVER, LUNG, PORTAL, VENOUS } from '../../src/engine/anatomy.ts';
import { defaultScenario } from '../../src/engine/scenario.ts';

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

describe('anatomy', () => {
  const s = defaultScenario();
  const a = buildAnatomy(s);

  it('blood arrest probabilities sum to 1 from every entry point', () => {
    for (const row of a.bloodArrest) expect(sum(row)).toBeCloseTo(1, 12);
  });

  it('systemic veins stop most cells in the lungs, the portal vein in the liver', () => {
    expect(a.bloodArrest[VENOUS]?.[LUNG]).toBeGreaterThanOrEqual(s.sites.lung.trapping);
    expect(a.bloodArrest[PORTAL]?.[LIVER]).toBeGreaterThanOrEqual(s.sites.liver.trapping);
    expect(a.bloodArrest[ARTERIAL]?.[LUNG]).toBeLessThan(a.bloodArrest[VENOUS]?.[LUNG] as number);
  });

  it('lymph from the primary meets the sentinel node unless it skips it', () => {
    const p = a.lymphArrest[0] as Float64Array;
    expect(sum(p)).toBeCloseTo(1, 12);
    expect(p[0]).toBeCloseTo((1 - s.lymph.skipProbability) * s.sites.sentinelNode.trapping, 12);
  });
});
