/**
 * The published results the engine must reproduce (MODEL.md), each a built-in
 * scenario, a measurement taken from every replicate, and a comparison of the
 * ensemble with the published value. Pure TypeScript: the engine's output in,
 * table rows out. Nothing here changes how the engine runs; a target may only stop
 * a run once the rest of it cannot change the target's rows (`complete`), or leave
 * out a patient who cannot enter them (`admit`).
 */
import seedrandom from 'seedrandom';
import {
  kaplanMeierFit,
  kaplanMeierMedian,
  medianWithCi,
  normalQuantile,
  type SurvivalAt,
  survivalAt,
  tCdf,
  tQuantile975,
} from '../analysis/statistics.ts';
import { type ModelRun, type ModelRunOptions, modelOf, type RunResult } from '../engine/model.ts';
import { drawPatientTraits } from '../engine/patient.ts';
import { asPatient } from '../engine/scenario.ts';
import { type AnyScenario, ORGANS, type Scenario } from '../engine/schema.ts';
import type { SimulationResult } from '../engine/simulation.ts';
import { diameterMm, type PatientTraits, type RunEvent } from '../engine/state.ts';
import type { TissueResult } from '../engine/tissue/simulation.ts';

export interface TargetRow {
  target: string;
  quantity: string;
  source: string;
  published: string;
  simulated: number;
  low: number;
  high: number;
  tolerance: string;
  /** The values the tolerance accepts, ends included. */
  band: [number, number];
  pass: boolean;
  /** Where the 95% interval lies against the band (intervalPlace). */
  ciPlace: IntervalPlace;
}

/**
 * Where a row's 95% interval lies against its band. Wholly inside or wholly outside, the
 * verdict would very likely stand in another draw of the same size; across an edge, the
 * point estimate is within about two standard errors of it, so another draw can turn the
 * verdict. A row without an interval (one pooled count, a fit) is 'none'.
 */
export type IntervalPlace = 'inside' | 'outside' | 'across an edge' | 'none';

export function intervalPlace(low: number, high: number, [from, to]: [number, number]): IntervalPlace {
  if (Number.isNaN(low) || Number.isNaN(high)) return 'none';
  if (low >= from && high <= to) return 'inside';
  if (high < from || low > to) return 'outside';
  return 'across an edge';
}

/**
 * How a model whose every true value lay at the middle of its tolerance would fare with
 * these ensembles. A row with an interval and a finite band then passes with probability
 * 2Φ(h / se) − 1, h the band's half-width and se the interval's half-width over 1.96:
 * the sum of the complements is the number of rows it would fail per draw. Approximate:
 * se is the one at the simulated value, not at the middle, and a ratio's log-scale
 * interval and a Kaplan–Meier interval are read as symmetric. The product of the
 * probabilities, its chance of passing every row, also takes the rows as independent,
 * which rows drawn from the same patients are not.
 */
const Z975 = normalQuantile(0.975);

export function matchingModel(rows: readonly TargetRow[]): {
  rows: number;
  failures: number;
  allPass: number;
} {
  let n = 0;
  let failures = 0;
  let allPass = 1;
  for (const r of rows) {
    const se = (r.high - r.low) / (2 * Z975);
    const h = (r.band[1] - r.band[0]) / 2;
    if (!(se > 0) || !Number.isFinite(h)) continue;
    // The standard normal cdf is Student's t with infinitely many degrees of freedom.
    const pass = 2 * tCdf(h / se, Number.POSITIVE_INFINITY) - 1;
    n++;
    failures += 1 - pass;
    allPass *= pass;
  }
  return { rows: n, failures, allPass };
}

/** What one replicate contributes: named numbers, or lists pooled over replicates. */
export type Measurement = Record<string, number | number[]>;

/** How often (simulated days) a run asks its target whether it has what the rows read. */
const COMPLETE_EVERY_DAYS = 30;

/**
 * One replicate of a target's scenario, at the scenario's scale: to its end, or to
 * the first check at which `complete` says the rest cannot change the rows.
 */
export function runReplicate(
  s: AnyScenario,
  replicate: number,
  options: ModelRunOptions = {},
  complete?: Target['complete'],
): RunResult {
  const run = modelOf(s).create({ ...options, replicate });
  stepRun(run, replicate, complete, COMPLETE_EVERY_DAYS);
  return run.result();
}

/**
 * Steps a run until it ends, `complete` holds at a check (from day `next` on, every
 * COMPLETE_EVERY_DAYS), or `until` holds after a step. Returns the day of the next
 * check, so that a run stopped by `until` and stepped on checks on the same days, and
 * whether `until` stopped it.
 */
function stepRun(
  run: ModelRun,
  replicate: number,
  complete: Target['complete'],
  next: number,
  until?: (events: readonly RunEvent[], day: number) => boolean,
): { next: number; stoppedByUntil: boolean } {
  while (!run.done()) {
    run.step();
    if (complete && run.day() >= next) {
      if (complete(run.events(), run.day(), replicate)) break;
      next += COMPLETE_EVERY_DAYS;
    }
    if (until?.(run.events(), run.day())) return { next, stoppedByUntil: true };
  }
  return { next, stoppedByUntil: false };
}

/**
 * The measurements of a paired target's arms (`arms`, one scenario each) on one
 * patient, each the one measureReplicate gives it: the patient is simulated once up
 * to the step after which the target says the arms may part (`forkAt`), then each
 * arm goes on from a copy of that run. A run that has all it needs before that point
 * is every arm's where the target says the arms cannot have parted in it (`unparted`),
 * else the first arm's alone, and the others run from the start, as do the arms of a
 * target without `forkAt`, of one that admits patients, or of a scale that cannot
 * copy a run.
 */
export function measureArms(
  t: Target,
  arms: readonly AnyScenario[],
  replicate: number,
  options: ModelRunOptions = {},
): (Measurement | null)[] {
  const [first, ...others] = arms;
  const forkAt = t.forkAt;
  if (!first || !forkAt || t.admit) return arms.map((s) => measureReplicate(t, s, replicate, options));
  const shared = modelOf(first).create({ ...options, replicate });
  const prefix = stepRun(shared, replicate, t.complete, COMPLETE_EVERY_DAYS, (events, day) =>
    shared.fork ? forkAt(events, day, arms) : false,
  );
  if (!prefix.stoppedByUntil) {
    const result = shared.result();
    const same = t.unparted?.(shared.events(), arms) ?? false;
    return [
      t.measure(result, first),
      ...others.map((s) => (same ? t.measure(result, s) : measureReplicate(t, s, replicate, options))),
    ];
  }
  // Every copy is taken before the first arm steps on.
  const copies = others.map((s) => shared.fork?.(s) as ModelRun);
  return [shared, ...copies].map((run, k) => {
    stepRun(run, replicate, t.complete, prefix.next);
    return t.measure(run.result(), arms[k] as AnyScenario);
  });
}

/**
 * A replicate's measurement, or null for a patient the target does not admit: that
 * patient is not run, and the rows are taken over the others.
 */
export function measureReplicate(
  t: Target,
  s: AnyScenario,
  replicate: number,
  options: ModelRunOptions = {},
): Measurement | null {
  return measureReplicates([t], s, replicate, options)[0] as Measurement | null;
}

/** Whether each target admits this replicate of `s` (one without `admit` admits every patient). */
export function admittedBy(
  ts: readonly Target[],
  s: AnyScenario,
  replicate: number,
  seed?: number,
): boolean[] {
  return ts.map((t) => {
    if (!t.admit) return true;
    const p = asPatient(s);
    return t.admit(drawPatientTraits(p, seed ?? p.seed, replicate), p, replicate);
  });
}

/**
 * The measurements of several targets on one replicate of one scenario, from one
 * run: each target's measurement is what measureReplicate gives it alone, since
 * the run stops only once every target's `complete` holds (each promises that the
 * rest of the run cannot change its rows) and a target that does not admit the
 * patient gets null. Nobody admitted: no run.
 */
export function measureReplicates(
  ts: readonly Target[],
  s: AnyScenario,
  replicate: number,
  options: ModelRunOptions = {},
): (Measurement | null)[] {
  const admitted = admittedBy(ts, s, replicate, options.seed);
  if (!admitted.includes(true)) return ts.map(() => null);
  const running = ts.filter((_, k) => admitted[k]);
  const completes = running.map((t) => t.complete);
  const complete = completes.every((c) => c !== undefined)
    ? (events: readonly RunEvent[], day: number, r: number) => completes.every((c) => c?.(events, day, r))
    : undefined;
  const result = runReplicate(s, replicate, options, complete);
  return ts.map((t, k) => (admitted[k] ? t.measure(result, s) : null));
}

function patientRun(r: RunResult): SimulationResult {
  if ('metastases' in r) return r;
  throw new Error('a patient-scale target was given a tissue run');
}

function tissueRun(r: RunResult): TissueResult {
  if (!('metastases' in r)) return r;
  throw new Error('a tissue target was given a patient-scale run');
}

