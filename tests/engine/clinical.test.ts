/**
 * Laws of the clinical layer (src/engine/clinical.ts): what detection and each
 * therapy may touch, and what they may not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clinical } from '../../src/engine/clinical.ts';
import { funnelTotals } from '../../src/engine/observe.ts';
import { deepMerge } from '../../src/engine/scenario.ts';
import { type Scenario, SITES } from '../../src/engine/schema.ts';
import { createSimulation, runToEnd, type Simulation, step } from '../../src/engine/simulation.ts';
import { diameterMm, PRIMARY_SITE, tumourCells } from '../../src/engine/state.ts';
import { cellsBySite, forModes, type Mode, SENTINEL, seed, siteIndex, sum } from '../support/phases.ts';
import { arbitraryScenario, fastScenario } from '../support/scenarios.ts';

describe('clinical layer', () => {
  /** A run of the fast scenario to day 400 without surgery, so that colonies and dormant cells exist. */
  function established(mode: Mode, s: number, overrides: Record<string, unknown>): Simulation {
    const scenario = fastScenario(
      deepMerge(
        {
          time: { durationDays: 2000 },
          clinical: {
            surgery: { enabled: false },
            chemotherapy: { enabled: false },
            radiotherapy: { enabled: false },
            endocrine: { enabled: false },
          },
          representation: { mode },
        },
        overrides,
      ),
    );
    return runToEnd(createSimulation(scenario, { seed: s }), 400);
  }

  forModes('chemotherapy never kills a dormant cell (and a full kill empties every colony)', (mode) => {
    for (let s = 0; s < 3; s++) {
      const sim = established(mode, 120 + s, {
        clinical: { chemotherapy: { enabled: true, cycles: 1, startDays: 0, killFraction: 1 } },
      });
      const state = sim.ctx.state;
      const before = cellsBySite(state);
      expect(sum(before.dormant)).toBeGreaterThan(0);
      expect(sum(before.colonies)).toBeGreaterThan(0);
      state.clinical.surgeryDay = state.day;
      clinical(sim.ctx);
      expect(state.clinical.chemoCyclesGiven).toBe(1);
      const after = cellsBySite(state);
      expect(after.dormant).toEqual(before.dormant);
      expect(sum(after.colonies)).toBe(0);
    }
  });

  forModes('radiotherapy never touches cells outside its field', (mode) => {
    let nodeCells = 0;
    for (const includesRegionalNodes of [false, true])
      for (let s = 0; s < 2; s++) {
        const sim = established(mode, 130 + s, {
          clinical: {
            radiotherapy: { enabled: true, startDays: 0, survivingFraction: 0, includesRegionalNodes },
          },
        });
        const state = sim.ctx.state;
        const before = cellsBySite(state);
        state.clinical.surgeryDay = state.day;
        clinical(sim.ctx);
        expect(state.clinical.radiotherapyDone).toBe(true);
        const after = cellsBySite(state);
        const field = includesRegionalNodes
          ? [PRIMARY_SITE, SENTINEL, siteIndex('regionalNode')]
          : [PRIMARY_SITE];
        SITES.forEach((_, k) => {
          if (field.includes(k)) {
            expect(after.colonies[k]).toBe(0);
            expect(after.dormant[k]).toBe(0);
          } else {
            expect(after.colonies[k]).toBe(before.colonies[k]);
            expect(after.dormant[k]).toBe(before.dormant[k]);
          }
        });
        nodeCells += (before.dormant[SENTINEL] ?? 0) + (before.colonies[SENTINEL] ?? 0);
      }
    expect(nodeCells).toBeGreaterThan(0);
  });

  forModes('no dormant cell wakes while endocrine therapy with wakeFactor 0 is in force', (mode) => {
    const woken = (wakeFactor: number) => {
      const scenario = fastScenario({
        time: { durationDays: 900 },
        colonisation: { wakeHazard: 0.02 },
        clinical: {
          chemotherapy: { enabled: false },
          endocrine: { enabled: true, startDays: 0, durationDays: 300, divisionFactor: 1, wakeFactor },
        },
        representation: { mode },
      });
      let during = 0;
      for (let s = 0; s < 2; s++) {
        const sim = createSimulation(scenario, { seed: 140 + s });
        const state = sim.ctx.state;
        const woke = () => funnelTotals(state.funnel).dormantWoke as number;
        while (!state.ended) {
          const active = state.clinical.endocrineActive;
          const before = active ? woke() : 0;
          step(sim);
          if (active) during += woke() - before;
        }
        expect(state.clinical.surgeryDay).toBeGreaterThanOrEqual(0);
      }
      return during;
    };
    expect(woken(0)).toBe(0);
    expect(woken(1)).toBeGreaterThan(0);
  });

  it('the primary is never found before it reaches the detection size, and is found the step it does', () => {
    fc.assert(
      fc.property(arbitraryScenario, seed, fc.boolean(), (scenario, s, screening) => {
        const sc: Scenario = {
          ...scenario,
          clinical: {
            ...scenario.clinical,
            screening: {
              ...scenario.clinical.screening,
              enabled: screening,
              intervalDays: 50,
              thresholdMm: 3,
            },
          },
        };
        const sim = createSimulation(sc, { seed: s });
        const state = sim.ctx.state;
        const rho = sc.body.cellsPerMm3;
        while (!state.ended && state.clinical.detectedDay < 0) {
          step(sim);
          const primary = state.tumours[0];
          if (!primary || primary.founding) break;
          const d = diameterMm(tumourCells(primary), rho);
          if (state.clinical.detectedDay < 0) expect(d).toBeLessThan(sc.clinical.symptomaticMm);
          else if (state.clinical.detectionMode === 'symptoms')
            expect(d).toBeGreaterThanOrEqual(sc.clinical.symptomaticMm);
          else expect(d).toBeGreaterThanOrEqual(sc.clinical.screening.thresholdMm);
        }
      }),
      { numRuns: 15 },
    );
  });
});
