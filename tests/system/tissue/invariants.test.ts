/** Invariants of the tissue scale, over arbitrary valid tissue scenarios and seeds (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../../src/engine/scenario.ts';
import { NONE } from '../../../src/engine/tissue/cells.ts';
import { vasculatureCells } from '../../../src/engine/tissue/context.ts';
import { GHOST, MESENCHYMAL } from '../../../src/engine/tissue/lattice.ts';
import { tissueFiles } from '../../../src/engine/tissue/output.ts';
import {
  createTissueSimulation,
  runTissueSteps,
  stepTissue,
  type TissueSimulation,
  tissueResult,
} from '../../../src/engine/tissue/simulation.ts';
import { arbitraryTissue, smallTissue, tissueAtBounds, validateTissue } from '../../support/tissue.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Recounts every point from the cell stores; returns what disagrees with the lattice, if anything. */
function latticeProblem(sim: TissueSimulation): string | undefined {
  const { state, params } = sim.ctx;
  for (const patch of state.patches) {
    const cells = state.cells[patch.index];
    if (!cells) return `no cell store for patch ${patch.index}`;
    const count = new Uint16Array(patch.occupancy.length);
    const mes = new Uint16Array(patch.occupancy.length);
    // Frame points are found by their coordinates, not by their occupancy value.
    const onFrame = (p: number) => {
      const x = p % patch.stride;
      const y = Math.floor(p / patch.stride);
      return x === 0 || y === 0 || x === patch.side + 1 || y === patch.side + 1;
    };
    for (let j = 0; j < cells.n; j++) {
      const p = cells.pos[j] as number;
      if (!(Number.isInteger(p) && p >= 0 && p < count.length) || onFrame(p))
        return `cell ${j} of patch ${patch.index} at ${p}, not an interior point`;
      count[p] = (count[p] as number) + 1;
      if (cells.type[j] === MESENCHYMAL) mes[p] = (mes[p] as number) + 1;
    }
    // The per-point index of a shedding patch lists exactly the cells at each point.
    if (cells.atPoint.length > 0) {
      for (let p = 0; p < count.length; p++) {
        let listed = 0;
        for (let j = cells.atPoint[p] as number; j !== NONE; j = cells.nextAt[j] as number) {
          if (cells.pos[j] !== p || j >= cells.n)
            return `index lists cell ${j} at ${p}, it is at ${cells.pos[j]}`;
          if (++listed > cells.n) return `index list at ${p} has a cycle`;
        }
        if (listed !== count[p]) return `index lists ${listed} cells at ${p}, the store has ${count[p]}`;
      }
    }
    for (let p = 0; p < count.length; p++) {
      if (onFrame(p)) {
        if (patch.occupancy[p] !== GHOST) return `frame point ${p} of patch ${patch.index} changed`;
        continue;
      }
      if ((count[p] as number) > params.lattice.capacity) return `${count[p]} cells at point ${p}`;
      if (count[p] !== patch.occupancy[p] || mes[p] !== patch.mesenchymal[p])
        return `occupancy out of step at point ${p} of patch ${patch.index}`;
    }
  }
  return undefined;
}

/** A cell whose division came due without happening, or a store that would skip it. */
function divisionProblem(sim: TissueSimulation): string | undefined {
  const { step } = sim.ctx.state;
  for (const cells of sim.ctx.state.cells) {
    let earliest = Number.POSITIVE_INFINITY;
    for (let j = 0; j < cells.n; j++) {
      const due = cells.nextDivision[j] as number;
      if (due <= step) return `cell ${j} was due to divide at step ${due}, now ${step}`;
      earliest = Math.min(earliest, due);
    }
    if (cells.earliestDivision > earliest)
      return `store skips until ${cells.earliestDivision}, a cell is due at ${earliest}`;
  }
  return undefined;
}

function totalCells(sim: TissueSimulation, patch: number): number {
  return sim.ctx.state.cells[patch]?.n ?? 0;
}

