/**
 * Global sensitivity analysis of the simulator (`seedsoil sensitivity`): the spec
 * (YAML, validated by its schema and against the scenario it varies), the
 * design's points as parameter values, the outputs per point from the batch's
 * outcome rows (each a mean over replicates, or log10(1 + mean), or the share of
 * replicates in which an event happened), and the indices (sobol.ts). Pure
 * TypeScript: the command line reads and writes the files.
 */
import seedrandom from 'seedrandom';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { outcomeColumns } from '../engine/model.ts';
import { TEXT_COLUMNS } from '../engine/outcomes.ts';
import { parameters } from '../engine/parameters.ts';
import {
  deepMerge,
  describeZodIssue,
  ScenarioError,
  type ScenarioIssue,
  show,
  suggest,
  validateScenario,
} from '../engine/scenario.ts';
import type { AnyScenario, Scale } from '../engine/schema.ts';
import {
  type Factor,
  fromUnit,
  type MorrisDesign,
  type MorrisIndices,
  morrisDesign,
  morrisIndices,
  realisedSteps,
  SALTELLI_MAX_PARAMETERS,
  type SobolIndices,
  saltelliDesign,
  sobolIndices,
} from './sobol.ts';

type Raw = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------
// The spec
// ---------------------------------------------------------------------------------------------------------

const parameterSpec = z
  .strictObject({
    path: z.string().min(1).meta({ description: 'a numeric scenario parameter, e.g. growth.lambda' }),
    low: z.number().meta({ description: "lower end of the range, within the parameter's allowed range" }),
    high: z.number().meta({ description: 'upper end of the range, above low' }),
    scale: z
      .enum(['linear', 'log'])
      .default('linear')
      .meta({ description: 'linear: uniform in the value; log: uniform in its logarithm (low above 0)' }),
  })
  .superRefine((p, ctx) => {
    if (!(p.high > p.low))
      ctx.addIssue({
        code: 'custom',
        path: ['high'],
        input: p.high,
        message: `not above low (got ${p.high}, expected > ${p.low})`,
      });
    if (p.scale === 'log' && !(p.low > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['low'],
        input: p.low,
        message: `a log range starts above 0 (got ${p.low}, expected > 0)`,
      });
  })
  .meta({ description: 'one parameter varied over a range' });

export const STATISTICS = {
  mean: "the mean over the point's replicates (columns that are never below 0: counts, cells, 0/1 flags)",
  proportion:
    "the share of the point's replicates in which the column is >= 0, i.e. the event happened (columns that are -1 when it never did: *_day, *_step, *_at_detection, primary_mm_at_first_seeding, early_share)",
} as const;

const outputSpec = z
  .strictObject({
    column: z.string().min(1).meta({ description: 'an outcome column of runs.csv, e.g. metastases' }),
    statistic: z
      .enum(['mean', 'proportion'])
      .default('mean')
      .meta({
        description: Object.entries(STATISTICS)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; '),
      }),
    transform: z.enum(['none', 'log']).default('none').meta({
      description:
        'log: analyse log10(1 + mean) instead of the mean, for counts that span orders of magnitude (a few huge values would hold most of the variance)',
    }),
  })
  .superRefine((o, ctx) => {
    if (o.transform === 'log' && o.statistic !== 'mean')
      ctx.addIssue({
        code: 'custom',
        path: ['transform'],
        input: o.transform,
        message: `applies to statistic mean only (got "log" with statistic "${o.statistic}")`,
      });
  })
  .meta({ description: "one output: a column of runs.csv aggregated over each point's replicates" });

const bootstrap = z
  .int()
  .min(0)
  .max(100_000)
  .default(1000)
  .meta({ description: 'bootstrap resamples of the confidence intervals' });
const confidence = z
  .number()
  .gt(0)
  .lt(1)
  .default(0.95)
  .meta({ description: 'coverage of the confidence intervals' });

const sobolMethod = z
  .strictObject({
    name: z.literal('sobol'),
    samples: z
      .int()
      .min(2)
      .max(2 ** 20)
      .default(64)
      .meta({
        description:
          "N, base samples of the Saltelli design: N (k + 2) points for k parameters; a power of two keeps the Sobol' points balanced",
      }),
    bootstrap,
    confidence,
  })
  .meta({ description: "Sobol' first-order and total-effect indices with bootstrap intervals" });

