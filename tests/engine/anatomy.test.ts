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

  it('satisfies the first-bed equations: lungs first from systemic veins, liver first from the portal vein', () => {
    const at = (entry: number, site: number) => a.bloodArrest[entry]?.[site] as number;
    const lung = s.sites.lung.trapping;
    const liver = s.sites.liver.trapping;
    // Lungs drain into the arteries, the liver into systemic veins (defaults).
    for (let site = 0; site < 13; site++) {
      const own = (x: number) => (site === x ? 1 : 0);
      expect(at(VENOUS, site)).toBeCloseTo(lung * own(LUNG) + (1 - lung) * at(ARTERIAL, site), 12);
      expect(at(PORTAL, site)).toBeCloseTo(liver * own(LIVER) + (1 - liver) * at(VENOUS, site), 12);
    }
    expect(at(VENOUS, LUNG)).toBeGreaterThan(0.8);
    expect(at(PORTAL, LIVER)).toBeGreaterThan(0.8);
  });

  it('lymph from the primary meets the sentinel node unless it skips it', () => {
    const p = a.lymphArrest[0] as Float64Array;
    expect(sum(p)).toBeCloseTo(1, 12);
    expect(p[0]).toBeCloseTo((1 - s.lymph.skipProbability) * s.sites.sentinelNode.trapping, 12);
  });
});
