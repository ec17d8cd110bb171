/**
 * Settling (phase 8, docs/model.md): an extravasated unit stays a solitary settling
 * cell until it divides, goes dormant or dies, with the competing hazards
 * colonyFraction / T, dormantFraction / T and the rest / T (T = settlingDays).
 *
 * The law, checked against its exact distribution: of N units settling at time 0,
 * the numbers still settling, founded, dormant and dead at t are Multinomial(N;
 * e^{-t/T}, c(1 - e^{-t/T}), d(1 - e^{-t/T}), (1 - c - d)(1 - e^{-t/T})), whatever
 * dt. Per configuration 300 replicates with fixed seeds; the number still settling
 * per replicate is compared with Binomial(N, e^{-t/T}) and the pooled four counts
 * with the multinomial by chi-square goodness of fit (neighbouring counts pooled
 * until every expected count is at least 5), each at level 0.001, and the samples
 * at dt and dt/2 with each other (chi-square homogeneity). About 40 tests at 0.001:
 * under the law the chance that any fails is below 0.04; the seeds are fixed, so
 * the outcome is deterministic. SEEDSOIL_SETTLING_REPORT=1 prints every fit.
 *
 * settlingDays 0 must be the draw at arrival of the engine before settling existed,
 * draw for draw: `frozenColonise` below is that code, kept as the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dormantKey } from '../../../src/engine/cohorts.ts';
import { type Context, countFunnel } from '../../../src/engine/context.ts';
import { multinomial } from '../../../src/engine/multinomial.ts';
import { funnelTotals } from '../../../src/engine/observe.ts';
import { runFiles } from '../../../src/engine/output.ts';
import { foundColonies } from '../../../src/engine/phases/angiogenesisAtNewSite.ts';
import type { Arrival } from '../../../src/engine/phases/arrest.ts';
import { colonise, settle } from '../../../src/engine/phases/colonisation.ts';
import { SITES } from '../../../src/engine/schema.ts';
import {
  checkpoint,
  createSimulation,
  result,
  resume,
  run,
  runToEnd,
  step,
} from '../../../src/engine/simulation.ts';
import {
  addDtc,
  COLONISATION,
  type DtcStore,
  mergeDtc,
  ROUTE_LYMPH,
  type State,
} from '../../../src/engine/state.ts';
import { contextOf, founding, funnelCount, MODES, type Mode, seed } from '../../support/phases.ts';
import { arbitraryScenario, capped, fastScenario, uniform } from '../../support/scenarios.ts';
import { chiSquareHomogeneity, chiSquareSurvival } from '../../support/stats.ts';

const LEVEL = 0.001;
const REPLICATES = 300;
const LIVER = SITES.indexOf('liver');

const units = (store: DtcStore) => {
  let n = 0;
  for (let i = 0; i < store.size; i++) n += store.count[i] as number;
  return n;
};

/** Units still settling, founded and dormant, and cells dead after extravasation (units of one cell each here). */
function fates(state: State): [number, number, number, number] {
  const died = funnelCount(state, 'diedAfterExtravasation');
  return [
    units(state.settling),
    state.coloniesFounded,
    units(state.dormantAble) + units(state.dormantUnable) + units(state.dormantDeep),
    died,
  ];
}

// ---------------------------------------------------------------- exact distributions

function binomialPmf(n: number, p: number): number[] {
  const pmf = [(1 - p) ** n];
  expect(pmf[0]).toBeGreaterThan(0);
  for (let k = 0; k < n; k++) pmf.push(((pmf[k] as number) * (n - k) * p) / ((k + 1) * (1 - p)));
  return pmf;
}

interface Fit {
  chiSquare: number;
  df: number;
  p: number;
}