const morrisMethod = z
  .strictObject({
    name: z.literal('morris'),
    trajectories: z
      .int()
      .min(2)
      .max(100_000)
      .default(20)
      .meta({ description: 'r, random one-at-a-time trajectories: r (k + 1) points for k parameters' }),
    levels: z
      .int()
      .min(2)
      .max(100)
      .refine((p) => p % 2 === 0, { message: 'not even (expected an even number of levels)' })
      .default(4)
      .meta({ description: 'p, grid levels per parameter (even); the step is p / (2(p − 1)) of the range' }),
    bootstrap,
    confidence,
  })
  .meta({ description: 'Morris elementary effects: μ*, μ and σ per parameter, a cheap screen' });

export const specSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'editor schema reference; ignored' }),
    description: z.string().default('').meta({ description: 'what the analysis asks' }),
    scenario: z.string().min(1).meta({
      description: 'the scenario varied: a built-in name or a file path (relative to this file)',
    }),
    overrides: z.record(z.string(), z.unknown()).default({}).meta({
      description:
        'scenario values for every run, merged over the scenario (e.g. time: {durationDays: 1825})',
    }),
    parameters: z.array(parameterSpec).min(1).meta({ description: 'the parameters varied and their ranges' }),
    outputs: z.array(outputSpec).min(1).meta({ description: 'the outputs whose sensitivity is measured' }),
    method: z
      .discriminatedUnion('name', [sobolMethod, morrisMethod])
      .meta({ description: 'sobol or morris' }),
    replicates: z
      .int()
      .min(1)
      .max(1_000_000)
      .default(4)
      .meta({ description: 'replicates per design point; the outputs are aggregated over them' }),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional()
      .meta({
        description:
          "the scenario seed of every run (replicate i of every point shares its random streams) and the seed of the design and bootstrap; default: the scenario's seed",
      }),
  })
  .superRefine((spec, ctx) => {
    const twice = (list: string[], field: string, what: string) =>
      list.forEach((v, i) => {
        const j = list.indexOf(v);
        if (j < i)
          ctx.addIssue({
            code: 'custom',
            path: [field, i],
            input: v,
            message: `${what} listed twice (got ${JSON.stringify(v)}, also ${field}.${j})`,
          });
      });
    twice(
      spec.parameters.map((p) => p.path),
      'parameters',
      'parameter',
    );
    twice(spec.outputs.map(outputLabel), 'outputs', 'output');
  })
  .meta({
    title: 'seedsoil sensitivity spec',
    description: 'a global sensitivity analysis (seedsoil sensitivity)',
  });

export type SensitivitySpec = z.output<typeof specSchema>;
export type OutputSpec = SensitivitySpec['outputs'][number];

/** The JSON Schema of spec files, for editors (sensitivity/schema.json). */
export function specJsonSchema(): unknown {
  return z.toJSONSchema(specSchema, { io: 'input' });
}

/** How an output is named in tables, files and the report. */
export function outputLabel(o: {
  column: string;
  statistic: 'mean' | 'proportion';
  transform: 'none' | 'log';
}): string {
  const label = o.statistic === 'mean' ? `mean(${o.column})` : `proportion(${o.column} >= 0)`;
  return o.transform === 'log' ? `log10(1 + ${label})` : label;
}

/** Zod's issues as "path: what is wrong (got X, expected Y)". */
function describe(issue: z.core.$ZodIssue, file: string): ScenarioIssue[] {
  const path = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const key = String(issue.discriminator);
    const value = (issue.input as Raw | undefined)?.[key];
    return [
      {
        file,
        path: issue.path.at(-1) === key ? path : `${path}.${key}`,
        message: `not allowed (got ${show(value)}, expected one of "sobol", "morris")`,
      },
    ];
  }
  if (issue.code === 'custom')
    return [
      {
        file,
        path,
        message: issue.message.includes('(got')
          ? issue.message
          : `${issue.message} (got ${show(issue.input)})`,
      },
    ];
  return describeZodIssue(issue, file, keysAt);
}

/** Keys a spec may have at a path, for "did you mean". */
function keysAt(path: PropertyKey[]): string[] {
  const top = Object.keys(specSchema.shape);
  if (path.length === 0) return top;
  if (path[0] === 'parameters') return ['path', 'low', 'high', 'scale'];
  if (path[0] === 'outputs') return ['column', 'statistic', 'transform'];
  if (path[0] === 'method') return ['name', 'samples', 'trajectories', 'levels', 'bootstrap', 'confidence'];
  return [];
}

