/**
 * Laws of phase 4, circulation with immune kill (src/engine/phases/circulation.ts):
 * survival in blood and lymph, and the blood pool kept for observation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Arrival, arrest } from '../../../src/engine/phases/arrest.ts';
import {
  bloodSurvival,
  circulate,
  type Survivors,
  updateBloodPool,
} from '../../../src/engine/phases/circulation.ts';
import { clusterCellsOf, type ShedBatch } from '../../../src/engine/phases/invasion.ts';
import {
  IMMUNE_EVASION,
  PRIMARY_SITE,
  ROUTE_BLOOD,
  ROUTE_INOCULATION,
  ROUTE_LYMPH,
} from '../../../src/engine/state.ts';
import {
  ARTERIAL_ONLY,
  clusterSizes,
  contextOf,
  driverSet,
  founding,
  funnelCount,
  seed,
  siteIndex,
  sum,
} from '../../support/phases.ts';
import { uniform } from '../../support/scenarios.ts';

describe('phase 4, circulation with immune kill', () => {
  it('conserves cells: the survivors and the cells killed are the cells that entered', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(
          fc.record({
            route: fc.constantFrom(ROUTE_BLOOD, ROUTE_LYMPH, ROUTE_INOCULATION),
            drivers: driverSet,
            singles: fc.integer({ min: 0, max: 10_000 }),
            clusters: clusterSizes,
          }),
          { maxLength: 5 },
        ),
        uniform(0, 1),
        uniform(0, 1),
        uniform(0, 1),
        uniform(0, 100),
        (s, batches, survivalSingle, survivalCluster, lymphSurvival, nkKillFactor) => {
          const ctx = contextOf(
            {
              circulation: { survivalSingle, survivalCluster, nkKillFactor },
              lymph: { survival: lymphSurvival },
            },
            s,
          );
          const shed: ShedBatch[] = batches.map((b) => ({
            site: PRIMARY_SITE,
            record: founding(b.drivers, b.route),
            singles: b.singles,
            clusters: b.clusters,
            clusterCells: clusterCellsOf(b.clusters),
          }));
          const killed = funnelCount(ctx.state, 'killed');
          const out: Survivors[] = [];
          circulate(ctx, shed, out);
          const entered = sum(shed.map((b) => b.singles + b.clusterCells));
          const alive = sum(out.map((v) => v.singles + clusterCellsOf(v.clusters)));
          expect(alive + funnelCount(ctx.state, 'killed') - killed).toBe(entered);
          // Nothing comes back to life: no batch has more survivors of any size than entered.
          out.forEach((v, i) => {
            const b = shed[i] as ShedBatch;
            expect(v.singles).toBeLessThanOrEqual(b.singles);
            v.clusters.forEach((n, k) => {
              expect(n).toBeLessThanOrEqual(b.clusters[k] as number);
            });
          });
        },
      ),
      { numRuns: 40 },
    );
  });

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
