import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapMedianDifference,
  chiSquareSurvival,
  cumulativeIncidence,
  kaplanMeier,
  kaplanMeierCurve,
  kaplanMeierFit,
  kaplanMeierMedian,
  logRank,
  logRankTest,
  medianWithCi,
  normalQuantile,
  pairedBootstrapMedianDifference,
  survivalAt,
  tCdf,
  tQuantile,
  tQuantile975,
} from '../../src/analysis/statistics.ts';
import { parseOut, R_OUT, R_REQUIRED, rSurvival, runR, scratchDir, writeCsv } from '../support/r.ts';

// Agreement with R: |ours − R| ≤ 1e-9·|R| + 1e-15, i.e. relative 1e-9, with an absolute floor of 1e-15 so
// that a value R prints as exactly 0 may come out as round-off here (a chi-square of identical arms). NA in
// R must be NaN here and infinities must match exactly.
const RELATIVE = 1e-9;
const FLOOR = 1e-15;

interface Dataset {
  name: string;
  time: number[];
  /** 0 censored, 1 the event of interest, 2 a competing event (death first). */
  status: number[];
  group: number[];
  /** Times at which to read the curve (summary(fit, times = at)). */
  at: number[];
}

const YEAR = 365.25;

/**
 * Replicates with exponential event times whose hazard rises with the group, in whole days (ties) or on a
 * coarse grid of half-years (heavy ties), a share censored and a share dying first.
 */
function simulated(
  name: string,
  n: number,
  u: () => number,
  o: { groups: number; censored: number; competing: number; grid?: boolean },
): Dataset {
  const time: number[] = [];
  const status: number[] = [];
  const group: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = Math.floor(u() * o.groups);
    const years = (-Math.log(1 - u()) * 3) / (1 + 0.4 * g);
    time.push(o.grid ? Math.ceil(years * 2) : Math.max(1, Math.round(years * YEAR)) / YEAR);
    const v = u();
    status.push(v < o.censored ? 0 : v < o.censored + o.competing ? 2 : 1);
    group.push(g);
  }
  return { name, time, status, group, at: readingTimes(time) };
}

/** Before the first time, exactly at some observed times, between times, at the last and after it. */
function readingTimes(time: readonly number[]): number[] {
  const distinct = Array.from(new Set(time)).sort((a, b) => a - b);
  const at = [0, (distinct[0] as number) / 2];
  for (let q = 0; q < 8; q++) {
    const k = Math.floor((q / 8) * distinct.length);
    const t = distinct[k] as number;
    at.push(t);
    if (k + 1 < distinct.length) at.push((t + (distinct[k + 1] as number)) / 2);
  }
  const last = distinct[distinct.length - 1] as number;
  at.push(last, last + 1);
  return at.sort((a, b) => a - b);
}

function fixed(name: string, time: number[], status: number[], group?: number[]): Dataset {
  return { name, time, status, group: group ?? time.map((_, i) => i % 2), at: readingTimes(time) };
}

const u = seedrandom.alea('seedsoil-survival-reference');
const identical = simulated('identical-half', 30, u, { groups: 1, censored: 0.3, competing: 0.1 });
const DATASETS: Dataset[] = [
  fixed('one-event', [5], [1], [0]),
  fixed('one-censored', [5], [0], [0]),
  fixed(
    'all-censored',
    Array.from({ length: 25 }, () => Math.ceil(u() * 10)),
    new Array(25).fill(0),
  ),
  fixed(
    'all-events',
    Array.from({ length: 40 }, () => Math.ceil(u() * 10)),
    new Array(40).fill(1),
  ),
  // S = 5/6 · 4/5 · 3/4 = ½ from t = 3 until the event at 5: median (3 + 5)/2 = 4.
  fixed('half-then-drop', [1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 0]),
  // S = ½ from t = 2 with no later event: median 2.
  fixed('half-flat', [1, 2, 3, 4], [1, 1, 0, 0]),
  // 0.1 + 0.2 and 0.3 differ by one ulp, 1 and 1 + 1e-12 by less than sqrt(eps): survival ties both pairs.
  fixed('near-ties', [0.1 + 0.2, 0.3, 1, 1 + 1e-12, 2, 2, 3, 4, 0.3, 1], [1, 1, 1, 2, 0, 1, 1, 0, 0, 1]),
  simulated('grid-60', 60, u, { groups: 2, censored: 0.25, competing: 0.15, grid: true }),
  simulated('days-300-three-groups', 300, u, { groups: 3, censored: 0.3, competing: 0.15 }),
  simulated('days-1000', 1000, u, { groups: 2, censored: 0.3, competing: 0.2 }),
  {
    name: 'identical-arms',
    time: [...identical.time, ...identical.time],
    status: [...identical.status, ...identical.status],
    group: [...identical.time.map(() => 0), ...identical.time.map(() => 1)],
    at: identical.at,
  },
];