/** Chi-square goodness of fit of counts in 0..n to Binomial(n, p), neighbours pooled to expected counts >= 5. */
function binomialFit(samples: readonly number[], n: number, p: number): Fit {
  const pmf = binomialPmf(n, p);
  const observed = new Array<number>(n + 1).fill(0);
  for (const x of samples) observed[x] = (observed[x] as number) + 1;
  const groups: [number, number][] = [];
  let e = 0;
  let o = 0;
  for (let k = 0; k <= n; k++) {
    e += samples.length * (pmf[k] as number);
    o += observed[k] as number;
    if (e >= 5) {
      groups.push([e, o]);
      e = 0;
      o = 0;
    }
  }
  const last = groups.pop() as [number, number];
  groups.push([last[0] + e, last[1] + o]);
  const chiSquare = groups.reduce((s, [ex, ob]) => s + (ob - ex) ** 2 / ex, 0);
  return { chiSquare, df: groups.length - 1, p: chiSquareSurvival(chiSquare, groups.length - 1) };
}

/** Chi-square goodness of fit of pooled counts to a multinomial; a category of probability 0 must be empty. */
function multinomialFit(observed: readonly number[], probs: readonly number[]): Fit {
  const total = observed.reduce((a, b) => a + b, 0);
  let chiSquare = 0;
  let categories = 0;
  probs.forEach((q, k) => {
    if (q === 0) {
      expect(observed[k]).toBe(0);
      return;
    }
    categories++;
    chiSquare += ((observed[k] as number) - total * q) ** 2 / (total * q);
  });
  return { chiSquare, df: categories - 1, p: chiSquareSurvival(chiSquare, categories - 1) };
}

function passes(fit: Fit): void {
  if (process.env.SEEDSOIL_SETTLING_REPORT) console.log(JSON.stringify(fit));
  expect(fit.p, JSON.stringify(fit)).toBeGreaterThan(LEVEL);
}

// ---------------------------------------------------------------- the law, phase by hand

const C = 0.1;
const D = 0.3;
const T = 2;
const N = 200;

/**
 * The fates at day t of N units arriving at day 0, stepping the phase by hand with
 * time step dt: one replicate per seed.
 */
function handRun(mode: Mode, dt: number, t: number, s: number, drivers = COLONISATION) {
  const ctx = contextOf(
    {
      time: { dt },
      colonisation: { settlingDays: T, colonyFraction: C, dormantFraction: D },
      representation: { mode },
    },
    s,
  );
  colonise(ctx, [{ site: LIVER, record: founding(drivers), units: N, unitCells: 1 }]);
  const steps = Math.round(t / dt);
  for (let k = 0; k < steps; k++) {
    ctx.state.day += dt;
    settle(ctx);
  }
  return fates(ctx.state);
}

function lawAt(t: number): number[] {
  const stay = Math.exp(-t / T);
  return [stay, C * (1 - stay), D * (1 - stay), (1 - C - D) * (1 - stay)];
}