export interface Target {
  name: string;
  source: string;
  /** The built-in scenario, or the population's name when `population` is set. */
  scenario: string;
  /** Patients drawn from several scenarios at these shares (stratified: replicate i of n is the scenario whose share holds (i + 1/2)/n). */
  population?: readonly { scenario: string; share: number }[];
  /**
   * The population's members are arms given to the same patients: each member numbers
   * its replicates from 0, so replicate k of every arm is one patient (patientOfReplicate).
   */
  paired?: boolean;
  /**
   * For a paired target: whether, after this step (its events so far and its day), the
   * arms have had the same run and cannot part before the next step. The first step at
   * which it holds is where the arms' runs are copied from one (measureArms); it must
   * hold only where running each arm from the start would give the same runs up to
   * here (a test holds the target to it).
   */
  forkAt?(events: readonly RunEvent[], day: number, arms: readonly AnyScenario[]): boolean;
  /**
   * For a paired target with `forkAt`: whether a run that ended, or had all the rows
   * read, before `forkAt` held (its events) is the run every arm would have had. Then
   * it is measured for each arm, and no arm runs again.
   */
  unparted?(events: readonly RunEvent[], arms: readonly AnyScenario[]): boolean;
  replicates: number;
  /** A smaller ensemble that runs in CI. */
  ciReplicates: number;
  /** Each target's scenario has one scale, and its measure takes that scale's result. */
  measure(r: RunResult, s: AnyScenario): Measurement;
  /**
   * Whether a run, given its events so far and its day, holds all that the rows will
   * read from it: the run then stops (the rows are the same as for the whole run; a
   * test holds every target to it). Without it every run goes to its end. `replicate` is
   * the run's replicate number, the one its manifest carries.
   */
  complete?(events: readonly RunEvent[], day: number, replicate: number): boolean;
  /**
   * Whether a patient with these traits, drawn before the run, can enter a row at all:
   * one who cannot is not run, and the rows are the same as over every run (a test
   * holds every target to it). Without it every patient is run. `replicate` is the
   * number the run would have, the one its manifest carries.
   */
  admit?(patient: PatientTraits, s: Scenario, replicate: number): boolean;
  rows(ms: Measurement[], s: AnyScenario): TargetRow[];
}

const YEAR = 365.25;
/** EBCTCG 2011 reports rate ratios for years 0-4, 5-9 and 10-14 after surgery. */
const EBCTCG_YEARS = 15;
/** The largest T1 tumour (AJCC): 2 cm. */
const T1_MM = 20;
/** The largest T2 tumour (AJCC): 5 cm. */
const T2_MM = 50;
/** Carter's largest diameter class: 5 cm or more. */
const CARTER_MM = 50;
/** Carter's smallest class in the node-positive shares: under 1 cm (his two smallest pooled). */
const CARTER_SMALL_MM = 10;
/**
 * carter-1989 follows for five years every patient found under 2 cm or at 5 cm or more,
 * and one in CARTER_MIDDLE_EVERY of those between (replicates 0, 8, 16, ...): the middle
 * classes hold most patients and would double the target's cost. The others between
 * are run to surgery only, for the node-positive shares by diameter.
 */
const CARTER_MIDDLE_EVERY = 8;
/** Whether a patient found at this diameter (mm) enters carter-1989's survival rows. */
const carterCell = (mm: number, replicate: number) =>
  mm >= 0 && (mm < T1_MM || mm >= CARTER_MM || replicate % CARTER_MIDDLE_EVERY === 0);
/**
 * Carter's table as tabulated in whole percent (medicalalgorithms.com, "Prognostic factors
 * of Carter et al."): 5-year relative survival by diameter class (from, to mm) with no,
 * one to three, and four or more positive nodes, and the share of cases node-positive
 * (given for classes under 1 cm together). The tabulation's 86% for 1.0-1.9 cm without
 * nodes sits below its neighbours on both sides (98%, 92%) and the abstract's 96.3% for
 * every tumour under 2 cm without nodes: a misprint, and unused (that row is the abstract's).
 */
const CARTER_TABLE = [
  { from: 0, to: 5, survival: [0.99, 0.95, 0.59], positive: 0.2 },
  { from: 5, to: 10, survival: [0.98, 0.94, 0.54], positive: 0.2 },
  { from: 10, to: 20, survival: [Number.NaN, 0.87, 0.67], positive: 0.33 },
  { from: 20, to: 30, survival: [0.92, 0.83, 0.63], positive: 0.45 },
  { from: 30, to: 40, survival: [0.86, 0.79, 0.57], positive: 0.52 },
  { from: 40, to: 50, survival: [0.85, 0.7, 0.53], positive: 0.6 },
  { from: 50, to: Number.POSITIVE_INFINITY, survival: [0.82, 0.73, 0.455], positive: 0.7 },
] as const;

/**
 * Carter's node-positive share of the class starting at `from` mm (under 1 cm when 0),
 * among the era's patients operated on without distant metastases (a regional stage
 * counts as positive; a patient who died before surgery has no node count).
 */
function carterPositiveRow(t: Target, ms: readonly Measurement[], from: number): TargetRow {
  const c = CARTER_TABLE.find((x) => x.from === from) ?? CARTER_TABLE[0];
  const to = from === 0 ? CARTER_SMALL_MM : c.to;
  const members = ms.filter(
    (m) =>
      (m.mm as number) >= from &&
      (m.mm as number) < to &&
      (m.nodes as number) >= 0 &&
      (m.stage === 0 || m.stage === 1),
  );
  const cm = (mm: number) => (mm / 10).toFixed(1);
  const label =
    from === 0 ? 'under 1 cm' : to === Number.POSITIVE_INFINITY ? '≥ 5 cm' : `${cm(from)}–${cm(to - 1)} cm`;
  return row(
    t,
    `node-positive share, tumour ${label}`,
    `${Math.round(c.positive * 100)}%`,
    proportionCi(members.filter((m) => m.stage === 1).length, members.length),
    relative(c.positive),
    '±25% relative',
  );
}

/**
 * Breast cancer as diagnosed: the subtypes at their shares among cases of known
 * subtype, SEER 22 2017–2021 (HR+/HER2− 69.5%, HR−/HER2− 10.5%, HR+/HER2+ 9.6%,
 * HR−/HER2+ 4.0%; SEER Cancer Stat Facts, Female Breast Cancer Subtypes).
 */
export const BREAST_POPULATION = [
  { scenario: 'breast-er-positive', share: 0.742 },
  { scenario: 'breast-her2-early', share: 0.145 },
  { scenario: 'breast-triple-negative', share: 0.113 },
] as const;

/**
 * SEER's 5-year relative survival of the subtypes, in BREAST_POPULATION's order; the
 * two HER2+ subtypes (HR+ 91.5%, HR− 85.7%) at their shares (9.6% and 4.0%).
 */
const SEER_SURVIVAL_BY_SUBTYPE = [
  ['HR+/HER2− (breast-er-positive)', '95.1%', 0.951],
  ['HER2+ (breast-her2-early)', '89.8% (HR+/HER2+ 91.5%, HR−/HER2+ 85.7%)', 0.898],
  ['HR−/HER2− (breast-triple-negative)', '78.0%', 0.78],
] as const;
/**
 * The same page's 5-year relative survival of each subtype by summary stage (SEER 22
 * 2013–2019), HER2+ again the two HER2+ subtypes at their shares. No localized HR+/HER2−
 * row (null): it is 100.0%, and ±25% of a mortality of 0 admits only 0, which no model with
 * deaths can give (relative survival above disease-specific: docs/calibration.md).
 */
const SEER_SURVIVAL_BY_SUBTYPE_AND_STAGE = [
  ['localized', [null, ['98.5% (HR+ 99.1%, HR− 97.2%)', 0.985], ['91.8%', 0.918]]],
  [
    'regional',
    [
      ['90.3%', 0.903],
      ['88.1% (HR+ 89.8%, HR− 84.0%)', 0.881],
      ['66.2%', 0.662],
    ],
  ],
  [
    'distant',
    [
      ['34.0%', 0.34],
      ['43.8% (HR+ 45.6%, HR− 39.5%)', 0.438],
      ['12.8%', 0.128],
    ],
  ],
] as const;
/** The same page's 5-year relative survival of every subtype by summary stage at diagnosis. */
const SEER_SURVIVAL_BY_STAGE = [
  ['localized', '99.3%', 0.993],
  ['regional', '86.3%', 0.863],
  ['distant', '31.0%', 0.31],
] as const;

/**
 * The first line of metastatic therapy in the trials that set today's standard for
 * each subtype, in BREAST_POPULATION's order: median progression-free survival and
 * overall survival in months from the start of the line. The triple-negative line of
 * the model is chemotherapy alone, KEYNOTE-355's control arm; its overall survival is
 * the final analysis's for the patients with PD-L1 CPS ≥ 1 (the subgroup whose control
 * arm the abstract gives; 16.1 months with CPS ≥ 10).
 */