/** The spec of a YAML or JSON text, validated by its schema alone; throws ScenarioError naming each bad field. */
export function parseSpec(text: string, file: string): SensitivitySpec {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? 'malformed';
    throw new ScenarioError([{ file, path: '(file)', message: `malformed YAML/JSON: ${message}` }]);
  }
  const parsed = specSchema.safeParse(data ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new ScenarioError(parsed.error.issues.flatMap((issue) => describe(issue, file)));
}

// ---------------------------------------------------------------------------------------------------------
// The spec against its scenario
// ---------------------------------------------------------------------------------------------------------

export interface ParameterRange {
  min: number;
  max: number;
  integer: boolean;
}

/**
 * The numeric parameters a scenario of this scale holds, with their allowed
 * ranges, as the schema defines them; the seed (replicates vary it) and the batch
 * section (the analysis sets it) are not among them.
 */
export function numericParameters(scale: Scale): Map<string, ParameterRange> {
  return new Map(
    parameters(scale)
      .filter(
        (p) => (p.type === 'number' || p.type === 'integer') && p.path !== 'seed' && p.keys[0] !== 'batch',
      )
      .map((p) => [
        p.path,
        {
          min: p.min ?? Number.NEGATIVE_INFINITY,
          max: p.max ?? Number.POSITIVE_INFINITY,
          integer: p.type === 'integer',
        },
      ]),
  );
}

/** What a column of runs.csv holds: a quantity (never below 0), an event (-1: it never happened) or text. */
export function columnKind(column: string): 'quantity' | 'event' | 'text' {
  if (column in TEXT_COLUMNS) return 'text';
  if (
    /_(day|step)$/.test(column) ||
    column.endsWith('_at_detection') ||
    column === 'primary_mm_at_first_seeding' ||
    column === 'early_share'
  )
    return 'event';
  return 'quantity';
}

/** A spec checked against its scenario, ready to design and run. */
export interface Analysis {
  spec: SensitivitySpec;
  /** The scenario every point starts from: the base with the overrides, seed set, `batch` removed. */
  scenario: Raw;
  scale: Scale;
  seed: number;
  factors: Factor[];
  integer: boolean[];
}

/**
 * Checks the spec against the scenario it varies (given with `extends` resolved):
 * the overrides, each parameter's path and range, each output's column and
 * statistic. Throws ScenarioError with every problem; nothing has run.
 */
