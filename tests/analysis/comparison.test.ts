/**
 * The comparison of two arms that `seedsoil compare` and the page share: which
 * replicates enter each number, the endpoint's times and competing deaths, the
 * paired design, and independence from the order replicates arrive in.
 */
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Arm,
  BINS,
  binLabels,
  type Comparison,
  compareArms,
  endpointTimes,
  FREE_AT_YEARS,
  type FreeAt,
  histogram,
  type OutcomeRecord,
  QUANTITIES,
  type Quantity,
} from '../../src/analysis/comparison.ts';
import {
  differenceText,
  freeAtText,
  freeDifferenceText,
  logRankText,
  medianText,
  pairedText,
  survivalMedianText,
} from '../../src/analysis/comparison-text.ts';
import { parseOut, R_OUT, R_REQUIRED, rSurvival, runR, scratchDir, writeCsv } from '../support/r.ts';

const row = (over: Partial<Record<string, number>>): OutcomeRecord => ({
  days_simulated: 3652.5,
  first_macro_day: -1,
  first_distant_macro_day: -1,
  recurrence_day: -1,
  death_day: -1,
  metastases: 0,
  early_share: -1,
  primary_mm_at_first_seeding: -1,
  ...over,
});
const arm = (label: string, rows: OutcomeRecord[]): Arm => ({
  label,
  replicates: rows.map((_, i) => i),
  rows,
});
const u = () => seedrandom.alea('test');

