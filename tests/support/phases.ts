/**
 * Hand-made contexts, tumours, batches and small scenarios for the laws of the
 * phases (tests/engine/phases/*.test.ts, one file per phase module, and
 * tests/engine/clinical.test.ts). A law says what a mechanism must never do, or
 * must always do, whatever the parameters (docs/model.md): each phase's file holds
 * its conservation law (every cell it receives is accounted for in its output and
 * the funnel) and the laws of its biology, so that switching a mechanism off or
 * turning it round fails a test. Properties of whole runs across phases are in
 * tests/system.
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
import { it } from 'vitest';
import type { Context } from '../../src/engine/context.ts';
import { funnelTotals } from '../../src/engine/observe.ts';
import { MAX_CLUSTER_EXTRA } from '../../src/engine/phases/invasion.ts';
import { deepMerge } from '../../src/engine/scenario.ts';
import { METASTATIC_SITES, ORGANS, type Scenario, SITES } from '../../src/engine/schema.ts';
import { createSimulation } from '../../src/engine/simulation.ts';
import {
  dormantStores,
  type FoundingRecord,
  type FunnelStage,
  ROUTE_BLOOD,
  type Route,
  type State,
  type Tumour,
  tumourCells,
} from '../../src/engine/state.ts';
import { fastScenario } from './scenarios.ts';

export const MODES = ['cohorts', 'individual'] as const;
export type Mode = (typeof MODES)[number];

export const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
/** Any of the 16 driver sets, as a mask. */
export const driverSet = fc.integer({ min: 0, max: 15 });
/** Organs that receive arterial blood only (the lungs take the venous return, the liver the portal vein). */
export const ARTERIAL_ONLY = ORGANS.filter((o) => o !== 'lung' && o !== 'liver' && o !== 'other');

export const siteIndex = (name: (typeof SITES)[number]) => SITES.indexOf(name);
export const SENTINEL = siteIndex('sentinelNode');

/** A fresh run of the fast scenario with some parameters changed: the context phases are called with. */
export function contextOf(overrides: Record<string, unknown> = {}, s = 1): Context {
  return createSimulation(fastScenario(overrides), { seed: s }).ctx;
}

export function founding(drivers: number, route: Route = ROUTE_BLOOD, cells = 1): FoundingRecord {
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
export function tumourOf(
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

/** Clusters by size as the phases hold them (entry k counts clusters of 2 + k cells), a few of each. */
export const clusterSizes = fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: MAX_CLUSTER_EXTRA + 1 });

/** Immune pressure `p` at every site that can hold a colony. */
export function pressureEverywhere(p: number): Record<string, { immunePressure: number }> {
  return Object.fromEntries(METASTATIC_SITES.map((n) => [n, { immunePressure: p }]));
}

/**
 * Cells injected into the portal vein, no primary, colonies that shed nothing and
 * gain no driver: colonies and dormant cells only, in 120 days.
 */
export function inoculated(mode: Mode, overrides: Record<string, unknown> = {}): Scenario {
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

/** Cells of colonies (records and cohort rows) and of dormant cells, per site. */
export function cellsBySite(state: State): { colonies: number[]; dormant: number[] } {
  const colonies = SITES.map(() => 0);
  const dormant = SITES.map(() => 0);
  for (const t of state.tumours) if (t.founding) colonies[t.site] = (colonies[t.site] ?? 0) + tumourCells(t);
  const c = state.colonies;
  for (let i = 0; i < c.size; i++) {
    const site = c.site[i] as number;
    colonies[site] = (colonies[site] ?? 0) + (c.count[i] as number) * (c.cells[i] as number);
  }
  for (const store of dormantStores(state))
    for (let i = 0; i < store.size; i++) {
      const site = store.site[i] as number;
      dormant[site] = (dormant[site] ?? 0) + (store.count[i] as number) * (store.cells[i] as number);
    }
  return { colonies, dormant };
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Cells counted so far at one stage of the funnel, over all routes and timings. */
export const funnelCount = (state: State, stage: FunnelStage) => funnelTotals(state.funnel)[stage] as number;

/** Every phase and representation mode: a law fails whichever mode breaks it. */
export function forModes(name: string, law: (mode: Mode) => void): void {
  for (const mode of MODES) it(`${name} (${mode})`, () => law(mode));
}
