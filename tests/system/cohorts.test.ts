/**
 * Equivalence of the cohort representation with the reference (representation.mode
 * 'individual', one record per dormant cell and per colony), on five scenarios where
 * the reference is fast enough for 200 paired replicates per mode: replicate r of
 * both modes has the same seed and replicate number.
 *
 * What the cohorts claim (src/engine/cohorts.ts, phases/cohortColonies.ts): dormant
 * rows thinned by binomials and colonies of up to exactColonyCells moved by their
 * exact one-step law are exact in distribution; binned colonies (a normal law with
 * the step's exact mean and variance), shedding drawn apart from the size law,
 * founding records as row means and one key for colonies seeded by metastases are
 * approximations. Each scenario is tuned so that colonies cross exactColonyCells
 * into the bins and reach micro and macro size within the run.
 *
 * Tests: two-sample Kolmogorov-Smirnov for days, shares and the large counts of the
 * funnel (ties make it conservative, never liberal); chi-square homogeneity
 * (tests/support/stats.ts, categories pooled until every expected count is at least
 * 5, p from the regularized incomplete gamma function) for the number of colonies
 * per site and size class per replicate and for the recurrence type. Pairing makes
 * the two samples share their early draws (the inoculum's fates are the same in
 * both modes): a positive correlation, which makes both tests conservative too.
 *
 * Level: each test at 0.001. The file runs about 170 non-degenerate tests
 * (outcomes constant over both samples are skipped), so under equivalence the
 * chance that any one fails is at most about 0.17 (Bonferroni); the seeds are
 * fixed, so the result is deterministic. A failure names the outcome, its test
 * statistic, p and the two means: a failure on an unbroken engine is a finding
 * about the cohort laws, not noise to widen the level for.
 *
 * SEEDSOIL_COHORT_REPORT=1 prints every p-value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { asPatient, deepMerge, validateScenario } from '../../src/engine/scenario.ts';
import type { Scenario } from '../../src/engine/schema.ts';
import { run } from '../../src/engine/simulation.ts';
import { fastScenario } from '../support/scenarios.ts';
import { chiSquareHomogeneity, ksTwoSample, mean } from '../support/stats.ts';

const REPLICATES = 200;
const LEVEL = 0.001;
const MODES = ['cohorts', 'individual'] as const;
type Mode = (typeof MODES)[number];

/** The outcomes of one replicate, each a named number or label. */
interface Replicate {
  /** `micro lung` etc.: day of the first colony of that class at that site; Infinity if none. */
  firstDay: Record<string, number>;
  /** `micro lung` etc.: colonies alive at the end (summing the `count` of cohort rows). */
  colonies: Record<string, number>;
  /** Large counts and days, compared by KS. */
  continuous: Record<string, number>;
  recurrence: string;
  /** What the run went through, to check that the scenario exercises what it is meant to. */
  binnedRows: number;
  largeColonies: number;
  events: Set<string>;
}

function replicate(scenario: Scenario, seed: number, r: number): Replicate {
  const result = run(scenario, { seed, replicate: r });
  const { summary, events, metastases } = result;
  const exact = scenario.representation.exactColonyCells;
  const firstDay: Record<string, number> = {};
  for (const e of events)
    if (e.type === 'first_micro' || e.type === 'first_macro') {
      const key = `${e.type.slice(6)} ${e.site}`;
      firstDay[key] ??= e.day;
    }
  const colonies: Record<string, number> = {};
  let binnedRows = 0;
  let largeColonies = 0;
  let vascular = 0;
  for (const m of metastases) {
    vascular += m.vascular * m.count;
    const key = `${m.size_class} ${m.site}`;
    colonies[key] = (colonies[key] ?? 0) + m.count;
    if (m.cells > exact) {
      largeColonies += m.count;
      if (m.kind === 'cohort') binnedRows++;
    }
  }
  const f = summary.funnel;
  const continuous: Record<string, number> = {
    'early-derived share': summary.earlyShare ?? -1,
    'dormant cells at detection': summary.dormantAtDetection,
    'colonies at detection': summary.coloniesAtDetection,
    'recurrence day': summary.recurrence.day >= 0 ? summary.recurrence.day : Number.POSITIVE_INFINITY,
    'dormant cells at the end': summary.dormantCells,
    'colonies founded': summary.colonies.founded,
    'colonies extinct': summary.colonies.extinct,
    'colonies removed': summary.colonies.removed,
    'colonies alive': summary.colonies.alive,
    'vascular colonies alive': vascular,
    'angiogenic switches of colonies': events.filter(
      (e) => e.type === 'angiogenic_switch' && e.site !== 'primary',
    ).length,
  };
  for (const [stage, n] of Object.entries(f)) continuous[`funnel ${stage}`] = n;
  return {
    firstDay,
    colonies,
    continuous,
    recurrence: summary.recurrence.type || 'none',
    binnedRows,
    largeColonies,
    events: new Set(events.map((e) => e.type)),
  };
}