const groupsOf = (d: Dataset) => new Set(d.group).size;
const eventsOf = (d: Dataset) => d.status.map((s) => s === 1);
const causesOf = (d: Dataset) => d.status.reduce((m, s) => Math.max(m, s), 0);

const T_P = [0.975, 0.995, 0.9, 0.6, 1e-4, 1 - 1e-6];
const T_DF_REAL = [0.3, 0.5, 1.5, 2.7, 10.25, 33.3, 250.5, 1000, 12345.6, 1e6];
const NORMAL_P = [1e-300, 1e-20, 1e-5, 0.01, 0.3, 0.5, 0.7, 0.975, 1 - 1e-10];
const CHI_X = [0, 1e-6, 0.5, 1, 3.84, 10, 50, 200];
const CHI_DF = [1, 2, 3, 7.5];

function rScript(dir: string): string {
  const lines = [R_OUT, 'suppressMessages(library(survival))'];
  for (const d of DATASETS) {
    const n = d.name;
    lines.push(
      `d <- read.csv(${JSON.stringify(join(dir, `${n}.csv`))})`,
      `at <- read.csv(${JSON.stringify(join(dir, `${n}-at.csv`))})$at`,
      'f <- survfit(Surv(time, status == 1) ~ 1, data = d)',
      ...['time', 'n.risk', 'n.event', 'n.censor', 'surv', 'std.err', 'lower', 'upper'].map(
        (k) => `out('${n}:km:${k}', f$${k})`,
      ),
      `out('${n}:km:median', summary(f)$table[c('median', '0.95LCL', '0.95UCL')])`,
      's <- summary(f, times = at, extend = TRUE)',
      ...['time', 'n.risk', 'surv', 'std.err', 'lower', 'upper'].map((k) => `out('${n}:at:${k}', s$${k})`),
    );
    const K = causesOf(d);
    if (K > 0)
      lines.push(
        `m <- survfit(Surv(time, factor(status, levels = 0:${K})) ~ 1, data = d)`,
        `out('${n}:aj:time', m$time)`,
        `out('${n}:aj:n.risk', m$n.risk[, 1])`,
        `for (k in 0:${K}) { out(paste0('${n}:aj:pstate', k), m$pstate[, k + 1]); out(paste0('${n}:aj:std.err', k), m$std.err[, k + 1]); out(paste0('${n}:aj:lower', k), m$lower[, k + 1]); out(paste0('${n}:aj:upper', k), m$upper[, k + 1]) }`,
      );
    if (groupsOf(d) > 1 && d.status.some((s) => s === 1))
      lines.push(
        'sd <- survdiff(Surv(time, status == 1) ~ group, data = d)',
        ...['obs', 'exp', 'var', 'chisq', 'pvalue'].map((k) => `out('${n}:lr:${k}', sd$${k})`),
      );
  }
  lines.push(
    ...T_P.map((p, i) => `out('qt:int:${i}', qt(${p}, 1:200))`),
    ...T_P.map((p, i) => `out('qt:real:${i}', qt(${p}, c(${T_DF_REAL.join(', ')})))`),
    `out('qnorm', qnorm(c(${NORMAL_P.map(String).join(', ')})))`,
    `for (df in c(${CHI_DF.join(', ')})) out(paste0('pchisq:', df), pchisq(c(${CHI_X.join(', ')}), df, lower.tail = FALSE))`,
  );
  return `${lines.join('\n')}\n`;
}

const agreement = new Map<string, { abs: number; rel: number; values: number }>();

