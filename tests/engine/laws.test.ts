/**
 * Laws of the model (docs/model.md), phase by phase: what a mechanism must never
 * do, or must always do, whatever the parameters. The other engine tests check
 * bookkeeping (every cell counted once, integer counts, same seed same bytes) and
 * distributions; these check the biology, so that switching a mechanism off or
 * turning it round fails a test.
 *
 * Each law is checked where it lives: by calling its phase on a hand-made tumour
 * or batch (fast-check over parameters and seeds), and, where both representations
 * apply it (representation.mode cohorts and individual), by whole runs of small
 * scenarios in both modes. Deterministic laws hold for every seed. Statistical laws
 * use fixed seeds (engine and fast-check) and a stated tolerance: a mean within five
 * standard errors of its exact value, or a paired mean difference no more than
 * three standard errors on the wrong side.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { clinical } from '../../src/engine/clinical.ts';
import type { Context } from '../../src/engine/context.ts';
import { funnelTotals } from '../../src/engine/observe.ts';
import { angiogenesis } from '../../src/engine/phases/angiogenesis.ts';
import { type Arrival, arrest } from '../../src/engine/phases/arrest.ts';
import {
  bloodSurvival,
  circulate,
  type Survivors,
  updateBloodPool,
} from '../../src/engine/phases/circulation.ts';
import { colonise, immuneAttack } from '../../src/engine/phases/colonisation.ts';
import { extravasate } from '../../src/engine/phases/extravasation.ts';
import { grow } from '../../src/engine/phases/growth.ts';
import { invade, invasiveFraction, type ShedBatch } from '../../src/engine/phases/invasion.ts';
import { deepMerge, validateScenario } from '../../src/engine/scenario.ts';
import { METASTATIC_SITES, NODES, ORGANS, type Scenario, SITES } from '../../src/engine/schema.ts';
import {
  createSimulation,
  result,
  run,
  runToEnd,
  type Simulation,
  type SimulationResult,
  step,
} from '../../src/engine/simulation.ts';
import {
  ANGIOGENIC,
  COLONISATION,
  diameterMm,
  type FoundingRecord,
  IMMUNE_EVASION,
  INVASIVE,
  PRIMARY_SITE,
  ROUTE_BLOOD,
  ROUTE_LYMPH,
  type Route,
  type State,
  type Tumour,
  tumourCells,
} from '../../src/engine/state.ts';
import { arbitraryScenario, fastScenario, uniform } from '../support/scenarios.ts';
import { mean, standardError } from '../support/stats.ts';

const MODES = ['cohorts', 'individual'] as const;
type Mode = (typeof MODES)[number];

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
/** Any of the 16 driver sets, as a mask. */
const driverSet = fc.integer({ min: 0, max: 15 });
/** Organs that receive arterial blood only (the lungs take the venous return, the liver the portal vein). */
const ARTERIAL_ONLY = ORGANS.filter((o) => o !== 'lung' && o !== 'liver' && o !== 'other');

const siteIndex = (name: (typeof SITES)[number]) => SITES.indexOf(name);
const SENTINEL = siteIndex('sentinelNode');
const NODE_SITES = NODES.map(siteIndex);

/** A fresh run of the fast scenario with some parameters changed: the context phases are called with. */
function contextOf(overrides: Record<string, unknown> = {}, s = 1): Context {
  return createSimulation(fastScenario(overrides), { seed: s }).ctx;
}

function founding(drivers: number, route: Route = ROUTE_BLOOD, cells = 1): FoundingRecord {
  return {
    disseminationDay: 0,
    origin: 0,
    primaryCellsAtDissemination: 1e6,
    drivers,
    passengers: 0,
    route,
    timing: 1,
    generation: 1,
    cells,
  };
}

/** A hand-made tumour: a colony (with a founding record) unless `primary`. */
function tumourOf(
  site: number,
  clones: readonly { drivers: number; cells: number }[],
  options: { capacity?: number; vascular?: boolean; primary?: boolean } = {},
): Tumour {
  return {
    id: 99,
    site,
    foundedDay: 0,
    clones: clones.map((c) => ({ drivers: c.drivers, cells: c.cells, passengers: 0, parent: -1 })),
    capacity: options.capacity ?? 1e6,
    vascular: options.vascular ?? false,
    founding: options.primary ? null : founding(clones[0]?.drivers ?? 0),
    sizeClassReached: 0,
    residual: false,
  };
}

/** Immune pressure `p` at every site that can hold a colony. */
function pressureEverywhere(p: number): Record<string, { immunePressure: number }> {
  return Object.fromEntries(METASTATIC_SITES.map((n) => [n, { immunePressure: p }]));
}

/**
 * Cells injected into the portal vein, no primary, colonies that shed nothing and
 * gain no driver: colonies and dormant cells only, in 120 days.
 */