export function checkSpec(spec: SensitivitySpec, base: Raw, file: string): Analysis {
  validateScenario(base, spec.scenario);
  let scenario: AnyScenario;
  try {
    scenario = validateScenario(deepMerge(base, spec.overrides), file);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    throw new ScenarioError(e.issues.map((i) => ({ ...i, path: `overrides.${i.path}` })));
  }
  if (spec.overrides.batch !== undefined)
    throw new ScenarioError([
      { file, path: 'overrides.batch', message: 'not allowed (the analysis sets batch: use replicates)' },
    ]);
  const scale = scenario.scale;
  const known = numericParameters(scale);
  const issues: ScenarioIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ file, path, message });

  spec.parameters.forEach((p, i) => {
    const range = known.get(p.path);
    if (!range) {
      const guess = suggest(p.path, [...known.keys()]);
      const other = parameters().find((q) => q.path === p.path && q.scale !== scale);
      const why =
        p.path === 'seed'
          ? '; replicates vary the seed'
          : p.path.startsWith('batch.')
            ? '; the analysis sets batch itself'
            : other
              ? `; a ${other.scale}-scale parameter`
              : guess
                ? `; did you mean "${guess}"?`
                : '';
      issue(
        `parameters.${i}.path`,
        `not a numeric parameter of a ${scale} scenario (got ${JSON.stringify(p.path)}${why})`,
      );
      return;
    }
    if (p.low < range.min)
      issue(
        `parameters.${i}.low`,
        `outside ${p.path}'s allowed range (got ${p.low}, expected >= ${range.min})`,
      );
    if (p.high > range.max)
      issue(
        `parameters.${i}.high`,
        `outside ${p.path}'s allowed range (got ${p.high}, expected <= ${range.max})`,
      );
    if (range.integer)
      for (const end of ['low', 'high'] as const)
        if (!Number.isInteger(p[end]))
          issue(`parameters.${i}.${end}`, `${p.path} is an integer (got ${p[end]}, expected an integer)`);
  });

  const columns = outcomeColumns([scenario]);
  spec.outputs.forEach((o, i) => {
    if (!columns.includes(o.column)) {
      const guess = suggest(o.column, columns);
      issue(
        `outputs.${i}.column`,
        `not an outcome column of runs.csv (got ${JSON.stringify(o.column)}${guess ? `; did you mean "${guess}"?` : ''})`,
      );
      return;
    }
    const kind = columnKind(o.column);
    if (kind === 'text')
      issue(`outputs.${i}.column`, `not a number (got ${JSON.stringify(o.column)}, a text column)`);
    else if (kind === 'event' && o.statistic === 'mean')
      issue(
        `outputs.${i}.statistic`,
        `${o.column} is -1 when the event never happened, so a mean mixes -1 with values (got "mean", expected "proportion")`,
      );
    else if (kind === 'quantity' && o.statistic === 'proportion')
      issue(
        `outputs.${i}.statistic`,
        `${o.column} is never below 0, so its proportion >= 0 is always 1 (got "proportion", expected "mean")`,
      );
  });

  if (spec.method.name === 'sobol' && spec.parameters.length > SALTELLI_MAX_PARAMETERS)
    issue(
      'parameters',
      `too many for method sobol (got ${spec.parameters.length}, expected at most ${SALTELLI_MAX_PARAMETERS})`,
    );
  if (issues.length) throw new ScenarioError(issues);

  const seed = spec.seed ?? scenario.seed;
  const { batch: _, $schema: __, ...rest } = deepMerge(base, spec.overrides);
  return {
    spec,
    scenario: { ...rest, seed },
    scale,
    seed,
    factors: spec.parameters.map((p) => ({ name: p.path, low: p.low, high: p.high, scale: p.scale })),
    integer: spec.parameters.map((p) => known.get(p.path)?.integer ?? false),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The design
// ---------------------------------------------------------------------------------------------------------

export interface Design {
  /** Points in the unit cube, in run order. */
  unit: number[][];
  /** The same points as parameter values (integer parameters rounded), as batch.points. */
  points: Record<string, number>[];
  morris?: MorrisDesign;
}

export function buildDesign(a: Analysis): Design {
  const k = a.factors.length;
  const method = a.spec.method;
  let unit: number[][];
  let morris: MorrisDesign | undefined;
  if (method.name === 'sobol') unit = saltelliDesign(method.samples, k);
  else {
    morris = realisedSteps(
      morrisDesign(method.trajectories, k, method.levels, seedrandom.alea(`seedsoil-morris:${a.seed}`)),
      a.factors,
      a.integer,
    );
    unit = morris.points;
  }
  const points = unit.map((u) =>
    Object.fromEntries(
      a.factors.map((f, i) => {
        const v = fromUnit(u[i] as number, f);
        return [f.name, a.integer[i] ? Math.round(v) : v];
      }),
    ),
  );
  return morris ? { unit, points, morris } : { unit, points };
}

/** The scenario the batch runs: every point of the design, `replicates` replicates each. */
export function designScenario(a: Analysis, design: Design): Raw {
  return {
    ...a.scenario,
    batch: { replicates: a.spec.replicates, timeseriesEveryDays: 0, points: design.points },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Outputs and indices
// ---------------------------------------------------------------------------------------------------------

export interface PointOutputs {
  /** Per output, its value at each point. */
  values: Float64Array[];
  /**
   * Per output, the variance of a point's value that comes from its replicates
   * alone (the sample variance over replicates / replicates, averaged over the
   * points; through the derivative of log10(1 + x) for a log output); NaN with
   * one replicate per point.
   */
  noise: number[];
}

/** Each output at each point, from the rows of runs.csv (strings, as read back). */
export function pointOutputs(
  rows: readonly Record<string, string>[],
  points: number,
  spec: SensitivitySpec,
): PointOutputs {
  const count = new Int32Array(points);
  const sums = spec.outputs.map(() => new Float64Array(points));
  const squares = spec.outputs.map(() => new Float64Array(points));
  for (const row of rows) {
    const p = Number(row.point);
    if (!Number.isInteger(p) || p < 0 || p >= points)
      throw new Error(`runs.csv: point ${row.point} is not in the design (${points} points)`);
    count[p] = (count[p] as number) + 1;
    spec.outputs.forEach((o, i) => {
      const v = Number(row[o.column]);
      if (row[o.column] === undefined || row[o.column] === '' || Number.isNaN(v))
        throw new Error(
          `runs.csv: task ${row.task}: ${o.column} is not a number (got "${row[o.column] ?? ''}")`,
        );
      const x = o.statistic === 'mean' ? v : v >= 0 ? 1 : 0;
      const s = sums[i] as Float64Array;
      const q = squares[i] as Float64Array;
      s[p] = (s[p] as number) + x;
      q[p] = (q[p] as number) + x * x;
    });
  }
  count.forEach((c, p) => {
    if (c !== spec.replicates)
      throw new Error(`runs.csv: point ${p} has ${c} of ${spec.replicates} replicates`);
  });
  const r = spec.replicates;
  const values: Float64Array[] = [];
  const noise: number[] = [];
  spec.outputs.forEach((o, i) => {
    const s = sums[i] as Float64Array;
    const q = squares[i] as Float64Array;
    const y = new Float64Array(points);
    let spread = 0;
    for (let p = 0; p < points; p++) {
      const mean = (s[p] as number) / r;
      const varianceOfMean =
        r > 1 ? Math.max(0, (q[p] as number) - r * mean * mean) / (r - 1) / r : Number.NaN;
      const slope = o.transform === 'log' ? 1 / ((1 + mean) * Math.LN10) : 1;
      y[p] = o.transform === 'log' ? Math.log10(1 + mean) : mean;
      spread += (varianceOfMean * slope * slope) / points;
    }
    values.push(y);
    noise.push(spread);
  });
  return { values, noise };
}

export interface OutputIndices {
  output: string;
  /** Mean and variance of the output over the design's points (A and B for Sobol'). */
  mean: number;
  variance: number;
  /** The share of that variance that replicate noise explains (PointOutputs.noise / variance). */
  noiseShare: number;
  sobol?: SobolIndices;
  morris?: MorrisIndices;
}

/** The indices of every output; each output's bootstrap draws from its own seeded stream. */
export function analyse(a: Analysis, design: Design, outputs: PointOutputs): OutputIndices[] {
  const method = a.spec.method;
  return a.spec.outputs.map((o, i) => {
    const y = outputs.values[i] as Float64Array;
    const noise = outputs.noise[i] as number;
    const output = outputLabel(o);
    const options = {
      resamples: method.bootstrap,
      confidence: method.confidence,
      random: seedrandom.alea(`seedsoil-sensitivity-bootstrap:${a.seed}:${output}`),
    };
    if (method.name === 'sobol') {
      const sobol = sobolIndices(y, method.samples, a.factors.length, options);
      return {
        output,
        mean: sobol.mean,
        variance: sobol.variance,
        noiseShare: noise / sobol.variance,
        sobol,
      };
    }
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const variance = y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length;
    const morris = morrisIndices(y, design.morris as MorrisDesign, options);
    return { output, mean, variance, noiseShare: noise / variance, morris };
  });
}

/** One row per output and parameter: the table printed, written as indices.csv and drawn in the report. */
export function indexRows(a: Analysis, results: readonly OutputIndices[]): Record<string, string | number>[] {
  return results.flatMap((r) =>
    a.factors.map((f, i) => {
      if (r.sobol) {
        const s1 = r.sobol.first[i];
        const st = r.sobol.total[i];
        return {
          output: r.output,
          noise_share: r.noiseShare,
          parameter: f.name,
          S1: s1?.value ?? Number.NaN,
          S1_low: s1?.low ?? Number.NaN,
          S1_high: s1?.high ?? Number.NaN,
          ST: st?.value ?? Number.NaN,
          ST_low: st?.low ?? Number.NaN,
          ST_high: st?.high ?? Number.NaN,
        };
      }
      const m = r.morris as MorrisIndices;
      return {
        output: r.output,
        noise_share: r.noiseShare,
        parameter: f.name,
        mu_star: m.muStar[i]?.value ?? Number.NaN,
        mu_star_low: m.muStar[i]?.low ?? Number.NaN,
        mu_star_high: m.muStar[i]?.high ?? Number.NaN,
        mu: m.mu[i] ?? Number.NaN,
        sigma: m.sigma[i] ?? Number.NaN,
        effects: m.effects[i] ?? 0,
      };
    }),
  );
}

export const INDEX_COLUMNS = {
  sobol: ['output', 'noise_share', 'parameter', 'S1', 'S1_low', 'S1_high', 'ST', 'ST_low', 'ST_high'],
  morris: [
    'output',
    'noise_share',
    'parameter',
    'mu_star',
    'mu_star_low',
    'mu_star_high',
    'mu',
    'sigma',
    'effects',
  ],
} as const;