interface Comparison {
  outcome: string;
  test: 'KS' | 'chi-square';
  statistic: number;
  p: number;
  means: [number, number];
}

const finite = (x: number) => (Number.isFinite(x) ? x : Number.NaN);
/** Mean over the finite values (days when the event happened), for the report. */
function finiteMean(xs: number[]): number {
  const kept = xs.map(finite).filter((x) => !Number.isNaN(x));
  return kept.length ? mean(kept) : Number.NaN;
}

function ks(outcome: string, a: number[], b: number[]): Comparison | undefined {
  if (new Set([...a, ...b]).size < 2) return undefined;
  const { d, p } = ksTwoSample(a, b);
  return { outcome, test: 'KS', statistic: d, p, means: [finiteMean(a), finiteMean(b)] };
}

function chiSquare(outcome: string, a: (number | string)[], b: (number | string)[]): Comparison | undefined {
  if (new Set([...a, ...b]).size < 2) return undefined;
  const ordered = typeof a[0] === 'number';
  const t = chiSquareHomogeneity(a, b, { ordered });
  const share = (xs: (number | string)[]) =>
    ordered ? mean(xs as number[]) : xs.filter((x) => x !== 'none').length / xs.length;
  return {
    outcome: ordered ? outcome : `${outcome} (${t.categories.join(' | ')}; means: share with one)`,
    test: 'chi-square',
    statistic: t.chiSquare,
    p: t.p,
    means: [share(a), share(b)],
  };
}

const keysOf = (rows: Replicate[][], pick: (r: Replicate) => Record<string, number>) =>
  [...new Set(rows.flat().flatMap((r) => Object.keys(pick(r))))].sort();

/** Every comparison of a family, and those below the level (with a readable line each). */
function judge(family: string, comparisons: (Comparison | undefined)[]) {
  const done = comparisons.filter((c): c is Comparison => c !== undefined);
  const line = (c: Comparison) =>
    `${c.outcome}: ${c.test} ${c.statistic.toPrecision(4)}, p = ${c.p.toExponential(2)}, mean cohorts ${c.means[0].toPrecision(4)} vs individual ${c.means[1].toPrecision(4)}`;
  if (process.env.SEEDSOIL_COHORT_REPORT) console.log(`${family}\n  ${done.map(line).join('\n  ')}`);
  return { tests: done.length, failed: done.filter((c) => !(c.p > LEVEL)).map(line) };
}

interface Case {
  name: string;
  seed: number;
  build: (mode: Mode) => Scenario;
  /** Events both modes must show in some replicate. */
  events: string[];
  /** Whether the scenario has a primary (detection, surgery, recurrence). */
  clinical: boolean;
}

const withMode = (s: Record<string, unknown>, mode: Mode) =>
  asPatient(validateScenario(deepMerge(s, { representation: { mode } }), 'cohorts.test'));