describe('settling: the exact law, stepping the phase by hand', () => {
  for (const mode of MODES)
    it(`still settling at t is Binomial(N, exp(-t/T)) and the fates split c : d : rest, at dt and dt/2 (${mode})`, () => {
      const t = 1.5;
      const samples: Record<string, number[][]> = {};
      for (const dt of [0.5, 0.25]) {
        const rows = Array.from({ length: REPLICATES }, (_, r) => handRun(mode, dt, t, 7000 + r));
        samples[dt] = rows;
        passes(
          binomialFit(
            rows.map((x) => x[0]),
            N,
            Math.exp(-t / T),
          ),
        );
        const pooled = [0, 1, 2, 3].map((k) => rows.reduce((a, x) => a + (x[k] as number), 0));
        passes(multinomialFit(pooled, lawAt(t)));
      }
      const settling = (dt: number) => (samples[dt] as number[][]).map((x) => x[0] as number);
      passes(chiSquareHomogeneity(settling(0.5), settling(0.25)));
    });

  for (const mode of MODES)
    it(`the eventual shares are colonyFraction and dormantFraction; without the driver, division goes to dormancy (${mode})`, () => {
      // 40 days is 20 mean settling times: e^-20 of a unit is left.
      const able = Array.from({ length: REPLICATES }, (_, r) => handRun(mode, 1, 40, 8000 + r));
      const pooled = (rows: number[][]) =>
        [0, 1, 2, 3].map((k) => rows.reduce((a, x) => a + (x[k] as number), 0));
      passes(multinomialFit(pooled(able), [0, C, D, 1 - C - D]));
      const unable = Array.from({ length: REPLICATES }, (_, r) => handRun(mode, 1, 40, 9000 + r, 0));
      passes(multinomialFit(pooled(unable), [0, 0, C + D, 1 - C - D]));
    });

  for (const mode of MODES)
    it(`founds colonies of the unit's cells and keeps a dormant cluster's cells, counting cells in the funnel (${mode})`, () => {
      fc.assert(
        fc.property(
          seed,
          fc.integer({ min: 1, max: 50 }),
          fc.integer({ min: 1, max: 300 }),
          (s, cells, n) => {
            const ctx = contextOf(
              { colonisation: { settlingDays: 0.5, colonyFraction: 0.3 }, representation: { mode } },
              s,
            );
            colonise(ctx, [
              { site: LIVER, record: founding(COLONISATION, ROUTE_LYMPH), units: n, unitCells: cells },
            ]);
            expect(units(ctx.state.settling)).toBe(n);
            for (let k = 0; k < 60; k++) settle(ctx);
            const [settling, founded, dormant, diedCells] = fates(ctx.state);
            expect(diedCells % cells).toBe(0);
            expect(settling + founded + dormant + diedCells / cells).toBe(n);
            const st = ctx.state;
            expect(funnelCount(st, 'founded')).toBe(founded * cells);
            expect(funnelCount(st, 'dormant')).toBe(dormant * cells);
            for (let i = 0; i < st.dormantAble.size; i++) expect(st.dormantAble.cells[i]).toBe(cells);
            for (const t of st.tumours) if (t.founding) expect(t.clones[0]?.cells).toBe(cells);
            for (let i = 0; i < st.colonies.size; i++) expect(st.colonies.cells[i]).toBe(cells);
          },
        ),
        { numRuns: 20, seed: 11 },
      );
    });
});

// ---------------------------------------------------------------- the law through the engine's step

/** N cells inoculated into the portal vein, all stopping and extravasating in the liver, run to day t. */
function inoculum(mode: Mode, dt: number, t: number) {
  return fastScenario({
    time: { dt, durationDays: t, observeEveryDays: t },
    primary: { enabled: false },
    inoculation: { enabled: true, cells: N, vessel: 'portal', survival: 1, drivers: ['colonisation'] },
    invasion: { bloodRate: 0, lymphRate: 0 },
    sites: { liver: { trapping: 1, soil: 1, immunePressure: 0 } },
    extravasation: { probability: 1 },
    colonisation: { settlingDays: T, colonyFraction: C, dormantFraction: D },
    representation: { mode },
  });
}

describe('settling: the law through whole runs', () => {
  for (const mode of MODES)
    it(`an inoculum settles from day 0: still settling at t is Binomial(N, exp(-t/T)) at dt and dt/2 (${mode})`, () => {
      const t = 1.5;
      const samples: number[][] = [];
      for (const dt of [0.5, 0.25]) {
        const scenario = inoculum(mode, dt, t);
        const rows = Array.from({ length: REPLICATES }, (_, r) => {
          const summary = run(scenario, { seed: 5, replicate: r }).summary;
          expect(summary.funnel.extravasated).toBe(N);
          return summary.settlingCells;
        });
        passes(binomialFit(rows, N, Math.exp(-t / T)));
        samples.push(rows);
      }
      passes(chiSquareHomogeneity(samples[0] as number[], samples[1] as number[]));
    });

  it('the time series counts settling cells: all extravasated cells at day 0, then fewer', () => {
    const r = run(inoculum('cohorts', 0.25, 3), { seed: 1 });
    const col = r.series.dtc_settling as number[];
    expect(col[0]).toBe(N);
    expect(col[col.length - 1]).toBe(r.summary.settlingCells);
    expect(r.summary.settlingCells).toBeLessThan(N);
  });
});

