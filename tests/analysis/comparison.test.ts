/**
 * The comparison of two arms that `seedsoil compare` and the page share: which
 * replicates enter each number, the endpoint's times and competing deaths, the
 * paired design, and independence from the order replicates arrive in.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  type Arm,
  BINS,
  binLabels,
  compareArms,
  endpointTimes,
  histogram,
  type OutcomeRecord,
  QUANTITIES,
  type Quantity,
} from '../../src/analysis/comparison.ts';
import {
  differenceText,
  logRankText,
  medianText,
  pairedText,
  survivalMedianText,
} from '../../src/analysis/comparison-text.ts';

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
    const c = compareArms(a, a, 'distant', u());
    expect(c.arms[0]).toMatchObject({ events: 1, competing: 1 });
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
    expect(c.arms[0].histograms.metastases).toEqual([2, 0, 0, 0, 0, 0, 0]);
    expect(c.arms[0].defined.early_share).toBe(0);
  });
});
