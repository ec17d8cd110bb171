/**
 * Laws of phase 3, invasion and intravasation (src/engine/phases/invasion.ts): who
 * sheds, by which route, and what a clone loses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clusterCellsOf,
  invade,
  invasiveFraction,
  POOLED_ORIGIN,
  poolShed,
  type ShedBatch,
} from '../../../src/engine/phases/invasion.ts';
import { logBinomialPmf } from '../../../src/engine/samplers.ts';
import { DRIVERS, SITES } from '../../../src/engine/schema.ts';
import { createSimulation, result, run, runToEnd } from '../../../src/engine/simulation.ts';
import {
  dormantStores,
  INVASIVE,
  type PatientTraits,
  PRIMARY_SITE,
  ROUTE_BLOOD,
  ROUTE_INOCULATION,
  ROUTE_LYMPH,
  type Route,
  type Timing,
  tumourCells,
} from '../../../src/engine/state.ts';
import {
  contextOf,
  driverSet,
  forModes,
  funnelCount,
  inoculated,
  seed,
  sum,
  tumourOf,
} from '../../support/phases.ts';
import { fastScenario, uniform } from '../../support/scenarios.ts';

describe('phase 3, invasion and intravasation', () => {
  it('conserves cells: the cells shed and the cells left are the cells before, and the funnel counts every shed cell once', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(fc.record({ drivers: driverSet, cells: fc.integer({ min: 0, max: 5000 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.constantFrom('early', 'late', 'mixed'),
        uniform(0, 2),
        uniform(0, 2),
        uniform(0, 1),
        uniform(2, 50),
        fc.boolean(),
        (s, clones, programme, bloodRate, lymphRate, clusterFraction, clusterMeanSize, vascular) => {
          const ctx = contextOf(
            {
              invasion: {
                programme,
                earlyMaxFraction: 1,
                lateInvasiveFraction: 1,
                bloodRate,
                lymphRate,
                clusterFraction,
                clusterMeanSize,
              },
            },
            s,
          );
          const { state } = ctx;
          const t = tumourOf(PRIMARY_SITE, clones, { vascular, capacity: 1e4, primary: true });
          const before = tumourCells(t);
          const counted = funnelCount(state, 'shed');
          const byRoute = state.shedBloodSinceObservation + state.shedLymphSinceObservation;
          const out: ShedBatch[] = [];
          invade(t, ctx, before, out);
          const shed = funnelCount(state, 'shed') - counted;
          expect(shed + tumourCells(t)).toBe(before);
          expect(sum(out.map((b) => b.singles + b.clusterCells))).toBe(shed);
          for (const b of out) expect(b.clusterCells).toBe(clusterCellsOf(b.clusters));
          expect(state.shedBloodSinceObservation + state.shedLymphSinceObservation - byRoute).toBe(shed);
          for (const c of t.clones) expect(c.cells).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 60 },
    );
  });

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

  /**
   * Whether k is a plausible binomial(n, p) draw: within 5 SE of its mean, or, for a
   * mean under 25, where the normal approximation fails (a mean of 0.04 makes one cell
   * 4.8 SE out yet happens once in 28), no further out than the exact tail at 5 SE's
   * two-sided probability, 5.7e-7.
   */
  const plausibleCount = (k: number, n: number, p: number): boolean => {
    const mu = n * p;
    if (mu >= 25) return Math.abs(k - mu) <= 5 * Math.sqrt(mu * (1 - p));
    let below = 0; // P(X < k)
    for (let j = 0; j < k; j++) below += Math.exp(logBinomialPmf(j, n, p));
    return (k >= mu ? 1 - below : below + Math.exp(logBinomialPmf(k, n, p))) > 2.9e-7;
  };

  it('each cell sheds with hazard f·(r_b v + r_l): probability 1 - exp(-f (r_b v + r_l) dt) per step (5 SE)', () => {
    // The invasive share is a share of the clone at every moment, so the hazard is per
    // cell; f·(1 - exp(-r dt)) would deplete the invasive share within the step and
    // shed less at a longer step (by (1 - f) r dt / 2 to first order).
    fc.assert(
      fc.property(
        seed,
        uniform(0.01, 1),
        uniform(0, 2),
        uniform(0, 2),
        fc.constantFrom(0.5, 1, 5, 20),
        fc.boolean(),
        (s, f0, bloodRate, lymphRate, dt, vascular) => {
          const ctx = contextOf(
            {
              time: { dt },
              invasion: {
                programme: 'early',
                earlyMaxFraction: f0,
                bloodRate,
                lymphRate,
                clusterFraction: 0,
              },
            },
            s,
          );
          const cells = 1e6;
          const t = tumourOf(PRIMARY_SITE, [{ drivers: 0, cells }], {
            vascular,
            capacity: 1e12,
            primary: true,
          });
          const f = invasiveFraction(0, cells, ctx);
          const v = vascular ? 1 : ctx.scenario.angiogenesis.baselineVascularisation;
          const p = -Math.expm1(-f * (bloodRate * v + lymphRate) * dt);
          const out: ShedBatch[] = [];
          invade(t, ctx, cells, out);
          const shed = sum(out.map((b) => b.singles));
          expect(plausibleCount(shed, cells, p), `${shed} shed, mean ${cells * p}`).toBe(true);
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
      for (const store of dormantStores(sim.ctx.state))
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
  /** One step of invasion from one clone of 10^7 invasive cells (r_b 1e-4, r_l 3e-4, no clusters), for a patient set by `patient`. */
  const shedOnce = (patient: (p: PatientTraits) => void) => {
    const ctx = contextOf({
      invasion: {
        programme: 'early',
        earlyMaxFraction: 1,
        bloodRate: 1e-4,
        lymphRate: 3e-4,
        clusterFraction: 0,
      },
    });
    patient(ctx.state.patient);
    const n = 1e7;
    const t = tumourOf(PRIMARY_SITE, [{ drivers: 0, cells: n }], {
      vascular: true,
      capacity: 1e12,
      primary: true,
    });
    const out: ShedBatch[] = [];
    invade(t, ctx, n, out);
    return { ctx, n, t, out };
  };

  it("a patient's shedding factor multiplies the shedding hazard of every invasive cell, not the share of routes", () => {
    // One clone of 10^7 cells with invasive fraction f, no clusters: shed cells are
    // Binomial(N, 1 - exp(-f F (r_b + r_l) dt)) and the blood share Binomial over them;
    // both are checked within 5 standard deviations.
    for (const factor of [0.2, 1, 6]) {
      const { ctx, n, t, out } = shedOnce((p) => {
        p.shedFactor = factor;
      });
      const shed = n - tumourCells(t);
      const p = -Math.expm1(-invasiveFraction(0, n, ctx) * factor * 4e-4 * ctx.scenario.time.dt);
      expect(Math.abs(shed - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
      const blood = sum(out.filter((b) => b.record.route === ROUTE_BLOOD).map((b) => b.singles));
      expect(Math.abs(blood - shed / 4)).toBeLessThan(5 * Math.sqrt((shed * 3) / 16));
    }
  });

  it("a patient's lymph ratio scales the lymph route alone: blood events stay, lymph events follow it", () => {
    // r_b = 1e-4 and r_l = 3e-4 with lymph ratio k: the hazard is F (r_b + k r_l), the blood
    // share r_b / (r_b + k r_l), so blood cells keep their expectation and lymph cells scale
    // by k; each within 5 standard deviations of its binomial.
    for (const k of [0.25, 1, 4]) {
      const { ctx, n, out } = shedOnce((p) => {
        p.lymphRatio = k;
      });
      const perCell = (rate: number) => {
        const total = 1e-4 + k * 3e-4;
        return -Math.expm1(-invasiveFraction(0, n, ctx) * total * ctx.scenario.time.dt) * (rate / total);
      };
      const cells = (route: number) => sum(out.filter((b) => b.record.route === route).map((b) => b.singles));
      for (const [route, rate] of [
        [ROUTE_BLOOD, 1e-4],
        [ROUTE_LYMPH, k * 3e-4],
      ] as const) {
        const p = perCell(rate);
        expect(Math.abs(cells(route) - n * p), `k ${k}, route ${route}`).toBeLessThan(
          5 * Math.sqrt(n * p * (1 - p)),
        );
      }
    }
  });

  forModes(
    "colonies shed at the patient's rate: a factor of 0 leaves only the inoculum in vessels",
    (mode) => {
      const shed = (factor: number) => {
        let cells = 0;
        for (let s = 0; s < 3; s++) {
          const sim = createSimulation(
            inoculated(mode, {
              invasion: { programme: 'early', earlyMaxFraction: 0.5, bloodRate: 0.5, lymphRate: 0.5 },
              growth: { turnover: 0.05 },
            }),
            { seed: 70 + s },
          );
          sim.ctx.state.patient.shedFactor = factor;
          cells += (result(runToEnd(sim)).summary.funnel.shed ?? 0) - 5000;
        }
        return cells;
      };
      expect(shed(0)).toBe(0);
      expect(shed(1)).toBeGreaterThan(0);
    },
  );
});

interface RawBatch {
  site: number;
  pooled: boolean;
  route: Route;
  drivers: number;
  timing: Timing;
  generation: number;
  passengers: number;
  singles: number;
  clusters: number[];
}

describe('pooled shedding', () => {
  // Few values per field, so that kinds repeat, but every field over its whole range.
  const batchArb = fc.record({
    site: fc.constantFrom(0, 1, SITES.length - 1),
    pooled: fc.boolean(),
    route: fc.constantFrom(ROUTE_BLOOD, ROUTE_LYMPH, ROUTE_INOCULATION),
    drivers: fc.constantFrom(0, 1, (1 << DRIVERS.length) - 1),
    timing: fc.constantFrom(0 as const, 1 as const, 2 as const),
    generation: fc.constantFrom(1, 2, 10_000),
    passengers: fc.integer({ min: 0, max: 100 }),
    singles: fc.integer({ min: 0, max: 20 }),
    clusters: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
  });
  const toBatch = (b: RawBatch, k: number): ShedBatch => ({
    site: b.site,
    record: {
      disseminationDay: 7,
      origin: b.pooled ? POOLED_ORIGIN : 10 + k,
      primaryCellsAtDissemination: 1e9,
      drivers: b.drivers,
      passengers: b.passengers,
      route: b.route,
      timing: b.timing,
      generation: b.generation,
      cells: 1,
    },
    singles: b.singles,
    clusters: b.clusters,
    clusterCells: clusterCellsOf(b.clusters),
  });
  const kind = (b: ShedBatch) =>
    `${b.site} ${b.record.route} ${b.record.drivers} ${b.record.timing} ${b.record.generation}`;

  it('merges pooled batches of one kind of cell and keeps every cell, cluster and other batch', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { maxLength: 30 }), (raw) => {
        const batches = raw.map(toBatch);
        const before = structuredClone(batches);
        const pooled = poolShed(batches);
        expect(batches).toEqual(before); // the inputs are left as they were
        // Batches of their own origin pass untouched, in order.
        expect(pooled.filter((b) => b.record.origin !== POOLED_ORIGIN)).toEqual(
          before.filter((b) => b.record.origin !== POOLED_ORIGIN),
        );
        // One pooled batch per kind, holding that kind's singles, clusters by size and cell-weighted passengers.
        const merged = pooled.filter((b) => b.record.origin === POOLED_ORIGIN);
        expect(new Set(merged.map(kind)).size).toBe(merged.length);
        for (const m of merged) {
          const parts = before.filter((b) => b.record.origin === POOLED_ORIGIN && kind(b) === kind(m));
          expect(m.singles).toBe(sum(parts.map((b) => b.singles)));
          expect(m.clusterCells).toBe(sum(parts.map((b) => b.clusterCells)));
          expect(m.clusterCells).toBe(clusterCellsOf(m.clusters));
          for (let k = 0; k < 4; k++)
            expect(m.clusters[k] ?? 0).toBe(sum(parts.map((b) => b.clusters[k] ?? 0)));
          const cells = sum(parts.map((b) => b.singles + b.clusterCells));
          if (cells > 0)
            expect(m.record.passengers).toBeCloseTo(
              sum(parts.map((b) => b.record.passengers * (b.singles + b.clusterCells))) / cells,
              9,
            );
        }
        // In the order of each kind's first batch among all batches.
        const firsts = before.filter(
          (b, i) =>
            b.record.origin !== POOLED_ORIGIN ||
            before.findIndex((x) => x.record.origin === POOLED_ORIGIN && kind(x) === kind(b)) === i,
        );
        expect(pooled.map((b) => (b.record.origin === POOLED_ORIGIN ? kind(b) : b.record.origin))).toEqual(
          firsts.map((b) => (b.record.origin === POOLED_ORIGIN ? kind(b) : b.record.origin)),
        );
      }),
    );
  });
  it('never merges two different kinds of cell (every site, route, driver set and timing)', () => {
    const batches: ShedBatch[] = [];
    for (let site = 0; site < SITES.length; site++)
      for (const route of [ROUTE_BLOOD, ROUTE_LYMPH, ROUTE_INOCULATION])
        for (let drivers = 0; drivers < 1 << DRIVERS.length; drivers++)
          for (const timing of [0, 1, 2] as const)
            for (const generation of [1, 2, 10_000])
              batches.push(
                toBatch(
                  {
                    site,
                    pooled: true,
                    route,
                    drivers,
                    timing,
                    generation,
                    passengers: 0,
                    singles: 1,
                    clusters: [],
                  },
                  0,
                ),
              );
    expect(poolShed(batches)).toHaveLength(batches.length);
  });
});
