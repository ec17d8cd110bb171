/**
 * A batch plan: every (scenario, parameter point, replicate) as one numbered task.
 * Points come from a scenario's `batch` section (explicit points, a grid, or a
 * Latin-hypercube sample); each point is validated by the same schema as any
 * scenario before anything runs. Replicate i of every scenario and point runs
 * with the scenario's seed and replicate index i, so arms are paired.
 * Pure TypeScript: used by the command line and testable without Node.
 */
import seedrandom from 'seedrandom';
import { z } from 'zod';
import { canonicalJson, scenarioHash, sha256Hex } from '../engine/hash.ts';
import { GENERATOR } from '../engine/random.ts';
import {
  deepMerge,
  ScenarioError,
  type ScenarioIssue,
  suggest,
  validateScenario,
} from '../engine/scenario.ts';
import { type Scenario, scenarioSchema } from '../engine/schema.ts';
import { ENGINE_VERSION } from '../engine/version.ts';

type Raw = Record<string, unknown>;
export type SweepValue = number | string | boolean;

export interface PlanInput {
  /** File name or built-in name, for messages and the runs table. */
  file: string;
  /** The scenario with `extends` resolved, not yet validated. */
  raw: Raw;
}

export interface Point {
  scenarioIndex: number;
  point: number;
  swept: Record<string, SweepValue>;
  scenario: Scenario;
  hash: string;
}

export interface Task {
  index: number;
  point: Point;
  replicate: number;
}

export interface Plan {
  points: Point[];
  sweptColumns: string[];
  tasks: Task[];
  /** Identifies the plan: a resumed or merged batch must have the same. */
  planHash: string;
}

/** Paths of the schema's integer parameters. */
const INTEGER_PATHS = new Set<string>();
(function collect(node: Record<string, unknown>, prefix: string) {
  const props = node.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v.type === 'integer') INTEGER_PATHS.add(`${prefix}${k}`);
    collect(v, `${prefix}${k}.`);
  }
})(z.toJSONSchema(scenarioSchema, { io: 'input' }) as Record<string, unknown>, '');

/** Every parameter path of the schema, e.g. `growth.lambda`. */
function parameterPaths(defaults: Raw, prefix = ''): string[] {
  return Object.entries(defaults).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? parameterPaths(v as Raw, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

function setPath(target: Raw, path: string, value: unknown): Raw {
  const keys = path.split('.');
  const patch: Raw = {};
  let node = patch;
  for (const k of keys.slice(0, -1)) {
    node[k] = {};
    node = node[k] as Raw;
  }
  node[keys[keys.length - 1] as string] = value;
  return deepMerge(target, patch);
}

/** n points, one per stratum in each dimension, strata permuted independently (McKay et al. 1979). */
export function latinHypercube(
  samples: number,
  seed: number,
  ranges: Record<string, [number, number]>,
): Raw[] {
  const u = seedrandom.alea(`seedsoil-lhs:${seed}`);
  const points: Raw[] = Array.from({ length: samples }, () => ({}));
  for (const [path, [low, high]] of Object.entries(ranges)) {
    const strata = Array.from({ length: samples }, (_, i) => i);
    for (let i = samples - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [strata[i], strata[j]] = [strata[j] as number, strata[i] as number];
    }
    strata.forEach((stratum, i) => {
      (points[i] as Raw)[path] = low + ((stratum + u()) / samples) * (high - low);
    });
  }
  return points;
}

function sweepPoints(s: Scenario): Record<string, SweepValue>[] {
  const b = s.batch;
  if (b.points.length) return b.points;
  const grid = Object.entries(b.grid);
  if (grid.length) {
    return grid.reduce<Record<string, SweepValue>[]>(
      (acc, [path, values]) => acc.flatMap((p) => values.map((v) => ({ ...p, [path]: v }))),
      [{}],
    );
  }
  if (b.latinHypercube) {
    const { samples, seed, ranges } = b.latinHypercube;
    // Integer parameters (cell counts, replicates) take the sampled value rounded.
    return latinHypercube(samples, seed, ranges).map((p) =>
      Object.fromEntries(
        Object.entries(p).map(([path, v]) => [path, INTEGER_PATHS.has(path) ? Math.round(v as number) : v]),
      ),
    ) as Record<string, SweepValue>[];
  }
  return [{}];
}

export function buildPlan(inputs: readonly PlanInput[], replicatesOverride?: number): Plan {
  const issues: ScenarioIssue[] = [];
  const points: Point[] = [];
  let known: string[] | undefined;
  inputs.forEach((input, scenarioIndex) => {
    let base: Scenario;
    try {
      base = validateScenario(input.raw, input.file);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      issues.push(...e.issues);
      return;
    }
    known ??= parameterPaths(validateScenario({}, '(defaults)') as unknown as Raw).filter(
      (p) => !p.startsWith('batch.'),
    );
    sweepPoints(base).forEach((swept, point) => {
      let raw = input.raw;
      for (const [path, value] of Object.entries(swept)) {
        if (path === 'seed') {
          issues.push({
            file: input.file,
            path: 'batch: seed',
            message: 'the seed is not swept; replicates vary it',
          });
          return;
        }
        if (!known?.includes(path)) {
          const guess = suggest(path, known ?? []);
          issues.push({
            file: input.file,
            path: `batch: ${path}`,
            message: `not a parameter${guess ? ` (did you mean "${guess}"?)` : ''}`,
          });
          return;
        }
        raw = setPath(raw, path, value);
      }
      try {
        const scenario = validateScenario(raw, input.file);
        points.push({ scenarioIndex, point, swept, scenario, hash: scenarioHash(scenario) });
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        const where = Object.keys(swept).length ? ` (batch point ${point})` : '';
        issues.push(...e.issues.map((i) => ({ ...i, message: `${i.message}${where}` })));
      }
    });
  });
  if (issues.length) throw new ScenarioError(issues);

  const tasks: Task[] = [];
  for (const point of points) {
    const n = replicatesOverride ?? point.scenario.batch.replicates;
    for (let r = 0; r < n; r++) tasks.push({ index: tasks.length, point, replicate: r });
  }
  const sweptColumns = [...new Set(points.flatMap((p) => Object.keys(p.swept)))].sort();
  // Files as written, engine and generator are part of the plan: the runs table names the file, and
  // results of another engine version must never be mixed in on resume or merge.
  const planHash = `sha256:${sha256Hex(
    canonicalJson({
      files: inputs.map((i) => i.file),
      engine: ENGINE_VERSION,
      generator: GENERATOR,
      tasks: tasks.map((t) => [t.point.hash, t.point.scenarioIndex, t.point.point, t.replicate]),
    }),
  )}`;
  return { points, sweptColumns, tasks, planHash };
}

/** Tasks of shard `index` of `count` (0-based), dealt round-robin so shards take similar time. */
export function shardTasks(plan: Plan, index: number, count: number): Task[] {
  return plan.tasks.filter((t) => t.index % count === index);
}
