/** A checkpoint taken at any step resumes to exactly the run that was never interrupted. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runFiles } from '../../src/engine/output.ts';
import { deepMerge } from '../../src/engine/scenario.ts';
import { checkpoint, createSimulation, fork, result, resume, runToEnd } from '../../src/engine/simulation.ts';
import { arbitraryScenario, capped, fastScenario, salvagedScenario, uniform } from '../support/scenarios.ts';

/**
 * The fast scenario with most dormant cells in organs going deep, and leaving it within the
 * run; every cell can colonise (only those go deep).
 */
const deepScenario = (overrides: Record<string, unknown>) =>
  fastScenario(
    deepMerge(overrides, {
      colonisation: {
        requireColonisationDriver: false,
        deepDormantShare: 0.7,
        deepDormancyExitHazard: 0.005,
      },
    }),
  );

describe('checkpoints', () => {
  it('resume bit-identically from any day', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        uniform(0, 1),
        capped((scenario, seed, cut) => {
          const whole = runFiles(result(runToEnd(createSimulation(scenario, { seed }))));
          const first = runToEnd(createSimulation(scenario, { seed }), cut * scenario.time.durationDays);
          const json = checkpoint(first);
          const resumed = resume(json);
          expect(checkpoint(resumed)).toBe(json);
          expect(runFiles(result(runToEnd(resumed)))).toEqual(whole);
        }),
      ),
      { numRuns: 20 },
    );
  });

  it('resumes from day 0 of an inoculation and from the middle of endocrine therapy', () => {
    const cases = [
      { scenario: fastScenario({ inoculation: { enabled: true, cells: 5000, vessel: 'portal' } }), cut: 0 },
      { scenario: fastScenario({ clinical: { endocrine: { enabled: true, durationDays: 400 } } }), cut: 560 },
      // A responder and a resistant patient under the law that kills: both are restored as they were.
      ...[0, 1].map((responseProbability) => ({
        scenario: fastScenario({
          clinical: { endocrine: { enabled: true, durationDays: 400, responseProbability, deathRate: 0.02 } },
        }),
        cut: 560,
      })),
      // Acquired resistance on the way (seed 12 escapes on day 595): the level drawn and the
      // hazard summed so far are restored.
      {
        seed: 12,
        scenario: fastScenario({
          clinical: {
            endocrine: { enabled: true, durationDays: 400, deathRate: 0.02, resistancePerDivision: 4e-6 },
          },
        }),
        cut: 560,
      },
      // Most dormant cells in organs deep, and the primary still shedding at the cut: cells
      // arrive in deep dormancy before and after it, so resuming must rebuild that store's
      // cohort index (new arrivals merge into its rows).
      { scenario: deepScenario({}), cut: 100, deep: true },
    ];
    for (const { scenario, cut, seed = 5, deep = false } of cases) {
      const whole = runFiles(result(runToEnd(createSimulation(scenario, { seed }))));
      const first = runToEnd(createSimulation(scenario, { seed }), cut);
      if (cut > 0 && !deep) expect(first.ctx.state.clinical.endocrineActive).toBe(true);
      if (deep) {
        expect(first.ctx.state.dormantDeep.size).toBeGreaterThan(0);
        expect(first.ctx.state.clinical.surgeryDay).toBe(-1);
      }
      if (scenario.clinical.endocrine.resistancePerDivision > 0) {
        const c = first.ctx.state.clinical;
        expect(c.endocrineEscapeHazard).toBeGreaterThan(0);
        expect(c.endocrineResistant).toBe(false);
        const escaped = runToEnd(createSimulation(scenario, { seed })).ctx.state.events.find(
          (e) => e.type === 'endocrine_escape',
        );
        expect(escaped?.day).toBeGreaterThan(cut);
      }
      expect(runFiles(result(runToEnd(resume(checkpoint(first)))))).toEqual(whole);
    }
  });

  it('resumes in the middle of a line of metastatic therapy, after salvage', () => {
    // Local recurrences salvaged, then a relapse in the lung and line 1: the line, its
    // factors, its escape level and hazard are restored.
    const scenario = salvagedScenario({ divisionFactor: 0.5, deathRate: 0.01, resistancePerDivision: 1e-9 });
    const whole = runToEnd(createSimulation(scenario, { seed: 1 }));
    const events = whole.ctx.state.events;
    const line = events.find((e) => e.type === 'metastatic_line');
    if (!line) throw new Error('no line of metastatic therapy to cut into');
    expect(events.some((e) => e.type === 'salvage' && e.day < line.day)).toBe(true);
    const first = runToEnd(createSimulation(scenario, { seed: 1 }), line.day + 5);
    expect(first.ctx.state.clinical.metastaticLine).toBeGreaterThan(0);
    expect(runFiles(result(runToEnd(resume(checkpoint(first)))))).toEqual(runFiles(result(whole)));
  });

  it('resumes cohort rows to the last digit of their founding means', () => {
    // A new colony row must not inherit the rounding of whatever its slot in the
    // spare store held the step before: a resumed run starts with an empty one.
    const scenario = fastScenario({
      time: { dt: 0.3, durationDays: 500 },
      growth: { passengerRate: 0.37 },
      invasion: { programme: 'early', earlyMaxFraction: 0.1 },
      colonisation: { requireColonisationDriver: false, colonyFraction: 0.3 },
    });
    const whole = runFiles(result(runToEnd(createSimulation(scenario, { seed: 1 }))));
    const first = runToEnd(createSimulation(scenario, { seed: 1 }), 400);
    expect(runFiles(result(runToEnd(resume(checkpoint(first)))))).toEqual(whole);
  });

  it('promotes a colony whose mutant daughter outlives its parent clone', () => {
    // At a high mutation rate some promoted colonies lose their parent clone in the
    // step's growth; the daughter, born at a division, stays (seed 1 reaches that).
    const sim = runToEnd(
      createSimulation(fastScenario({ growth: { driverMutationRate: 1e-4 } }), { seed: 1 }),
    );
    expect(sim.ctx.state.ended).toBe(true);
  });

  it('forks into the run another scenario makes, while the scenarios have not yet acted apart', () => {
    // Endocrine therapy from day 40 after surgery in one arm, none in the other: the
    // arms are one run up to the therapy's start.
    const arm = (enabled: boolean) =>
      fastScenario({
        clinical: { endocrine: { enabled, startDays: 40, divisionFactor: 0.3, deathRate: 0.02 } },
      });
    const [treated, untreated] = [arm(true), arm(false)];
    const files = (sim: Parameters<typeof result>[0]) => runFiles(result(runToEnd(sim)));
    let before = 0;
    let after = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const alone = files(createSimulation(untreated, { seed }));
      const shared = runToEnd(createSimulation(treated, { seed }));
      const surgery = shared.ctx.state.clinical.surgeryDay;
      if (surgery < 0 || shared.ctx.state.day < surgery + 60) continue;
      // Forked the day after surgery: the untreated arm's own run, to the last byte.
      const early = runToEnd(createSimulation(treated, { seed }), surgery + 1);
      expect(files(fork(early, untreated))).toEqual(alone);
      before++;
      // Forked after the therapy acted: another run (the fork does not undo the past).
      const late = runToEnd(createSimulation(treated, { seed }), surgery + 60);
      if (JSON.stringify(files(fork(late, untreated))) !== JSON.stringify(alone)) after++;
    }
    expect(before).toBeGreaterThan(2);
    expect(after).toBeGreaterThan(0);
  });

  it('refuses a checkpoint from another engine version', () => {
    const sim = createSimulation(arbitrarySample());
    const json = checkpoint(sim).replace(/"engineVersion":"[^"]*"/, '"engineVersion":"0.0.0-other"');
    expect(() => resume(json)).toThrow(/engine 0.0.0-other/);
  });
});

function arbitrarySample() {
  return fc.sample(arbitraryScenario, { numRuns: 1, seed: 1 })[0] as Parameters<typeof createSimulation>[0];
}
