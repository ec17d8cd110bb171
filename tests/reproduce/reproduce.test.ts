/**
 * The published targets, run as small ensembles (the `--ci` sizes). Targets that
 * the built-in scenarios reproduce must pass; docs/calibration.md lists the
 * targets not yet reproduced, which run here only to prove their checks work.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { asPatient } from '../../src/engine/scenario.ts';
import type { SimulationResult } from '../../src/engine/simulation.ts';
import {
  BREAST_POPULATION,
  FIRST_LINE_YEARS,
  firstLineComplete,
  firstLineMeasure,
  hahnfeldtOde,
  intervalPlace,
  matchingModel,
  measureArms,
  measureReplicate,
  measureReplicates,
  patientOfReplicate,
  runReplicate,
  scenarioOfReplicate,
  TARGETS,
  type Target,
  type TargetRow,
  targetScenarios,
} from '../../src/reproduce/targets.ts';

const REPRODUCED = [
  'luzzi-1998',
  'meng-2004',
  'hahnfeldt-1999',
  'hosseini-2016',
  'tubiana-1991',
  'hu-2019',
  'franssen-2019',
];

function evaluate(name: string, replicates?: number) {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(name);
  const n = replicates ?? target.ciReplicates;
  const scenarioOf = (i: number) => loadScenarioFile(scenarioOfReplicate(target, i, n));
  return target.rows(
    Array.from({ length: n }, (_, i) =>
      target.measure(runReplicate(scenarioOf(i), patientOfReplicate(target, i, n)), scenarioOf(i)),
    ),
    scenarioOf(0),
  );
}

describe('where an interval lies against its tolerance', () => {
  it('names inside, outside and across an edge, ends included', () => {
    const band: [number, number] = [0.1, 0.2];
    expect(intervalPlace(0.1, 0.2, band)).toBe('inside');
    expect(intervalPlace(0.12, 0.18, band)).toBe('inside');
    expect(intervalPlace(0.05, 0.09, band)).toBe('outside');
    expect(intervalPlace(0.21, 0.3, band)).toBe('outside');
    expect(intervalPlace(0.05, 0.1, band)).toBe('across an edge');
    expect(intervalPlace(0.15, 0.25, band)).toBe('across an edge');
    // An interval wider than the band crosses both edges.
    expect(intervalPlace(0.05, 0.25, band)).toBe('across an edge');
    expect(intervalPlace(Number.NaN, Number.NaN, band)).toBe('none');
    expect(intervalPlace(0.5, 0.6, [0.4, Number.POSITIVE_INFINITY])).toBe('inside');
  });

  it('gives the failures of a model at the middle of every tolerance', () => {
    const at = (low: number, high: number, band: [number, number]): TargetRow => ({
      target: 't',
      quantity: 'q',
      source: 's',
      published: 'p',
      simulated: (low + high) / 2,
      low,
      high,
      tolerance: 'x',
      band,
      pass: true,
      ciPlace: intervalPlace(low, high, band),
    });
    // An interval as wide as its band: the band is ±1.96 standard errors, so 95% pass.
    const one = matchingModel([at(0.1, 0.2, [0.1, 0.2])]);
    expect(one.rows).toBe(1);
    expect(one.failures).toBeCloseTo(0.05, 6);
    // Twice as wide: the band is ±0.98 standard errors, and R gives
    // 2 * pnorm(qnorm(0.975) / 2) - 1 = 0.672905.
    const two = matchingModel([at(0.1, 0.2, [0.1, 0.2]), at(0.05, 0.25, [0.1, 0.2])]);
    expect(two.failures).toBeCloseTo(0.05 + (1 - 0.672905), 5);
    expect(two.allPass).toBeCloseTo(0.95 * 0.672905, 5);
    // Rows without an interval or with an open band are left out.
    const skipped = matchingModel([
      at(Number.NaN, Number.NaN, [0, 1]),
      at(0.5, 0.6, [0.4, Number.POSITIVE_INFINITY]),
    ]);
    expect(skipped).toEqual({ rows: 0, failures: 0, allPass: 1 });
  });
});

describe('published results', () => {
  for (const name of REPRODUCED) {
    // The human targets run tens of 30-year patients: allow minutes, not the default two.
    it(`${name} is reproduced by a small ensemble`, { timeout: 600_000 }, () => {
      const rows = evaluate(name);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows)
        expect({ quantity: r.quantity, value: r.simulated, pass: r.pass }).toMatchObject({ pass: true });
    });
  }

  it('pan-2017 runs its check on eligible patients', () => {
    const rows = evaluate('pan-2017');
    expect(rows.map((r) => r.quantity)).toEqual([
      'distant recurrence years 5–20, T1N0 (Kaplan–Meier)',
      'distant recurrence years 5–20, T1N1–3 (Kaplan–Meier)',
      'distant recurrence years 5–20, T1N4–9 (Kaplan–Meier)',
      'distant recurrence years 5–20, T2N0 (Kaplan–Meier)',
      'distant recurrence years 5–20, T2N1–3 (Kaplan–Meier)',
      'distant recurrence years 5–20, T2N4–9 (Kaplan–Meier)',
      'distant recurrence rate in years 10–20 over years 5–10, T1 and T2 groups pooled',
    ]);
    // At least the node-negative group has patients; its risk is a probability.
    const n0 = rows[0] as (typeof rows)[number];
    expect(n0.simulated).toBeGreaterThanOrEqual(0);
    expect(n0.simulated).toBeLessThanOrEqual(1);
  });

  it('pan-2017 estimates the risk by Kaplan–Meier, so patients followed less than 15 years count until censored', () => {
    const t = TARGETS.find((x) => x.name === 'pan-2017');
    if (!t) throw new Error('pan-2017');
    // Node-negative: distant recurrence at 2 and 10 years, censored at 3 and 15.
    // S(15) = 3/4 · 1/2 = 3/8, a risk of 5/8 (half had the event, but one left at 3 years).
    const ms = [
      { eligible: 1, t: 1, group: 0, years: 2, distant: 1 },
      { eligible: 1, t: 1, group: 0, years: 3, distant: 0 },
      { eligible: 1, t: 1, group: 0, years: 10, distant: 1 },
      { eligible: 1, t: 1, group: 0, years: 15, distant: 0 },
      { eligible: 1, t: 2, group: 0, years: 4, distant: 1 },
      { eligible: 0, t: 0, group: 0, years: 1, distant: 1 },
    ];
    const rows = t.rows(ms, loadScenarioFile(t.scenario));
    expect(rows[0]?.simulated).toBeCloseTo(5 / 8, 12);
    // The T2 patient is in T2N0 alone.
    expect(rows[3]?.simulated).toBe(1);
  });

  it('pan-2017 compares the rate of distant recurrence in years 10-20 with that in years 5-10', () => {
    const t = TARGETS.find((x) => x.name === 'pan-2017');
    if (!t) throw new Error('pan-2017');
    const patient = (years: number, distant: number, group = 0) => ({
      eligible: 1,
      t: 1,
      group,
      years,
      distant,
    });
    // Years since year 5. Before year 10: 4 events at 2 and 30 + 8 + 10 years at risk (six
    // followed to the end, four to 2, two past 5); after: 2 events (at 8, and one on the last
    // day, at 15) in 6 · 10 + 3 + 10 = 73 years.
    const ms = [
      ...Array.from({ length: 4 }, () => patient(2, 1, 2)),
      ...Array.from({ length: 6 }, () => patient(15, 0)),
      patient(8, 1, 1),
      patient(15, 1),
    ];
    const steady = t.rows(ms, loadScenarioFile(t.scenario)).at(-1);
    const rr = 2 / 73 / (4 / 48);
    const half = 1.96 * Math.sqrt(1 / 4 + 1 / 2);
    expect(steady?.simulated).toBeCloseTo(rr, 12);
    expect(steady?.low).toBeCloseTo(rr * Math.exp(-half), 12);
    expect(steady?.high).toBeCloseTo(rr * Math.exp(half), 12);
  });

  it("carter-1989 weighs Carter's classes as the model's patients fall into them", () => {
    const t = TARGETS.find((x) => x.name === 'carter-1989');
    if (!t) throw new Error('carter-1989');
    const patient = (mm: number, stage: number, nodes: number, alive5: number) => ({
      mm,
      stage,
      nodes,
      followed: 1,
      alive5,
    });
    // Node-negative at 2-5 cm: alive at 2.5 and 2.7 cm (Carter 92%), dead at 4.5 cm (85%).
    // At 2.0-2.9 cm one of four is regional. A patient run to surgery only (no `followed`)
    // counts in her class's share and in no survival row.
    // On the classes' edges: 2 cm is in 2.0-2.9 cm, 5 cm in the largest class. Dead before
    // surgery (no node examined), a patient is in no share.
    const ms = [
      patient(25, 0, 0, 1),
      patient(45, 0, 0, 0),
      patient(20, 1, 1, 1),
      patient(27, 0, 0, 1),
      patient(50, 1, 2, 0),
      patient(22, 1, -1, 0),
      { mm: 28, stage: 0, nodes: 0 },
    ];
    const rows = t.rows(ms, loadScenarioFile('breast-er-positive-1980'));
    const at = (q: string) => rows.find((r) => r.quantity === q);
    const n0 = at('5-year survival, tumour 2–5 cm, node-negative');
    expect(n0?.simulated).toBe(2 / 3);
    // Expected (0.92 + 0.92 + 0.85) / 3 = 0.8967; its band 1 - 1.25 · 0.1033 to 1 - 0.75 · 0.1033.
    expect(n0?.published).toContain("89.7% at the model's mix");
    expect(n0?.pass).toBe(false);
    const share = at('node-positive share, tumour 2.0–2.9 cm');
    expect(share?.simulated).toBe(1 / 4);
    expect(share?.pass).toBe(false);
    expect(at('node-positive share, tumour 4.0–4.9 cm')?.simulated).toBe(0);
    expect(at('node-positive share, tumour ≥ 5 cm')?.simulated).toBe(1);
    expect(at('5-year survival, tumour 2–5 cm, four or more positive nodes')?.published).toContain(
      'no patient in the cell',
    );
    // Under 1 cm is carter-1989-under-1-cm's row, on its own patients.
    expect(at('node-positive share, tumour under 1 cm')).toBeUndefined();
    const small = TARGETS.find((x) => x.name === 'carter-1989-under-1-cm');
    if (!small) throw new Error('carter-1989-under-1-cm');
    const under = small.rows(
      [{ mm: 8, stage: 1, nodes: 1 }, { mm: 9.9, stage: 0, nodes: 0 }, { mm: 10, stage: 1, nodes: 1 }, ...ms],
      loadScenarioFile('breast-er-positive-1980'),
    );
    expect(under.map((r) => r.quantity)).toEqual(['node-positive share, tumour under 1 cm']);
    expect(under[0]?.simulated).toBe(1 / 2);
  });

  it('ebctcg-2011 compares event rates per year at risk, arm against arm, within each period', () => {
    const t = TARGETS.find((x) => x.name === 'ebctcg-2011');
    if (!t) throw new Error('ebctcg-2011');
    const patient = (treated: number, recurrence: number, death = -1) => ({
      treated,
      eligible: 1,
      recurrence,
      death,
      end: 20,
    });
    // Treated: 4 recur at year 1, 6 never (34 years at risk in years 0-4, 4 events); untreated:
    // 8 recur at year 2, 2 die at year 3 without recurrence (16 + 6 = 22 years, 8 events).
    const ms = [
      ...Array.from({ length: 4 }, () => patient(1, 1)),
      ...Array.from({ length: 6 }, () => patient(1, -1)),
      ...Array.from({ length: 8 }, () => patient(0, 2)),
      ...Array.from({ length: 2 }, () => patient(0, -1, 3)),
    ];
    const [early, late, deaths] = t.rows(ms, loadScenarioFile('breast-er-positive'));
    const rr = 4 / 34 / (8 / 22);
    const half = 1.96 * Math.sqrt(1 / 4 + 1 / 8);
    expect(early?.simulated).toBeCloseTo(rr, 12);
    expect(early?.low).toBeCloseTo(rr * Math.exp(-half), 12);
    expect(early?.high).toBeCloseTo(rr * Math.exp(half), 12);
    // Years 5-9: no events in either arm; deaths in 0-4: none treated, 2 untreated. No ratio
    // without events in both arms.
    expect(late?.simulated).toBeNaN();
    expect(deaths?.simulated).toBeNaN();
    // An event exactly at the start of a period counts in it; a patient not eligible counts nowhere.
    const atFive = [...ms, patient(1, 5), patient(0, 5), patient(0, -1), { ...patient(0, 6), eligible: 0 }];
    const [, lateAtFive] = t.rows(atFive, loadScenarioFile('breast-er-positive'));
    // Years 5-9: treated 1 event in 30 years (6 patients free of recurrence, and one at 5 with no
    // time at risk); untreated 1 event in 5 years (the others recurred or died before year 5).
    expect(lateAtFive?.simulated).toBeCloseTo(1 / 30 / (1 / 5), 12);
  });

  it("ebctcg-2011's 15-year risks are Kaplan–Meier per arm, against the drug taken", () => {
    const t = TARGETS.find((x) => x.name === 'ebctcg-2011');
    if (!t) throw new Error('ebctcg-2011');
    const patient = (treated: number, recurrence: number, death: number, end = 15) => ({
      treated,
      eligible: 1,
      recurrence,
      death,
      end,
    });
    // Treated: recurrence at 2, free to 15, death at 3 without recurrence (censored for
    // recurrence), recurrence at 10 and death at 12. Recurrence: S = 3/4 at 2, then 1/2 at 10
    // among the two at risk: risk 1 - 3/8. Death: at 3 (one of four) and 12 (one of three): 1 - 1/2.
    // Untreated: one recurrence at 1 among two, the other followed to 6 only: risk 1/2; no death.
    const ms = [
      patient(1, 2, -1),
      patient(1, -1, -1),
      patient(1, -1, 3),
      patient(1, 10, 12),
      patient(0, 1, -1),
      patient(0, -1, -1, 6),
      { ...patient(0, 1, 1), eligible: 0 },
    ];
    const rows = t.rows(ms, loadScenarioFile('breast-er-positive')).slice(-4);
    expect(rows.map((r) => r.quantity)).toEqual([
      '15-year recurrence risk, no endocrine therapy (Kaplan–Meier)',
      '15-year recurrence risk, endocrine therapy taken',
      '15-year breast cancer mortality, no endocrine therapy',
      '15-year breast cancer mortality, endocrine therapy taken',
    ]);
    const [recurrenceUntreated, recurrenceTreated, deathUntreated, deathTreated] = rows;
    expect(recurrenceUntreated?.simulated).toBeCloseTo(1 / 2, 12);
    expect(recurrenceTreated?.simulated).toBeCloseTo(5 / 8, 12);
    expect(deathUntreated?.simulated).toBe(0);
    expect(deathTreated?.simulated).toBeCloseTo(1 / 2, 12);
    // The allocated arm is 80% taken, 20% not: 33.0% allocated is (0.330 - 0.2 * 0.462) / 0.8 taken.
    expect(recurrenceTreated?.published).toBe('33.0% as allocated, 29.7% taken (80% took it)');
    expect(recurrenceTreated?.pass).toBe(false);
    expect(t.rows([...ms, ...ms.map((m) => ({ ...m }))], loadScenarioFile('breast-er-positive')).length).toBe(
      10,
    );
  });

  it("ebctcg-2011's arms are the same patients until the therapy starts", () => {
    const t = TARGETS.find((x) => x.name === 'ebctcg-2011');
    if (!t) throw new Error('ebctcg-2011');
    // Each arm numbers its patients from 0, for any ensemble size; an unpaired population does not.
    for (const n of [2, 7, 1200]) {
      const arms = [0, 1].map((k) =>
        Array.from({ length: n }, (_, i) => i)
          .filter((i) => scenarioOfReplicate(t, i, n) === t.population?.[k]?.scenario)
          .map((i) => patientOfReplicate(t, i, n)),
      );
      for (const arm of arms) expect(arm).toEqual(arm.map((_, k) => k));
    }
    const population = TARGETS.find((x) => x.name === 'breast-population');
    expect(patientOfReplicate(population, 999, 1000)).toBe(999);
    // Replicate i and replicate n/2 + i are one patient: found, staged and operated alike.
    const n = 8;
    const atDiagnosis = (i: number) => {
      const r = runReplicate(loadScenarioFile(scenarioOfReplicate(t, i, n)), patientOfReplicate(t, i, n));
      if (!('metastases' in r)) throw new Error('expected a patient-scale run');
      const { primary, surgeryDay, stageAtDiagnosis } = r.summary;
      return { detected: primary.detectedDay, cells: primary.cellsAtDetection, surgeryDay, stageAtDiagnosis };
    };
    let operated = 0;
    for (let i = 0; i < 3; i++) {
      const treated = atDiagnosis(i);
      expect(atDiagnosis(n / 2 + i)).toEqual(treated);
      if (treated.surgeryDay >= 0) operated++;
    }
    expect(operated).toBeGreaterThan(0);
  });

  it("ebctcg-2011's arms measured from one run copied before the therapy starts are each arm's own", {
    timeout: 120_000,
  }, () => {
    const t = TARGETS.find((x) => x.name === 'ebctcg-2011');
    if (!t?.population || !t.forkAt) throw new Error('ebctcg-2011 forks its arms');
    const arms = t.population.map((p) => loadScenarioFile(p.scenario));
    let parted = 0;
    for (let replicate = 0; replicate < 8; replicate++) {
      const ms = measureArms(t, arms, replicate);
      expect(ms).toEqual(arms.map((s) => measureReplicate(t, s, replicate)));
      const [treated, untreated] = ms;
      if (treated?.recurrence !== untreated?.recurrence || treated?.end !== untreated?.end) parted++;
    }
    // Some patients' arms went on to differ, or the copies would compare nothing.
    expect(parted).toBeGreaterThan(0);
    // And one was never operated on, so her run was measured for both arms (unparted).
    const unoperated = runReplicate(loadScenarioFile('breast-er-positive-tamoxifen'), 4);
    if (!('metastases' in unoperated)) throw new Error('expected a patient-scale run');
    expect(unoperated.summary.surgeryDay).toBe(-1);
    expect(t.unparted?.(unoperated.events, arms)).toBe(true);
    // Arms that differ before the therapy (here in screening) are not copied: each runs alone.
    const [treated, untreated] = arms.map(asPatient) as [
      ReturnType<typeof asPatient>,
      ReturnType<typeof asPatient>,
    ];
    const screened = {
      ...untreated,
      clinical: { ...untreated.clinical, screening: { ...treated.clinical.screening, enabled: true } },
    };
    for (let replicate = 0; replicate < 5; replicate++)
      expect(measureArms(t, [treated, screened], replicate)).toEqual(
        [treated, screened].map((s) => measureReplicate(t, s, replicate)),
      );
  });

  it('a population target runs its scenarios at their shares, to within one replicate, for any ensemble size', () => {
    const t = TARGETS.find((x) => x.name === 'breast-population');
    if (!t) throw new Error('breast-population');
    expect(BREAST_POPULATION.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 12);
    for (const n of [1, 2, 3, 7, 10, 60, 99, 1000]) {
      const counts = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const name = scenarioOfReplicate(t, i, n);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      for (const p of BREAST_POPULATION)
        expect(Math.abs((counts.get(p.scenario) ?? 0) - p.share * n)).toBeLessThanOrEqual(1);
    }
  });

  it('breast-population counts each patient in the survival of the subtype drawn', () => {
    const t = TARGETS.find((x) => x.name === 'breast-population');
    if (!t) throw new Error('breast-population');
    BREAST_POPULATION.forEach((p, k) => {
      const s = asPatient(loadScenarioFile(p.scenario));
      const oneDay = { ...s, time: { ...s.time, durationDays: 1 } };
      expect(t.measure(runReplicate(oneDay, 0), oneDay).subtype).toBe(k);
    });
    // Two ER+ patients (one dies within five years), two triple-negative (the localized one
    // dies), one ER+ not followed.
    const ms = [
      { subtype: 0, stage: 0, followed: 1, alive5: 1 },
      { subtype: 0, stage: 1, followed: 1, alive5: 0 },
      { subtype: 2, stage: 1, followed: 1, alive5: 1 },
      { subtype: 2, stage: 0, followed: 1, alive5: 0 },
      { subtype: 0, stage: 0, followed: 0, alive5: 0 },
    ];
    const s = loadScenarioFile('breast-er-positive');
    const simulated = (quantity: string, of = ms) =>
      t.rows(of, s).find((r) => r.quantity === quantity)?.simulated;
    const value = (q: string) => simulated(`5-year survival, ${q}`);
    expect(value('HR+/HER2− (breast-er-positive)')).toBe(0.5);
    expect(value('HER2+ (breast-her2-early)')).toBeNaN();
    expect(value('HR−/HER2− (breast-triple-negative)')).toBe(0.5);
    expect(value('localized at diagnosis')).toBe(0.5);
    expect(value('regional at diagnosis')).toBe(0.5);
    // By subtype and stage: the ER+ regional patient died, the triple-negative one lived.
    expect(value('HR+/HER2− (breast-er-positive), regional at diagnosis')).toBe(0);
    expect(value('HR−/HER2− (breast-triple-negative), regional at diagnosis')).toBe(1);
    expect(value('HR+/HER2− (breast-er-positive), distant at diagnosis')).toBeNaN();
    expect(value('HR−/HER2− (breast-triple-negative), localized at diagnosis')).toBe(0);
    // No localized HR+/HER2− row: SEER's 100.0% leaves no band.
    expect(value('HR+/HER2− (breast-er-positive), localized at diagnosis')).toBeUndefined();
    // Odds of distant disease at diagnosis: HER2+ 2 of 4, ER+ 1 of 4, so (2 × 3) / (2 × 1) = 3;
    // undiagnosed patients (stage -1) and other subtypes are not counted.
    const odds =
      'odds of distant metastases at diagnosis, HER2+ (breast-her2-early) against HR+/HER2− (breast-er-positive)';
    const staged = [
      ...[2, 2, 0, 1, -1].map((stage) => ({ subtype: 1, stage, followed: 0, alive5: 0 })),
      ...[2, 0, 0, 1, 2].map((stage, i) => ({ subtype: i < 4 ? 0 : 2, stage, followed: 0, alive5: 0 })),
    ];
    expect(simulated(odds, staged)).toBe(3);
    expect(
      simulated(
        odds,
        staged.filter((m) => !(m.subtype === 0 && m.stage === 2)),
      ),
    ).toBeNaN();
  });

  it('breast-population reads first-line medians by Kaplan–Meier over the patients who started a line', () => {
    const t = TARGETS.find((x) => x.name === 'breast-population');
    if (!t) throw new Error('breast-population');
    const month = 365.25 / 12;
    const patient = (subtype: number, pfs: number, pfsEvent: number, os = -1, osEvent = 0) => ({
      subtype,
      stage: 1,
      followed: 0,
      alive5: 0,
      pfsDays: pfs < 0 ? -1 : pfs * month,
      pfsEvent,
      osDays: os < 0 ? -1 : os * month,
      osEvent,
    });
    // ER+: escapes at 10, 30 and 40 months, one censored at 20: S(10) = 3/4, S(30) = 3/4 × 1/2,
    // so the median is 30 months (of all four times, censoring ignored, it would be 25).
    // Deaths at 40, 40 and 50 months, one censored at 60: S = 1/2 from 40 to 50, and R's
    // survfit then takes the midpoint, 45. A patient who never started a line (-1) and the
    // other subtypes are not counted.
    const ms = [
      patient(0, 10, 1, 40, 1),
      patient(0, 20, 0, 60, 0),
      patient(0, 30, 1, 50, 1),
      patient(0, 40, 1, 40, 1),
      patient(0, -1, 0),
      patient(1, 2, 1, 3, 1),
      patient(2, 5, 0, 5, 0),
    ];
    const s = loadScenarioFile('breast-er-positive');
    const simulated = (quantity: string) => t.rows(ms, s).find((r) => r.quantity === quantity)?.simulated;
    const erPositive = 'HR+/HER2− (breast-er-positive) (months)';
    expect(
      simulated(`median progression-free survival on the first line of metastatic therapy, ${erPositive}`),
    ).toBeCloseTo(30, 9);
    expect(simulated(`median overall survival from the start of the first line, ${erPositive}`)).toBeCloseTo(
      45,
      9,
    );
    expect(
      simulated(
        'median progression-free survival on the first line of metastatic therapy, HER2+ (breast-her2-early) (months)',
      ),
    ).toBeCloseTo(2, 9);
    // One censored triple-negative patient: the curves never reach one half.
    const tripleNegative = 'HR−/HER2− (breast-triple-negative) (months)';
    expect(
      simulated(
        `median progression-free survival on the first line of metastatic therapy, ${tripleNegative}`,
      ),
    ).toBeNaN();
    expect(
      simulated(`median overall survival from the start of the first line, ${tripleNegative}`),
    ).toBeNaN();
  });

  it('a first line is followed its years from its start: escape or death within them are events, the rest censored', () => {
    const window = FIRST_LINE_YEARS * 365.25;
    const start = 1000;
    const event = (type: string, day: number, value = 1) => ({ day, type, site: '', value, detail: '' });
    const line = [event('detection', 100, 20), event('metastatic_line', start)];
    const measure = (events: ReturnType<typeof event>[], deathDay = -1, daysSimulated = 10_950) =>
      firstLineMeasure([...line, ...events], { deathDay, daysSimulated });
    // Escape, then death: both events, each from the line's start.
    expect(measure([event('metastatic_progression', 1300)], 1500)).toEqual({
      pfsDays: 300,
      pfsEvent: 1,
      osDays: 500,
      osEvent: 1,
    });
    // Death on the day the line starts (a patient operated while distant).
    expect(measure([], start)).toEqual({ pfsDays: 0, pfsEvent: 1, osDays: 0, osEvent: 1 });
    // An escape from the second line is not the first line's; an escape and a death after
    // the window are censored at its end.
    expect(
      measure(
        [event('metastatic_progression', 1200, 2), event('metastatic_progression', start + window + 10)],
        start + window + 20,
      ),
    ).toEqual({
      pfsDays: window,
      pfsEvent: 0,
      osDays: window,
      osEvent: 0,
    });
    // A run that ends before the window is censored where it ends.
    expect(measure([], -1, start + 100)).toEqual({ pfsDays: 100, pfsEvent: 0, osDays: 100, osEvent: 0 });
    // No line: left out.
    expect(
      firstLineMeasure([event('detection', 100, 20)], { deathDay: 900, daysSimulated: 900 }).pfsDays,
    ).toBe(-1);
    // The run may stop once the window has passed, never before, and never without a line.
    expect(firstLineComplete(line, start + window - 1)).toBe(false);
    expect(firstLineComplete(line, start + window)).toBe(true);
    expect(firstLineComplete([event('detection', 100, 20)], 10_000)).toBe(false);
  });

  it('the population targets measure stage, survival and first sites on a small ensemble', () => {
    const rows = evaluate('breast-population', 12);
    expect(rows.map((r) => r.quantity)).toContain('distant metastases at diagnosis');
    for (const r of rows) if (!Number.isNaN(r.simulated)) expect(r.simulated).toBeGreaterThanOrEqual(0);
    const colorectal = evaluate('colorectal-population', 6);
    expect(colorectal).toHaveLength(2);
  });

  it('a target that stops runs early measures what the whole runs give', { timeout: 300_000 }, () => {
    const stopping = TARGETS.filter((t) => t.complete);
    expect(stopping.map((t) => t.name)).toEqual([
      'pan-2017',
      'ebctcg-2011',
      'breast-population',
      'carter-1989',
      'carter-1989-under-1-cm',
      'colorectal-population',
    ]);
    for (const target of stopping) {
      const n = 16;
      // Shedding twice as fast, so that these few patients recur and die (at five times,
      // every colorectal patient dies before any rule could stop a run): the law is the
      // measure's and the target's, whatever the rates.
      const scenarioOf = (i: number) => {
        const s = asPatient(loadScenarioFile(scenarioOfReplicate(target, i, n)));
        return { ...s, invasion: { ...s.invasion, bloodRate: 2 * s.invasion.bloodRate } };
      };
      const runs = (stop: boolean) =>
        Array.from({ length: n }, (_, i) =>
          runReplicate(
            scenarioOf(i),
            patientOfReplicate(target, i, n),
            {},
            stop ? target.complete : undefined,
          ),
        );
      const whole = runs(false);
      const stopped = runs(true);
      const days = (r: unknown) => (r as SimulationResult).summary.daysSimulated;
      // Some runs stop early, or the check below would compare whole runs with themselves.
      const early = stopped.filter((r, i) => days(r) < days(whole[i])).length;
      expect(early, target.name).toBeGreaterThan(0);
      // Measurements hold only what the rows read, so they are equal, not just the rows.
      const measured = (rs: typeof whole) => rs.map((r, i) => target.measure(r, scenarioOf(i)));
      expect(measured(stopped), target.name).toEqual(measured(whole));
    }
  });

  it('a target that leaves patients out has the rows of every patient', { timeout: 300_000 }, () => {
    const admitting = TARGETS.filter((t) => t.admit);
    expect(admitting.map((t) => t.name)).toEqual(['pan-2017', 'carter-1989-under-1-cm']);
    for (const target of admitting) {
      const n = 24;
      // Symptomatic sizes spread about each target's boundary (pan-2017: 5 cm;
      // carter-1989-under-1-cm: 1 cm), so that patients on both sides of it, and just inside
      // the margin, are drawn.
      const mm = target.name === 'pan-2017' ? 50 : 10;
      const scenarioOf = (i: number) => {
        const s = asPatient(loadScenarioFile(scenarioOfReplicate(target, i, n)));
        return { ...s, clinical: { ...s.clinical, symptomaticMm: mm, symptomaticSpread: 0.15 } };
      };
      const runs = Array.from({ length: n }, (_, i) => {
        const s = scenarioOf(i);
        const replicate = patientOfReplicate(target, i, n);
        const m = target.measure(runReplicate(s, replicate, {}, target.complete), s);
        return { m, left: measureReplicate(target, s, replicate) === null };
      });
      const kept = runs.filter((r) => !r.left).map((r) => r.m);
      const left = runs.filter((r) => r.left).map((r) => r.m);
      expect(kept.length, target.name).toBeGreaterThan(0);
      expect(left.length, target.name).toBeGreaterThan(0);
      // Each patient left out, added back, changes no row.
      const rows = target.rows(kept, scenarioOf(0));
      for (const m of left) expect(target.rows([...kept, m], scenarioOf(0)), target.name).toEqual(rows);
    }
  });

  it('targets on one scenario share a run and measure what each would alone', { timeout: 120_000 }, () => {
    const named = (name: string) => TARGETS.find((t) => t.name === name) as Target;
    const hu = named('hu-2019');
    const stage = named('colorectal-population');
    const s = loadScenarioFile('colorectal-liver');
    // A target that reads how long the run went, admitting even replicates only: the shared
    // run may stop early only where every target's own run would have.
    const days: Target = {
      ...hu,
      name: 'days',
      measure: (r) => ({ days: (r as SimulationResult).summary.daysSimulated }),
      admit: (_p, _s, replicate) => replicate % 2 === 0,
    };
    if (!stage.complete) throw new Error('colorectal-population stops runs');
    const stoppingDays: Target = { ...days, complete: stage.complete };
    // Another rule: all it reads is in by day 3,000, so its own run stops there.
    const early: Target = {
      ...hu,
      name: 'early',
      measure: (r) => ({ events: (r as SimulationResult).events.filter((e) => e.day < 3000).length }),
      complete: (_events, day) => day >= 3000,
    };
    for (let replicate = 0; replicate < 6; replicate++) {
      const alone = (t: Target) => measureReplicate(t, s, replicate);
      expect(measureReplicates([hu, stage, days], s, replicate)).toEqual([
        alone(hu),
        alone(stage),
        alone(days),
      ]);
      expect(measureReplicates([early, stage], s, replicate)).toEqual([alone(early), alone(stage)]);
      expect(measureReplicates([stage, stoppingDays], s, replicate)).toEqual([
        alone(stage),
        alone(stoppingDays),
      ]);
      // Nobody admits an odd replicate: it is not run.
      if (replicate % 2 === 1)
        expect(measureReplicates([days, stoppingDays], s, replicate)).toEqual([null, null]);
    }
    // Some of those runs stopped early, or the check would compare whole runs with themselves.
    const daysOf = (t: Target, replicate: number) =>
      (measureReplicate(t, s, replicate) as { days: number }).days;
    expect([0, 2, 4].filter((r) => daysOf(stoppingDays, r) < daysOf(days, r)).length).toBeGreaterThan(0);
  });

  it('carter-1989 follows a tumour of 5 cm or more for five years before it stops the run', {
    timeout: 120_000,
  }, () => {
    const target = TARGETS.find((x) => x.name === 'carter-1989');
    if (!target?.complete) throw new Error('carter-1989 stops runs');
    const n = 6;
    // Every tumour found at about 6 cm, so that the rows' branch of the rule is taken.
    const scenarioOf = (i: number) => {
      const s = asPatient(loadScenarioFile(scenarioOfReplicate(target, i, n)));
      return { ...s, clinical: { ...s.clinical, symptomaticMm: 60, symptomaticSpread: 0 } };
    };
    const runs = (stop: boolean) =>
      Array.from({ length: n }, (_, i) =>
        runReplicate(scenarioOf(i), i, {}, stop ? target.complete : undefined),
      );
    const whole = runs(false);
    const stopped = runs(true);
    const measured = (rs: typeof whole) => rs.map((r, i) => target.measure(r, scenarioOf(i)));
    const days = (r: unknown) => (r as SimulationResult).summary.daysSimulated;
    const followedAndStopped = measured(whole).filter(
      (m, i) => m.followed === 1 && (m.mm as number) >= 50 && days(stopped[i]) < days(whole[i]),
    );
    expect(followedAndStopped.length).toBeGreaterThan(0);
    expect(measured(stopped)).toEqual(measured(whole));
  });

  it('carter-1989 runs a middle patient it does not follow to surgery, for node positivity only', {
    timeout: 120_000,
  }, () => {
    const target = TARGETS.find((x) => x.name === 'carter-1989');
    if (!target?.complete) throw new Error('carter-1989 stops runs');
    // Found at 3 cm: replicates 1 to 6 are not among the one in eight followed; 8 is.
    const replicates = [1, 2, 3, 4, 5, 6, 8];
    const scenarioOf = (i: number) => {
      const s = asPatient(loadScenarioFile(scenarioOfReplicate(target, i, 16)));
      return { ...s, clinical: { ...s.clinical, symptomaticMm: 30, symptomaticSpread: 0 } };
    };
    const runs = (stop: boolean) =>
      replicates.map((i) => runReplicate(scenarioOf(i), i, {}, stop ? target.complete : undefined));
    const whole = runs(false);
    const stopped = runs(true);
    const measured = (rs: typeof whole) =>
      rs.map((r, k) => target.measure(r, scenarioOf(replicates[k] as number)));
    // The patients not followed stop at their surgery, which settles the stage and the nodes;
    // the one followed is run five years on (or to her death).
    stopped.forEach((r, k) => {
      const { summary, events } = r as SimulationResult;
      const surgery = events.find((e) => e.type === 'surgery');
      if (!surgery) return;
      if (replicates[k] === 8) expect(summary.daysSimulated).toBeGreaterThan(surgery.day + 31);
      else expect(summary.daysSimulated).toBeLessThan(surgery.day + 31);
    });
    expect(measured(stopped)).toEqual(measured(whole));
    measured(stopped).forEach((m, k) => {
      if (replicates[k] === 8) expect(m.followed).toBeDefined();
      else expect(m.followed).toBeUndefined();
    });
    // Such a patient counts in her class's node-positive share and in no survival row.
    const rows = (ms: ReturnType<typeof measured>) => target.rows(ms, scenarioOf(1));
    const share = (ms: ReturnType<typeof measured>) =>
      rows(ms).find((r) => r.quantity === 'node-positive share, tumour 3.0–3.9 cm');
    const ms = measured(stopped)
      .slice(0, -1)
      .filter((m) => (m.mm as number) >= 30 && (m.mm as number) < 40);
    expect(ms.length).toBeGreaterThan(0);
    const positive = ms.filter((m) => m.stage === 1 && (m.nodes as number) >= 0).length;
    expect(share(ms)?.simulated).toBeCloseTo(
      positive / ms.filter((m) => (m.nodes as number) >= 0).length,
      12,
    );
    const survival = (ms: ReturnType<typeof measured>) =>
      rows(ms)
        .filter((r) => r.quantity.startsWith('5-year survival'))
        .map((r) => r.simulated);
    for (const v of survival(ms)) expect(v).toBeNaN();
  });

  it('every target names built-in scenarios and a source', () => {
    for (const t of TARGETS) {
      for (const name of targetScenarios(t)) expect(loadScenarioFile(name).name).toBe(name);
      expect(t.source).toMatch(/\d{4}/);
      expect(t.ciReplicates).toBeLessThanOrEqual(t.replicates);
    }
  });

  it('the Hahnfeldt reference solves the published ODE', () => {
    const s = asPatient(loadScenarioFile('hahnfeldt-lewis-lung'));
    // At t = 0 the volume is V0; the tumour grows towards its rising capacity.
    expect(hahnfeldtOde(s, 0)).toBeCloseTo(180, 9);
    expect(hahnfeldtOde(s, 10)).toBeGreaterThan(hahnfeldtOde(s, 5));
  });
});
