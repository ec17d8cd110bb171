/**
 * Laws of phase 5, arrest (src/engine/phases/arrest.ts): where blood and lymph
 * take the cells that survived them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Arrival, arrest } from '../../../src/engine/phases/arrest.ts';
import type { Survivors } from '../../../src/engine/phases/circulation.ts';
import { clusterCellsOf } from '../../../src/engine/phases/invasion.ts';
import { NODES, type ORGANS, SITES } from '../../../src/engine/schema.ts';
import { createSimulation, runToEnd } from '../../../src/engine/simulation.ts';
import {
  IMMUNE_EVASION,
  PRIMARY_SITE,
  ROUTE_BLOOD,
  ROUTE_INOCULATION,
  ROUTE_LYMPH,
} from '../../../src/engine/state.ts';
import {
  ARTERIAL_ONLY,
  cellsBySite,
  clusterSizes,
  contextOf,
  driverSet,
  forModes,
  founding,
  funnelCount,
  SENTINEL,
  seed,
  siteIndex,
  sum,
} from '../../support/phases.ts';
import { fastScenario, uniform } from '../../support/scenarios.ts';

const NODE_SITES = NODES.map(siteIndex);

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

  it('conserves cells: the cells arrested and those killed after the thoracic duct are the cells that arrived', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(
          fc.record({
            site: fc.integer({ min: 0, max: SITES.length - 1 }),
            route: fc.constantFrom(ROUTE_BLOOD, ROUTE_LYMPH, ROUTE_INOCULATION),
            drivers: driverSet,
            singles: fc.integer({ min: 0, max: 10_000 }),
            clusters: clusterSizes,
          }),
          { maxLength: 5 },
        ),
        fc.constantFrom('systemic', 'portal'),
        fc.constantFrom('portal', 'tailVein', 'arterial'),
        uniform(0, 1),
        uniform(0, 1),
        uniform(0, 1),
        (s, batches, drainage, vessel, skipProbability, trapping, survivalSingle) => {
          const ctx = contextOf(
            {
              primary: { drainage },
              inoculation: { vessel },
              lymph: { skipProbability },
              sites: { sentinelNode: { trapping }, regionalNode: { trapping } },
              circulation: { survivalSingle },
            },
            s,
          );
          const survivors: Survivors[] = batches.map((b) => ({
            site: b.site,
            record: founding(b.drivers, b.route),
            singles: b.singles,
            clusters: b.clusters,
          }));
          const { state } = ctx;
          const arrested = funnelCount(state, 'arrested');
          const killed = funnelCount(state, 'killed');
          const out: Arrival[] = [];
          arrest(ctx, survivors, out);
          const arrived = sum(survivors.map((v) => v.singles + clusterCellsOf(v.clusters)));
          const stopped = funnelCount(state, 'arrested') - arrested;
          expect(sum(out.map((a) => a.units * a.unitCells))).toBe(stopped);
          expect(stopped + funnelCount(state, 'killed') - killed).toBe(arrived);
          for (const a of out) expect(a.units).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40 },
    );
  });

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
