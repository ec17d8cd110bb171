/** Invariants of the model, checked over arbitrary valid scenarios and seeds (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runFiles } from '../../src/engine/output.ts';
import {
  createSimulation,
  RecordCapError,
  result,
  run,
  runToEnd,
  step,
} from '../../src/engine/simulation.ts';
import { tumourCells } from '../../src/engine/state.ts';
import { arbitraryScenario, capped, fastScenario } from '../support/scenarios.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('funnel conservation', () => {
  it('accounts for every shed cell exactly once', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        seed,
        capped((scenario, s) => {
          const sim = runToEnd(createSimulation(scenario, { seed: s }));
          const f = result(sim).summary.funnel as Record<string, number>;
          // Extravasated cells still settling (colonisation.settlingDays) have no fate yet.
          const settling = result(sim).summary.settlingCells;
          const fated =
            (f.diedAfterExtravasation ?? 0) + (f.dormant ?? 0) + (f.founded ?? 0) + (f.settlingRemoved ?? 0);
          expect((f.killed ?? 0) + (f.extravasationFailed ?? 0) + fated + settling).toBe(f.shed);
          expect((f.extravasationFailed ?? 0) + (f.extravasated ?? 0)).toBe(f.arrested);
          expect(fated + settling).toBe(f.extravasated);
          // Dormant cells still present = entered dormancy - died - woke - removed.
          const { dormantAble: a, dormantUnable: b, dormantDeep: d, colonies } = sim.ctx.state;
          let present = 0;
          for (const st of [a, b, d])
            for (let i = 0; i < st.size; i++) present += (st.cells[i] as number) * (st.count[i] as number);
          expect(
            (f.dormant ?? 0) - (f.dormantDied ?? 0) - (f.dormantWoke ?? 0) - (f.dormantRemoved ?? 0),
          ).toBe(present);
          // Every colony founded is alive (a record or a cohort member), extinct or removed.
          const st = sim.ctx.state;
          let alive = st.tumours.filter((t) => t.founding).length;
          for (let i = 0; i < colonies.size; i++) alive += colonies.count[i] as number;
          expect(alive + st.coloniesExtinct + st.coloniesRemoved).toBe(st.coloniesFounded);
          expect(result(sim).summary.colonies.alive).toBe(alive);
        }),
      ),
      { numRuns: 40 },
    );
  });
});

/** The first count in the state that is negative, fractional or not finite, if any. */
function badCount(sim: ReturnType<typeof createSimulation>): string | undefined {
  const st = sim.ctx.state;
  const isCount = (v: number) => Number.isInteger(v) && v >= 0;
  for (const t of st.tumours) {
    if (!(t.capacity > 0)) return `capacity ${t.capacity} of tumour ${t.id}`;
    for (const c of t.clones) {
      if (!isCount(c.cells)) return `cells ${c.cells} in tumour ${t.id}`;
      if (!(c.passengers >= 0 && Number.isFinite(c.passengers))) return `passengers ${c.passengers}`;
    }
  }
  const exact = sim.ctx.scenario.representation.exactColonyCells;
  for (let i = 0; i < st.colonies.size; i++) {
    const n = st.colonies.cells[i] as number;
    if (!isCount(st.colonies.count[i] as number)) return `count ${st.colonies.count[i]} of colony row ${i}`;
    if (n <= exact + 0.5 ? !Number.isInteger(n) || n < 1 : !Number.isFinite(n))
      return `cells ${n} in colony row ${i}`;
  }
  for (const store of [st.dormantAble, st.dormantUnable, st.dormantDeep, st.settling])
    for (let i = 0; i < store.size; i++)
      if (!isCount(store.count[i] as number) || store.count[i] === 0)
        return `count ${store.count[i]} of ${store === st.settling ? 'settling' : 'dormant'} row ${i}`;
  if (!isCount(st.ctcInBlood)) return `ctcInBlood ${st.ctcInBlood}`;
  for (const v of st.funnel) if (!isCount(v)) return `funnel entry ${v}`;
  return undefined;
}