describe('tissue lattice', () => {
  it('never holds more than the capacity at a point, at every step', () => {
    fc.assert(
      fc.property(arbitraryTissue, seed, (scenario, s) => {
        const sim = createTissueSimulation(scenario, { seed: s });
        let problem = latticeProblem(sim);
        while (!problem && sim.ctx.state.step < scenario.tissue.time.steps) {
          stepTissue(sim);
          problem = latticeProblem(sim) ?? divisionProblem(sim);
        }
        expect(problem).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  });

  it('accounts for every cell: births − intravasations + arrivals, per patch and at every step', () => {
    fc.assert(
      fc.property(arbitraryTissue, seed, (scenario, s) => {
        const sim = createTissueSimulation(scenario, { seed: s });
        const { state } = sim.ctx;
        let entries = 0;
        let seenEvents = 0;
        for (let k = 0; k < scenario.tissue.time.steps; k++) {
          stepTissue(sim);
          // This step's entries (appended last) leave exactly their residence time from now.
          const exits = state.vasculature.exitStep;
          for (const exit of exits.slice(exits.length - (state.counters.intravasations - entries)))
            if (exit !== state.step + sim.ctx.k.vasculatureSteps)
              expect(exit).toBe(state.step + sim.ctx.k.vasculatureSteps);
          entries = state.counters.intravasations;
          for (const e of state.events.slice(seenEvents)) {
            const patch = state.patches[e.patch];
            const point = patch ? (e.y + 1) * patch.stride + e.x + 1 : -1;
            if (e.type === 'intravasation') {
              // A normal vessel admits a cluster only behind a mesenchymal-like cell.
              if (e.detail === 'normal vessel' && e.mesenchymal < 1)
                expect(e).toMatchObject({ mesenchymal: 1 });
              if (e.patch !== 0 || !patch?.vesselPoints.includes(point))
                expect(e).toBe('an entry at a primary vessel');
            } else if (e.patch === 0 || !patch?.vesselPoints.includes(point))
              expect(e).toBe('an arrival at a secondary vessel');
          }
          seenEvents = state.events.length;
          const c = state.counters;
          for (let p = 0; p < state.patches.length; p++) {
            const out = p === 0 ? c.intravasatedCells : 0;
            const expected =
              (state.initialCells[p] as number) + (c.births[p] as number) - out + (c.arrived[p] as number);
            if (totalCells(sim, p) !== expected)
              expect(totalCells(sim, p), `patch ${p} at step ${k + 1}`).toBe(expected);
          }
          const inside = vasculatureCells(state).cells;
          const died = c.diedSingle + c.diedInCluster;
          const survived = c.survivedSingle + c.survivedInCluster;
          if (c.intravasatedCells !== inside + died + survived)
            expect(c.intravasatedCells).toBe(inside + died + survived);
          const arrived = c.arrived.reduce((a, b) => a + b, 0);
          if (survived !== arrived + c.lostNoRoom + c.leftModel)
            expect(survived).toBe(arrived + c.lostNoRoom + c.leftModel);
          if (c.intravasatedCells !== c.enteredAsSingle + c.enteredInCluster)
            expect(c.intravasatedCells).toBe(c.enteredAsSingle + c.enteredInCluster);
        }
      }),
      { numRuns: 30 },
    );
  });

  for (const [name, scenarios] of [
    ['arbitrary scenarios', arbitraryTissue],
    ['steps close to the stability bounds', tissueAtBounds],
  ] as const) {
    it(`never increases the ECM, never makes MMP-2 negative, keeps ECM in [0, 1] (${name})`, () => {
      fc.assert(
        fc.property(scenarios, seed, (scenario, s) => {
          const sim = createTissueSimulation(scenario, { seed: s });
          for (let k = 0; k < scenario.tissue.time.steps; k++) {
            const before = sim.ctx.state.patches.map((p) => Float64Array.from(p.ecm));
            stepTissue(sim);
            sim.ctx.state.patches.forEach((patch, i) => {
              const old = before[i] as Float64Array;
              for (let p = 0; p < patch.ecm.length; p++) {
                const w = patch.ecm[p] as number;
                if (!(w <= (old[p] as number) && w >= 0))
                  expect(`ECM ${old[p]} -> ${w} at ${p}`).toBe('non-increasing');
                const m = patch.mmp[p] as number;
                if (!(m >= 0)) expect(`MMP-2 ${m} at ${p}`).toBe('non-negative');
              }
            });
          }
        }),
        { numRuns: 20 },
      );
    });
  }

  it('keeps ECM >= 0 exactly at the ECM bound, where rounding could tip the factor below zero', () => {
    const atBound = validateTissue(
      {
        scale: 'tissue',
        tissue: {
          lattice: { side: 11, capacity: 5 },
          time: { stepSeconds: 8.3, steps: 3 },
          initial: { cells: 5, discPoints: 1, mesenchymalFraction: 1 },
          motility: { diffusionMesenchymal: 0, haptotaxisMesenchymal: 0 },
          fields: { ecmDegradationByMT1MMP: 1 / (8.3 * 5), ecmDegradationByMMP2: 0 },
          vessels: { normal: 0, ruptured: 0 },
          vasculature: { arrivalShares: [] },
        },
      },
      'at-bound',
    );
    const sim = runTissueSteps(createTissueSimulation(atBound), 3);
    expect(Math.min(...(sim.ctx.state.patches[0]?.ecm ?? []))).toBe(0);
  });

  it('never loses cells to the vasculature from a patch without vessels', () => {
    fc.assert(
      fc.property(arbitraryTissue, seed, (scenario, s) => {
        const none = validateTissue(
          deepMerge(scenario as unknown as Record<string, unknown>, {
            tissue: { vessels: { normal: 0, ruptured: 0 } },
          }),
          'no-vessels',
        );
        const sim = createTissueSimulation(none, { seed: s });
        for (let k = 0; k < none.tissue.time.steps; k++) {
          stepTissue(sim);
          expect(sim.ctx.state.counters.intravasatedCells).toBe(0);
        }
        // Only the primary sheds: secondary patches never lose a cell.
        const r = tissueResult(sim);
        for (const p of r.summary.patches.slice(1))
          expect(p.mesenchymal + p.epithelial).toBe(p.arrived + p.births);
      }),
      { numRuns: 15 },
    );
  });
});

describe('tissue reproducibility', () => {
  it('gives the same bytes for the same seed, and other bytes for another replicate', () => {
    const scenario = smallTissue();
    const files = (replicate: number) => {
      const sim = runTissueSteps(createTissueSimulation(scenario, { replicate }), scenario.tissue.time.steps);
      return tissueFiles(tissueResult(sim), sim);
    };
    const a = files(0);
    expect(files(0)).toEqual(a);
    expect(files(1)['cells.csv']).not.toBe(a['cells.csv']);
    expect(JSON.parse(a['summary.json'] ?? '{}').funnel.intravasated).toBeGreaterThan(0);
  });

  it('does not depend on how the run is cut into chunks or how often it is observed', () => {
    const scenario = smallTissue();
    const whole = runTissueSteps(createTissueSimulation(scenario), 600);
    const pieces = createTissueSimulation(scenario);
    for (const n of [1, 7, 92, 300, 200]) runTissueSteps(pieces, n);
    expect(tissueFiles(tissueResult(pieces), pieces)).toEqual(tissueFiles(tissueResult(whole), whole));
    const coarse = smallTissue({ tissue: { time: { observeEverySteps: 300 } } });
    const sparse = runTissueSteps(createTissueSimulation(coarse), 600);
    expect(tissueResult(sparse).summary.funnel).toEqual(tissueResult(whole).summary.funnel);
  });
});
