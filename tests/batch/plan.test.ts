/** Batch plans: sweep expansion, validation before anything runs, shards. */
import { describe, expect, it } from 'vitest';
import { buildPlan, latinHypercube, shardTasks } from '../../src/batch/plan.ts';
import { parseShard } from '../../src/cli/batch.ts';
import { asPatient } from '../../src/engine/scenario.ts';
import { refusal } from '../support/scenarios.ts';

const raw = (batch: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 's',
  ...extra,
  batch,
});

const issues = refusal;

describe('sweep expansion', () => {
  it('expands a grid into every combination, replicate by replicate', () => {
    const plan = buildPlan([
      {
        file: 'a.yaml',
        raw: raw({
          replicates: 2,
          grid: { 'growth.lambda': [0.001, 0.002], 'invasion.programme': ['early', 'late', 'mixed'] },
        }),
      },
    ]);
    expect(plan.points).toHaveLength(6);
    expect(plan.tasks).toHaveLength(12);
    expect(plan.sweptColumns).toEqual(['growth.lambda', 'invasion.programme']);
    const patients = plan.points.map((p) => asPatient(p.scenario));
    expect(patients.map((s) => [s.growth.lambda, s.invasion.programme])).toEqual([
      [0.001, 'early'],
      [0.001, 'late'],
      [0.001, 'mixed'],
      [0.002, 'early'],
      [0.002, 'late'],
      [0.002, 'mixed'],
    ]);
    expect(plan.tasks.map((t) => t.replicate)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('takes explicit points as given and pairs replicates across files', () => {
    const plan = buildPlan(
      [
        {
          file: 'a.yaml',
          raw: raw({ points: [{ 'circulation.nkKillFactor': 1 }, { 'circulation.nkKillFactor': 3 }] }),
        },
        { file: 'b.yaml', raw: raw({}) },
      ],
      3,
    );
    expect(plan.tasks).toHaveLength(9);
    expect(plan.points.map((p) => asPatient(p.scenario).circulation.nkKillFactor)).toEqual([1, 3, 1]);
    const seeds = new Set(plan.tasks.map((t) => t.point.scenario.seed));
    expect(seeds.size).toBe(1);
  });

  it('draws a Latin hypercube with exactly one point per stratum in each dimension', () => {
    const pts = latinHypercube(20, 7, { a: [0, 1], b: [10, 30] });
    for (const [key, low, high] of [
      ['a', 0, 1],
      ['b', 10, 30],
    ] as const) {
      const strata = pts
        .map((p) => Math.floor(((p[key] as number) - low) / ((high - low) / 20)))
        .sort((x, y) => x - y);
      expect(strata).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
    expect(latinHypercube(20, 7, { a: [0, 1] })).toEqual(latinHypercube(20, 7, { a: [0, 1] }));
  });

  it('rounds Latin-hypercube values of integer parameters', () => {
    const plan = buildPlan([
      {
        file: 'a.yaml',
        raw: raw({
          latinHypercube: { samples: 5, seed: 3, ranges: { 'primary.initialCells': [1000, 5000] } },
        }),
      },
    ]);
    for (const p of plan.points)
      expect(Number.isInteger(asPatient(p.scenario).primary.initialCells)).toBe(true);
  });

  it('refuses an unknown parameter path with a suggestion, before anything runs', () => {
    expect(
      issues(() => buildPlan([{ file: 'a.yaml', raw: raw({ grid: { 'growth.lamda': [1] } }) }])),
    ).toEqual(['a.yaml: batch: growth.lamda: not a parameter (did you mean "growth.lambda"?)']);
  });

  it("sweeps only the parameters of the scenario's scale, never the scale itself", () => {
    expect(
      issues(() =>
        buildPlan([
          { file: 'p.yaml', raw: raw({ grid: { 'tissue.lattice.side': [31] } }) },
          { file: 't.yaml', raw: raw({ points: [{ 'growth.lambda': 0.001 }] }, { scale: 'tissue' }) },
          { file: 's.yaml', raw: raw({ points: [{ scale: 'tissue' }] }) },
        ]),
      ),
    ).toEqual([
      'p.yaml: batch: tissue.lattice.side: a tissue-scale parameter (this scenario is scale: patient)',
      't.yaml: batch: growth.lambda: a patient-scale parameter (this scenario is scale: tissue)',
      's.yaml: batch: scale: the scale is not swept; a batch holds scenarios of one scale',
    ]);
    const tissue = buildPlan([
      { file: 't.yaml', raw: raw({ grid: { 'tissue.lattice.side': [31, 41] } }, { scale: 'tissue' }) },
    ]);
    expect(tissue.points.map((p) => p.scenario.scale === 'tissue' && p.scenario.tissue.lattice.side)).toEqual(
      [31, 41],
    );
  });

  it('refuses a point whose value the schema refuses, naming the point', () => {
    expect(
      issues(() =>
        buildPlan([
          {
            file: 'a.yaml',
            raw: raw({ points: [{ 'extravasation.probability': 0.5 }, { 'extravasation.probability': 2 }] }),
          },
        ]),
      ),
    ).toEqual(['a.yaml: extravasation.probability: too large (got 2, expected <= 1) (batch point 1)']);
  });

  it('refuses two kinds of sweep at once', () => {
    expect(
      issues(() =>
        buildPlan([{ file: 'a.yaml', raw: raw({ grid: { 'growth.lambda': [1e-3] }, points: [{}] }) }]),
      )[0],
    ).toMatch(/batch: use one of grid, points and latinHypercube/);
  });
});

describe('shards', () => {
  it('deal every task to exactly one shard', () => {
    const plan = buildPlan([{ file: 'a.yaml', raw: raw({ replicates: 10 }) }]);
    const dealt = [0, 1, 2].flatMap((i) => shardTasks(plan, i, 3).map((t) => t.index)).sort((a, b) => a - b);
    expect(dealt).toEqual(plan.tasks.map((t) => t.index));
  });

  it('read I/N, Slurm arrays and Kubernetes Indexed Jobs', () => {
    expect(parseShard('2/4')).toEqual({ index: 1, count: 4 });
    expect(
      parseShard('auto', {
        SLURM_ARRAY_TASK_ID: '3',
        SLURM_ARRAY_TASK_COUNT: '4',
        SLURM_ARRAY_TASK_MIN: '1',
      }),
    ).toEqual({
      index: 2,
      count: 4,
    });
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '0', SEEDSOIL_SHARDS: '5' })).toEqual({
      index: 0,
      count: 5,
    });
    expect(() => parseShard('auto', {})).toThrow(/found neither/);
    expect(() => parseShard('5/4')).toThrow(/shard 5 of 4 is not a valid shard/);
    expect(() => parseShard('x')).toThrow(/expected I\/N/);
  });
});