const FIRST_LINE_TRIALS = [
  {
    label: 'HR+/HER2− (breast-er-positive)',
    pfs: [
      '24.8 months (PALOMA-2, palbociclib with letrozole)',
      24.8,
      'Finn et al. 2016, N Engl J Med 375:1925',
    ],
    os: [
      '53.9 months (PALOMA-2, final analysis)',
      53.9,
      'Finn et al. 2024, J Clin Oncol (PALOMA-2 final overall survival)',
    ],
  },
  {
    label: 'HER2+ (breast-her2-early)',
    pfs: [
      '18.5 months (CLEOPATRA, pertuzumab, trastuzumab and docetaxel)',
      18.5,
      'Baselga et al. 2012, N Engl J Med 366:109',
    ],
    os: ['56.5 months (CLEOPATRA)', 56.5, 'Swain et al. 2015, N Engl J Med 372:724'],
  },
  {
    label: 'HR−/HER2− (breast-triple-negative)',
    pfs: [
      '5.6 months (KEYNOTE-355, placebo with chemotherapy, intention to treat)',
      5.6,
      'Cortes et al. 2020, Lancet 396:1817',
    ],
    os: [
      '16.0 months (KEYNOTE-355 control arm, PD-L1 CPS ≥ 1, three quarters of the trial)',
      16.0,
      'Cortes et al. 2022, N Engl J Med 387:217',
    ],
  },
] as const;
/** Years each patient is followed from the start of her first line: both trial medians of each subtype lie within. */
export const FIRST_LINE_YEARS = 6;
const MONTH = 365.25 / 12;

/** differOnlyInEndocrine's answers, by arms: asked at every step, worked out once a patient. */
const endocrineOnly = new WeakMap<readonly AnyScenario[], boolean>();

/** Whether the arms are one scenario but for their names and whether endocrine therapy is on. */
function differOnlyInEndocrine(arms: readonly AnyScenario[]): boolean {
  let same = endocrineOnly.get(arms);
  if (same === undefined) {
    const key = (a: AnyScenario) => {
      const s = asPatient(a);
      const endocrine = { ...s.clinical.endocrine, enabled: false };
      return JSON.stringify({ ...s, name: '', description: '', clinical: { ...s.clinical, endocrine } });
    };
    same = arms.every((a) => key(a) === key(arms[0] as AnyScenario));
    endocrineOnly.set(arms, same);
  }
  return same;
}

/**
 * The same subtypes as Carter, Allen & Henson's SEER cases (1977-1982) were found and
 * treated: by symptoms, without screening, and without adjuvant systemic therapy. The
 * subtypes' shares of that time are not known; today's are taken.
 */
export const CARTER_ERA_POPULATION = [
  { scenario: 'breast-er-positive-1980', share: 0.742 },
  { scenario: 'breast-her2-1980', share: 0.145 },
  { scenario: 'breast-triple-negative-1980', share: 0.113 },
] as const;

/** The scenarios a target runs: its own, or its population's. */
export function targetScenarios(t: Target): readonly string[] {
  return t.population ? t.population.map((p) => p.scenario) : [t.scenario];
}

/**
 * The member of a mixture that replicate i of n belongs to: the member whose share
 * holds (i + 1/2)/n, shares taken in order. Stratified, so an ensemble of any size
 * holds every member at its share to within one replicate, and a replicate's member
 * depends only on i and n (never on workers or shards).
 */
export function memberOfReplicate(shares: readonly number[], i: number, n: number): number {
  const total = shares.reduce((a, s) => a + s, 0);
  if (shares.some((s) => s < 0) || Math.abs(total - 1) > 1e-9)
    throw new Error(`population shares must be non-negative and sum to 1 (they sum to ${total})`);
  const at = (i + 0.5) / n;
  let cumulative = 0;
  for (const [k, share] of shares.entries()) {
    cumulative += share;
    if (at < cumulative) return k;
  }
  return shares.length - 1;
}

/**
 * The patient (the engine's replicate number) that replicate i of n simulates: i, or
 * in a paired population i's place among its member's replicates, so that the arms
 * share every draw up to the point where their care differs.
 */
export function patientOfReplicate(t: Target | undefined, i: number, n: number): number {
  if (!t?.population || !t.paired) return i;
  const shares = t.population.map((p) => p.share);
  const member = memberOfReplicate(shares, i, n);
  let first = i;
  while (first > 0 && memberOfReplicate(shares, first - 1, n) === member) first--;
  return i - first;
}

/** The scenario of replicate i of n: stratified by share, so every ensemble holds the population's mix. */
export function scenarioOfReplicate(t: Target, i: number, n: number): string {
  if (!t.population) return t.scenario;
  try {
    const k = memberOfReplicate(
      t.population.map((p) => p.share),
      i,
      n,
    );
    return (t.population[k] as { scenario: string }).scenario;
  } catch (e) {
    throw new Error(`${t.name}: ${(e as Error).message}`);
  }
}

/** Mean over replicates with a Student t 95% interval (no interval from one replicate). */
function meanCi(values: number[]): [number, number, number] {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return [mean, Number.NaN, Number.NaN];
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return [mean, mean - half, mean + half];
}

/**
 * meanCi of per-replicate shares, the interval cut to [0, 1]: a t interval can reach past
 * where a share can be, and an end there would seem to cross a tolerance that ends at 1.
 */
function shareMeanCi(values: number[]): [number, number, number] {
  const [mean, low, high] = meanCi(values);
  return [mean, Math.max(0, low), Math.min(1, high)];
}