// ---------------------------------------------------------------- settlingDays 0

/**
 * Phase 8 at arrival as the engine drew it before settling existed (commit 85bf06f
 * of src/engine/phases/colonisation.ts, addDormant inlined): one multinomial per
 * arrival, then the colonies and the dormant cells.
 */
function frozenColonise(ctx: Context, arrivals: readonly Arrival[]): void {
  const { scenario: s, state } = ctx;
  const u = ctx.streams.colonisation;
  const c = s.colonisation;
  const fates = new Float64Array(3);
  for (const a of arrivals) {
    const able = !c.requireColonisationDriver || (a.record.drivers & COLONISATION) !== 0;
    fates[0] = able ? c.colonyFraction : 0;
    fates[1] = able ? c.dormantFraction : c.dormantFraction + c.colonyFraction;
    fates[2] = 1 - c.colonyFraction - c.dormantFraction;
    const [colonies = 0, dormant = 0, died = 0] = multinomial(u, a.units, fates);
    const record = { ...a.record, cells: a.unitCells };
    const { route, timing } = record;
    countFunnel(state, 'founded', route, timing, colonies * a.unitCells);
    countFunnel(state, 'dormant', route, timing, dormant * a.unitCells);
    countFunnel(state, 'diedAfterExtravasation', route, timing, died * a.unitCells);
    foundColonies(ctx, a.site, record, 0, colonies);
    // Counted since (summary.json's foundedDirectly); no draw depends on it.
    state.coloniesFoundedDirectly += colonies;
    if (dormant === 0) continue;
    const store = able ? state.dormantAble : state.dormantUnable;
    if (!ctx.counted) {
      for (let i = 0; i < dormant; i++) addDtc(store, state.day, a.site, record, 0);
      continue;
    }
    const index = able ? ctx.cohorts.dormantAbleIndex : ctx.cohorts.dormantUnableIndex;
    const key = dormantKey(ctx.cohorts, a.site, record, 0);
    const row = index.get(key);
    if (row === undefined) index.set(key, addDtc(store, state.day, a.site, record, 0, dormant, key));
    else mergeDtc(store, row, state.day, record, dormant);
  }
}

const arrival: fc.Arbitrary<Arrival> = fc.record({
  site: fc.integer({ min: 1, max: SITES.length - 1 }),
  record: fc
    .record({ drivers: fc.integer({ min: 0, max: 15 }), route: fc.constantFrom(0, 1, 2) })
    .map(({ drivers, route }) => founding(drivers, route as 0 | 1 | 2)),
  units: fc.integer({ min: 1, max: 400 }),
  unitCells: fc.integer({ min: 1, max: 20 }),
});