const CASES: Case[] = [
  {
    // A patient: primary, nodes and organs, immune pressure on small colonies,
    // metastases seeding metastases, detection, surgery with node removal, two
    // chemotherapy cycles, endocrine therapy (a second step law), radiotherapy and
    // recurrence within 700 days.
    name: 'patient (fastScenario, 700 days, full clinical layer)',
    seed: 4101,
    build: (mode) =>
      fastScenario({
        time: { durationDays: 700 },
        growth: { colonyLambdaFactor: 3 },
        angiogenesis: { metastasisSwitchHazard: 0.05 },
        colonisation: { requireColonisationDriver: false },
        sites: {
          sentinelNode: { immunePressure: 0.05 },
          regionalNode: { immunePressure: 0.05 },
          distantNode: { immunePressure: 0.05 },
          lung: { immunePressure: 0.03 },
          liver: { immunePressure: 0.03 },
          bone: { immunePressure: 0.03 },
          brain: { immunePressure: 0.03 },
        },
        clinical: {
          metastasisDetectionMm: 3,
          radiotherapy: { enabled: true, includesRegionalNodes: false },
          endocrine: { enabled: true, durationDays: 200 },
        },
        representation: { mode },
      }),
    events: [
      'first_micro',
      'first_macro',
      'detection',
      'surgery',
      'node_status',
      'chemotherapy_cycle',
      'endocrine_start',
      'radiotherapy',
      'recurrence',
    ],
    clinical: true,
  },
  {
    // Luzzi 1998 as published, with 20,000 cells instead of 100,000 (cost): many
    // colonies per replicate, fast growth at dt = 0.1, all of it in the bins.
    name: 'experimental-metastasis-liver (20,000 cells)',
    seed: 4102,
    build: (mode) =>
      withMode(
        deepMerge(loadScenarioFile('experimental-metastasis-liver') as unknown as Record<string, unknown>, {
          inoculation: { cells: 20_000 },
        }),
        mode,
      ),
    events: ['first_micro', 'first_macro', 'angiogenic_switch'],
    clinical: false,
  },
  {
    // Dormancy and small colonies near balance: tail-vein cells without the
    // colonisation driver all go dormant, gain it at the site, wake or die
    // (both dormant stores, dt = 0.5); woken colonies face strong immune pressure
    // with high turnover, so whether one dies out is decided both in the exact law
    // and in the first bins. With no primary, the cells shed after the inoculum
    // come from the colonies (early programme), nearly all from cohort rows, and
    // seed colonies of later generations elsewhere.
    name: 'experimental-metastasis-lung (dormancy, immune pressure, seeding colonies, 250 days)',
    seed: 4103,
    build: (mode) =>
      withMode(
        deepMerge(loadScenarioFile('experimental-metastasis-lung') as unknown as Record<string, unknown>, {
          time: { dt: 0.5, durationDays: 250, observeEveryDays: 10 },
          inoculation: { cells: 4000, drivers: [] },
          growth: { lambda: 0.01, turnover: 0.4, driverMutationRate: 0 },
          angiogenesis: { metastasisSwitchHazard: 0.01 },
          invasion: { programme: 'early', earlyMaxFraction: 0.1, bloodRate: 0.05, lymphRate: 0 },
          circulation: { survivalSingle: 0.02, survivalCluster: 0.2 },
          sites: { lung: { immunePressure: 0.08 } },
          colonisation: {
            immuneSaturationCells: 200,
            progressionHazard: 0.01,
            wakeHazard: 0.02,
            dormantDeathHazard: 0.005,
          },
        }),
        mode,
      ),
    events: ['first_micro', 'first_colony'],
    clinical: false,
  },
  {
    // Driver gains in small colonies: 20,000 cells into the portal vein, whose
    // colonies gain a driver (1e-6 per division, high turnover) mostly while they
    // are cohort members. No switch but by the angiogenic driver, so the colonies
    // that have switched by day 120 count the gains of cohort colonies and their
    // promotion to records.
    name: 'experimental-metastasis-liver (driver gains in small colonies, 120 days)',
    seed: 4104,
    build: (mode) =>
      withMode(
        deepMerge(loadScenarioFile('experimental-metastasis-liver') as unknown as Record<string, unknown>, {
          time: { dt: 1, durationDays: 120, observeEveryDays: 10 },
          inoculation: { cells: 20_000 },
          growth: { lambda: 0.01, turnover: 0.5, driverMutationRate: 1e-6 },
          angiogenesis: { metastasisSwitchHazard: 0 },
        }),
        mode,
      ),
    events: ['first_micro', 'angiogenic_switch'],
    clinical: false,
  },
  {
    // Vascular colonies below the detectable size that gain a driver: fast growth, a
    // high switch hazard and a 20 mm detection size keep switched colonies in the
    // cohorts; under the late programme only colonies that gain the invasive driver
    // shed, so the cells shed after the inoculum count gains in vascular colonies.
    name: 'vascular colonies gaining drivers (experimental-metastasis-liver, 30 days)',
    seed: 4105,
    build: (mode) =>
      withMode(
        deepMerge(loadScenarioFile('experimental-metastasis-liver') as unknown as Record<string, unknown>, {
          time: { dt: 0.5, durationDays: 30, observeEveryDays: 5 },
          inoculation: { cells: 20_000 },
          growth: { lambda: 0.1, driverMutationRate: 1e-6 },
          angiogenesis: { metastasisSwitchHazard: 0.05 },
          invasion: { programme: 'late', lateInvasiveFraction: 0.1, bloodRate: 0.01 },
          clinical: { metastasisDetectionMm: 20 },
          body: { lethalBurdenCells: 1e14 },
        }),
        mode,
      ),
    events: ['first_micro', 'first_macro', 'angiogenic_switch'],
    clinical: false,
  },
];

