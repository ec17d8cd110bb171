/** Small, fast scenarios for property tests, built from the schema so every field is valid. */
import fc from 'fast-check';
import { asPatient, deepMerge, ScenarioError, validateScenario } from '../../src/engine/scenario.ts';
import type { Scenario } from '../../src/engine/schema.ts';
import { RecordCapError } from '../../src/engine/simulation.ts';

/** A fast scenario in which every phase happens within a couple of simulated years. */
export function fastScenario(overrides: Record<string, unknown> = {}): Scenario {
  const base = {
    name: 'test-fast',
    time: { dt: 1, durationDays: 600, observeEveryDays: 50 },
    primary: { initialCells: 200_000 },
    growth: { lambda: 3e-3, turnover: 0.2, driverMutationRate: 1e-6 },
    angiogenesis: { switchHazard: 0.05, metastasisSwitchHazard: 0.02 },
    invasion: {
      programme: 'mixed',
      earlyMaxFraction: 0.05,
      lateInvasiveFraction: 0.05,
      bloodRate: 0.02,
      lymphRate: 0.01,
    },
    circulation: { survivalSingle: 0.01, survivalCluster: 0.2 },
    colonisation: { progressionHazard: 0.01, wakeHazard: 0.01, dormantDeathHazard: 0.005 },
    clinical: { symptomaticMm: 8, surgery: { delayDays: 10 }, chemotherapy: { enabled: true, cycles: 2 } },
  };
  return asPatient(validateScenario(deepMerge(base, overrides), 'test'));
}

/**
 * Wide surgical margins, little blood shedding and salvage on: local recurrences,
 * excised again and again, before the disease relapses in the lung and metastatic
 * therapy (with these settings) begins.
 */
export function salvagedScenario(metastaticTherapy: Record<string, unknown>): Scenario {
  return fastScenario({
    time: { durationDays: 2000 },
    invasion: { bloodRate: 0.004 },
    clinical: {
      surgery: { residualFraction: 1e-3 },
      salvage: { enabled: true },
      metastaticTherapy: { enabled: true, ...metastaticTherapy },
    },
  });
}

/**
 * A number spread evenly over [min, max]. fc.double draws evenly over the doubles
 * themselves, so nearly all its values in [0, 1] are tiny (median about 1e-165);
 * rates and probabilities want this instead.
 */
export const uniform = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: 1_000_000 }).map((k) => min + ((max - min) * k) / 1_000_000);

/** A rate spread evenly over the decades from min to max, or now and then exactly 0. */
export const rate = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: fc.constant(0), weight: 1 },
    { arbitrary: uniform(Math.log(min), Math.log(max)).map(Math.exp), weight: 5 },
  );

/**
 * The record cap of arbitrary scenarios. Metastases seed metastases, so a few
 * corners of the space (high shedding and survival, fast angiogenesis, no surgery
 * in time) found 10^5 vascular metastases in 650 days, each a record, and one run
 * took minutes to hours; run time grows with the records. Capped, such a run stops
 * within seconds with a RecordCapError, and `capped` discards it.
 */
export const PROPERTY_MAX_RECORDS = 10_000;

/**
 * A property body that discards (fc.pre) the cases whose replicate exceeds the
 * record cap instead of failing on them: the properties hold for the runs the
 * engine finishes; the cap itself is tested in tests/batch/cap.test.ts.
 */
export function capped<A extends unknown[], R>(body: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try {
      return body(...args);
    } catch (e) {
      if (e instanceof RecordCapError) fc.pre(false);
      throw e;
    }
  };
}

/** Arbitrary valid scenarios: the fast scenario with rates, probabilities and switches varied. */
export const arbitraryScenario: fc.Arbitrary<Scenario> = fc
  .record({
    dt: fc.constantFrom(0.5, 1, 2),
    programme: fc.constantFrom('early', 'late', 'mixed'),
    bloodRate: rate(1e-7, 0.05),
    lymphRate: rate(1e-7, 0.05),
    clusterFraction: uniform(0, 0.5),
    survivalSingle: rate(1e-4, 0.05),
    colonyFraction: uniform(0, 0.5),
    requireColonisationDriver: fc.boolean(),
    settlingDays: rate(0.05, 60),
    deepDormantShare: fc.oneof(fc.constant(0), uniform(0, 1)),
    deepDormancyExitHazard: rate(1e-3, 0.05),
    skip: uniform(0, 1),
    drainage: fc.constantFrom('systemic', 'portal'),
    chemo: fc.boolean(),
    radiotherapy: fc.boolean(),
    endocrine: fc.boolean(),
    inoculate: fc.boolean(),
    representation: fc.constantFrom('cohorts', 'individual'),
    lambdaSpread: uniform(0, 0.3),
    shedSpread: uniform(0, 1),
    resistancePerDivision: fc.constantFrom(0, 1e-9, 1e-6),
    symptomaticSpread: uniform(0, 0.8),
    participation: uniform(0, 1),
  })
  .map((a) =>
    fastScenario({
      time: { dt: a.dt, durationDays: 650 },
      primary: { drainage: a.drainage },
      invasion: {
        programme: a.programme,
        bloodRate: a.bloodRate,
        lymphRate: a.lymphRate,
        clusterFraction: a.clusterFraction,
        shedSpread: a.shedSpread,
      },
      circulation: { survivalSingle: a.survivalSingle },
      lymph: { skipProbability: a.skip },
      colonisation: {
        colonyFraction: a.colonyFraction,
        requireColonisationDriver: a.requireColonisationDriver,
        settlingDays: a.settlingDays,
        deepDormantShare: a.deepDormantShare,
        deepDormancyExitHazard: a.deepDormancyExitHazard,
      },
      inoculation: { enabled: a.inoculate, cells: 2000, vessel: 'portal' },
      representation: { mode: a.representation, maxRecords: PROPERTY_MAX_RECORDS },
      growth: { lambdaSpread: a.lambdaSpread },
      clinical: {
        symptomaticSpread: a.symptomaticSpread,
        screening: { participation: a.participation },
        chemotherapy: { enabled: a.chemo },
        radiotherapy: { enabled: a.radiotherapy },
        endocrine: { enabled: a.endocrine, resistancePerDivision: a.resistancePerDivision },
      },
    }),
  );

/** The field-level messages of a scenario or plan that `load` must refuse. */
export function refusal(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected the input to be refused');
}