describe('counts', () => {
  it('are never negative and always integers, at every step', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        seed,
        capped((scenario, s) => {
          const sim = createSimulation(scenario, { seed: s });
          let bad: string | undefined;
          while (!sim.ctx.state.ended && !bad) {
            step(sim);
            bad = badCount(sim);
          }
          expect(bad).toBeUndefined();
          // Every column is a count or a size, except the early-derived shares: undefined
          // (NaN) while no colony (macrometastasis) is alive, in [0, 1] otherwise.
          for (const [name, col] of Object.entries(sim.series))
            for (const v of col)
              if (name.startsWith('early_share')) expect(Number.isNaN(v) || (v >= 0 && v <= 1)).toBe(true);
              else expect(v >= 0 && Number.isFinite(v)).toBe(true);
        }),
      ),
      { numRuns: 25 },
    );
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same scenario and seed', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        seed,
        capped((scenario, s) => {
          expect(runFiles(run(scenario, { seed: s }))).toEqual(runFiles(run(scenario, { seed: s })));
        }),
      ),
      { numRuns: 15 },
    );
  });

  it('gives different runs for different seeds', () => {
    const scenario = fastScenario();
    expect(runFiles(run(scenario, { seed: 1 }))['timeseries.csv']).not.toEqual(
      runFiles(run(scenario, { seed: 2 }))['timeseries.csv'],
    );
  });
});

describe('no shedding', () => {
  it('never makes a metastasis or a disseminated cell', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        seed,
        capped((scenario, s) => {
          const quiet = {
            ...scenario,
            invasion: { ...scenario.invasion, bloodRate: 0, lymphRate: 0 },
            inoculation: { ...scenario.inoculation, enabled: false },
          };
          const r = run(quiet, { seed: s });
          expect(r.summary.funnel.shed).toBe(0);
          expect(r.summary.colonies.founded).toBe(0);
          expect(r.metastases).toHaveLength(0);
          expect(r.summary.dormantCells).toBe(0);
        }),
      ),
      { numRuns: 20 },
    );
  });
});

describe('clinical layer', () => {
  it('is reached by the arbitrary scenarios (so the properties above cover it)', () => {
    const samples = fc.sample(fc.tuple(arbitraryScenario, seed), { numRuns: 12, seed: 5 });
    // A sample over the record cap ends without its events, as the properties discard it.
    const events = new Set(
      samples.flatMap(([scenario, s]) => {
        try {
          return run(scenario, { seed: s }).events.map((e) => e.type);
        } catch (e) {
          if (e instanceof RecordCapError) return [];
          throw e;
        }
      }),
    );
    for (const type of [
      'detection',
      'surgery',
      'node_status',
      'chemotherapy_cycle',
      'endocrine_start',
      'radiotherapy',
    ])
      expect(events).toContain(type);
  });

  it('does not call a metastasis visible at diagnosis a recurrence', () => {
    const scenario = fastScenario({ clinical: { metastasisDetectionMm: 0.01 } });
    for (let s = 1; s <= 10; s++) {
      const r = run(scenario, { seed: s });
      if (r.summary.metastaticAtDiagnosis) expect(r.summary.recurrence.day).not.toBe(r.summary.surgeryDay);
    }
  });

  it('labels cells shed by what surgery left behind as late', () => {
    const scenario = fastScenario({
      clinical: { surgery: { residualFraction: 0.01 }, chemotherapy: { enabled: false } },
      time: { durationDays: 900 },
    });
    for (let s = 1; s <= 5; s++) {
      const sim = runToEnd(createSimulation(scenario, { seed: s }));
      for (const t of sim.ctx.state.tumours)
        if (
          t.founding &&
          t.founding.disseminationDay > sim.ctx.state.clinical.surgeryDay &&
          t.founding.origin === 0
        )
          expect(t.founding.timing).toBe(1);
    }
  });
});

describe('growth', () => {
  it('keeps the primary at its avascular capacity until the switch', () => {
    const scenario = fastScenario({
      angiogenesis: { switchHazard: 0 },
      growth: { driverMutationRate: 0 },
      invasion: { bloodRate: 0, lymphRate: 0 },
      time: { durationDays: 1500 },
    });
    const sim = runToEnd(createSimulation(scenario, { seed: 3 }));
    const primary = sim.ctx.state.tumours[0];
    expect(primary?.vascular).toBe(false);
    expect(tumourCells(primary as never)).toBeLessThan(1.2 * scenario.angiogenesis.avascularCapacityCells);
  });
});