/** Compares value by value and records the largest absolute and relative differences per quantity. */
function agree(
  quantity: string,
  where: string,
  ours: ArrayLike<number>,
  reference: number[] | undefined,
): void {
  expect(reference, `${where} ${quantity}: R printed nothing`).toBeDefined();
  const ref = reference as number[];
  expect(ours.length, `${where} ${quantity}: number of values`).toBe(ref.length);
  const record = agreement.get(quantity) ?? { abs: 0, rel: 0, values: 0 };
  const bad: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i] as number;
    const b = ref[i] as number;
    record.values++;
    if (Number.isNaN(b) || !Number.isFinite(b)) {
      if (!Object.is(a, b) && !(Number.isNaN(a) && Number.isNaN(b))) bad.push(`[${i}] ours ${a}, R ${b}`);
      continue;
    }
    const abs = Math.abs(a - b);
    if (!(abs <= RELATIVE * Math.abs(b) + FLOOR)) bad.push(`[${i}] ours ${a}, R ${b}`);
    record.abs = Math.max(record.abs, abs);
    if (b !== 0) record.rel = Math.max(record.rel, abs / Math.abs(b));
  }
  agreement.set(quantity, record);
  expect(
    bad.length,
    `${where} ${quantity}: ${bad.length} values differ from R: ${bad.slice(0, 3).join('; ')}`,
  ).toBe(0);
}

const r = rSurvival();
const runWithR = r.available || R_REQUIRED;
if (!runWithR)
  console.warn(
    `Skipping the comparison with R's survival package: ${r.detail}. Set SEEDSOIL_REQUIRE_R=1 to make this a failure.`,
  );

