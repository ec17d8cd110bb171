/**
 * Laws of the clinical layer (src/engine/clinical.ts): what detection and each
 * therapy may touch, and what they may not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chemoSurvival, clinical } from '../../src/engine/clinical.ts';
import { funnelTotals } from '../../src/engine/observe.ts';
import { outcomeRow } from '../../src/engine/outcomes.ts';
import { drawPatientTraits } from '../../src/engine/patient.ts';
import { surgeryWakeMultiplier } from '../../src/engine/phases/colonisation.ts';
import { divisionRate, netRate } from '../../src/engine/phases/growth.ts';
import { deepMerge } from '../../src/engine/scenario.ts';
import { ORGANS, type Scenario, SITES } from '../../src/engine/schema.ts';
import { createSimulation, run, runToEnd, type Simulation, step } from '../../src/engine/simulation.ts';
import {
  cellsForDiameter,
  diameterMm,
  PRIMARY_SITE,
  type Tumour,
  tumourCells,
} from '../../src/engine/state.ts';
import {
  cellsBySite,
  contextOf,
  forModes,
  type Mode,
  SENTINEL,
  seed,
  siteIndex,
  sum,
  tumourOf,
} from '../support/phases.ts';
import { arbitraryScenario, capped, fastScenario, salvagedScenario, uniform } from '../support/scenarios.ts';

describe('clinical layer', () => {
  /** A run of the fast scenario to day 400 without surgery, so that colonies and dormant cells exist. */
  function established(mode: Mode, s: number, overrides: Record<string, unknown>): Simulation {
    const scenario = fastScenario(
      deepMerge(
        {
          time: { durationDays: 2000 },
          clinical: {
            surgery: { enabled: false },
            chemotherapy: { enabled: false },
            radiotherapy: { enabled: false },
            endocrine: { enabled: false },
          },
          representation: { mode },
        },
        overrides,
      ),
    );
    return runToEnd(createSimulation(scenario, { seed: s }), 400);
  }

  /** Divisions per day of every cycling cell, summed here from the state the clinical layer saw. */
  function divisions(sim: Simulation): number {
    const ctx = sim.ctx;
    let d = 0;
    for (const t of ctx.state.tumours) {
      const n = tumourCells(t);
      if (n === 0) continue;
      const g = netRate(ctx, t.founding !== null, t.capacity, n);
      for (const c of t.clones) d += c.cells * divisionRate(ctx, g, c.drivers);
    }
    const col = ctx.state.colonies;
    for (let i = 0; i < col.size; i++) {
      const n = col.cells[i] as number;
      if (n === 0 || col.count[i] === 0) continue;
      const cap = (col.capacity[i] as number) || ctx.scenario.angiogenesis.avascularCapacityCells;
      d +=
        (col.count[i] as number) *
        n *
        divisionRate(ctx, netRate(ctx, true, cap, n), col.drivers[i] as number);
    }
    return d;
  }

  forModes('chemotherapy never kills a dormant cell (and a full kill empties every colony)', (mode) => {
    for (let s = 0; s < 3; s++) {
      // Every colony cell divides at 1/day or more, so 60 days of exposure kill all but e^-60 of them.
      const sim = established(mode, 120 + s, {
        growth: { turnover: 1 },
        clinical: {
          chemotherapy: { enabled: true, cycles: 1, startDays: 0, killFraction: 1, exposureDays: 60 },
        },
      });
      const state = sim.ctx.state;
      const before = cellsBySite(state);
      expect(sum(before.dormant)).toBeGreaterThan(0);
      expect(sum(before.colonies)).toBeGreaterThan(0);
      state.clinical.surgeryDay = state.day;
      clinical(sim.ctx);
      expect(state.clinical.chemoCyclesGiven).toBe(1);
      const after = cellsBySite(state);
      expect(after.dormant).toEqual(before.dormant);
      expect(sum(after.colonies)).toBe(0);
    }
  });

  it('chemotherapy kills in proportion to division: a clone dividing at b keeps Binomial(n, 1 − k(1 − e^(−b·τ)))', () => {
    const chemo = { enabled: true, cycles: 1, startDays: 0, killFraction: 0.6, exposureDays: 2 };
    const sim = established('individual', 150, {
      growth: { turnover: 0.05, lambda: 0.05 },
      clinical: { chemotherapy: chemo },
    });
    const { ctx } = sim;
    const n = 1e6;
    const lung = siteIndex('lung');
    // At capacity (g = 0) a clone divides at the turnover; far below it, much faster.
    const slow = tumourOf(lung, [{ drivers: 0, cells: n }], { capacity: n });
    const fast = tumourOf(lung, [{ drivers: 0, cells: n }], { capacity: 1e4 * n });
    ctx.state.tumours.push(slow, fast);
    ctx.state.clinical.surgeryDay = ctx.state.day;
    clinical(ctx);
    const kept = (t: Tumour, capacity: number) => {
      const p = 1 - 0.6 * (1 - Math.exp(-divisionRate(ctx, netRate(ctx, true, capacity, n), 0) * 2));
      const k = t.clones[0]?.cells ?? 0;
      // Six standard deviations of the binomial: fails by chance with probability 2e-9.
      expect(Math.abs(k - n * p)).toBeLessThan(6 * Math.sqrt(n * p * (1 - p)));
      return p;
    };
    const pSlow = kept(slow, n);
    const pFast = kept(fast, 1e4 * n);
    expect(pSlow).toBeCloseTo(chemoSurvival(ctx, ctx.scenario.growth.turnover), 12);
    expect(pSlow).toBeGreaterThan(0.9);
    expect(pFast).toBeLessThan(0.75);
  });

  it('chemotherapy survival falls from 1 (no division) towards 1 − killFraction as division speeds up', () => {
    fc.assert(
      fc.property(uniform(0, 1), uniform(0.01, 60), uniform(0, 5), uniform(0, 5), (k, tau, b1, b2) => {
        const ctx = contextOf({ clinical: { chemotherapy: { killFraction: k, exposureDays: tau } } });
        expect(chemoSurvival(ctx, 0)).toBe(1);
        const [lo, hi] = b1 < b2 ? [b1, b2] : [b2, b1];
        expect(chemoSurvival(ctx, hi)).toBeLessThanOrEqual(chemoSurvival(ctx, lo));
        expect(chemoSurvival(ctx, hi)).toBeGreaterThanOrEqual(1 - k - 1e-15);
      }),
      { numRuns: 100 },
    );
  });

  forModes('radiotherapy never touches cells outside its field', (mode) => {
    let nodeCells = 0;
    for (const includesRegionalNodes of [false, true])
      for (let s = 0; s < 2; s++) {
        const sim = established(mode, 130 + s, {
          clinical: {
            radiotherapy: { enabled: true, startDays: 0, survivingFraction: 0, includesRegionalNodes },
          },
        });
        const state = sim.ctx.state;
        const before = cellsBySite(state);
        state.clinical.surgeryDay = state.day;
        clinical(sim.ctx);
        expect(state.clinical.radiotherapyDone).toBe(true);
        const after = cellsBySite(state);
        const field = includesRegionalNodes
          ? [PRIMARY_SITE, SENTINEL, siteIndex('regionalNode')]
          : [PRIMARY_SITE];
        SITES.forEach((_, k) => {
          if (field.includes(k)) {
            expect(after.colonies[k]).toBe(0);
            expect(after.dormant[k]).toBe(0);
          } else {
            expect(after.colonies[k]).toBe(before.colonies[k]);
            expect(after.dormant[k]).toBe(before.dormant[k]);
          }
        });
        nodeCells += (before.dormant[SENTINEL] ?? 0) + (before.colonies[SENTINEL] ?? 0);
      }
    expect(nodeCells).toBeGreaterThan(0);
  });

  forModes(
    'no dormant cell wakes while endocrine therapy with wakeFactor 0 is in force, unless the disease is resistant',
    (mode) => {
      const woken = (wakeFactor: number, responseProbability = 1) => {
        const scenario = fastScenario({
          time: { durationDays: 900 },
          colonisation: { wakeHazard: 0.02 },
          clinical: {
            chemotherapy: { enabled: false },
            endocrine: {
              enabled: true,
              startDays: 0,
              durationDays: 300,
              divisionFactor: 1,
              wakeFactor,
              responseProbability,
            },
          },
          representation: { mode },
        });
        let during = 0;
        for (let s = 0; s < 2; s++) {
          const sim = createSimulation(scenario, { seed: 140 + s });
          const state = sim.ctx.state;
          const woke = () => funnelTotals(state.funnel).dormantWoke as number;
          while (!state.ended) {
            const active = state.clinical.endocrineActive;
            const before = active ? woke() : 0;
            step(sim);
            if (active) during += woke() - before;
          }
          expect(state.clinical.surgeryDay).toBeGreaterThanOrEqual(0);
        }
        return during;
      };
      expect(woken(0)).toBe(0);
      expect(woken(1)).toBeGreaterThan(0);
      // A patient whose disease does not respond: the therapy changes nothing.
      expect(woken(0, 0)).toBeGreaterThan(0);
    },
  );

  it('surgery wakes dormant cells at its factor for wakeDays days after the operation, whatever the step', () => {
    const f = (day: number, dt: number, surgeryDay = 100) =>
      surgeryWakeMultiplier(day, dt, surgeryDay, 5, 30);
    // No surgery yet, and the step in which surgery happens (it comes after dormancy).
    expect(f(50, 1, -1)).toBe(1);
    expect(f(100, 1)).toBe(1);
    // Days 101 to 130 (steps ending on them) and no other.
    expect(f(101, 1)).toBe(5);
    expect(f(130, 1)).toBe(5);
    expect(f(131, 1)).toBe(1);
    // A step that straddles the window's end takes the factor for the part inside.
    expect(f(102, 2)).toBe(5);
    expect(f(131, 2)).toBeCloseTo(3, 12);
    expect(f(132, 2)).toBe(1);
    // The window is as long at any dt: summed over steps, (factor - 1)·dt adds to (factor - 1)·wakeDays.
    for (const dt of [0.1, 0.3, 1, 2, 7, 45]) {
      let extra = 0;
      for (let k = 1; k <= 11 + 400 / dt; k++)
        extra += (surgeryWakeMultiplier(k * dt, dt, 11 * dt, 5, 30) - 1) * dt;
      expect(extra, `dt ${dt}`).toBeCloseTo(4 * 30, 6);
    }
    // A factor of 1 is no law at all.
    expect(surgeryWakeMultiplier(101, 1, 100, 1, 30)).toBe(1);
  });

  forModes(
    'for wakeDays after surgery a dormant cell wakes at wakeFactor times its hazard, before and after at the hazard (5 SE)',
    (mode) => {
      const [wake, die, factor, days] = [0.001, 0.001, 8, 100];
      const scenario = fastScenario({
        time: { durationDays: 900 },
        colonisation: { wakeHazard: wake, dormantDeathHazard: die },
        clinical: { chemotherapy: { enabled: false }, surgery: { wakeFactor: factor, wakeDays: days } },
        representation: { mode },
      });
      // Units exposed and woken per step, before surgery, in the window and after it.
      const tally: Record<'before' | 'in' | 'after', [number, number]> = {
        before: [0, 0],
        in: [0, 0],
        after: [0, 0],
      };
      for (let s = 0; s < 6; s++) {
        const sim = createSimulation(scenario, { seed: 150 + s });
        const state = sim.ctx.state;
        while (!state.ended) {
          const able = state.dormantAble;
          let exposed = 0;
          for (let i = 0; i < able.size; i++) exposed += able.count[i] as number;
          const woke = state.coloniesFoundedByWaking;
          step(sim);
          const since = state.day - state.clinical.surgeryDay;
          const t =
            state.clinical.surgeryDay < 0 || since === 0
              ? tally.before
              : since <= days
                ? tally.in
                : tally.after;
          t[0] += exposed;
          t[1] += state.coloniesFoundedByWaking - woke;
        }
        expect(state.clinical.surgeryDay).toBeGreaterThanOrEqual(0);
      }
      // A unit leaves in a step with probability 1 - exp(-(w + d)) and wakes with w / (w + d).
      const p = (w: number) => (-Math.expm1(-(w + die)) * w) / (w + die);
      for (const [[n, woke], w] of [
        [tally.in, wake * factor],
        [tally.before, wake],
        [tally.after, wake],
      ] as [[number, number], number][]) {
        expect(n).toBeGreaterThan(5000);
        expect(Math.abs(woke / n - p(w))).toBeLessThan(5 * Math.sqrt((p(w) * (1 - p(w))) / n));
      }
    },
  );

  forModes(
    'acquired resistance: the hazard is the divisions under therapy times the hazard per division, and the disease escapes when it reaches the level drawn',
    (mode) => {
      const scenario = (resistancePerDivision: number, deathRate = 0.02) =>
        fastScenario({
          representation: { mode },
          time: { durationDays: 1500 },
          clinical: {
            chemotherapy: { enabled: false },
            radiotherapy: { enabled: false },
            endocrine: {
              enabled: true,
              startDays: 0,
              durationDays: 800,
              deathRate,
              resistancePerDivision,
            },
          },
        });
      let escapes = 0;
      for (let seed = 1; seed <= 6; seed++) {
        const a = createSimulation(scenario(2e-6), { seed });
        const b = createSimulation(scenario(6e-6), { seed });
        const [ca, cb] = [a.ctx.state.clinical, b.ctx.state.clinical];
        let hazard = 0;
        while (!a.ctx.state.ended && !ca.endocrineResistant && !cb.endocrineResistant) {
          const acting = ca.endocrineActive;
          const records = new Set(a.ctx.state.tumours.map((t) => t.id));
          step(a);
          step(b);
          // Up to the first escape the two runs are one run: only the hazard differs, by the factor of 3.
          expect(b.ctx.state.day).toBe(a.ctx.state.day);
          if (!ca.endocrineActive) continue;
          // With cohorts, a colony record that rejoined its cohort at the end of the step is
          // counted after it at its row's mean size, not at its own: the divisions read now
          // are not quite those the hazard accrued, so on such a step the sum is held to a
          // millionth and then starts again from the engine's.
          const now = new Set(a.ctx.state.tumours.map((t) => t.id));
          const accrued = 2e-6 * divisions(a) * a.ctx.scenario.time.dt;
          if (mode === 'cohorts' && acting && [...records].some((id) => !now.has(id))) {
            expect(Math.abs(ca.endocrineEscapeHazard - (hazard + accrued))).toBeLessThan(
              1e-6 * ca.endocrineEscapeHazard,
            );
            hazard = ca.endocrineEscapeHazard;
          } else if (acting) hazard += accrued;
          else hazard = accrued;
          expect(ca.endocrineEscapeHazard).toBeCloseTo(hazard, 12);
          expect(cb.endocrineEscapeHazard / ca.endocrineEscapeHazard).toBeCloseTo(3, 12);
          expect(cb.endocrineEscapeLevel).toBe(ca.endocrineEscapeLevel);
          expect(ca.endocrineResistant).toBe(ca.endocrineEscapeHazard >= ca.endocrineEscapeLevel);
          expect(cb.endocrineResistant).toBe(cb.endocrineEscapeHazard >= cb.endocrineEscapeLevel);
        }
        // The larger hazard per division escapes first or together.
        if (ca.endocrineResistant) expect(cb.endocrineResistant).toBe(true);
        if (cb.endocrineResistant) {
          escapes++;
          // From then on the therapy changes nothing.
          expect(b.ctx.therapy).toEqual({ divisionFactor: 1, wakeFactor: 1, deathRate: 0 });
          expect(b.ctx.state.events.at(-1)?.type).toBe('endocrine_escape');
        }
      }
      expect(escapes).toBeGreaterThan(0);
      // Once the therapy has ended nothing accrues, though the disease (not killed here) divides.
      const after = createSimulation(scenario(1e-9, 0), { seed: 1 });
      const c = after.ctx.state.clinical;
      let ended = -1;
      while (!after.ctx.state.ended) {
        const was = c.endocrineActive;
        const hazard = c.endocrineEscapeHazard;
        step(after);
        if (ended < 0 && was && !c.endocrineActive) ended = after.ctx.state.day;
        if (ended >= 0) expect(c.endocrineEscapeHazard).toBe(hazard);
      }
      expect(ended).toBeGreaterThan(0);
      expect(c.endocrineResistant).toBe(false);
      expect(after.ctx.state.tumours.some((t) => tumourCells(t) > 0)).toBe(true);
      // Without a hazard per division no level is drawn and nothing escapes.
      const none = createSimulation(scenario(0), { seed: 1 });
      runToEnd(none);
      expect(none.ctx.state.clinical.endocrineEscapeLevel).toBe(-1);
      expect(none.ctx.state.events.some((e) => e.type === 'endocrine_escape')).toBe(false);
    },
  );

  describe('metastatic therapy', () => {
    const scenario = (metastaticTherapy: Record<string, unknown>) =>
      fastScenario({
        time: { durationDays: 3000 },
        clinical: { endocrine: { enabled: true, durationDays: 2500 }, metastaticTherapy },
      });
    const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

    it('starts at a distant stage at diagnosis or the first recurrence, ends endocrine therapy, and gives its lines in turn', () => {
      const lines = {
        enabled: true,
        lines: 2,
        divisionFactor: 0.5,
        deathRate: 0.05,
        resistancePerDivision: 1e-8,
      };
      let started = 0;
      let progressed = 0;
      for (const seed of SEEDS) {
        const result = run(scenario(lines), { seed });
        const events = result.events;
        const first = (type: string) => events.find((e) => e.type === type);
        const line = first('metastatic_line');
        // Without salvage every recurrence is systemic; nodes visible at surgery are not.
        const trigger =
          result.summary.stageAtDiagnosis === 'distant' ? first('surgery') : first('recurrence');
        expect({ seed, day: line?.day }).toEqual({ seed, day: trigger?.day });
        if (!line) continue;
        started++;
        // Line 1, its escape, line 2, its escape: in that order, and never a third.
        const course = events
          .filter((e) => e.type === 'metastatic_line' || e.type === 'metastatic_progression')
          .map((e) => `${e.type} ${e.value}`);
        const expected = [
          'metastatic_line 1',
          'metastatic_progression 1',
          'metastatic_line 2',
          'metastatic_progression 2',
        ];
        expect(course).toEqual(expected.slice(0, course.length));
        progressed += course.filter((c) => c.startsWith('metastatic_progression')).length;
        // Adjuvant endocrine therapy is over once the first line starts.
        const endocrine = events.filter((e) => e.type.startsWith('endocrine_') && e.day >= line.day);
        expect(endocrine.every((e) => e.type === 'endocrine_end' && e.day === line.day)).toBe(true);
      }
      expect(started).toBeGreaterThan(0);
      expect(progressed).toBeGreaterThan(0);
    });

    it('a line that stops the cell cycle lets no tumour grow while it holds', () => {
      let held = 0;
      let diedUntreated = 0;
      for (const seed of SEEDS) {
        // Without escape the first line holds to the end of the run.
        const sim = createSimulation(
          scenario({ enabled: true, divisionFactor: 0, resistancePerDivision: 0 }),
          { seed },
        );
        const c = sim.ctx.state.clinical;
        let before = new Map<number, number>();
        while (!sim.ctx.state.ended) {
          step(sim);
          if (c.metastaticLine !== 1) continue;
          const now = new Map(sim.ctx.state.tumours.map((t) => [t.id, tumourCells(t)]));
          for (const [id, cells] of now)
            if (before.has(id)) expect(cells).toBeLessThanOrEqual(before.get(id) as number);
          before = now;
        }
        if (c.metastaticLine !== 1) continue;
        held++;
        expect(c.deathDay).toBe(-1);
        // The same patient untreated: the check above is not empty.
        if (run(scenario({ enabled: false }), { seed }).summary.deathDay >= 0) diedUntreated++;
      }
      expect(held).toBeGreaterThan(0);
      expect(diedUntreated).toBeGreaterThan(0);
    });

    it("a line's escape hazard accrues its divisions times the hazard per division plus the rate per day, both times the later-line factor to the line before it", () => {
      const m = {
        enabled: true,
        lines: 3,
        divisionFactor: 0.5,
        deathRate: 0.01,
        resistancePerDivision: 1e-11,
        escapeRate: 0.004,
        laterLineFactor: 3,
      };
      let checked = 0;
      const reached = new Set<number>();
      for (const seed of SEEDS) {
        const sim = createSimulation(scenario(m), { seed });
        const c = sim.ctx.state.clinical;
        while (!sim.ctx.state.ended) {
          const line = c.metastaticLine;
          const hazard = c.metastaticEscapeHazard;
          step(sim);
          // A step that neither starts nor ends a line adds exactly its hazard.
          if (line < 1 || c.metastaticLine !== line) continue;
          const ctx = sim.ctx;
          const factor = 3 ** (line - 1);
          // The rate per day acts on any disease that cycles, however small; none on none.
          const d = divisions(sim);
          const added = factor * (1e-11 * d + (d > 0 ? 0.004 : 0)) * ctx.scenario.time.dt;
          expect(c.metastaticEscapeHazard - hazard).toBeCloseTo(added, 12);
          checked++;
          reached.add(line);
        }
      }
      // Every line was run through, so the factor was tested at each power.
      expect(checked).toBeGreaterThan(0);
      expect([...reached].sort()).toEqual([1, 2, 3]);
      // With a rate per day only, a level is drawn and lines end; with neither, none is.
      const rateOnly = run(scenario({ ...m, resistancePerDivision: 0 }), { seed: 1 });
      expect(rateOnly.events.some((e) => e.type === 'metastatic_progression')).toBe(true);
      const never = createSimulation(scenario({ ...m, resistancePerDivision: 0, escapeRate: 0 }), {
        seed: 1,
      });
      runToEnd(never);
      expect(never.ctx.state.clinical.metastaticEscapeLevel).toBe(-1);
    });

    it('disabled, it changes nothing and draws nothing', () => {
      const off = run(
        scenario({ enabled: false, lines: 5, divisionFactor: 0, deathRate: 1, resistancePerDivision: 1e-4 }),
        { seed: 3 },
      );
      const none = run(
        fastScenario({
          time: { durationDays: 3000 },
          clinical: { endocrine: { enabled: true, durationDays: 2500 } },
        }),
        { seed: 3 },
      );
      expect(off.summary).toEqual(none.summary);
      expect(off.events).toEqual(none.events);
    });
  });

  it.each([false, true])(
    'salvage excises an isolated recurrence in the breast or the axilla (and the distant node station: %s); any other recurrence starts metastatic therapy',
    (distantNode) => {
      const scenario = deepMerge(salvagedScenario({ divisionFactor: 0.5 }), {
        clinical: { salvage: { distantNode } },
      }) as Scenario;
      const detectable = cellsForDiameter(scenario.clinical.metastasisDetectionMm, scenario.body.cellsPerMm3);
      const salvageable = [PRIMARY_SITE, SENTINEL, siteIndex('regionalNode')];
      if (distantNode) salvageable.push(siteIndex('distantNode'));
      let salvages = 0;
      let relapses = 0;
      let distantNodeSalvages = 0;
      for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const sim = createSimulation(scenario, { seed });
        const { state } = sim.ctx;
        while (!state.ended) {
          const logged = state.events.length;
          const relapsed = state.clinical.relapsed;
          step(sim);
          const now = state.events.slice(logged);
          const recurrence = now.find((e) => e.type === 'recurrence');
          const salvaged = now.filter((e) => e.type === 'salvage').map((e) => SITES.indexOf(e.site as never));
          // Nothing is watched, and so nothing salvaged, once the disease has relapsed.
          if (relapsed) expect(recurrence).toBeUndefined();
          if (!recurrence) {
            expect(salvaged).toEqual([]);
            continue;
          }
          if (salvaged.length > 0) {
            salvages++;
            if (salvaged.includes(siteIndex('distantNode'))) distantNodeSalvages++;
            // Only the breast and the axilla, in a patient not metastatic at diagnosis, with
            // nothing detectable left anywhere: the salvaged sites are cleared, no other site shows.
            expect(salvaged.every((site) => salvageable.includes(site))).toBe(true);
            expect(state.clinical.stageAtDiagnosis).not.toBe('distant');
            for (const t of state.tumours)
              expect({ seed, site: t.site, big: tumourCells(t) >= detectable }).toEqual({
                seed,
                site: t.site,
                big: false,
              });
            // What is left there must recruit vessels again, as after the first operation.
            for (const t of state.tumours) if (salvaged.includes(t.site)) expect(t.vascular).toBe(false);
            expect(state.clinical.relapsed).toBe(false);
            expect(state.clinical.metastaticLine).toBe(0);
          } else {
            relapses++;
            expect(state.clinical.relapsed).toBe(true);
            expect(state.clinical.metastaticLine).toBe(1);
          }
        }
      }
      expect(salvages).toBeGreaterThan(0);
      expect(relapses).toBeGreaterThan(0);
      if (distantNode) expect(distantNodeSalvages).toBeGreaterThan(0);
    },
  );

  it("each patient's outcome row says how the disease answered endocrine therapy", () => {
    const response = (endocrine: Record<string, unknown>) =>
      outcomeRow(
        run(fastScenario({ clinical: { endocrine: { durationDays: 200, ...endocrine } } }), { seed: 3 }),
      ).endocrine_response;
    expect(response({ enabled: false })).toBe('');
    expect(response({ enabled: true })).toBe('responder');
    expect(response({ enabled: true, responseProbability: 0 })).toBe('resistant');
    expect(response({ enabled: true, resistancePerDivision: 1e-3 })).toBe('escaped');
  });

  forModes(
    'the death event names the site holding the largest share of the burden, primary or metastatic',
    (mode: Mode) => {
      // A low lethal burden so that patients die within the run: of the primary when it is
      // found late (20 mm, above the lethal burden), of metastases after its surgery (8 mm).
      const sites = new Set<string>();
      for (const symptomaticMm of [8, 20]) {
        const scenario = fastScenario({
          representation: { mode },
          time: { durationDays: 1500 },
          body: { lethalBurdenCells: 1e9 },
          invasion: { bloodRate: 0.05, lymphRate: 0.02 },
          clinical: { symptomaticMm },
        });
        for (let seed = 1; seed <= 3; seed++) {
          const state = runToEnd(createSimulation(scenario, { seed }), 1500).ctx.state;
          const death = state.events.find((e) => e.type === 'death');
          if (!death) continue;
          const bySite = new Map<string, number>();
          const add = (site: number, n: number) =>
            bySite.set(SITES[site] as string, (bySite.get(SITES[site] as string) ?? 0) + n);
          for (const t of state.tumours) add(t.site, tumourCells(t));
          const c = state.colonies;
          for (let i = 0; i < c.size; i++)
            add(c.site[i] as number, (c.count[i] as number) * (c.cells[i] as number));
          expect(bySite.get(death.site)).toBe(Math.max(...bySite.values()));
          expect(death.value).toBeCloseTo(
            [...bySite.values()].reduce((x, y) => x + y, 0),
            0,
          );
          // The outcome row (runs.csv) carries the same site.
          expect(outcomeRow(run(scenario, { seed })).death_site).toBe(death.site);
          sites.add(death.site);
        }
      }
      // Both kinds of death occurred, so the law was tested on each.
      expect(sites.has('primary')).toBe(true);
      expect([...sites].some((site) => site !== 'primary')).toBe(true);
    },
  );

  it('an organ with a lethal load kills the patient the step its metastases reach it, and of that organ', () => {
    const vital = ['lung', 'liver', 'bone'] as const;
    const scenario = fastScenario({
      time: { durationDays: 1500 },
      invasion: { bloodRate: 0.05 },
      sites: Object.fromEntries(vital.map((o) => [o, { lethalCells: 1e7 }])),
      clinical: { symptomaticMm: 8 },
    });
    let failed = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const sim = createSimulation(scenario, { seed });
      const state = sim.ctx.state;
      while (!state.ended) {
        step(sim);
        const cells = (site: string) => {
          let n = 0;
          for (const t of state.tumours) if (SITES[t.site] === site) n += tumourCells(t);
          const c = state.colonies;
          for (let i = 0; i < c.size; i++)
            if (SITES[c.site[i] as number] === site) n += (c.count[i] as number) * (c.cells[i] as number);
          return n;
        };
        const over = vital.filter((o) => cells(o) >= 1e7);
        const death = state.events.find((e) => e.type === 'death');
        if (over.length > 0) {
          expect(death?.day).toBe(state.day);
          expect(over).toContain(death?.site);
          expect(death?.detail).toBe('organ failure');
          failed++;
        } else if (death) expect(death.value).toBeGreaterThanOrEqual(scenario.body.lethalBurdenCells);
      }
    }
    // Some patient died of an organ, so the law was tested.
    expect(failed).toBeGreaterThan(0);
  });

  it('gives the stage at diagnosis from what was visible and what the sentinel node showed', () => {
    const seen = new Set<unknown>();
    for (let s = 0; s < 8; s++) {
      const scenario = fastScenario({
        time: { durationDays: 1500 },
        clinical: { symptomaticMm: 10, metastasisDetectionMm: 3 },
      });
      const r = run(scenario, { seed: s });
      const row = outcomeRow(r);
      const stage = row.stage_at_diagnosis;
      const sentinel = r.events.find((e) => e.type === 'node_status' && e.site === 'sentinelNode')?.detail;
      seen.add(stage);
      expect(stage === '').toBe(row.detection_day === -1);
      if (row.metastatic_at_diagnosis === 1) expect(['regional', 'distant']).toContain(stage);
      else expect(['', 'localized', 'regional']).toContain(stage);
      if (sentinel === 'micro' || sentinel === 'macro') expect(stage).not.toBe('localized');
      if (stage === 'regional' && row.metastatic_at_diagnosis === 0)
        expect(['micro', 'macro']).toContain(sentinel);
      const organs: readonly string[] = ORGANS;
      expect(row.first_distant_site === '').toBe(row.first_distant_macro_day === -1);
      if (row.first_distant_site !== '') expect(organs).toContain(row.first_distant_site);
    }
    // Both outcomes of the node rule occur, so the checks above are not empty.
    expect(seen).toContain('localized');
    expect(seen).toContain('regional');
  });

  it('stages disease that became visible between detection and surgery as at diagnosis', () => {
    let distant = 0;
    for (let s = 0; s < 6; s++) {
      const sim = createSimulation(
        fastScenario({
          time: { durationDays: 1500 },
          growth: { colonyLambdaFactor: 2 },
          invasion: { bloodRate: 0.002 },
          colonisation: { requireColonisationDriver: false },
          angiogenesis: { metastasisSwitchHazard: 0.05 },
          clinical: { symptomaticMm: 10, metastasisDetectionMm: 3, surgery: { delayDays: 300 } },
        }),
        { seed: s },
      );
      const c = sim.ctx.state.clinical;
      while (!sim.ctx.state.ended && c.surgeryDay < 0) step(sim);
      const organs = sim.ctx.state.tumours.filter(
        (t) =>
          c.visibleAtSurgery.includes(t.id) && t.founding && ORGANS.some((o) => SITES.indexOf(o) === t.site),
      );
      if (organs.length > 0) {
        distant++;
        expect(c.stageAtDiagnosis).toBe('distant');
        expect(c.metastaticAtDiagnosis).toBe(true);
      }
    }
    expect(distant).toBeGreaterThan(0);
  });

  it('the primary is never found before it reaches the detection size, and is found the step it does', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        seed,
        fc.boolean(),
        uniform(0, 1),
        capped((scenario, s, screening, share) => {
          const sc: Scenario = {
            ...scenario,
            clinical: {
              ...scenario.clinical,
              symptomaticSpread: share,
              screening: {
                ...scenario.clinical.screening,
                enabled: screening,
                participation: share,
                intervalDays: 50,
                thresholdMm: 3,
              },
            },
          };
          const sim = createSimulation(sc, { seed: s });
          const state = sim.ctx.state;
          const rho = sc.body.cellsPerMm3;
          while (!state.ended && state.clinical.detectedDay < 0) {
            step(sim);
            const primary = state.tumours[0];
            if (!primary || primary.founding) break;
            const d = diameterMm(tumourCells(primary), rho);
            // Each patient has their own size at symptomatic detection.
            const symptomatic = state.patient.symptomaticMm;
            if (state.clinical.detectedDay < 0) expect(d).toBeLessThan(symptomatic);
            else if (state.clinical.detectionMode === 'symptoms')
              expect(d).toBeGreaterThanOrEqual(symptomatic);
            else if (!state.patient.screened) expect.unreachable('found at a screen it does not attend');
            else expect(d).toBeGreaterThanOrEqual(sc.clinical.screening.thresholdMm);
          }
        }),
      ),
      { numRuns: 15 },
    );
  });

  it("under the hazard law a primary is found the first step its cumulative hazard reaches the patient's Exp(1) level", () => {
    // The level: one-sample Kolmogorov-Smirnov against Exp(1) over 2,000 patients (1.95/√n
    // is the 0.1% critical value).
    const n = 2000;
    const levelsUnsorted = Array.from(
      { length: n },
      (_, r) => drawPatientTraits(fastScenario(), 5, r).symptomaticLevel,
    );
    const levels = [...levelsUnsorted].sort((a, b) => a - b);
    let ks = 0;
    levels.forEach((x, i) => {
      const f = 1 - Math.exp(-x);
      ks = Math.max(ks, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
    });
    expect(ks).toBeLessThan(1.95 / Math.sqrt(n));
    // From the same draw as the threshold: patients found late by one law are found late
    // by the other (the level rises with the threshold diameter), whatever the spread.
    const spread = fastScenario({ clinical: { symptomaticSpread: 0.5 } });
    const traits = Array.from({ length: 200 }, (_, r) => drawPatientTraits(spread, 5, r));
    traits.forEach((t, r) => {
      expect(t.symptomaticLevel).toBe(levelsUnsorted[r]);
    });
    const byThreshold = [...traits].sort((a, b) => a.symptomaticMm - b.symptomaticMm);
    for (let i = 1; i < byThreshold.length; i++)
      expect(byThreshold[i]?.symptomaticLevel).toBeGreaterThan(
        byThreshold[i - 1]?.symptomaticLevel as number,
      );
    // The law, step by step: the hazard is eta per cm^3 of primary per day, summed over
    // steps of any length; neither the patient's diameter nor screening enters.
    let found = 0;
    fc.assert(
      fc.property(seed, fc.constantFrom(0.5, 1, 3), uniform(-3, -1), (s, dt, logEta) => {
        const eta = 10 ** logEta;
        const sc = fastScenario({
          time: { dt, durationDays: 3000 },
          primary: { initialCells: 1e6 },
          clinical: { symptomaticMm: 1, symptomaticHazard: eta, screening: { enabled: false } },
        });
        const sim = createSimulation(sc, { seed: s });
        const state = sim.ctx.state;
        let hazard = 0;
        while (!state.ended && state.clinical.detectedDay < 0) {
          step(sim);
          const primary = state.tumours[0];
          if (!primary || primary.founding) return;
          hazard += eta * (tumourCells(primary) / sc.body.cellsPerMm3 / 1000) * dt;
          const due = hazard >= state.patient.symptomaticLevel;
          expect(state.clinical.detectedDay >= 0).toBe(due);
          if (due) expect(state.clinical.detectionMode).toBe('symptoms');
          if (due) found++;
        }
      }),
      { numRuns: 12 },
    );
    // Most runs find their primary (else the check above would hold vacuously).
    expect(found).toBeGreaterThan(6);
  });

  it("patients' traits follow their laws, and each parameter moves only its own trait", () => {
    // One-sample Kolmogorov-Smirnov test of ln(trait / median) / σ against the
    // standard normal, over 2,000 patients; 1.95/√n is the 0.1% critical value.
    const n = 2000;
    const base = fastScenario({
      growth: { lambdaSpread: 0.7 },
      invasion: { shedSpread: 1.3, shedCorrelation: 0.6 },
      clinical: { symptomaticSpread: 0.4, screening: { participation: 0.3 } },
    });
    const onlySymptoms = deepMerge(base, {
      growth: { lambdaSpread: 0 },
      invasion: { shedSpread: 0 },
      clinical: { screening: { participation: 0.9 } },
    }) as Scenario;
    let screened = 0;
    const growthZ: number[] = [];
    const symptomsZ: number[] = [];
    const shedZ: number[] = [];
    const lymphZ: number[] = [];
    for (let r = 0; r < n; r++) {
      const p = createSimulation(base, { seed: 11, replicate: r }).ctx.state.patient;
      if (p.screened) screened++;
      growthZ.push(Math.log(p.lambdaFactor) / 0.7);
      symptomsZ.push(Math.log(p.symptomaticMm / base.clinical.symptomaticMm) / 0.4);
      shedZ.push(Math.log(p.shedFactor) / 1.3);
      lymphZ.push((Math.log(p.shedFactor) + Math.log(p.lymphRatio)) / 1.3);
      // The page draws the same traits to place its detection lines.
      expect(drawPatientTraits(base, 11, r)).toEqual(p);
      const q = createSimulation(onlySymptoms, { seed: 11, replicate: r }).ctx.state.patient;
      expect(q.lambdaFactor).toBe(1);
      expect(q.shedFactor).toBe(1);
      expect(q.lymphRatio).toBe(1);
      expect(q.symptomaticMm).toBe(p.symptomaticMm);
    }
    for (const z of [growthZ, symptomsZ, shedZ, lymphZ])
      expect(ksNormal(z)).toBeLessThan(1.95 / Math.sqrt(n));
    // The lymph factor's normal has correlation 0.6 with the blood factor's: the sample
    // correlation's standard error is (1 - ρ²)/√n, 0.014 here; 4 of them either side.
    expect(Math.abs(correlation(shedZ, lymphZ) - 0.6)).toBeLessThan((4 * (1 - 0.36)) / Math.sqrt(n));
    // Binomial(2000, 0.3): mean 600, sd 20.5; 4 sd either side.
    expect(Math.abs(screened - 0.3 * n)).toBeLessThan(4 * Math.sqrt(n * 0.3 * 0.7));
    // The traits are drawn independently.
    for (const [a, b] of [
      [growthZ, symptomsZ],
      [growthZ, shedZ],
      [symptomsZ, shedZ],
    ] as const)
      expect(Math.abs(correlation(a, b))).toBeLessThan(3.3 / Math.sqrt(n));
  });

  it("a patient's shedding follows their growth factor to the power shedGrowthExponent, both routes alike", () => {
    const kappa = 0.8;
    const base = fastScenario({
      growth: { lambdaSpread: 0.7 },
      invasion: { shedSpread: 1.3, shedCorrelation: 0.6 },
    });
    const tied = deepMerge(base, { invasion: { shedGrowthExponent: kappa } }) as Scenario;
    const still = deepMerge(tied, { growth: { lambdaSpread: 0 } }) as Scenario;
    for (let r = 0; r < 200; r++) {
      const p = drawPatientTraits(base, 3, r);
      const q = drawPatientTraits(tied, 3, r);
      expect(Math.log(q.shedFactor / p.shedFactor)).toBeCloseTo(kappa * Math.log(p.lambdaFactor), 12);
      expect(q.lymphRatio).toBe(p.lymphRatio);
      expect(q.lambdaFactor).toBe(p.lambdaFactor);
      expect(q.symptomaticMm).toBe(p.symptomaticMm);
      // Without growth spread there is nothing to follow.
      expect(drawPatientTraits(still, 3, r).shedFactor).toBe(p.shedFactor);
    }
  });

  it("a patient's growth factor scales the Gompertz rate of the primary and of its colonies", () => {
    const sim = createSimulation(fastScenario({ growth: { lambdaSpread: 1, colonyLambdaFactor: 3 } }), {
      seed: 5,
    });
    const ctx = sim.ctx;
    const f = ctx.state.patient.lambdaFactor;
    expect(f).not.toBe(1);
    const lambda = ctx.scenario.growth.lambda;
    expect(netRate(ctx, false, 1e6, 10)).toBeCloseTo(lambda * f * Math.log(1e5), 12);
    expect(netRate(ctx, true, 1e6, 10)).toBeCloseTo(lambda * f * 3 * Math.log(1e5), 12);
  });
});

/** Kolmogorov-Smirnov distance of a sample from the standard normal (Φ by the Zelen-Severo series). */
function ksNormal(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    const f = normalCdf(x);
    d = Math.max(d, Math.abs(f - i / sorted.length), Math.abs((i + 1) / sorted.length - f));
  });
  return d;
}

/** Abramowitz & Stegun 26.2.17 (absolute error below 7.5e-8), independent of the engine's erfc. */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const upper = (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * poly;
  return x >= 0 ? 1 - upper : upper;
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    sab += (x - ma) * (y - mb);
    saa += (x - ma) ** 2;
    sbb += (y - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}