describe('settlingDays 0', () => {
  it('draws every fate at arrival, draw for draw as the engine did before settling', () => {
    fc.assert(
      fc.property(
        seed,
        fc.constantFrom(...MODES),
        uniform(0, 0.5),
        uniform(0, 0.5),
        fc.boolean(),
        fc.array(fc.array(arrival, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        (s, mode, colonyFraction, dormantFraction, requireColonisationDriver, steps) => {
          const overrides = {
            colonisation: { colonyFraction, dormantFraction, requireColonisationDriver },
            representation: { mode },
          };
          const now = contextOf(overrides, s);
          const before = contextOf(overrides, s);
          for (const arrivals of steps) {
            colonise(now, arrivals);
            settle(now);
            frozenColonise(before, arrivals);
          }
          expect(now.state.settling.size).toBe(0);
          expect(now.state).toEqual(before.state);
          expect(now.streams.colonisation.state()).toEqual(before.streams.colonisation.state());
        },
      ),
      { numRuns: 60 },
    );
  });
});

// ---------------------------------------------------------------- bookkeeping

describe('settling: bookkeeping', () => {
  it('accounts for every shed cell exactly once at every step, while cells settle', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        uniform(0.1, 30),
        seed,
        capped((scenario, settlingDays, s) => {
          const sim = createSimulation(
            { ...scenario, colonisation: { ...scenario.colonisation, settlingDays } },
            { seed: s },
          );
          const cells = (st: DtcStore) => {
            let n = 0;
            for (let i = 0; i < st.size; i++) n += (st.count[i] as number) * (st.cells[i] as number);
            return n;
          };
          while (!sim.ctx.state.ended) {
            step(sim);
            const f = funnelTotals(sim.ctx.state.funnel);
            const settling = cells(sim.ctx.state.settling);
            const fated =
              (f.diedAfterExtravasation ?? 0) +
              (f.dormant ?? 0) +
              (f.founded ?? 0) +
              (f.settlingRemoved ?? 0);
            expect(fated + settling).toBe(f.extravasated);
            expect((f.killed ?? 0) + (f.extravasationFailed ?? 0) + fated + settling).toBe(f.shed);
            // Every row holds at least one unit: one expect per step, not one per row
            // (thousands of rows in individual mode made the expects most of the cost).
            const st = sim.ctx.state.settling;
            const empty: number[] = [];
            for (let i = 0; i < st.size; i++) if (!((st.count[i] as number) > 0)) empty.push(i);
            expect(empty, `rows without units at day ${sim.ctx.state.day}`).toEqual([]);
          }
          expect(result(sim).summary.settlingCells).toBe(cells(sim.ctx.state.settling));
        }),
      ),
      { numRuns: 25 },
    );
  });

  it('removes settling cells at removed nodes and in the radiotherapy field (settlingRemoved)', () => {
    // Slow settling, so that cells are still settling at surgery and radiotherapy.
    let removed = 0;
    for (const mode of MODES)
      for (let s = 1; s <= 4; s++) {
        const scenario = fastScenario({
          colonisation: { settlingDays: 200 },
          clinical: { radiotherapy: { enabled: true, includesRegionalNodes: true, survivingFraction: 0.2 } },
          representation: { mode },
        });
        removed += run(scenario, { seed: s }).summary.funnel.settlingRemoved ?? 0;
      }
    expect(removed).toBeGreaterThan(0);
  });

  // An inoculum settling from day 0, and a primary whose cells keep arriving in the
  // rows of the settling store after the cut (its index must be rebuilt on resume).
  const resumable = [
    {
      name: 'inoculum',
      cuts: [0, 0.75, 2.5],
      build: (mode: Mode) =>
        fastScenario({
          time: { dt: 0.25, durationDays: 6, observeEveryDays: 0.5 },
          primary: { enabled: false },
          inoculation: { enabled: true, cells: 3000, vessel: 'portal', drivers: ['colonisation'] },
          colonisation: { settlingDays: 1.5 },
          representation: { mode },
        }),
    },
    {
      name: 'primary',
      cuts: [250, 420],
      build: (mode: Mode) => fastScenario({ colonisation: { settlingDays: 20 }, representation: { mode } }),
    },
  ];
  for (const mode of MODES)
    for (const c of resumable)
      it(`resumes bit-identically from a checkpoint taken while cells settle (${c.name}, ${mode})`, () => {
        const scenario = c.build(mode);
        const whole = runFiles(result(runToEnd(createSimulation(scenario, { seed: 3 }))));
        for (const cut of c.cuts) {
          const first = runToEnd(createSimulation(scenario, { seed: 3 }), cut);
          if (cut > 0) expect(first.ctx.state.settling.size).toBeGreaterThan(0);
          const json = checkpoint(first);
          const resumed = resume(json);
          expect(checkpoint(resumed)).toBe(json);
          expect(runFiles(result(runToEnd(resumed)))).toEqual(whole);
        }
      });
});