describe.skipIf(!runWithR)(
  `agreement with R's survival package (${r.available ? r.detail : `unavailable: ${r.detail}`})`,
  () => {
    let R = new Map<string, number[]>();
    let scratch: ReturnType<typeof scratchDir> | undefined;

    beforeAll(() => {
      if (!r.available) throw new Error(`SEEDSOIL_REQUIRE_R=1 but R cannot be used: ${r.detail}`);
      scratch = scratchDir('seedsoil-survival');
      const dir = scratch.dir;
      for (const d of DATASETS) {
        writeCsv(join(dir, `${d.name}.csv`), { time: d.time, status: d.status, group: d.group });
        writeCsv(join(dir, `${d.name}-at.csv`), { at: d.at });
      }
      R = parseOut(runR(rScript(dir), dir));
    });

    afterAll(() => {
      scratch?.remove();
      if (agreement.size === 0) return;
      const table = Array.from(
        agreement,
        ([q, a]) =>
          `${q.padEnd(28)} ${a.abs.toExponential(2).padStart(9)} ${a.rel.toExponential(2).padStart(9)} ${String(a.values).padStart(7)}`,
      );
      console.log(`largest difference from R     absolute  relative  values\n${table.join('\n')}`);
    });

    describe.each(DATASETS)('$name', (d) => {
      const get = (key: string) => R.get(`${d.name}:${key}`);

      it('Kaplan–Meier rows, Greenwood errors and log-scale limits match survfit', () => {
        const fit = kaplanMeierFit(d.time, eventsOf(d));
        const rows = fit.rows;
        agree(
          'km time',
          d.name,
          rows.map((x) => x.time),
          get('km:time'),
        );
        agree(
          'km n.risk',
          d.name,
          rows.map((x) => x.atRisk),
          get('km:n.risk'),
        );
        agree(
          'km n.event',
          d.name,
          rows.map((x) => x.events),
          get('km:n.event'),
        );
        agree(
          'km n.censor',
          d.name,
          rows.map((x) => x.censored),
          get('km:n.censor'),
        );
        agree(
          'km surv',
          d.name,
          rows.map((x) => x.survival),
          get('km:surv'),
        );
        agree(
          'km std.err (log)',
          d.name,
          rows.map((x) => x.stdErrLog),
          get('km:std.err'),
        );
        agree(
          'km lower',
          d.name,
          rows.map((x) => x.lower),
          get('km:lower'),
        );
        agree(
          'km upper',
          d.name,
          rows.map((x) => x.upper),
          get('km:upper'),
        );
        const m = kaplanMeierMedian(fit);
        agree('km median, LCL, UCL', d.name, [m.median, m.low, m.high], get('km:median'));
      });

      it('readings at chosen times match summary(fit, times, extend = TRUE)', () => {
        const at = survivalAt(kaplanMeierFit(d.time, eventsOf(d)), d.at);
        agree(
          'at time',
          d.name,
          at.map((x) => x.time),
          get('at:time'),
        );
        agree(
          'at n.risk',
          d.name,
          at.map((x) => x.atRisk),
          get('at:n.risk'),
        );
        agree(
          'at surv',
          d.name,
          at.map((x) => x.survival),
          get('at:surv'),
        );
        agree(
          'at std.err',
          d.name,
          at.map((x) => x.stdErr),
          get('at:std.err'),
        );
        agree(
          'at lower',
          d.name,
          at.map((x) => x.lower),
          get('at:lower'),
        );
        agree(
          'at upper',
          d.name,
          at.map((x) => x.upper),
          get('at:upper'),
        );
      });

      it.runIf(causesOf(d) > 0)(
        'Aalen–Johansen incidence and its errors match the multi-state survfit',
        () => {
          const fit = cumulativeIncidence(d.time, d.status);
          expect(fit.causes).toBe(causesOf(d));
          agree(
            'aj time',
            d.name,
            fit.rows.map((x) => x.time),
            get('aj:time'),
          );
          agree(
            'aj n.risk',
            d.name,
            fit.rows.map((x) => x.atRisk),
            get('aj:n.risk'),
          );
          agree(
            'aj pstate (s0)',
            d.name,
            fit.rows.map((x) => x.survival),
            get('aj:pstate0'),
          );
          agree(
            'aj std.err (s0)',
            d.name,
            fit.rows.map((x) => x.survivalStdErr),
            get('aj:std.err0'),
          );
          for (let k = 1; k <= fit.causes; k++) {
            agree(
              'aj pstate (cause)',
              d.name,
              fit.rows.map((x) => x.incidence[k - 1] as number),
              get(`aj:pstate${k}`),
            );
            agree(
              'aj std.err (cause)',
              d.name,
              fit.rows.map((x) => x.stdErr[k - 1] as number),
              get(`aj:std.err${k}`),
            );
            agree(
              'aj lower (cause)',
              d.name,
              fit.rows.map((x) => x.lower[k - 1] as number),
              get(`aj:lower${k}`),
            );
            agree(
              'aj upper (cause)',
              d.name,
              fit.rows.map((x) => x.upper[k - 1] as number),
              get(`aj:upper${k}`),
            );
          }
        },
      );

      it.runIf(groupsOf(d) > 1 && d.status.some((s) => s === 1))('log-rank test matches survdiff', () => {
        const test = logRankTest(d.time, eventsOf(d), d.group);
        agree('log-rank observed', d.name, test.observed, get('lr:obs'));
        agree('log-rank expected', d.name, test.expected, get('lr:exp'));
        agree('log-rank variance', d.name, test.variance.flat(), get('lr:var'));
        agree('log-rank chi-square', d.name, [test.chiSquare], get('lr:chisq'));
        agree('log-rank p', d.name, [test.p], get('lr:pvalue'));
        if (groupsOf(d) === 2) {
          const arm = (g: number) => d.time.map((_, i) => i).filter((i) => d.group[i] === g);
          const [a, b] = [arm(0), arm(1)];
          const two = logRank(
            a.map((i) => d.time[i] as number),
            a.map((i) => d.status[i] === 1),
            b.map((i) => d.time[i] as number),
            b.map((i) => d.status[i] === 1),
          );
          agree('log-rank (two arms) chi-square', d.name, [two.chiSquare], get('lr:chisq'));
          agree('log-rank (two arms) p', d.name, [two.p], get('lr:pvalue'));
          agree(
            'log-rank (two arms) O, E',
            d.name,
            [two.observedA, two.observedB, two.expectedA, two.expectedB],
            [...(get('lr:obs') ?? []), ...(get('lr:exp') ?? [])],
          );
        }
      });
    });

    it("Student t quantiles match R's qt for df 1..200 and non-integer df", () => {
      const ints = Array.from({ length: 200 }, (_, i) => i + 1);
      T_P.forEach((p, i) => {
        agree(
          'qt (df 1..200)',
          `p = ${p}`,
          ints.map((df) => tQuantile(p, df)),
          R.get(`qt:int:${i}`),
        );
        agree(
          'qt (non-integer df)',
          `p = ${p}`,
          T_DF_REAL.map((df) => tQuantile(p, df)),
          R.get(`qt:real:${i}`),
        );
      });
      agree('qt(0.975) via tQuantile975', 'df 1..200', ints.map(tQuantile975), R.get('qt:int:0'));
    });

    it("normal quantiles and chi-square tails match R's qnorm and pchisq", () => {
      agree('qnorm', 'p grid', NORMAL_P.map(normalQuantile), R.get('qnorm'));
      for (const df of CHI_DF)
        agree(
          'pchisq upper tail',
          `df = ${df}`,
          CHI_X.map((x) => chiSquareSurvival(x, df)),
          R.get(`pchisq:${df}`),
        );
    });
  },
);

