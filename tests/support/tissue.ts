/** Tissue scenarios for tests: a small active one, and arbitrary valid ones (fast-check). */
import fc from 'fast-check';
import { asTissue, deepMerge, validateScenario } from '../../src/engine/scenario.ts';
import type { TissueScenario } from '../../src/engine/schema.ts';

/** A tissue scenario validated by the schema (a patient-scale one is refused). */
export function validateTissue(raw: unknown, file: string): TissueScenario {
  return asTissue(validateScenario(raw, file));
}

/** A small tissue scenario in which cells divide, reach vessels and arrive within a few hundred steps. */
export function smallTissue(overrides: Record<string, unknown> = {}): TissueScenario {
  const base = {
    name: 'test-tissue',
    scale: 'tissue',
    tissue: {
      lattice: { side: 31 },
      time: { steps: 600, observeEverySteps: 50 },
      initial: { cells: 60, discPoints: 20 },
      motility: { diffusionMesenchymal: 1e-9, diffusionEpithelial: 5e-10, haptotaxisMesenchymal: 2e-9 },
      proliferation: { doublingHoursEpithelial: 1, doublingHoursMesenchymal: 1.5 },
      vessels: { normal: 3, ruptured: 5, clearPoints: 30, secondary: 4 },
      vasculature: { hours: 0.5, survivalSingle: 0.3, survivalCluster: 0.8 },
    },
  };
  return validateTissue(deepMerge(base, overrides), 'test');
}

/** A number in [min, max] on a grid of 100 steps: fc.double dwells on the ends, and the interior matters here. */
function between(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 100 }).map((k) => min + ((max - min) * k) / 100);
}

export const arbitraryTissue: fc.Arbitrary<TissueScenario> = fc
  .record({
    side: fc.integer({ min: 11, max: 31 }),
    capacity: fc.integer({ min: 1, max: 6 }),
    discPoints: fc.integer({ min: 1, max: 40 }),
    fill: between(0.2, 1),
    mesenchymalFraction: between(0, 1),
    normal: fc.integer({ min: 0, max: 12 }),
    ruptured: fc.integer({ min: 1, max: 12 }),
    clearPoints: fc.integer({ min: 0, max: 20 }),
    secondary: fc.integer({ min: 1, max: 5 }),
    patches: fc.constantFrom(0, 1, 2, 2, 3),
    diffusion: between(5e-10, 2e-9),
    haptotaxis: between(0, 4e-9),
    doubling: between(0.2, 5),
    disaggregation: between(0, 1),
    survival: between(0, 1).map((u) => Math.sqrt(u)),
    steps: fc.integer({ min: 200, max: 800 }),
  })
  .map((a) => {
    const disc = Math.min(a.discPoints, a.side * a.side);
    const shares = Array.from({ length: a.patches }, () => 1 / a.patches);
    if (a.patches > 0) shares[a.patches - 1] = 1 - shares.slice(0, -1).reduce((x, y) => x + y, 0);
    return validateTissue(
      {
        scale: 'tissue',
        tissue: {
          lattice: { side: a.side, capacity: a.capacity },
          time: { steps: a.steps, observeEverySteps: 25 },
          initial: {
            cells: Math.floor(a.fill * disc * a.capacity),
            discPoints: disc,
            mesenchymalFraction: a.mesenchymalFraction,
          },
          motility: {
            diffusionMesenchymal: a.diffusion,
            diffusionEpithelial: a.diffusion / 2,
            haptotaxisMesenchymal: a.haptotaxis,
            haptotaxisEpithelial: a.haptotaxis,
          },
          proliferation: { doublingHoursEpithelial: a.doubling, doublingHoursMesenchymal: 1.5 * a.doubling },
          vessels: {
            normal: a.normal,
            ruptured: a.ruptured,
            clearPoints: Math.min(a.clearPoints, Math.max(0, (a.side - 4) ** 2 - a.normal - a.ruptured)),
            secondary: a.secondary,
          },
          vasculature: {
            hours: 0.2,
            disaggregation: a.disaggregation,
            survivalSingle: a.survival,
            survivalCluster: Math.sqrt(a.survival),
            arrivalShares: shares,
          },
        },
      },
      'arbitrary',
    );
  });

/**
 * Arbitrary tissue scenarios whose step lies close to the three stability bounds
 * the schema checks (MMP-2 scheme, ECM factor, chance to stay): each bound's
 * left-hand side is drawn between half of it and just under it.
 */
export const tissueAtBounds: fc.Arbitrary<TissueScenario> = fc
  .tuple(
    arbitraryTissue,
    fc.record({
      stepSeconds: between(10, 200),
      decay: between(1e-6, 1e-3),
      mmpFraction: between(0.5, 0.999),
      mMax: between(0.5, 10),
      ecmFraction: between(0.5, 0.999),
      ecmSplit: between(0, 1),
      moveFraction: between(0.3, 0.999),
      moveSplit: between(0, 1),
    }),
  )
  .map(([s, b]) => {
    const h2 = 1e-6; // (10 µm)^2 in cm^2
    const dt = b.stepSeconds;
    const q = s.tissue.lattice.capacity;
    const decay = Math.min(b.decay, 0.2 / dt);
    const production = (b.mMax * decay) / q;
    const move = (b.moveFraction * h2) / (4 * dt);
    return validateTissue(
      deepMerge(s as unknown as Record<string, unknown>, {
        tissue: {
          lattice: { spacingUm: 10 },
          time: { stepSeconds: dt },
          motility: {
            diffusionMesenchymal: b.moveSplit * move,
            haptotaxisMesenchymal: 4 * (1 - b.moveSplit) * move,
            diffusionEpithelial: (b.moveSplit * move) / 2,
            haptotaxisEpithelial: 2 * (1 - b.moveSplit) * move,
          },
          proliferation: {
            doublingHoursEpithelial: Math.max(s.tissue.proliferation.doublingHoursEpithelial, dt / 3600),
            doublingHoursMesenchymal: Math.max(s.tissue.proliferation.doublingHoursMesenchymal, dt / 3600),
          },
          fields: {
            mmp2Decay: decay,
            mmp2Production: production,
            mmp2Diffusion: ((b.mmpFraction - dt * decay) * h2) / (4 * dt),
            ecmDegradationByMT1MMP: (b.ecmSplit * b.ecmFraction) / (dt * q),
            ecmDegradationByMMP2: ((1 - b.ecmSplit) * b.ecmFraction) / (dt * b.mMax),
          },
          vasculature: { hours: Math.max(0.2, dt / 3600) },
        },
      }),
      'at-bounds',
    );
  });