describe.each(CASES)('cohorts against the reference: $name', (c) => {
  const rows = {} as Record<Mode, Replicate[]>;
  let total = 0;
  beforeAll(() => {
    for (const mode of MODES) {
      const scenario = c.build(mode);
      rows[mode] = Array.from({ length: REPLICATES }, (_, r) => replicate(scenario, c.seed, r));
    }
  }, 600_000);
  const both = () => [rows.cohorts, rows.individual] as const;

  it('exercises binned colonies, micro- and macrometastases and its clinical events in both modes', () => {
    for (const mode of MODES) {
      expect(rows[mode].filter((r) => r.largeColonies > 0).length, mode).toBeGreaterThan(REPLICATES / 2);
      const seen = new Set(rows[mode].flatMap((r) => [...r.events]));
      for (const e of c.events) expect(seen, `${mode}: ${e}`).toContain(e);
    }
    expect(rows.cohorts.filter((r) => r.binnedRows > 0).length).toBeGreaterThan(REPLICATES / 2);
  });

  it('time to the first micro- and macrometastasis per site (KS)', () => {
    const [a, b] = both();
    const keys = keysOf([a, b], (r) => r.firstDay);
    const day = (xs: Replicate[], k: string) => xs.map((r) => r.firstDay[k] ?? Number.POSITIVE_INFINITY);
    const { tests, failed } = judge(
      `${c.name}: first day`,
      keys.map((k) => ks(`first ${k} day`, day(a, k), day(b, k))),
    );
    total += tests;
    expect(failed).toEqual([]);
  });

  it('colonies by size class and site at the end (chi-square)', () => {
    const [a, b] = both();
    const keys = keysOf([a, b], (r) => r.colonies);
    const count = (xs: Replicate[], k: string) => xs.map((r) => r.colonies[k] ?? 0);
    const { tests, failed } = judge(
      `${c.name}: colonies`,
      keys.map((k) => chiSquare(`${k} colonies`, count(a, k), count(b, k))),
    );
    total += tests;
    expect(failed).toEqual([]);
  });

  it('early-derived share, dormant cells, funnel totals, colony ledger and switches (KS)', () => {
    const [a, b] = both();
    const keys = keysOf([a, b], (r) => r.continuous);
    const value = (xs: Replicate[], k: string) => xs.map((r) => r.continuous[k] as number);
    const { tests, failed } = judge(
      `${c.name}: continuous`,
      keys.map((k) => ks(k, value(a, k), value(b, k))),
    );
    total += tests;
    expect(failed).toEqual([]);
  });

  it.runIf(c.clinical)('recurrence type (chi-square)', () => {
    const [a, b] = both();
    const { tests, failed } = judge(`${c.name}: recurrence`, [
      chiSquare(
        'recurrence type',
        a.map((r) => r.recurrence),
        b.map((r) => r.recurrence),
      ),
    ]);
    total += tests;
    expect(failed).toEqual([]);
  });

  afterAll(() => {
    if (process.env.SEEDSOIL_COHORT_REPORT) console.log(`${c.name}: ${total} tests at level ${LEVEL}`);
  });
});