describe('comparison of two arms', () => {
  it('leaves replicates without a live colony out of the early-derived share (-1 is undefined, not a value)', () => {
    const a = arm(
      'A',
      [0.5, -1, 0.7, -1, -1, 0.6, -1].map((early_share) => row({ early_share, metastases: 1 })),
    );
    const b = arm(
      'B',
      [-1, 0, -1, 0, 0, -1, -1].map((early_share) => row({ early_share })),
    );
    const c = compareArms(a, b, 'distant', u());
    expect(c.arms[0].quantities.early_share.median).toBe(0.6);
    expect(c.arms[1].quantities.early_share.median).toBe(0);
    expect(c.differences.early_share.unpaired.difference).toBeCloseTo(-0.6, 12);
    // Paired: only replicates both arms define (none here).
    expect(c.differences.early_share.paired.difference).toBeNaN();
  });

  it('counts death before the event as a competing event, censored in the Kaplan–Meier curve', () => {
    const a = arm('A', [
      row({ first_distant_macro_day: 730.5, first_macro_day: 365.25 }),
      row({ death_day: 1095.75 }),
      row({ first_macro_day: 365.25 }),
      row({}),
    ]);
    expect(endpointTimes(a, 'distant')).toEqual({ years: [2, 3, 10, 10], status: [1, 2, 0, 0] });
    expect(endpointTimes(a, 'macro')).toEqual({ years: [1, 3, 1, 10], status: [1, 2, 1, 0] });
    expect(endpointTimes(a, 'death')).toEqual({ years: [10, 3, 10, 10], status: [0, 1, 0, 0] });
    // Distant-metastasis-free survival: the same times, death an event in its own right.
    expect(endpointTimes(a, 'dmfs')).toEqual({ years: [2, 3, 10, 10], status: [1, 1, 0, 0] });
    expect(compareArms(a, a, 'dmfs', u()).arms[0]).toMatchObject({ events: 2, competing: 0, deaths: 1 });
    const c = compareArms(a, a, 'distant', u());
    expect(c.arms[0]).toMatchObject({ events: 1, competing: 1, deaths: 1 });
    // One event among four at risk at 2 years; the curve ends at the end of follow-up.
    expect(c.arms[0].survival.map((p) => [p.years, p.value])).toEqual([
      [0, 1],
      [2, 0.75],
      [10, 0.75],
    ]);
    // The competing death is not an event: the incidence counts one event in four.
    expect(c.arms[0].incidence.map((p) => [p.years, p.value])).toEqual([
      [0, 0],
      [2, 0.25],
      [10, 0.25],
    ]);
    expect(c.arms[0].atRisk.map((r) => r.atRisk)).toEqual([4, 4, 4, 3, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('gives a paired interval of zero width when B is A shifted by one in every replicate', () => {
    const r = seedrandom.alea('data');
    const values = Array.from({ length: 40 }, () => Math.floor(r() * 20));
    const a = arm(
      'A',
      values.map((metastases) => row({ metastases })),
    );
    const b = arm(
      'B',
      values.map((metastases) => row({ metastases: metastases + 1 })),
    );
    const d = compareArms(a, b, 'distant', u()).differences.metastases;
    expect([d.paired.low, d.paired.difference, d.paired.high]).toEqual([1, 1, 1]);
    expect(d.unpaired.high - d.unpaired.low).toBeGreaterThan(1);
  });

  it('does not depend on the order replicates arrived in (the page gets them as workers finish)', () => {
    const r = seedrandom.alea('data');
    const rows = Array.from({ length: 30 }, () =>
      row({
        metastases: Math.floor(r() * 5),
        early_share: r() < 0.5 ? -1 : r(),
        first_distant_macro_day: r() < 0.3 ? r() * 3000 : -1,
      }),
    );
    const a = arm('A', rows.slice(0, 15));
    const b = arm('B', rows.slice(15));
    const shuffled = (x: Arm): Arm => {
      const order = x.replicates.map((_, i) => i).reverse();
      return {
        label: x.label,
        replicates: order.map((i) => x.replicates[i] as number),
        rows: order.map((i) => x.rows[i] as OutcomeRecord),
      };
    };
    expect(compareArms(shuffled(a), shuffled(b), 'distant', u())).toEqual(compareArms(a, b, 'distant', u()));
  });

  it('handles 165,000 replicates per arm (no argument spread over the rows)', () => {
    const r = seedrandom.alea('big');
    const rows = Array.from({ length: 165_000 }, () =>
      row({ metastases: Math.floor(r() * 3), first_distant_macro_day: r() < 0.1 ? r() * 3000 : -1 }),
    );
    const c = compareArms(arm('A', rows), arm('B', rows), 'distant', u(), 5);
    expect(c.arms[0].replicates).toBe(165_000);
    expect(c.logRank.chiSquare).toBe(0);
  });
});

describe('histograms and words shared by the page and seedsoil compare', () => {
  it('bins each value once, the last bin closed, and labels a count by the integers a bin holds', () => {
    expect(binLabels('metastases')).toEqual(['0', '1', '2', '3–4', '5–9', '10–19', '≥20']);
    expect(histogram([0, 1, 2, 3, 4, 5, 19, 20, 1e6], BINS.metastases.edges)).toEqual([1, 1, 1, 2, 1, 1, 2]);
    expect(binLabels('early_share')).toEqual(['0–0.2', '0.2–0.4', '0.4–0.6', '0.6–0.8', '0.8–1']);
    expect(histogram([0, 0.2, 0.79, 0.8, 1, 1.01], BINS.early_share.edges)).toEqual([1, 1, 0, 1, 2]);
    expect(binLabels('primary_mm_at_first_seeding')[0]).toBe('0–1');
  });

  it('says why a number is missing instead of NaN: no event, no value, fewer than six values, no pairs', () => {
    const none = arm('A', [row({}), row({})]);
    const c = compareArms(none, none, 'distant', u());
    const words = [
      logRankText(c.logRank),
      ...c.arms.map((r) => survivalMedianText(r.medianYears, r.events)),
      ...c.freeAt.flatMap((f) => [freeAtText(f.a, f.years), freeAtText(f.b, f.years), freeDifferenceText(f)]),
      ...(Object.keys(QUANTITIES) as Quantity[]).flatMap((q) => [
        ...c.arms.map((r) => medianText(r.quantities[q], r.defined[q])),
        differenceText(c.differences[q].unpaired),
        pairedText(c, q),
      ]),
    ];
    for (const w of words) expect(w).not.toMatch(/NaN|undefined/);
    expect(words).toContain('not reached (no events)');
    expect(words).toContain('0 (no 95% CI from fewer than 6 values)');
    expect(words).toContain('none (no replicate defines it)');
    expect(words).toContain('none (an arm has no value)');
    expect(words).toContain('none (no replicate defines it in both arms)');
    // Followed ten years without an event: all free, and Greenwood's error is 0 in both arms.
    expect(c.freeAt.map((f) => [f.years, f.a, f.b, freeDifferenceText(f)])).toEqual([
      [5, 1, 1, '0 [0, 0] (no event by 5 years in either arm)'],
      [10, 1, 1, '0 [0, 0] (no event by 10 years in either arm)'],
    ]);
    expect(c.arms[0].histograms.metastases).toEqual([2, 0, 0, 0, 0, 0, 0]);
    expect(c.arms[0].defined.early_share).toBe(0);
  });
});

// Agreement with R: |ours − R| ≤ 1e-12·|R| + 1e-15 (the floor for a difference R prints as exactly 0); NA in R
// (no value) must be NaN here.
const RELATIVE = 1e-12;
const FLOOR = 1e-15;
const YEAR = 365.25;

/** Rows of one arm: `n` replicates with the same times (years; an event, a death first, or the end of follow-up). */
const rows = (n: number, o: { event?: number; death?: number; end?: number }): OutcomeRecord[] =>
  Array.from({ length: n }, () =>
    row({
      ...(o.event === undefined ? {} : { first_distant_macro_day: o.event * YEAR }),
      ...(o.death === undefined ? {} : { death_day: o.death * YEAR }),
      ...(o.end === undefined ? {} : { days_simulated: o.end * YEAR }),
    }),
  );

/** Replicates with exponential times in whole days, a share dying first, followed 8 to 12 years. */
function simulatedRows(n: number, hazard: number, r: () => number): OutcomeRecord[] {
  return Array.from({ length: n }, () => {
    const end = Math.round((8 + 4 * r()) * YEAR);
    const day = Math.max(1, Math.round((-Math.log(1 - r()) / hazard) * YEAR));
    if (day >= end) return row({ days_simulated: end });
    return row(
      r() < 0.2
        ? { death_day: day, days_simulated: end }
        : { first_distant_macro_day: day, days_simulated: end },
    );
  });
}

const simulated = seedrandom.alea('seedsoil-free-at-reference');
const CASES: { name: string; a: OutcomeRecord[]; b: OutcomeRecord[] }[] = [
  {
    // Tied events; an event, a censoring and a death exactly at 5 years; follow-up ending exactly at 10.
    name: 'censoring-and-ties',
    a: [
      ...rows(3, { event: 2 }),
      ...rows(1, { event: 5 }),
      ...rows(1, { end: 5 }),
      ...rows(2, { death: 3 }),
      ...rows(2, { event: 7.5 }),
      ...rows(1, { end: 8 }),
      ...rows(5, {}),
    ],
    b: [
      ...rows(1, { event: 1 }),
      ...rows(2, { event: 4 }),
      ...rows(1, { death: 5 }),
      ...rows(2, { event: 6 }),
      ...rows(1, { end: 6 }),
      ...rows(1, { event: 9.5 }),
      ...rows(6, {}),
    ],
  },
  {
    // B's longest follow-up is 8 years: no value at 10; A is followed to 12.
    name: 'beyond-follow-up',
    a: [
      ...rows(2, { event: 3 }),
      ...rows(1, { death: 6 }),
      ...rows(1, { event: 9 }),
      ...rows(4, { end: 12 }),
    ],
    b: [...rows(1, { event: 1 }), ...rows(2, { event: 3 }), ...rows(2, { end: 4 }), ...rows(2, { end: 8 })],
  },
  {
    // Every replicate of A has the event by 5 years: its curve is 0 there (Greenwood undefined), and undefined at 10.
    name: 'curve-at-zero',
    a: [...rows(1, { event: 1 }), ...rows(1, { event: 3 }), ...rows(2, { event: 5 })],
    b: [...rows(2, { event: 2 }), ...rows(1, { death: 4 }), ...rows(5, {})],
  },
  { name: 'simulated-150', a: simulatedRows(150, 0.05, simulated), b: simulatedRows(150, 0.09, simulated) },
];

const r = rSurvival();
const runWithR = r.available || R_REQUIRED;
if (!runWithR)
  console.warn(
    `Skipping the fraction free at fixed years against R's survival package: ${r.detail}. Set SEEDSOIL_REQUIRE_R=1 to make this a failure.`,
  );

/** summary(survfit(Surv(t, e) ~ 1), times = h) per arm (NA where R gives no row: beyond follow-up), then B − A. */
function rScript(dir: string): string {
  const lines = [
    R_OUT,
    'suppressMessages(library(survival))',
    `h <- c(${FREE_AT_YEARS.join(', ')})`,
    'z <- qnorm(0.975)',
    'at <- function(f, what) sapply(h, function(x) tryCatch(summary(f, times = x)[[what]], error = function(e) NA_real_))',
  ];
  for (const { name } of CASES)
    lines.push(
      `d <- read.csv(${JSON.stringify(join(dir, `${name}.csv`))})`,
      "fa <- survfit(Surv(t, e) ~ 1, data = d[d$arm == 'A', ])",
      "fb <- survfit(Surv(t, e) ~ 1, data = d[d$arm == 'B', ])",
      "sa <- at(fa, 'surv'); ea <- at(fa, 'std.err'); sb <- at(fb, 'surv'); eb <- at(fb, 'std.err')",
      'dd <- sb - sa; se <- sqrt(ea^2 + eb^2)',
      `out('${name}:a', sa); out('${name}:stdErrA', ea); out('${name}:b', sb); out('${name}:stdErrB', eb)`,
      `out('${name}:difference', dd); out('${name}:low', dd - z * se); out('${name}:high', dd + z * se)`,
    );
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!runWithR)(
  `fraction free of the event at ${FREE_AT_YEARS.join(' and ')} years against R's survival package (${r.available ? r.detail : `unavailable: ${r.detail}`})`,
  () => {
    let R = new Map<string, number[]>();
    let scratch: ReturnType<typeof scratchDir> | undefined;
    const compared = new Map<string, Comparison>();

    beforeAll(() => {
      if (!r.available) throw new Error(`SEEDSOIL_REQUIRE_R=1 but R cannot be used: ${r.detail}`);
      scratch = scratchDir('seedsoil-free-at');
      for (const c of CASES) {
        const arms = [arm('A', c.a), arm('B', c.b)] as const;
        compared.set(c.name, compareArms(arms[0], arms[1], 'distant', u(), 5));
        // The times and events compareArms fits, as R reads them (JavaScript's round-trip form).
        const times = arms.map((x) => endpointTimes(x, 'distant'));
        writeCsv(join(scratch.dir, `${c.name}.csv`), {
          t: times.flatMap((x) => x.years),
          e: times.flatMap((x) => x.status.map((s) => (s === 1 ? 1 : 0))),
          arm: times.flatMap((x, i) => x.years.map(() => (i === 0 ? 'A' : 'B'))),
        });
      }
      R = parseOut(runR(rScript(scratch.dir), scratch.dir));
    });

    afterAll(() => scratch?.remove());

    it.each(CASES.map((c) => c.name))('%s: each arm, B − A and its interval as R computes them', (name) => {
      const c = compared.get(name) as Comparison;
      expect(c.freeAt.map((f) => f.years)).toEqual([...FREE_AT_YEARS]);
      for (const key of ['a', 'stdErrA', 'b', 'stdErrB', 'difference', 'low', 'high'] as const) {
        const ref = R.get(`${name}:${key}`);
        expect(ref, `${name} ${key}: R printed nothing`).toHaveLength(FREE_AT_YEARS.length);
        c.freeAt.forEach((f, k) => {
          const ours = f[key];
          const want = (ref as number[])[k] as number;
          const where = `${name} ${key} at ${f.years} years: ours ${ours}, R ${want}`;
          if (Number.isNaN(want)) expect(ours, where).toBeNaN();
          else expect(Math.abs(ours - want), where).toBeLessThanOrEqual(RELATIVE * Math.abs(want) + FLOOR);
        });
      }
    });

    it('covers what the cases are for: no value beyond follow-up, no interval where a curve is at 0', () => {
      const [five, ten] = (compared.get('beyond-follow-up') as Comparison).freeAt as [FreeAt, FreeAt];
      expect(Number.isFinite(five.difference) && five.high > five.low).toBe(true);
      expect([ten.a > 0, ten.b, ten.difference, ten.low, ten.high]).toEqual([true, NaN, NaN, NaN, NaN]);
      expect(freeAtText(ten.b, 10)).toBe('none (not followed for 10 years)');
      expect(freeDifferenceText(ten)).toBe('none (an arm was not followed for 10 years)');
      const zero = (compared.get('curve-at-zero') as Comparison).freeAt[0] as FreeAt;
      expect([zero.a, zero.stdErrA, zero.low, zero.high]).toEqual([0, NaN, NaN, NaN]);
      // B: two events in eight at 2 years, a death at 4 censored.
      expect(freeDifferenceText(zero)).toBe('0.75 (no 95% CI: a curve has fallen to 0)');
      const ties = (compared.get('censoring-and-ties') as Comparison).freeAt;
      for (const f of ties) expect(freeDifferenceText(f)).toMatch(/^-?\d\.\d+ \[-?\d\.\d+, -?\d\.\d+\]$/);
    });
  },
);