/** Wilson score interval of a proportion of independent patients (one per replicate). */
function proportionCi(successes: number, n: number): [number, number, number] {
  if (n === 0) return [Number.NaN, Number.NaN, Number.NaN];
  const p = successes / n;
  const z = 1.96;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [p, Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The odds ratio of an event in group a against group b, with Woolf's log-scale 95% interval. */
function oddsRatio(
  a: Measurement[],
  b: Measurement[],
  event: (m: Measurement) => boolean,
): [number, number, number] {
  const a1 = a.filter(event).length;
  const b1 = b.filter(event).length;
  const a0 = a.length - a1;
  const b0 = b.length - b1;
  if (a1 === 0 || a0 === 0 || b1 === 0 || b0 === 0) return [Number.NaN, Number.NaN, Number.NaN];
  const or = (a1 * b0) / (a0 * b1);
  const half = 1.96 * Math.sqrt(1 / a1 + 1 / a0 + 1 / b1 + 1 / b0);
  return [or, or * Math.exp(-half), or * Math.exp(half)];
}

/**
 * The Kaplan–Meier risk of the event by time `at` (1 − S(at)) with Greenwood's
 * log-scale 95% interval, as 1 − summary(survfit(...), times = at).
 */
function riskBy(times: readonly number[], events: readonly boolean[], at: number): [number, number, number] {
  if (times.length === 0) return [Number.NaN, Number.NaN, Number.NaN];
  const [s] = survivalAt(kaplanMeierFit(times, events), [at]) as [SurvivalAt];
  return [1 - s.survival, 1 - s.upper, 1 - s.lower];
}

/**
 * The ratio of two event rates (events per year at risk), a over b, with the usual
 * log-scale 95% interval, sqrt(1/events a + 1/events b); none unless both have events.
 */
function rateRatio(
  a: { events: number; years: number },
  b: { events: number; years: number },
): [number, number, number] {
  if (a.events === 0 || b.events === 0) return [Number.NaN, Number.NaN, Number.NaN];
  const rr = a.events / a.years / (b.events / b.years);
  const half = 1.96 * Math.sqrt(1 / a.events + 1 / b.events);
  return [rr, rr * Math.exp(-half), rr * Math.exp(half)];
}

/**
 * A statistic of values pooled over replicates, with a percentile bootstrap 95%
 * interval that resamples whole replicates: metastases of one patient are not
 * independent of each other.
 */
function clusteredCi(groups: number[][], statistic: (pooled: number[]) => number): [number, number, number] {
  const value = statistic(groups.flat());
  const u = seedrandom.alea('seedsoil-reproduce');
  const draws: number[] = [];
  for (let b = 0; b < 1000; b++) {
    const sample = Array.from(
      { length: groups.length },
      () => groups[Math.floor(u() * groups.length)] as number[],
    );
    const v = statistic(sample.flat());
    if (!Number.isNaN(v)) draws.push(v);
  }
  draws.sort((a, b) => a - b);
  const at = (q: number) =>
    draws.length ? (draws[Math.max(0, Math.ceil(q * draws.length) - 1)] as number) : Number.NaN;
  return [value, at(0.025), at(0.975)];
}

function row(
  target: Target,
  quantity: string,
  published: string,
  [value, low, high]: [number, number, number],
  band: [number, number],
  tolerance: string,
  source = target.source,
): TargetRow {
  return {
    target: target.name,
    quantity,
    source,
    published,
    simulated: value,
    low,
    high,
    tolerance,
    band,
    pass: value >= band[0] && value <= band[1],
    ciPlace: intervalPlace(low, high, band),
  };
}

const relative = (v: number, r = 0.25): [number, number] => [v * (1 - r), v * (1 + r)];
const pick = (ms: Measurement[], key: string) => ms.map((m) => m[key] as number);

function seriesAt(r: SimulationResult, column: string, day: number): number {
  const days = r.series.day as number[];
  const i = days.findIndex((d) => d >= day - 1e-9);
  return (r.series[column] as number[])[i < 0 ? days.length - 1 : i] as number;
}

/** Hahnfeldt et al. 1999: V' = -l1 V ln(V/K), K' = -l2 K + b V - d K V^(2/3), by RK4 with a small step. */
export function hahnfeldtOde(s: Scenario, day: number): number {
  const a = s.angiogenesis;
  const rho = s.body.cellsPerMm3;
  let v = s.primary.initialCells / rho;
  let k = (s.primary.initialCapacityCells || a.avascularCapacityCells) / rho;
  const f = (vv: number, kk: number): [number, number] => [
    -s.growth.lambda * vv * Math.log(vv / kk),
    -a.lambda2 * kk + a.b * vv - a.d * kk * vv ** (2 / 3),
  ];
  const h = 0.001;
  for (let t = 0; t < day - 1e-12; t += h) {
    const [v1, k1] = f(v, k);
    const [v2, k2] = f(v + (h / 2) * v1, k + (h / 2) * k1);
    const [v3, k3] = f(v + (h / 2) * v2, k + (h / 2) * k2);
    const [v4, k4] = f(v + h * v3, k + h * k3);
    v += (h / 6) * (v1 + 2 * v2 + 2 * v3 + v4);
    k += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return v;
}

/** Share of patients with each value of `key`, with Wilson intervals. */
function shareOf(ms: Measurement[], key: string, value: number, among: (m: Measurement) => boolean) {
  const members = ms.filter(among);
  return proportionCi(members.filter((m) => m[key] === value).length, members.length);
}

const STAGES = ['localized', 'regional', 'distant'];
const ORGAN_NAMES: readonly string[] = ORGANS;

/** What a patient of a population contributes: stage, size and nodes at diagnosis, 5-year survival, first distant site. */
function clinicalMeasure(result: RunResult, s: AnyScenario) {
  const r = patientRun(result);
  const sum = r.summary;
  const det = sum.primary.detectedDay;
  const rho = asPatient(s).body.cellsPerMm3;
  const mm = det >= 0 ? diameterMm(sum.primary.cellsAtDetection, rho) : -1;
  const died = sum.deathDay >= 0;
  // Five years of follow-up after diagnosis, or death before them.
  const followed =
    det >= 0 && (sum.daysSimulated >= det + 5 * YEAR - 1 || (died && sum.deathDay < det + 5 * YEAR));
  const first = firstOrganMacro(r.events);
  return {
    stage: STAGES.indexOf(sum.stageAtDiagnosis),
    nodes: nodeGroup(r.events),
    mm,
    followed: followed ? 1 : 0,
    alive5: followed && !(died && sum.deathDay < det + 5 * YEAR) ? 1 : 0,
    distant: first ? 1 : 0,
    firstSite: first ? ORGAN_NAMES.indexOf(first.site) : -1,
  };
}

/**
 * Axillary nodes found positive at surgery as Carter and Pan count them: 0 none, 1 the
 * sentinel station only (one to three nodes), 2 the regional station too (four or more);
 * -1 when no node was examined (death before surgery), so the count is not known.
 * Micro- and macrometastases make a station positive; isolated tumour cells do not.
 */
function nodeGroup(events: readonly RunEvent[]): number {
  const status = (site: string) => events.find((e) => e.type === 'node_status' && e.site === site)?.detail;
  const positive = (site: string) => ['micro', 'macro'].includes(status(site) ?? '');
  if (status('sentinelNode') === undefined) return -1;
  return !positive('sentinelNode') ? 0 : positive('regionalNode') ? 2 : 1;
}

/** The first macrometastasis in an organ (lymph nodes excluded): the first distant site. */
const firstOrganMacro = (events: readonly RunEvent[]) =>
  events.find((e) => e.type === 'first_macro' && ORGAN_NAMES.includes(e.site));

/**
 * clinicalMeasure has all it reads after surgery (which settles the stage) and five
 * years after diagnosis, once an organ holds a macrometastasis (the first site).
 */
function clinicalComplete(events: readonly RunEvent[], day: number): boolean {
  const detection = events.find((e) => e.type === 'detection');
  return (
    detection !== undefined &&
    day >= detection.day + 5 * YEAR &&
    events.some((e) => e.type === 'surgery') &&
    firstOrganMacro(events) !== undefined
  );
}

/**
 * The first line of metastatic therapy, whenever it starts (trial patients relapse early
 * and late, or are metastatic at diagnosis), followed FIRST_LINE_YEARS from its start:
 * days to the disease's escape from it or death (progression-free survival) and to
 * death (overall survival), each with 1 for an event and 0 for censoring; -1 days for a
 * patient who started no line.
 */
export function firstLineMeasure(
  events: readonly RunEvent[],
  summary: { daysSimulated: number; deathDay: number },
) {
  const start = firstLineStart(events);
  if (start === undefined) return { pfsDays: -1, pfsEvent: 0, osDays: -1, osEvent: 0 };
  const end = Math.min(summary.daysSimulated, start + FIRST_LINE_YEARS * YEAR);
  const death = summary.deathDay >= 0 && summary.deathDay <= end ? summary.deathDay : -1;
  const escaped = events.find(
    (e) => e.type === 'metastatic_progression' && e.value === 1 && e.day <= end,
  )?.day;
  const pfsEnd = escaped ?? (death >= 0 ? death : end);
  return {
    pfsDays: pfsEnd - start,
    pfsEvent: escaped !== undefined || death >= 0 ? 1 : 0,
    osDays: (death >= 0 ? death : end) - start,
    osEvent: death >= 0 ? 1 : 0,
  };
}

const firstLineStart = (events: readonly RunEvent[]) =>
  events.find((e) => e.type === 'metastatic_line' && e.value === 1)?.day;

/**
 * firstLineMeasure has all it reads once a started first line has been followed its
 * years; a patient who has not started one may still, until the run ends.
 */
export function firstLineComplete(events: readonly RunEvent[], day: number): boolean {
  const start = firstLineStart(events);
  return start !== undefined && day >= start + FIRST_LINE_YEARS * YEAR;
}

/** Kaplan–Meier median (months) with its 95% interval over the patients who started a first line. */
function firstLineMedian(ms: Measurement[], which: 'pfs' | 'os'): [number, number, number] {
  const started = ms.filter((m) => (m[`${which}Days`] as number) >= 0);
  if (started.length === 0) return [Number.NaN, Number.NaN, Number.NaN];
  const fit = kaplanMeierFit(
    started.map((m) => (m[`${which}Days`] as number) / MONTH),
    started.map((m) => m[`${which}Event`] === 1),
  );
  const { median, low, high } = kaplanMeierMedian(fit);
  return [median, low, high];
}

/** Weighted least-squares line through (x, share) points; R² when the slope is positive, else 0. */
function linearFit(points: { x: number; y: number; w: number }[]): number {
  const w = points.reduce((a, p) => a + p.w, 0);
  const mx = points.reduce((a, p) => a + p.w * p.x, 0) / w;
  const my = points.reduce((a, p) => a + p.w * p.y, 0) / w;
  const sxy = points.reduce((a, p) => a + p.w * (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((a, p) => a + p.w * (p.x - mx) ** 2, 0);
  const syy = points.reduce((a, p) => a + p.w * (p.y - my) ** 2, 0);
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy > 0 ? (sxy * sxy) / (sxx * syy) : 0;
}

/** 5-year survival among the patients followed for five years (or dead before them) that `keep` selects, with a Wilson interval. */
function survival(ms: Measurement[], keep: (m: Measurement) => boolean): [number, number, number] {
  const members = ms.filter((m) => m.followed === 1 && keep(m));
  return proportionCi(members.filter((m) => m.alive5 === 1).length, members.length);
}

/** ±25% relative on the 5-year mortality (MODEL.md's default tolerance, on the event rate). */
const survivalBand = (survival: number): [number, number] => [
  1 - 1.25 * (1 - survival),
  1 - 0.75 * (1 - survival),
];

export const TARGETS: Target[] = [
  {
    name: 'luzzi-1998',
    source: 'Luzzi et al. 1998, Am J Pathol 153:865',
    scenario: 'experimental-metastasis-liver',
    replicates: 10,
    // About 19 macrometastases per replicate: 3 replicates leave the row's ±25% band at two
    // Poisson standard errors, so the check runs the target's own 10.
    ciReplicates: 10,
    measure(result, s) {
      const r = patientRun(result);
      const injected = asPatient(s).inoculation.cells;
      return {
        extravasated: (r.summary.funnel.extravasated as number) / injected,
        micro3: seriesAt(r, 'colonies', 3) / injected,
        macro13: r.summary.colonies.macro / injected,
        // Luzzi counted solitary cells: dormant ones and any still settling.
        dormant13: (r.summary.dormantCells + r.summary.settlingCells) / injected,
      };
    },
    rows(ms) {
      return [
        row(
          this,
          'extravasated by day 3',
          '83%',
          shareMeanCi(pick(ms, 'extravasated')),
          relative(0.83),
          '±25% relative',
        ),
        row(
          this,
          'micrometastases at day 3',
          '2–2.5% (1 in 40)',
          shareMeanCi(pick(ms, 'micro3')),
          [0.02, 0.025],
          'published range',
        ),
        row(
          this,
          'macrometastases at day 13',
          '0.02%',
          shareMeanCi(pick(ms, 'macro13')),
          relative(0.0002),
          '±25% relative',
        ),
        row(
          this,
          'solitary dormant cells at day 13',
          '36%',
          shareMeanCi(pick(ms, 'dormant13')),
          relative(0.36),
          '±25% relative',
        ),
      ];
    },
  },
  {
    name: 'meng-2004',
    source: 'Meng et al. 2004, Clin Cancer Res 10:8152',
    scenario: 'ctc-half-life',
    replicates: 10,
    ciReplicates: 3,
    measure(result) {
      const r = patientRun(result);
      // Log-linear fit of CTCs in blood over the first half day after surgery.
      const surgery = r.summary.surgeryDay;
      const days = r.series.day as number[];
      const ctc = r.series.ctc_in_blood as number[];
      const xs: number[] = [];
      const ys: number[] = [];
      days.forEach((d, i) => {
        if (d > surgery + 1e-9 && d <= surgery + 0.5 && (ctc[i] as number) > 0) {
          xs.push(d - surgery);
          ys.push(Math.log(ctc[i] as number));
        }
      });
      const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
      const my = ys.reduce((a, b) => a + b, 0) / ys.length;
      const slope =
        xs.reduce((a, x, i) => a + (x - mx) * ((ys[i] as number) - my), 0) /
        xs.reduce((a, x) => a + (x - mx) ** 2, 0);
      return { halfLifeHours: (Math.LN2 / -slope) * 24 };
    },
    rows(ms) {
      return [
        row(
          this,
          'CTC half-life after surgery (h)',
          '1–2.4 h',
          meanCi(pick(ms, 'halfLifeHours')),
          [1, 2.4],
          'published range',
        ),
      ];
    },
  },
  {
    name: 'hahnfeldt-1999',
    source: 'Hahnfeldt et al. 1999, Cancer Res 59:4770',
    scenario: 'hahnfeldt-lewis-lung',
    replicates: 20,
    ciReplicates: 5,
    measure(result, s) {
      const r = patientRun(result);
      const rho = asPatient(s).body.cellsPerMm3;
      return { v10: seriesAt(r, 'primary_cells', 10) / rho, v20: seriesAt(r, 'primary_cells', 20) / rho };
    },
    rows(ms, s) {
      return [10, 20].map((day) => {
        const ode = hahnfeldtOde(asPatient(s), day);
        return row(
          this,
          `mean tumour volume at day ${day} (mm^3)`,
          `${ode.toFixed(0)} mm^3 (ODE)`,
          meanCi(pick(ms, `v${day}`)),
          relative(ode),
          '±25% relative',
        );
      });
    },
  },
  {
    name: 'hosseini-2016',
    source: 'Hosseini et al. 2016, Nature 540:552',
    scenario: 'her2-mouse-early',
    replicates: 200,
    ciReplicates: 40,
    measure(result) {
      const r = patientRun(result);
      // A cohort row stands for `count` metastases.
      const mets = r.metastases.filter((m) => m.size_class !== 'itc');
      return { early: mets.flatMap((m) => Array<number>(m.count).fill(m.timing === 'early' ? 1 : 0)) };
    },
    rows(ms) {
      const share = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
      return [
        row(
          this,
          'metastases from early-disseminated cells',
          '≥ 80%',
          clusteredCi(
            ms.map((m) => m.early as number[]),
            share,
          ),
          [0.8, 1],
          'at least 80%',
        ),
      ];
    },
  },
  {
    name: 'tubiana-1991',
    source: 'Tubiana & Koscielny 1991, Acta Oncol 30:879',
    scenario: 'breast-late-tubiana',
    replicates: 60,
    // A median of a few macrometastases: 20 patients hold 2 to 5 of them, and which few
    // form decides the row, so the check runs the target's own 60.
    ciReplicates: 60,
    measure(result) {
      const r = patientRun(result);
      // Tubiana and Koscielny's sizes are those of primaries that seeded before surgery;
      // cells shed by a local recurrence that regrew from the residual are not among them.
      const surgery = r.summary.surgeryDay;
      const macro = r.metastases.filter(
        (m) =>
          m.size_class === 'macro' && m.generation === 1 && (surgery < 0 || m.dissemination_day <= surgery),
      );
      return {
        seedingMm: macro.flatMap((m) => Array<number>(m.count).fill(m.primary_diameter_at_dissemination_mm)),
      };
    },
    rows(ms) {
      const groups = ms.map((m) => (m.seedingMm as number[]).map((mm) => mm / 10));
      const median = (xs: number[]) => medianWithCi(xs).median;
      return [
        row(
          this,
          'median primary diameter when metastases were seeded (cm)',
          '3.5 cm',
          clusteredCi(groups, median),
          relative(3.5),
          '±25% relative',
        ),
      ];
    },
  },
  {
    name: 'pan-2017',
    source: 'Pan et al. 2017, N Engl J Med 377:1836',
    scenario: 'breast-er-positive',
    // The smallest fitted group sets the size: some 2% of patients are eligible and T1N4-9,
    // whose 15-year risk then has a standard error near 0.06. T2N4-9, checked only, holds
    // fewer still.
    replicates: 3000,
    ciReplicates: 100,
    measure(result, s) {
      const r = patientRun(result);
      // T1 (≤ 2 cm) or T2 (≤ 5 cm), alive and free of recurrence 5 years after diagnosis;
      // followed from year 5 to the first of distant recurrence (the event), another
      // recurrence, death, the end of the run or year 20 (censored). Pan et al. estimated
      // the risk by Kaplan–Meier over the same window, so patients followed less than 15
      // years count.
      const det = r.summary.primary.detectedDay;
      const cells = r.summary.primary.cellsAtDetection;
      const mm = det >= 0 && cells > 0 ? diameterMm(cells, asPatient(s).body.cellsPerMm3) : -1;
      const rec = r.summary.recurrence;
      const died = r.summary.deathDay;
      const start = det + 5 * YEAR;
      const eligible =
        mm >= 0 &&
        mm <= T2_MM &&
        r.summary.daysSimulated >= start &&
        !(rec.day >= 0 && rec.day < start) &&
        !(died >= 0 && died < start) &&
        !r.summary.metastaticAtDiagnosis;
      // Only what the rows read, so that a run stopped by `complete` measures the same.
      if (!eligible) return { eligible: 0, t: 0, group: 0, years: 0, distant: 0 };
      const group = nodeGroup(r.events);
      const end = Math.min(
        det + 20 * YEAR,
        r.summary.daysSimulated,
        rec.day >= 0 ? rec.day : Number.POSITIVE_INFINITY,
        died >= 0 ? died : Number.POSITIVE_INFINITY,
      );
      const distant = rec.type === 'distant' && rec.day >= 0 && rec.day <= det + 20 * YEAR;
      return {
        eligible: 1,
        t: mm <= T1_MM ? 1 : 2,
        group,
        years: (end - start) / YEAR,
        distant: distant ? 1 : 0,
      };
    },
    complete(events, day) {
      // The detection event's value is the diameter the measure computes, by the same formula.
      const detection = events.find((e) => e.type === 'detection');
      if (!detection) return false;
      // Above T2, or the first recurrence (before year 5: not eligible; after: the event or
      // censoring), or year 20: nothing later is read.
      if (detection.value > T2_MM || events.some((e) => e.type === 'recurrence')) return true;
      return day >= detection.day + 20 * YEAR;
    },
    admit(patient, s) {
      // A primary is found at the first step its diameter reaches the patient's symptomatic
      // size, unless screening finds it smaller before: an unscreened patient whose size is
      // above 5 cm is never T1 or T2. Under the hazard law no size is known before the run.
      if (s.clinical.symptomaticHazard > 0) return true;
      return (s.clinical.screening.enabled && patient.screened) || patient.symptomaticMm <= T2_MM;
    },
    rows(ms) {
      // The T1 groups were fitted (docs/calibration.md); the T2 groups and the steadiness
      // of the rate are checked only.
      const groups = [
        [1, 'T1N0', '13%', 0.13],
        [1, 'T1N1–3', '20%', 0.2],
        [1, 'T1N4–9', '34%', 0.34],
        [2, 'T2N0', '19%', 0.19],
        [2, 'T2N1–3', '26%', 0.26],
        [2, 'T2N4–9', '41%', 0.41],
      ] as const;
      const eligible = ms.filter((m) => m.eligible === 1);
      const risks = groups.map(([t, label, text, value], i) => {
        const members = eligible.filter((m) => m.t === t && m.group === i % 3);
        return row(
          this,
          `distant recurrence years 5–20, ${label} (Kaplan–Meier)`,
          text,
          riskBy(
            members.map((m) => m.years as number),
            members.map((m) => m.distant === 1),
            15,
          ),
          relative(value),
          '±25% relative',
        );
      });
      // "Recurrences occurred at a steady rate throughout the study period from 5 to 20
      // years": distant recurrences per patient-year in years 10-20 over those in years 5-10,
      // every group pooled, with the usual log-scale interval of a ratio of two rates.
      const rate = (from: number, to: number) => {
        let events = 0;
        let years = 0;
        for (const m of eligible) {
          const y = m.years as number;
          if (m.distant === 1 && y >= from && y < to) events++;
          if (y > from) years += Math.min(y, to) - from;
        }
        return { events, years };
      };
      // Follow-up ends at year 20 (15 from year 5): the later window holds its last day.
      const steady = rateRatio(rate(5, Number.POSITIVE_INFINITY), rate(0, 5));
      return [
        ...risks,
        row(
          this,
          'distant recurrence rate in years 10–20 over years 5–10, T1 and T2 groups pooled',
          'steady rate from 5 to 20 years (ratio 1)',
          steady,
          relative(1),
          '±25% relative',
        ),
      ];
    },
  },
  {
    name: 'ebctcg-2011',
    source:
      'EBCTCG 2011, Lancet 378:771 (20 trials of about 5 years of tamoxifen against none, 10,645 ER+ women)',
    scenario: 'ebctcg-2011',
    // Two arms of equal size: the same ER+ patients with and without five years of endocrine
    // therapy, in the clinic of the trials' time (no salvage, no metastatic lines). Paired,
    // the arms differ only from the therapy's start, so the ratios' noise is the therapy's
    // effect rather than the draw of two sets of patients.
    paired: true,
    // Arms that differ only in endocrine therapy are one run until it starts: copied after
    // surgery, while the next step cannot start it. Arms that differ in more run apart.
    forkAt(events, day, arms) {
      if (!differOnlyInEndocrine(arms)) return false;
      const surgery = events.find((e) => e.type === 'surgery');
      if (!surgery) return false;
      return arms.every((a) => {
        const s = asPatient(a);
        return day + s.time.dt - surgery.day < s.clinical.endocrine.startDays;
      });
    },
    // Adjuvant therapy follows surgery: a patient never operated on (her cancer not found,
    // or fatal before surgery) has the same run in both arms.
    unparted(events, arms) {
      return differOnlyInEndocrine(arms) && !events.some((e) => e.type === 'surgery');
    },
    population: [
      { scenario: 'breast-er-positive-tamoxifen', share: 0.5 },
      { scenario: 'breast-er-positive-untreated', share: 0.5 },
    ],
    // 1,000 patients an arm, followed for 15 years after surgery. The mortality ratios rest
    // on the fewest events: the log of years 0-4's has a standard error near 0.2.
    replicates: 2000,
    ciReplicates: 200,
    measure(result, s) {
      const sum = patientRun(result).summary;
      const t0 = sum.surgeryDay;
      const treated = asPatient(s).clinical.endocrine.enabled ? 1 : 0;
      // The trials enrolled early breast cancer: operated, without distant metastases at diagnosis.
      if (t0 < 0 || sum.metastaticAtDiagnosis)
        return { treated, eligible: 0, recurrence: -1, death: -1, end: 0 };
      const since = (day: number) => (day >= 0 ? (day - t0) / YEAR : -1);
      // Only what the rows read (so that a run stopped by `complete` measures the same):
      // the windows end 15 years after surgery.
      const within = (t: number) => (t >= 0 && t < EBCTCG_YEARS ? t : -1);
      return {
        treated,
        eligible: 1,
        recurrence: within(since(sum.recurrence.day)),
        death: within(since(sum.deathDay)),
        end: Math.min(since(sum.daysSimulated), EBCTCG_YEARS),
      };
    },
    complete(events, day) {
      const surgery = events.find((e) => e.type === 'surgery');
      if (!surgery) return false;
      if (events.some((e) => e.type === 'metastasis_at_diagnosis')) return true; // not eligible
      return day - surgery.day >= EBCTCG_YEARS * YEAR;
    },
    rows(ms) {
      const eligible = ms.filter((m) => m.eligible === 1);
      // Events per year at risk in [from, to) years after surgery, each arm; at risk until the
      // event, death or the end of the run. The rate ratio's interval is the usual one on the
      // log scale, sqrt(1/events treated + 1/events untreated): it takes the arms as
      // independent, so for these paired arms it is wider than it need be.
      const ratio = (key: 'recurrence' | 'death', from: number, to: number): [number, number, number] => {
        const arm = (treated: number) => {
          let events = 0;
          let years = 0;
          for (const m of eligible.filter((x) => x.treated === treated)) {
            const times = [m[key], m.death, m.end].filter((t) => (t as number) >= 0) as number[];
            const stop = Math.min(...times);
            const t = m[key] as number;
            if (t >= from && t < to) events++;
            if (stop > from) years += Math.min(stop, to) - from;
          }
          return { events, years };
        };
        return rateRatio(arm(1), arm(0));
      };
      // The trials compared arms as allocated, with about 80% of women taking the drug. With
      // event rates low enough that the arms' risk sets stay alike, the allocated arm's rate is
      // 0.8 h_treated + 0.2 h_untreated, so the ratio of the drug itself is (RR - 0.2) / 0.8:
      // the value every model patient (who all take it) is compared with.
      const taken = (rr: number) => (rr - 0.2) / 0.8;
      const checks = [
        [
          'recurrence rate ratio, years 0–4 after surgery, endocrine therapy against none',
          'recurrence',
          0,
          0.53,
          0.03,
        ],
        [
          'recurrence rate ratio, years 5–9 (carry-over after the therapy stops)',
          'recurrence',
          5,
          0.68,
          0.06,
        ],
        ['breast cancer mortality rate ratio, years 0–4', 'death', 0, 0.71, 0.05],
        ['recurrence rate ratio, years 10–14 (no further gain or loss)', 'recurrence', 10, 0.97, 0.1],
        ['breast cancer mortality rate ratio, years 5–9', 'death', 5, 0.66, 0.05],
        ['breast cancer mortality rate ratio, years 10–14', 'death', 10, 0.68, 0.08],
      ] as const;
      const ratios = checks.map(([quantity, key, from, rr, se]) =>
        row(
          this,
          quantity,
          `RR ${rr} (SE ${se.toFixed(2)}) as allocated, ${taken(rr).toFixed(2)} taken (80% took it)`,
          ratio(key, from, from + 5),
          relative(taken(rr)),
          '±25% relative',
        ),
      );
      // Checked only (added with engine 0.17.0's deep dormancy, before their values were
      // seen): the 15-year risks themselves, by Kaplan–Meier, each arm. For a risk the
      // allocated arm is exactly the mixture 0.8 taken + 0.2 not taken, so the risk of the
      // drug taken is (allocated - 0.2 control) / 0.8.
      const risk = (key: 'recurrence' | 'death', treated: number) => {
        const arm = eligible.filter((m) => m.treated === treated);
        const times = arm.map((m) => {
          const t = m[key] as number;
          if (t >= 0) return t;
          const death = m.death as number;
          return death >= 0 ? death : (m.end as number);
        });
        return riskBy(
          times,
          arm.map((m) => (m[key] as number) >= 0),
          EBCTCG_YEARS,
        );
      };
      const source =
        'EBCTCG 2011, Lancet 378:771 (ER+ disease, 15-year risks as allocated: recurrence 46.2% without tamoxifen and 13.2 points less with it, breast cancer mortality 33.1% and 9.2 points less; tabulated in the ESMO-MCBS v1.1 field testing, ESMO Open, table 6)';
      const absolute = [
        ['15-year recurrence risk, no endocrine therapy (Kaplan–Meier)', 'recurrence', 0, 0.462, 0.462],
        ['15-year recurrence risk, endocrine therapy taken', 'recurrence', 1, 0.33, 0.462],
        ['15-year breast cancer mortality, no endocrine therapy', 'death', 0, 0.331, 0.331],
        ['15-year breast cancer mortality, endocrine therapy taken', 'death', 1, 0.239, 0.331],
      ] as const;
      return [
        ...ratios,
        ...absolute.map(([quantity, key, treated, allocated, control]) => {
          const value = treated ? (allocated - 0.2 * control) / 0.8 : allocated;
          const published = treated
            ? `${(100 * allocated).toFixed(1)}% as allocated, ${(100 * value).toFixed(1)}% taken (80% took it)`
            : `${(100 * allocated).toFixed(1)}%`;
          return row(this, quantity, published, risk(key, treated), relative(value), '±25% relative', source);
        }),
      ];
    },
  },
  {
    name: 'hu-2019',
    source: 'Hu et al. 2019, Nat Genet 51:1113',
    scenario: 'colorectal-liver',
    replicates: 200,
    ciReplicates: 100,
    measure(result) {
      const r = patientRun(result);
      const macro = r.metastases
        .filter((m) => m.size_class === 'macro')
        .sort((a, b) => a.founded_day - b.founded_day);
      const first = macro[0];
      return { withMetastasis: first ? 1 : 0, early: first?.timing === 'early' ? 1 : 0 };
    },
    rows(ms) {
      const patients = ms.filter((m) => m.withMetastasis === 1);
      const early = patients.filter((m) => m.early === 1).length;
      return [
        row(
          this,
          'patients seeded while the primary was < 0.01 cm^3',
          '17 of 21 (81%)',
          proportionCi(early, patients.length),
          [0.58, 0.95],
          '95% CI of 17/21',
        ),
      ];
    },
  },
  {
    name: 'franssen-2019',
    source: 'Franssen et al. 2019, Bull Math Biol 81:1965',
    scenario: 'tissue-franssen',
    replicates: 10,
    ciReplicates: 2,
    measure(result) {
      const r = tissueRun(result);
      const s = r.series;
      const hours = s.hours as number[];
      const m = s.front_mesenchymal_um as number[];
      const e = s.front_epithelial_um as number[];
      let late = 0;
      let ahead = 0;
      hours.forEach((h, i) => {
        if (h < 24) return;
        late++;
        if ((m[i] as number) > (e[i] as number)) ahead++;
      });
      // A secondary patch may hold cells only from its first surviving arrival on,
      // and every cell there is an arrival or a daughter of one.
      let unexplained = 0;
      for (const p of r.summary.patches.slice(1)) {
        const cells = (i: number) =>
          ((s[`${p.name}_mesenchymal`] as number[])[i] as number) +
          ((s[`${p.name}_epithelial`] as number[])[i] as number);
        hours.forEach((_, i) => {
          const step = (s.step as number[])[i] as number;
          if (cells(i) > 0 && (p.firstArrivalStep < 0 || step < p.firstArrivalStep)) unexplained += cells(i);
        });
        unexplained += Math.abs(p.mesenchymal + p.epithelial - p.arrived - p.births);
      }
      return {
        frontGap: (m.at(-1) as number) - (e.at(-1) as number),
        aheadShare: late > 0 ? ahead / late : Number.NaN,
        unexplained,
        arrived: r.summary.patches.slice(1).reduce((a, p) => a + p.arrived, 0),
      };
    },
    rows(ms) {
      const unexplained = pick(ms, 'unexplained').reduce((a, b) => a + b, 0);
      return [
        row(
          this,
          'mesenchymal minus epithelial invasion front at 13 days (µm, 99th percentile from the centre)',
          '> 0: mesenchymal-like cells lead the invasion',
          meanCi(pick(ms, 'frontGap')),
          [Number.MIN_VALUE, Number.POSITIVE_INFINITY],
          'above 0',
        ),
        row(
          this,
          'share of hourly observations after 24 h with the mesenchymal front ahead',
          'mesenchymal-like cells ahead throughout',
          shareMeanCi(pick(ms, 'aheadShare')),
          [0.95, 1],
          'at least 95%',
        ),
        row(
          this,
          'secondary-patch cells not descended from a surviving arrival (pooled over replicates)',
          'none: secondary sites are colonised only through the vasculature',
          [unexplained, Number.NaN, Number.NaN],
          [0, 0],
          'exactly 0',
        ),
        row(
          this,
          'cells arriving in secondary patches per run (mean; the check above needs arrivals)',
          'some cells arrive (otherwise the check above is empty)',
          meanCi(pick(ms, 'arrived')),
          [Number.MIN_VALUE, Number.POSITIVE_INFINITY],
          'above 0',
        ),
      ];
    },
  },
  {
    name: 'breast-population',
    source: 'SEER; Carter, Allen & Henson 1989, Cancer 63:181; Newton et al. 2015 (MODEL.md)',
    scenario: 'breast-population',
    population: BREAST_POPULATION,
    // About 400 patients reach an organ metastasis (the first-site shares).
    replicates: 4000,
    ciReplicates: 60,
    measure(result, s) {
      // The member a patient was drawn from (by name; -1 for a scenario of another name):
      // SEER gives survival by subtype.
      const subtype = BREAST_POPULATION.findIndex((m) => m.scenario === s.name);
      const { events, summary } = patientRun(result);
      return { ...clinicalMeasure(result, s), ...firstLineMeasure(events, summary), subtype };
    },
    complete: (events, day) => clinicalComplete(events, day) && firstLineComplete(events, day),
    rows(ms) {
      const diagnosed = (m: Measurement) => (m.stage as number) >= 0;
      const seer = 'SEER summary stage, female breast (Cancer Stat Facts)';
      const carter = 'Carter, Allen & Henson 1989, Cancer 63:181 (24,740 SEER cases)';
      const newton = 'Newton et al. 2015 and a 276-patient series (MODEL.md)';
      const local = (m: Measurement) => diagnosed(m) && (m.stage as number) < 2;
      const classes = [0, 1, 2, 3, 4].map((cm) => {
        const members = ms.filter(
          (m) => local(m) && (m.mm as number) >= cm * 10 && (m.mm as number) < (cm + 1) * 10,
        );
        const positive = members.filter((m) => m.stage === 1).length;
        return { x: cm + 0.5, y: members.length ? positive / members.length : 0, w: members.length };
      });
      const usable = classes.filter((c) => c.w >= 5);
      const site = (name: string) =>
        shareOf(ms, 'firstSite', ORGAN_NAMES.indexOf(name), (m) => m.distant === 1);
      return [
        row(
          this,
          'distant metastases at diagnosis',
          'about 6%',
          shareOf(ms, 'stage', 2, diagnosed),
          relative(0.06),
          '±25% relative',
          seer,
        ),
        row(
          this,
          'regional (node-positive) at diagnosis',
          'a quarter to a third',
          shareOf(ms, 'stage', 1, diagnosed),
          [0.25, 0.33],
          'published range',
          seer,
        ),
        row(
          this,
          'node-positive share linear in diameter: R² of the weighted line over 1-cm classes below 5 cm (0 if it falls)',
          'linear, rising',
          [usable.length >= 3 ? linearFit(usable) : Number.NaN, Number.NaN, Number.NaN],
          [0.8, 1],
          'R² ≥ 0.8 over ≥ 3 classes of ≥ 5 patients',
          carter,
        ),
        row(
          this,
          'first distant site bone, share of patients with an organ metastasis',
          '35–37%',
          site('bone'),
          relative(0.36),
          '±25% relative',
          newton,
        ),
        row(this, 'first distant site lung', '17%', site('lung'), relative(0.17), '±25% relative', newton),
        row(this, 'first distant site liver', '16%', site('liver'), relative(0.16), '±25% relative', newton),
        row(this, 'first distant site brain', '5–10%', site('brain'), [0.05, 0.1], 'published range', newton),
        ...SEER_SURVIVAL_BY_SUBTYPE.map(([label, text, value], subtype) =>
          row(
            this,
            `5-year survival, ${label}`,
            `${text} (relative survival)`,
            survival(ms, (m) => m.subtype === subtype),
            survivalBand(value),
            '±25% relative on 5-year mortality',
            'SEER 22 2014–2020, Female Breast Cancer Subtypes (Cancer Stat Facts)',
          ),
        ),
        ...SEER_SURVIVAL_BY_STAGE.map(([stage, text, value]) =>
          row(
            this,
            `5-year survival, ${stage} at diagnosis`,
            `${text} (relative survival)`,
            survival(ms, (m) => m.stage === STAGES.indexOf(stage)),
            survivalBand(value),
            '±25% relative on 5-year mortality',
            'SEER 22 2013–2019, Female Breast Cancer Subtypes (Cancer Stat Facts), every subtype',
          ),
        ),
        ...SEER_SURVIVAL_BY_SUBTYPE_AND_STAGE.flatMap(([stage, values]) =>
          values.flatMap((cell, subtype) =>
            cell
              ? [
                  row(
                    this,
                    `5-year survival, ${SEER_SURVIVAL_BY_SUBTYPE[subtype]?.[0]}, ${stage} at diagnosis`,
                    `${cell[0]} (relative survival)`,
                    survival(ms, (m) => m.subtype === subtype && m.stage === STAGES.indexOf(stage)),
                    survivalBand(cell[1]),
                    '±25% relative on 5-year mortality',
                    'SEER 22 2013–2019, Female Breast Cancer Subtypes (Cancer Stat Facts)',
                  ),
                ]
              : [],
          ),
        ),
        ...FIRST_LINE_TRIALS.flatMap((trial, subtype) => {
          const own = ms.filter((m) => m.subtype === subtype);
          return (
            [
              ['pfs', 'median progression-free survival on the first line of metastatic therapy', trial.pfs],
              ['os', 'median overall survival from the start of the first line', trial.os],
            ] as const
          ).map(([which, quantity, [text, months, source]]) =>
            row(
              this,
              `${quantity}, ${trial.label} (months)`,
              text,
              firstLineMedian(own, which),
              relative(months),
              '±25% relative',
              source,
            ),
          );
        }),
        row(
          this,
          'odds of distant metastases at diagnosis, HER2+ (breast-her2-early) against HR+/HER2− (breast-er-positive)',
          'odds ratio 1.32 (HR+/HER2+ 1.29, HR−/HER2+ 1.40, adjusted; at their shares)',
          oddsRatio(
            ms.filter((m) => diagnosed(m) && m.subtype === 1),
            ms.filter((m) => diagnosed(m) && m.subtype === 0),
            (m) => m.stage === 2,
          ),
          relative(1.32),
          '±25% relative',
          'Tao et al. 2016, Cancer Causes Control 27:1127 (California Cancer Registry 2005–2011, stage IV against I–III)',
        ),
        // Checked only (added with the trial-era arms of ebctcg-2011, before their values
        // were seen): breast cancer-specific 5-year mortality by Kaplan–Meier in SEER's early
        // breast cancer (stages I–III) of 2010–2015. The model's deaths are all from the
        // cancer, so its survival is the cause-specific one. The HR+/HER2− group is the
        // paper's "stage I or node negative" of the patients outside monarchE's high-risk
        // criteria (which need a positive node), taken as every node-negative patient.
        ...(
          [
            [
              'HR+/HER2− (breast-er-positive), stages I–III, node-negative',
              '97.2% (2.8% breast cancer mortality)',
              0.972,
              (m: Measurement) => m.subtype === 0 && m.nodes === 0,
            ],
            [
              'HR−/HER2− (breast-triple-negative), stages I–III',
              '81.5% (18.5% breast cancer mortality)',
              0.815,
              (m: Measurement) => m.subtype === 2,
            ],
          ] as const
        ).map(([group, text, value, keep]) =>
          row(
            this,
            `5-year breast cancer-specific survival, early breast cancer, ${group}`,
            text,
            survival(ms, (m) => diagnosed(m) && (m.stage as number) < 2 && keep(m)),
            survivalBand(value),
            '±25% relative on 5-year mortality',
            'Nelson et al. 2022, PLoS One 17:e0264637 (SEER 2010–2015, 228,031 patients with early breast cancer)',
          ),
        ),
      ];
    },
  },
  {
    name: 'carter-1989',
    source:
      'Carter, Allen & Henson 1989, Cancer 63:181 (24,740 SEER cases, 5-year relative survival by diameter and nodes)',
    scenario: 'carter-1989',
    population: CARTER_ERA_POPULATION,
    // Found by symptoms, some 13% of patients have a tumour of 5 cm or more and 1 in 70 is
    // also followed with four or more positive nodes; some quarter have one under 2 cm.
    // Of the patients whose symptomatic size lies between, one in CARTER_MIDDLE_EVERY is
    // followed for five years and the others only to surgery. 3,400 drawn, not 4,000:
    // the era's slow large tumours cost the most, and the table must stay under ten
    // minutes (docs/calibration.md, "Growth-tied shedding").
    replicates: 3400,
    ciReplicates: 60,
    measure(result, s) {
      // Only what the rows read, so that a run stopped by `complete` measures the same: a
      // patient run to surgery only has no `followed`, so the survival rows leave her out.
      const { stage, nodes, mm, followed, alive5 } = clinicalMeasure(result, s);
      const { replicate } = patientRun(result).manifest;
      return carterCell(mm, replicate) ? { stage, nodes, mm, followed, alive5 } : { stage, nodes, mm };
    },
    complete(events, day, replicate) {
      const detection = events.find((e) => e.type === 'detection');
      if (!detection) return false;
      const operated = events.some((e) => e.type === 'surgery');
      if (!carterCell(detection.value, replicate)) return operated;
      return day >= detection.day + 5 * YEAR && operated;
    },
    rows(ms) {
      // Carter's table gives every cell of diameter by nodes; at 5 cm or more: none 82%,
      // one to three 73%, four or more 45.5% (the abstract's "45.5% for tumor diameters equal
      // to or greater than 5 cm with positive axillary nodes" is this cell).
      const cells = [
        ['node-negative', '82%', 0.82],
        ['one to three positive nodes', '73%', 0.73],
        ['four or more positive nodes', '45.5%', 0.455],
      ] as const;
      // Carter's cases had a known node status: a patient who died before surgery has none
      // (-1), and one whose negative sentinel node was skipped by a visible regional mass
      // (stage regional) has an unknown count.
      const large = cells.map(([label, text, value], nodes) => {
        const cell = (m: Measurement) =>
          (m.mm as number) >= CARTER_MM && m.nodes === nodes && (m.stage as number) === (nodes === 0 ? 0 : 1);
        return row(
          this,
          `5-year survival, tumour ≥ 5 cm, ${label}`,
          `${text} (relative survival)`,
          survival(ms, cell),
          survivalBand(value),
          '±25% relative on 5-year mortality',
        );
      });
      // The abstract's other end, in the same era's patients: today's treated patients
      // (breast-population) cannot hold both it and SEER's 99.3% for localized disease,
      // of which tumours under 2 cm are the larger part.
      const small = row(
        this,
        '5-year survival, tumour < 2 cm, node-negative',
        '96.3% (relative survival)',
        // A node count of 0 means the patient was found and operated on (mm ≥ 0).
        survival(ms, (m) => (m.mm as number) < T1_MM && m.nodes === 0 && m.stage === 0),
        survivalBand(0.963),
        '±25% relative on 5-year mortality',
      );
      // Checked only: the rest of the table. Node positivity by diameter class from 1 cm
      // (under 1 cm: carter-1989-under-1-cm, which draws more patients for it).
      const range = (from: number, to: number) => (m: Measurement) =>
        (m.mm as number) >= from && (m.mm as number) < to;
      const positive = [10, 20, 30, 40, 50].map((from) => carterPositiveRow(this, ms, from));
      // Survival in the cells that span several classes, against Carter's classes weighted
      // as the model's patients of the cell fall into them (the table gives no case counts
      // to pool its own).
      const spanning = [
        [0, T1_MM, '< 2 cm', 1],
        [0, T1_MM, '< 2 cm', 2],
        [T1_MM, CARTER_MM, '2–5 cm', 0],
        [T1_MM, CARTER_MM, '2–5 cm', 1],
        [T1_MM, CARTER_MM, '2–5 cm', 2],
      ] as const;
      const classOf = (mm: number) => CARTER_TABLE.find((c) => mm >= c.from && mm < c.to);
      const standardised = spanning.map(([from, to, label, nodes]) => {
        const keep = (m: Measurement) =>
          range(from, to)(m) && m.nodes === nodes && m.stage === (nodes === 0 ? 0 : 1);
        const members = ms.filter((m) => m.followed === 1 && keep(m));
        const expected =
          members.reduce((a, m) => a + (classOf(m.mm as number)?.survival[nodes] ?? Number.NaN), 0) /
          members.length;
        const classes = CARTER_TABLE.filter((c) => c.from >= from && c.to <= to)
          .map((c) => `${Math.round(c.survival[nodes] * 100)}%`)
          .join(', ');
        return row(
          this,
          `5-year survival, tumour ${label}, ${cells[nodes]?.[0]}`,
          `${classes} by class; ${members.length ? `${(expected * 100).toFixed(1)}% at the model's mix of classes` : 'no patient in the cell'} (relative survival)`,
          survival(ms, keep),
          survivalBand(expected),
          '±25% relative on 5-year mortality',
        );
      });
      return [small, ...large, ...positive, ...standardised];
    },
  },
  {
    name: 'carter-1989-under-1-cm',
    source:
      'Carter, Allen & Henson 1989, Cancer 63:181 (24,740 SEER cases, share of node-positive cases by diameter)',
    scenario: 'carter-1989',
    population: CARTER_ERA_POPULATION,
    // Found by symptoms, about one patient in 30 has a tumour under 1 cm: carter-1989's
    // 3,400 hold some 100. This target draws 30,000 and runs only those whose symptomatic
    // size is under 1 cm, each to surgery, which settles the stage and the nodes.
    replicates: 30000,
    ciReplicates: 3000,
    measure(result, s) {
      const { stage, nodes, mm } = clinicalMeasure(result, s);
      return { stage, nodes, mm };
    },
    complete(events) {
      return events.some((e) => e.type === 'surgery');
    },
    admit(patient, s) {
      // Found by symptoms alone, a primary is found once its diameter reaches the patient's
      // symptomatic size, so one of 1 cm or more is never under 1 cm. Screening may find it
      // smaller, and under the hazard law no size is known before the run: all are run.
      if (s.clinical.screening.enabled || s.clinical.symptomaticHazard > 0) return true;
      return patient.symptomaticMm < CARTER_SMALL_MM;
    },
    rows(ms) {
      // Checked only.
      return [carterPositiveRow(this, ms, 0)];
    },
  },
  {
    name: 'colorectal-population',
    source: 'Riihimäki et al. 2016, Sci Rep 6:29765; Holch et al. 2017, Visc Med 33:70',
    scenario: 'colorectal-liver',
    replicates: 400,
    ciReplicates: 40,
    measure: clinicalMeasure,
    complete: clinicalComplete,
    rows(ms) {
      const diagnosed = (m: Measurement) => (m.stage as number) >= 0;
      return [
        row(
          this,
          'distant metastases at diagnosis',
          'about 20%',
          shareOf(ms, 'stage', 2, diagnosed),
          relative(0.2),
          '±25% relative',
          'Riihimäki et al. 2016, Sci Rep 6:29765 (about 20%, stable for two decades)',
        ),
        row(
          this,
          'first distant site liver, share of patients with an organ metastasis',
          '70% (liver at first metastatic diagnosis)',
          shareOf(ms, 'firstSite', ORGAN_NAMES.indexOf('liver'), (m) => m.distant === 1),
          relative(0.7),
          '±25% relative',
          'Holch et al. 2017, Visc Med 33:70',
        ),
      ];
    },
  },
];