describe('survival estimators without R', () => {
  it('keeps the legacy Kaplan–Meier steps: time 0, then event times only', () => {
    const steps = kaplanMeier([1, 2, 2, 3, 4, 5], [true, true, true, false, true, false]);
    expect(steps.map((s) => [s.time, s.atRisk, s.events])).toEqual([
      [0, 6, 0],
      [1, 6, 1],
      [2, 5, 2],
      [4, 2, 1],
    ]);
  });

  it('hand-worked median rules: averaging on an exact ½, first time at or below ½ otherwise', () => {
    expect(
      kaplanMeierMedian(kaplanMeierFit([1, 2, 3, 4, 5, 6], [true, true, true, false, true, false])).median,
    ).toBe(4);
    expect(kaplanMeierMedian(kaplanMeierFit([1, 2, 3, 4], [true, true, false, false])).median).toBe(2);
    expect(kaplanMeierMedian(kaplanMeierFit([1, 2, 3], [true, true, true])).median).toBe(2);
    expect(kaplanMeierMedian(kaplanMeierFit([1, 2, 3], [false, false, false])).median).toBeNaN();
  });

  it('Aalen–Johansen equals 1 − Kaplan–Meier without competing events, and the causes add up', () => {
    const v = seedrandom.alea('aj-identity');
    const time = Array.from({ length: 200 }, () => Math.ceil(v() * 30));
    const status = time.map(() => (v() < 0.3 ? 0 : v() < 0.7 ? 1 : 2));
    const single = cumulativeIncidence(
      time,
      status.map((s) => (s === 2 ? 1 : s)),
    );
    const km = kaplanMeierFit(
      time,
      status.map((s) => s > 0),
    );
    single.rows.forEach((row, i) => {
      expect(row.incidence[0]).toBeCloseTo(1 - (km.rows[i]?.survival as number), 14);
    });
    for (const row of cumulativeIncidence(time, status).rows)
      expect(row.survival + (row.incidence[0] as number) + (row.incidence[1] as number)).toBeCloseTo(1, 14);
  });

  it('log-rank without any event is chi-square 0 with p = 1; mismatched inputs are refused', () => {
    const t = logRankTest([1, 2, 3, 4], [false, false, false, false], [0, 1, 0, 1]);
    expect([t.chiSquare, t.df, t.p]).toEqual([0, 0, 1]);
    expect(() => logRankTest([1, 2], [true], [0, 1])).toThrow(RangeError);
    expect(() => kaplanMeierFit([1, Number.NaN], [true, true])).toThrow(RangeError);
  });

  it('t quantiles invert the t distribution and keep the symmetric and degenerate cases', () => {
    for (const df of [0.7, 1, 3, 29.5, 400])
      for (const p of [1e-8, 0.01, 0.3, 0.5, 0.8, 0.999]) {
        expect(Math.abs(tCdf(tQuantile(p, df), df) - p)).toBeLessThan(1e-14 + 1e-12 * p);
        // 1 − p rounds, so the mirror image is only as close as that rounding lets it be.
        if (p >= 0.01) expect(tQuantile(1 - p, df)).toBeCloseTo(-tQuantile(p, df), 12);
      }
    expect(tQuantile975(0)).toBeNaN();
    expect(tQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959963984540054, 15);
  });

  it('runs on 165,000 replicates without spreading arrays into calls', () => {
    const n = 165_000;
    const v = seedrandom.alea('large');
    const time = Array.from({ length: n }, () => Math.round(-Math.log(1 - v()) * 2000) / YEAR);
    const status = time.map(() => (v() < 0.3 ? 0 : v() < 0.8 ? 1 : 2));
    const events = status.map((s) => s === 1);
    const fit = kaplanMeierFit(time, events);
    expect(fit.rows.length).toBeGreaterThan(1000);
    expect(kaplanMeierMedian(fit).median).toBeGreaterThan(0);
    const curve = kaplanMeierCurve(time, events);
    let end = 0;
    for (const t of time) end = Math.max(end, t);
    expect(curve[curve.length - 1]?.time).toBe(end);
    const half = n / 2;
    expect(
      logRank(time.slice(0, half), events.slice(0, half), time.slice(half), events.slice(half)).p,
    ).toBeGreaterThan(0);
    expect(cumulativeIncidence(time, status).rows.length).toBe(fit.rows.length);
    expect(medianWithCi(time).low).toBeLessThan(medianWithCi(time).high);
    const w = seedrandom.alea('large-bootstrap');
    expect(bootstrapMedianDifference(time, time, w, 5).difference).toBe(0);
    expect(pairedBootstrapMedianDifference(time, time, w, 5)).toMatchObject({ low: 0, high: 0 });
  });
});
