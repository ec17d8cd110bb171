/**
 * A batch plan: every (scenario, parameter point, replicate) as one numbered task.
 * Points come from a scenario's `batch` section (explicit points, a grid, or a
 * Latin-hypercube sample); each point is validated by the same schema as any
 * scenario before anything runs. Replicate i of every scenario and point runs
 * with the scenario's seed and replicate index i, so arms are paired.
 * Pure TypeScript: used by the command line and testable without Node.
 */
import seedrandom from 'seedrandom';
import { canonicalJson, scenarioHash, sha256Hex } from '../engine/hash.ts';
import { parameters } from '../engine/parameters.ts';
import { GENERATOR } from '../engine/random.ts';
import {
  deepMerge,
  ScenarioError,
  type ScenarioIssue,
  suggest,
  validateScenario,
} from '../engine/scenario.ts';
import type { AnyScenario, Scale } from '../engine/schema.ts';
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
  scenario: AnyScenario;
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
const INTEGER_PATHS = new Set(parameters().flatMap((p) => (p.type === 'integer' ? [p.path] : [])));

/** The paths a scenario of this scale can sweep: its parameters but the batch section's own. */
function sweepable(scale: Scale): string[] {
  return parameters(scale).flatMap((p) => (p.keys[0] === 'batch' ? [] : [p.path]));
}

/** A copy of `target` with the dotted parameter path set to `value`. */
export function setPath(target: Raw, path: string, value: unknown): Raw {
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

function sweepPoints(s: AnyScenario): Record<string, SweepValue>[] {
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

/** Why `path` cannot be swept in a scenario of this scale, if it cannot. */
function refusal(path: string, scale: Scale, known: readonly string[]): string | undefined {
  if (path === 'seed') return 'the seed is not swept; replicates vary it';
  if (path === 'scale') return 'the scale is not swept; a batch holds scenarios of one scale';
  if (known.includes(path)) return undefined;
  const other = parameters().find((p) => p.path === path && p.scale !== scale);
  if (other) return `a ${other.scale}-scale parameter (this scenario is scale: ${scale})`;
  const guess = suggest(path, known);
  return `not a parameter${guess ? ` (did you mean "${guess}"?)` : ''}`;
}

export function buildPlan(inputs: readonly PlanInput[], replicatesOverride?: number): Plan {
  const issues: ScenarioIssue[] = [];
  const points: Point[] = [];
  inputs.forEach((input, scenarioIndex) => {
    let base: AnyScenario;
    try {
      base = validateScenario(input.raw, input.file);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      issues.push(...e.issues);
      return;
    }
    const scale = base.scale;
    const known = sweepable(scale);
    sweepPoints(base).forEach((swept, point) => {
      let raw = input.raw;
      for (const [path, value] of Object.entries(swept)) {
        const refused = refusal(path, scale, known);
        if (refused) {
          issues.push({ file: input.file, path: `batch: ${path}`, message: refused });
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