function inoculated(mode: Mode, overrides: Record<string, unknown> = {}): Scenario {
  return fastScenario(
    deepMerge(
      {
        time: { durationDays: 120, observeEveryDays: 40 },
        primary: { enabled: false },
        inoculation: { enabled: true, cells: 5000, vessel: 'portal', drivers: ['colonisation'] },
        invasion: { bloodRate: 0, lymphRate: 0 },
        growth: { driverMutationRate: 0 },
        representation: { mode },
      },
      overrides,
    ),
  );
}

/** What a run shows a user, without the manifest (which holds the scenario itself). */
function outcome(r: SimulationResult) {
  return {
    summary: r.summary,
    series: r.series,
    events: r.events,
    metastases: r.metastases,
    funnel: r.funnel,
  };
}

/** Cells of colonies (records and cohort rows) and of dormant cells, per site. */
function cellsBySite(state: State): { colonies: number[]; dormant: number[] } {
  const colonies = SITES.map(() => 0);
  const dormant = SITES.map(() => 0);
  for (const t of state.tumours) if (t.founding) colonies[t.site] = (colonies[t.site] ?? 0) + tumourCells(t);
  const c = state.colonies;
  for (let i = 0; i < c.size; i++) {
    const site = c.site[i] as number;
    colonies[site] = (colonies[site] ?? 0) + (c.count[i] as number) * (c.cells[i] as number);
  }
  for (const store of [state.dormantAble, state.dormantUnable])
    for (let i = 0; i < store.size; i++) {
      const site = store.site[i] as number;
      dormant[site] = (dormant[site] ?? 0) + (store.count[i] as number) * (store.cells[i] as number);
    }
  return { colonies, dormant };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const dormantTotal = (state: State) => sum(cellsBySite(state).dormant);

/** Colonies alive (records and cohort members) with their sizes, in a canonical order. */
function colonySizes(state: State): string[] {
  const sizes: string[] = [];
  for (const t of state.tumours) if (t.founding) sizes.push(`${SITES[t.site]} ${tumourCells(t)} x1`);
  const c = state.colonies;
  for (let i = 0; i < c.size; i++) sizes.push(`${SITES[c.site[i] as number]} ${c.cells[i]} x${c.count[i]}`);
  return sizes.sort();
}

/** Every phase and representation mode: a law fails whichever mode breaks it. */
function forModes(name: string, law: (mode: Mode) => void): void {
  for (const mode of MODES) it(`${name} (${mode})`, () => law(mode));
}

// ---------------------------------------------------------------- phase 1: growth

describe('phase 1, growth', () => {
  it('without turnover a tumour below its capacity loses no cell', () => {
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: 1, max: 1e9 }),
        uniform(1, 1e3),
        uniform(0, 0.05),
        driverSet,
        fc.constantFrom(0.5, 1, 2),
        (s, cells, room, lambda, drivers, dt) => {
          const ctx = contextOf({ time: { dt }, growth: { turnover: 0, lambda, driverMutationRate: 0 } }, s);
          const t = tumourOf(PRIMARY_SITE, [{ drivers, cells }], { capacity: cells * room, primary: true });
          for (let k = 0; k < 4; k++) {
            const before = tumourCells(t);
            if (before > t.capacity) break;
            grow(t, ctx);
            expect(tumourCells(t)).toBeGreaterThanOrEqual(before);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('endocrine therapy that stops division (divisionFactor 0) freezes a tumour below its capacity', () => {
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: 1, max: 1e9 }),
        uniform(1, 1e3),
        uniform(0, 1),
        driverSet,
        (s, cells, room, turnover, drivers) => {
          const ctx = contextOf({ growth: { turnover, driverAdvantage: 0.01 } }, s);
          ctx.therapy.divisionFactor = 0;
          const t = tumourOf(PRIMARY_SITE, [{ drivers, cells }], { capacity: cells * room, primary: true });
          grow(t, ctx);
          expect(t.clones.map((c) => c.cells)).toEqual([cells]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a clone with more drivers never grows slower on average (paired seeds, 3 SE)', () => {
    fc.assert(
      fc.property(
        driverSet,
        fc.integer({ min: 0, max: 3 }),
        uniform(0, 0.05),
        (drivers, extra, advantage) => {
          const more = drivers | (1 << extra);
          fc.pre(more !== drivers);
          const diffs: number[] = [];
          for (let s = 0; s < 12; s++) {
            const ctx = contextOf({ growth: { driverAdvantage: advantage, driverMutationRate: 0 } }, 500 + s);
            const t = tumourOf(
              PRIMARY_SITE,
              [
                { drivers, cells: 10_000 },
                { drivers: more, cells: 10_000 },
              ],
              { capacity: 1e9, vascular: true, primary: true },
            );
            for (let k = 0; k < 10; k++) grow(t, ctx);
            const cellsOf = (d: number) => t.clones.find((c) => c.drivers === d)?.cells ?? 0;
            diffs.push(cellsOf(more) - cellsOf(drivers));
          }
          expect(mean(diffs)).toBeGreaterThanOrEqual(-3 * standardError(diffs));
        },
      ),
      { numRuns: 8, seed: 101 },
    );
  });

  forModes('colonies with more drivers never grow slower on average (paired seeds, 3 SE)', (mode) => {
    const cells = (drivers: string[], s: number) =>
      sum(
        run(
          inoculated(mode, {
            time: { durationDays: 60 },
            inoculation: { drivers },
            growth: { driverAdvantage: 0.05 },
            sites: pressureEverywhere(0),
          }),
          { seed: s },
        ).metastases.map((m) => m.cells * m.count),
      );
    const diffs: number[] = [];
    for (let s = 0; s < 8; s++)
      diffs.push(cells(['colonisation', 'invasive'], 700 + s) - cells(['colonisation'], 700 + s));
    expect(mean(diffs)).toBeGreaterThanOrEqual(-3 * standardError(diffs));
  });

  forModes('without turnover, immune pressure or shedding no colony dies out', (mode) => {
    for (let s = 0; s < 3; s++) {
      const r = run(inoculated(mode, { growth: { turnover: 0 }, sites: pressureEverywhere(0) }), {
        seed: 20 + s,
      });
      expect(r.summary.colonies.founded).toBeGreaterThan(0);
      expect(r.summary.colonies.extinct).toBe(0);
    }
  });

  forModes('colonies on endocrine therapy with divisionFactor 0 keep their size', (mode) => {
    // Sizes stay within exactColonyCells, where the cohort law is exact (binned rows
    // redraw their members around the row's mean: the representation's approximation).
    const scenario = inoculated(mode, {
      time: { durationDays: 60 },
      representation: { exactColonyCells: 64 },
      sites: pressureEverywhere(0),
      colonisation: { wakeHazard: 0 },
      angiogenesis: { metastasisSwitchHazard: 0 },
    });
    const sim = runToEnd(createSimulation(scenario, { seed: 31 }), 20);
    const before = colonySizes(sim.ctx.state);
    expect(before.length).toBeGreaterThan(0);
    const extinct = sim.ctx.state.coloniesExtinct;
    sim.ctx.therapy.divisionFactor = 0;
    runToEnd(sim);
    expect(colonySizes(sim.ctx.state)).toEqual(before);
    expect(sim.ctx.state.coloniesExtinct).toBe(extinct);
  });
});

// ---------------------------------------------------------------- phase 2 and 7: angiogenesis

describe('phases 2 and 7, angiogenesis', () => {
  it('an avascular tumour below the switch threshold and without the angiogenic driver never switches', () => {
    fc.assert(
      fc.property(seed, uniform(0, 0.999), uniform(0, 1e3), driverSet, (s, share, hazard, drivers) => {
        const ctx = contextOf({}, s);
        const a = ctx.scenario.angiogenesis;
        const cells = Math.max(1, Math.floor(share * a.switchThresholdFraction * a.avascularCapacityCells));
        const t = tumourOf(PRIMARY_SITE, [{ drivers: drivers & ~ANGIOGENIC, cells }], { primary: true });
        for (let k = 0; k < 5; k++) angiogenesis(t, ctx, hazard);
        expect(t.vascular).toBe(false);
        expect(t.capacity).toBe(a.avascularCapacityCells);
      }),
      { numRuns: 60 },
    );
  });

  it('a tumour with a living angiogenic-driver clone switches at once, at any size and hazard', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 1e9 }), driverSet, (s, cells, drivers) => {
        const ctx = contextOf({}, s);
        const t = tumourOf(PRIMARY_SITE, [{ drivers: drivers | ANGIOGENIC, cells }], { primary: true });
        angiogenesis(t, ctx, 0);
        expect(t.vascular).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  forModes(
    'colonies switch by their own hazard (metastasisSwitchHazard), never by the primary one',
    (mode) => {
      const switches = (metastasisSwitchHazard: number) =>
        run(
          validateScenario(
            deepMerge(
              loadScenarioFile('experimental-metastasis-liver') as unknown as Record<string, unknown>,
              {
                time: { durationDays: 12 },
                inoculation: { cells: 3000 },
                angiogenesis: { switchHazard: 1, metastasisSwitchHazard },
                representation: { mode },
              },
            ),
            'laws.test',
          ),
          { seed: 41 },
        ).events.filter((e) => e.type === 'angiogenic_switch').length;
      expect(switches(0)).toBe(0);
      expect(switches(0.5)).toBeGreaterThan(0);
    },
  );
});

// ---------------------------------------------------------------- phase 3: invasion

describe('phase 3, invasion and intravasation', () => {
  it('under the late programme a clone without the invasive driver never sheds', () => {
    fc.assert(
      fc.property(
        seed,
        driverSet,
        fc.integer({ min: 100, max: 1e9 }),
        fc.boolean(),
        (s, drivers, cells, vascular) => {
          const ctx = contextOf(
            { invasion: { programme: 'late', lateInvasiveFraction: 1, bloodRate: 1, lymphRate: 1 } },
            s,
          );
          const t = tumourOf(PRIMARY_SITE, [{ drivers: drivers & ~INVASIVE, cells }], {
            vascular,
            capacity: 1e12,
            primary: true,
          });
          const out: ShedBatch[] = [];
          invade(t, ctx, cells, out);
          expect(out).toEqual([]);
          expect(tumourCells(t)).toBe(cells);
          // The same clone with the driver does shed (the law is not empty).
          t.clones[0] = { drivers: drivers | INVASIVE, cells, passengers: 0, parent: -1 };
          invade(t, ctx, cells, out);
          expect(out.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('shed cells take the route with a positive rate only, and a clone loses exactly the cells it shed', () => {
    fc.assert(
      fc.property(
        seed,
        driverSet,
        fc.integer({ min: 1, max: 1e7 }),
        fc.constantFrom('blood', 'lymph'),
        uniform(0.001, 1),
        uniform(0, 1),
        (s, drivers, cells, only, rate, clusterFraction) => {
          const ctx = contextOf(
            {
              invasion: {
                programme: 'early',
                earlyMaxFraction: 1,
                bloodRate: only === 'blood' ? rate : 0,
                lymphRate: only === 'lymph' ? rate : 0,
                clusterFraction,
              },
            },
            s,
          );
          const t = tumourOf(PRIMARY_SITE, [{ drivers, cells }], { vascular: true, capacity: 1e12 });
          const out: ShedBatch[] = [];
          invade(t, ctx, cells, out);
          let shed = 0;
          for (const b of out) {
            expect(b.record.route).toBe(only === 'blood' ? ROUTE_BLOOD : ROUTE_LYMPH);
            shed += b.singles + b.clusterCells;
          }
          expect(tumourCells(t)).toBe(cells - shed);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('without clusters every shed event is one cell', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 1e7 }), (s, cells) => {
        const ctx = contextOf({ invasion: { clusterFraction: 0, bloodRate: 1, lymphRate: 1 } }, s);
        const t = tumourOf(PRIMARY_SITE, [{ drivers: INVASIVE, cells }], { vascular: true, capacity: 1e12 });
        const out: ShedBatch[] = [];
        invade(t, ctx, cells, out);
        for (const b of out) expect(b.clusterCells).toBe(0);
      }),
      { numRuns: 30 },
    );
  });

  it('the invasive fraction never rises with tumour size; late and mixed programmes follow the invasive driver', () => {
    fc.assert(
      fc.property(
        uniform(0, 1),
        fc.double({ min: 1, max: 1e10, noNaN: true }),
        uniform(0.1, 10),
        uniform(0, 1),
        driverSet,
        fc.double({ min: 1, max: 1e12, noNaN: true }),
        fc.double({ min: 1, max: 1e3, noNaN: true }),
        (earlyMax, half, h, late, drivers, n, factor) => {
          const fraction = (programme: string, d: number, size: number) =>
            invasiveFraction(
              d,
              size,
              contextOf({
                invasion: {
                  programme,
                  earlyMaxFraction: earlyMax,
                  earlyHalfCells: half,
                  earlyHillExponent: h,
                  lateInvasiveFraction: late,
                },
              }),
            );
          expect(fraction('early', drivers, n * factor)).toBeLessThanOrEqual(fraction('early', drivers, n));
          expect(fraction('early', drivers, n)).toBeLessThanOrEqual(earlyMax);
          expect(fraction('late', drivers & ~INVASIVE, n)).toBe(0);
          expect(fraction('late', drivers | INVASIVE, n)).toBe(late);
          const early = fraction('early', drivers, n);
          expect(fraction('mixed', drivers | INVASIVE, n)).toBeCloseTo(Math.min(1, early + late), 12);
          expect(fraction('mixed', drivers & ~INVASIVE, n)).toBe(early);
        },
      ),
      { numRuns: 40 },
    );
  });

  forModes('under the late programme every disseminated cell carries the invasive driver', (mode) => {
    let shed = 0;
    for (let s = 0; s < 3; s++) {
      const sim = runToEnd(
        createSimulation(
          fastScenario({
            invasion: { programme: 'late', lateInvasiveFraction: 0.2 },
            growth: { driverMutationRate: 3e-5 },
            representation: { mode },
          }),
          { seed: 50 + s },
        ),
      );
      const r = result(sim);
      shed += r.summary.funnel.shed ?? 0;
      for (const m of r.metastases) expect(m.founder_drivers).toContain('invasive');
      for (const store of [sim.ctx.state.dormantAble, sim.ctx.state.dormantUnable])
        for (let i = 0; i < store.size; i++) expect((store.drivers[i] as number) & INVASIVE).toBe(INVASIVE);
    }
    expect(shed).toBeGreaterThan(0);
  });

  forModes('under the late programme colonies without the invasive driver never shed', (mode) => {
    for (let s = 0; s < 3; s++) {
      const r = run(
        inoculated(mode, {
          invasion: { programme: 'late', lateInvasiveFraction: 1, bloodRate: 0.5, lymphRate: 0.5 },
          growth: { turnover: 0.05 },
        }),
        { seed: 60 + s },
      );
      expect(r.summary.colonies.founded).toBeGreaterThan(0);
      // The only cells that ever entered a vessel are the inoculum.
      expect(r.summary.funnel.shed).toBe(5000);
    }
  });
});

// ---------------------------------------------------------------- phase 4: circulation

describe('phase 4, circulation with immune kill', () => {
  it('immune evasion never lowers blood survival, NK kill never raises it, and full evasion ignores NK strength', () => {
    fc.assert(
      fc.property(
        uniform(0, 1),
        uniform(0, 1),
        driverSet,
        uniform(0, 1),
        uniform(0, 100),
        uniform(0, 100),
        uniform(0, 1),
        (base, higher, drivers, nkShareOfKill, k1, k2, immuneEvasionEffect) => {
          const ctx = (nkKillFactor: number, effect = immuneEvasionEffect) =>
            contextOf({ circulation: { nkShareOfKill, nkKillFactor, immuneEvasionEffect: effect } });
          const weak = ctx(Math.min(k1, k2));
          const strong = ctx(Math.max(k1, k2));
          const evading = drivers | IMMUNE_EVASION;
          const plain = drivers & ~IMMUNE_EVASION;
          const s = bloodSurvival(base, plain, weak);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(1);
          expect(bloodSurvival(base, evading, weak)).toBeGreaterThanOrEqual(s);
          expect(bloodSurvival(base, plain, strong)).toBeLessThanOrEqual(s);
          // Survival never falls as the base survival rises (clusters: a higher base).
          const up = base + (1 - base) * higher;
          expect(bloodSurvival(up, plain, weak)).toBeGreaterThanOrEqual(s);
          // The base survival is what an unmodified cell gets at nkKillFactor 1.
          expect(bloodSurvival(base, plain, ctx(1))).toBeCloseTo(base, 12);
          // With immuneEvasionEffect 1 the NK part of the kill is gone for an evader.
          expect(bloodSurvival(base, evading, ctx(Math.min(k1, k2), 1))).toBeCloseTo(
            bloodSurvival(base, evading, ctx(Math.max(k1, k2), 1)),
            12,
          );
        },
      ),
      { numRuns: 80 },
    );
    // The edge where neither trap nor kill has a hazard (base 0, all kill NK and evaded) is still a probability.
    const edge = bloodSurvival(
      0,
      IMMUNE_EVASION,
      contextOf({ circulation: { nkShareOfKill: 1, immuneEvasionEffect: 1 } }),
    );
    expect(edge).toBeGreaterThanOrEqual(0);
    expect(edge).toBeLessThanOrEqual(1);
  });

  it('clusters survive blood at the cluster survival, single cells at the single survival (5 SE), so clusters at least as often', () => {
    fc.assert(
      fc.property(uniform(1e-3, 0.3), uniform(1, 3), driverSet, seed, (single, ratio, drivers, s) => {
        const cluster = Math.min(1, single * ratio);
        const ctx = contextOf({ circulation: { survivalSingle: single, survivalCluster: cluster } }, s);
        const clusters = new Array(49).fill(0);
        clusters[0] = 20_000;
        clusters[8] = 20_000;
        const batch: ShedBatch = {
          site: PRIMARY_SITE,
          record: founding(drivers),
          singles: 40_000,
          clusters,
          clusterCells: 20_000 * 2 + 20_000 * 10,
        };
        const out: Survivors[] = [];
        circulate(ctx, [batch], out);
        const pSingle = bloodSurvival(single, drivers, ctx);
        const pCluster = bloodSurvival(cluster, drivers, ctx);
        const within = (k: number, n: number, p: number) =>
          expect(Math.abs(k / n - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / n) + 1e-12);
        const got = out[0] as Survivors;
        within(got.singles, 40_000, pSingle);
        within((got.clusters[0] as number) + (got.clusters[8] as number), 40_000, pCluster);
        expect(pCluster).toBeGreaterThanOrEqual(pSingle);
      }),
      { numRuns: 20, seed: 202 },
    );
  });

  it('lymph survival depends on neither the drivers nor NK strength', () => {
    fc.assert(
      fc.property(seed, driverSet, uniform(0, 100), (s, drivers, nk) => {
        const survivors = (d: number, nkKillFactor: number) => {
          const ctx = contextOf({ circulation: { nkKillFactor }, lymph: { survival: 0.3 } }, s);
          const out: Survivors[] = [];
          circulate(
            ctx,
            [
              {
                site: PRIMARY_SITE,
                record: founding(d, ROUTE_LYMPH),
                singles: 10_000,
                clusters: [1000],
                clusterCells: 2000,
              },
            ],
            out,
          );
          const { singles, clusters } = out[0] as Survivors;
          return { singles, clusters };
        };
        const reference = survivors(0, 1);
        expect(survivors(drivers | IMMUNE_EVASION, nk)).toEqual(reference);
        expect(Math.abs(reference.singles / 10_000 - 0.3)).toBeLessThanOrEqual(5 * Math.sqrt(0.21 / 10_000));
      }),
      { numRuns: 20 },
    );
  });

  it('cells entering blood through the thoracic duct face blood kill, evasion included', () => {
    fc.assert(
      fc.property(seed, driverSet, fc.constantFrom(...ARTERIAL_ONLY), (s, drivers, organ) => {
        // An organ colony's lymph goes straight to the duct; with all kill due to NK
        // and full evasion, an evader always survives it, others at survivalSingle.
        const ctx = contextOf(
          { circulation: { survivalSingle: 0.01, nkShareOfKill: 1, immuneEvasionEffect: 1 } },
          s,
        );
        const arrived = (d: number) => {
          const out: Arrival[] = [];
          const survivors: Survivors = {
            site: siteIndex(organ),
            record: founding(d, ROUTE_LYMPH),
            singles: 10_000,
            clusters: [],
          };
          arrest(ctx, [survivors], out);
          return sum(out.map((a) => a.units));
        };
        expect(arrived(drivers | IMMUNE_EVASION)).toBe(10_000);
        expect(arrived(drivers & ~IMMUNE_EVASION)).toBeLessThan(500);
      }),
      { numRuns: 20 },
    );
  });
  it('the blood pool empties at the clearance rate: cells stay e^(-k dt), new cells (1 - e^(-k dt)) / (k dt) (5 SE)', () => {
    fc.assert(
      fc.property(
        uniform(0.01, 50),
        fc.constantFrom(0.01, 0.1, 0.5, 1),
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 0, max: 200_000 }),
        seed,
        (clearanceRate, dt, pool, entered, s) => {
          const ctx = contextOf({ circulation: { clearanceRate }, time: { dt } }, s);
          ctx.state.ctcInBlood = pool;
          ctx.state.enteredBlood = entered;
          updateBloodPool(ctx);
          const x = clearanceRate * dt;
          const stay = Math.exp(-x);
          const stayIfEntered = -Math.expm1(-x) / x;
          const expected = pool * stay + entered * stayIfEntered;
          const variance = pool * stay * (1 - stay) + entered * stayIfEntered * (1 - stayIfEntered);
          expect(Math.abs(ctx.state.ctcInBlood - expected)).toBeLessThanOrEqual(5 * Math.sqrt(variance) + 1);
          expect(ctx.state.ctcInBlood).toBeLessThanOrEqual(pool + entered);
          expect(ctx.state.enteredBlood).toBe(0);
        },
      ),
      { numRuns: 40, seed: 404 },
    );
  });
});

// ---------------------------------------------------------------- phase 5: arrest

describe('phase 5, arrest', () => {
  /** Flow shares with the named organs' shares moved to 'other'. */
  function withoutFlow(names: readonly string[]): Record<string, { flowShare: number }> {
    const defaults = contextOf().scenario.sites;
    let moved = 0;
    const sites: Record<string, { flowShare: number }> = {};
    for (const n of names) {
      moved += defaults[n as (typeof ORGANS)[number]].flowShare;
      sites[n] = { flowShare: 0 };
    }
    sites.other = { flowShare: defaults.other.flowShare + moved };
    return sites;
  }

  it('an organ that receives no arterial flow never receives a blood-borne cell', () => {
    fc.assert(
      fc.property(
        seed,
        fc.subarray([...ARTERIAL_ONLY], { minLength: 1 }),
        fc.constantFrom('systemic', 'portal'),
        fc.constantFrom(...SITES),
        driverSet,
        (s, dry, drainage, from, drivers) => {
          const ctx = contextOf({ sites: withoutFlow(dry), primary: { drainage } }, s);
          const out: Arrival[] = [];
          for (const route of [ROUTE_BLOOD, ROUTE_LYMPH])
            arrest(
              ctx,
              [
                {
                  site: siteIndex(from),
                  record: founding(drivers | IMMUNE_EVASION, route),
                  singles: 100_000,
                  clusters: [1000, 1000],
                },
              ],
              out,
            );
          expect(out.length).toBeGreaterThan(0);
          for (const a of out) expect(dry).not.toContain(SITES[a.site]);
        },
      ),
      { numRuns: 40 },
    );
  });

  forModes('an organ without arterial flow never holds a colony or a dormant cell', (mode) => {
    for (let s = 0; s < 3; s++) {
      const sim = runToEnd(
        createSimulation(fastScenario({ sites: withoutFlow(['bone', 'brain']), representation: { mode } }), {
          seed: 70 + s,
        }),
      );
      const { colonies, dormant } = cellsBySite(sim.ctx.state);
      expect(sum(dormant)).toBeGreaterThan(0);
      for (const organ of ['bone', 'brain'] as const) {
        expect(colonies[siteIndex(organ)]).toBe(0);
        expect(dormant[siteIndex(organ)]).toBe(0);
      }
    }
  });

  it('blood from the primary meets the bed its drainage names first', () => {
    fc.assert(
      fc.property(seed, fc.constantFrom('systemic', 'portal'), driverSet, (s, drainage, drivers) => {
        const first = drainage === 'portal' ? 'liver' : 'lung';
        const ctx = contextOf({ primary: { drainage }, sites: { [first]: { trapping: 1 } } }, s);
        const out: Arrival[] = [];
        arrest(
          ctx,
          [{ site: PRIMARY_SITE, record: founding(drivers), singles: 10_000, clusters: [100] }],
          out,
        );
        expect(out.length).toBeGreaterThan(0);
        for (const a of out) expect(SITES[a.site]).toBe(first);
      }),
      { numRuns: 20 },
    );
  });

  it('lymph that always skips the sentinel node never stops there, and blood never stops in a node', () => {
    fc.assert(
      fc.property(seed, driverSet, (s, drivers) => {
        const ctx = contextOf({ lymph: { skipProbability: 1 } }, s);
        const out: Arrival[] = [];
        for (const route of [ROUTE_LYMPH, ROUTE_BLOOD])
          arrest(
            ctx,
            [{ site: PRIMARY_SITE, record: founding(drivers, route), singles: 100_000, clusters: [1000] }],
            out,
          );
        expect(out.some((a) => a.record.route === ROUTE_LYMPH && NODE_SITES.includes(a.site))).toBe(true);
        for (const a of out) {
          expect(a.site).not.toBe(SENTINEL);
          if (a.record.route === ROUTE_BLOOD) expect(NODE_SITES).not.toContain(a.site);
        }
      }),
      { numRuns: 20 },
    );
  });
});

// ---------------------------------------------------------------- phase 6: extravasation

describe('phase 6, extravasation', () => {
  it('units leave the vessel with probability extravasation x soil (5 SE); never at soil 0', () => {
    fc.assert(
      fc.property(
        seed,
        uniform(0, 1),
        fc.constantFrom(...METASTATIC_SITES),
        uniform(0, 1),
        (s, probability, name, soil) => {
          const ctx = contextOf({ extravasation: { probability }, sites: { [name]: { soil } } }, s);
          const units = 20_000;
          const arrivals: Arrival[] = [
            { site: siteIndex(name), record: founding(0), units, unitCells: 1 },
            { site: siteIndex(name), record: founding(0), units, unitCells: 5 },
          ];
          const through = sum(extravasate(ctx, arrivals).map((a) => a.units));
          const p = probability * soil;
          if (p === 0) expect(through).toBe(0);
          expect(Math.abs(through / (2 * units) - p)).toBeLessThanOrEqual(
            5 * Math.sqrt((p * (1 - p)) / (2 * units)) + 1e-12,
          );
        },
      ),
      { numRuns: 40, seed: 303 },
    );
  });

  forModes('a site with soil 0 never holds a colony or a dormant cell', (mode) => {
    for (let s = 0; s < 3; s++) {
      const sim = runToEnd(
        createSimulation(inoculated(mode, { sites: { liver: { soil: 0 } } }), { seed: 80 + s }),
      );
      const { colonies, dormant } = cellsBySite(sim.ctx.state);
      expect(sum(dormant)).toBeGreaterThan(0);
      expect(colonies[siteIndex('liver')]).toBe(0);
      expect(dormant[siteIndex('liver')]).toBe(0);
    }
  });
});

// ---------------------------------------------------------------- phase 8: colonisation, dormancy, immune escape

describe('phase 8, colonisation, dormancy and immune escape', () => {
  forModes(
    'a unit without the colonisation driver goes dormant where it would have founded a colony',
    (mode) => {
      fc.assert(
        fc.property(seed, driverSet, fc.integer({ min: 1, max: 500 }), (s, drivers, units) => {
          const ctx = contextOf(
            {
              colonisation: { colonyFraction: 1, dormantFraction: 0, requireColonisationDriver: true },
              representation: { mode },
            },
            s,
          );
          const site = siteIndex('liver');
          colonise(ctx, [{ site, record: founding(drivers & ~COLONISATION), units, unitCells: 1 }]);
          expect(ctx.state.coloniesFounded).toBe(0);
          expect(dormantTotal(ctx.state)).toBe(units);
          colonise(ctx, [{ site, record: founding(drivers | COLONISATION), units, unitCells: 1 }]);
          expect(ctx.state.coloniesFounded).toBe(units);
        }),
        { numRuns: 15 },
      );
    },
  );

  it('immune pressure never thins a clone with the immune-evasion driver', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(fc.record({ drivers: driverSet, cells: fc.integer({ min: 0, max: 1e7 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        uniform(0, 1e3),
        fc.constantFrom(...METASTATIC_SITES),
        (s, clones, pressure, name) => {
          const ctx = contextOf({ sites: { [name]: { immunePressure: pressure } } }, s);
          const t = tumourOf(siteIndex(name), clones);
          immuneAttack(t, ctx);
          t.clones.forEach((c, i) => {
            const before = clones[i]?.cells as number;
            if (c.drivers & IMMUNE_EVASION) expect(c.cells).toBe(before);
            else expect(c.cells).toBeLessThanOrEqual(before);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  forModes(
    'an extravasated unit founds a colony with colonyFraction, goes dormant with dormantFraction (5 SE), keeping its cells',
    (mode) => {
      fc.assert(
        fc.property(
          seed,
          uniform(0, 0.5),
          uniform(0, 0.5),
          fc.integer({ min: 1, max: 50 }),
          (s, colonyFraction, dormantFraction, unitCells) => {
            const ctx = contextOf(
              { colonisation: { colonyFraction, dormantFraction }, representation: { mode } },
              s,
            );
            const units = 2000;
            const site = siteIndex('bone');
            colonise(ctx, [{ site, record: founding(COLONISATION, ROUTE_BLOOD), units, unitCells }]);
            const within = (k: number, p: number) =>
              expect(Math.abs(k - units * p)).toBeLessThanOrEqual(5 * Math.sqrt(units * p * (1 - p)) + 1);
            const founded = ctx.state.coloniesFounded;
            within(founded, colonyFraction);
            within(dormantTotal(ctx.state) / unitCells, dormantFraction);
            // Colonies start with the unit's cells; a dormant cluster keeps its cells.
            expect(cellsBySite(ctx.state).colonies[site]).toBe(founded * unitCells);
            const store = ctx.state.dormantAble;
            for (let i = 0; i < store.size; i++) expect(store.cells[i]).toBe(unitCells);
          },
        ),
        { numRuns: 15, seed: 505 },
      );
    },
  );

  it('immune pressure kills a non-evading cell with 1 - exp(-pressure / (1 + N / saturation) dt) (5 SE)', () => {
    fc.assert(
      fc.property(
        seed,
        uniform(0.001, 5),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.integer({ min: 1000, max: 1e7 }),
        fc.constantFrom(0.5, 1, 2),
        (s, pressure, immuneSaturationCells, cells, dt) => {
          const ctx = contextOf(
            {
              time: { dt },
              colonisation: { immuneSaturationCells },
              sites: { lung: { immunePressure: pressure } },
            },
            s,
          );
          const t = tumourOf(siteIndex('lung'), [
            { drivers: 0, cells },
            { drivers: IMMUNE_EVASION, cells },
          ]);
          immuneAttack(t, ctx);
          const p = -Math.expm1((-pressure / (1 + (2 * cells) / immuneSaturationCells)) * dt);
          const killed = cells - (t.clones[0]?.cells as number);
          // One cell of slack: a count cannot come closer than that to a tiny mean.
          expect(Math.abs(killed - cells * p)).toBeLessThanOrEqual(5 * Math.sqrt(cells * p * (1 - p)) + 1);
        },
      ),
      { numRuns: 40, seed: 606 },
    );
  });

  forModes('colonies founded by evaders live exactly as if there were no immune pressure', (mode) => {
    const drivers = ['colonisation', 'immuneEvasion'];
    fc.assert(
      fc.property(seed, uniform(0.01, 50), (s, pressure) => {
        const at = (p: number, d: string[]) =>
          run(inoculated(mode, { inoculation: { drivers: d }, sites: pressureEverywhere(p) }), { seed: s });
        const free = at(0, drivers);
        expect(free.summary.colonies.founded).toBeGreaterThan(0);
        expect(outcome(at(pressure, drivers))).toEqual(outcome(free));
      }),
      { numRuns: 4 },
    );
    // The same colonies without the driver do suffer from it (the law is not empty).
    const plain = (p: number) =>
      run(inoculated(mode, { sites: pressureEverywhere(p) }), { seed: 90 }).summary.colonies.alive;
    expect(plain(5)).toBeLessThan(plain(0));
  });

  forModes('with no waking hazard no dormant cell ever wakes; with no death either, none is lost', (mode) => {
    for (let s = 0; s < 3; s++) {
      const woke = run(inoculated(mode, { colonisation: { wakeHazard: 0, dormantDeathHazard: 0.01 } }), {
        seed: 100 + s,
      }).summary;
      expect(woke.funnel.dormant).toBeGreaterThan(0);
      expect(woke.funnel.dormantDied).toBeGreaterThan(0);
      expect(woke.funnel.dormantWoke).toBe(0);
      const kept = run(inoculated(mode, { colonisation: { wakeHazard: 0, dormantDeathHazard: 0 } }), {
        seed: 100 + s,
      }).summary;
      expect(kept.dormantCells).toBe(kept.funnel.dormant);
    }
  });

  forModes(
    'without the progression hazard a cell lacking the colonisation driver never founds a colony',
    (mode) => {
      for (let s = 0; s < 3; s++) {
        const r = run(
          inoculated(mode, {
            inoculation: { drivers: [] },
            colonisation: { progressionHazard: 0, wakeHazard: 1, dormantDeathHazard: 0.01 },
          }),
          { seed: 110 + s },
        );
        expect(r.summary.funnel.dormant).toBeGreaterThan(0);
        expect(r.summary.colonies.founded).toBe(0);
      }
    },
  );
});

// ---------------------------------------------------------------- clinical layer

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
