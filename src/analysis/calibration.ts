/**
 * Calibration specs (calibrations/*.yaml): what `seedsoil calibrate` fits, to
 * what, and how. One zod schema gives the types, the validation and the editors'
 * JSON Schema; the checks that need the scenarios (is this a parameter, is the
 * prior inside its allowed range, is this an outcome column) come after, with
 * messages that name the field, the value and what was expected. A spec fits one
 * scenario or a mixture of scenarios (a population of patients); a mixture's
 * members are its scenarios, and one scenario is a mixture of one member. Pure
 * TypeScript: reading files is the command line's part.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { setPath } from '../batch/plan.ts';
import { outcomeColumns } from '../engine/model.ts';
import { TEXT_COLUMNS } from '../engine/outcomes.ts';
import { parameters as schemaParameters } from '../engine/parameters.ts';
import { erfc } from '../engine/samplers.ts';
import {
  describeZodIssue,
  ScenarioError,
  type ScenarioIssue,
  show,
  suggest,
  validateScenario,
} from '../engine/scenario.ts';
import type { AnyScenario, Scale } from '../engine/schema.ts';
import { memberOfReplicate, TARGETS } from '../reproduce/targets.ts';
import type { AbcParameter, Prior } from './abc.ts';
import { columnKind } from './sensitivity.ts';
import type { Summary } from './summaries.ts';

const count = (description: string) => z.number().int().min(1).meta({ description });

const priorSchema = z
  .strictObject({
    prior: z
      .enum(['uniform', 'log-uniform', 'normal'])
      .meta({ description: 'uniform or log-uniform between low and high; normal with mean and sd' }),
    low: z.number().optional().meta({ description: 'lower bound (required for uniform and log-uniform)' }),
    high: z.number().optional().meta({ description: 'upper bound (required for uniform and log-uniform)' }),
    mean: z.number().optional().meta({ description: 'mean of a normal prior' }),
    sd: z.number().positive().optional().meta({ description: 'standard deviation of a normal prior' }),
  })
  .meta({
    description:
      "a parameter's prior; it is truncated to the parameter's allowed range (seedsoil params), and a normal prior also to low and high when given",
  });

const memberSchema = z
  .strictObject({
    scenario: z.string().meta({ description: 'a built-in name or a file (relative to this spec)' }),
    share: z
      .number()
      .gt(0)
      .max(1)
      .meta({ description: "the member's share of the patients (the shares sum to 1)" }),
  })
  .meta({ description: 'a scenario of the mixture and its share' });

const targetSchema = z
  .strictObject({
    observed: z.number().meta({ description: 'the observed value' }),
    uncertainty: z.number().positive().optional().meta({
      description:
        "standard error of the observed value; it scales the target's distance (without it: the MAD of the simulated values of generation 0)",
    }),
    column: z
      .string()
      .optional()
      .meta({ description: 'an outcome column of runs.csv, summarised over replicates' }),
    summary: z.enum(['mean', 'proportion', 'quantile']).optional().meta({
      description:
        'mean; proportion of replicates where the column is >= 0 (the event happened), above `above`, or equal to `equals`; quantile q',
    }),
    q: z.number().gt(0).lt(1).optional().meta({ description: 'the quantile (summary: quantile)' }),
    above: z.number().optional().meta({ description: 'proportion of replicates with the column above this' }),
    equals: z
      .string()
      .optional()
      .meta({ description: 'proportion of replicates with the column equal to this text' }),
    reproduce: z.string().optional().meta({
      description:
        "instead of a column: a target of seedsoil reproduce, measured on this calibration's ensemble (the scenario's, or the mixture's)",
    }),
    quantity: z.string().optional().meta({ description: "the reproduce target's quantity (its table row)" }),
  })
  .meta({ description: 'an observed value and the measurement of an ensemble that produces it' });

export const specSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'editor schema reference; ignored' }),
    name: z.string().default('calibration').meta({ description: 'name of the calibration' }),
    description: z.string().default('').meta({ description: 'what is fitted to what' }),
    scenario: z.string().optional().meta({
      description: 'the base scenario: a built-in name or a file (relative to this spec); or give mixture',
    }),
    mixture: z
      .union([z.string(), z.array(memberSchema).min(2)])
      .optional()
      .meta({
        description:
          "instead of scenario: patients drawn from several scenarios, each proposal's replicates divided among them by share as seedsoil reproduce divides a population's; the name of a reproduce target's population (breast-population) or a list of scenarios and shares. A fitted path is set in every member, so it must be one they share; MEMBER:path (MEMBER a scenario's name) sets one member's own",
      }),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1)
      .meta({ description: "seed of the calibration's proposals (and of every replicate's seed)" }),
    parameters: z.record(z.string(), priorSchema).meta({
      description:
        "the parameters to fit (paths into the scenario) and their priors; in a mixture, MEMBER:path fits one member's own value (breast-er-positive:invasion.bloodRate) and a bare path one value every member takes",
    }),
    targets: z.record(z.string(), targetSchema).meta({ description: 'the observations, by name' }),
    replicates: count('replicates simulated per particle').default(20),
    population: z
      .number()
      .int()
      .min(2)
      .default(200)
      .meta({ description: 'accepted particles per generation' }),
    roundSize: count(
      'proposals simulated together as one batch (default: the population); the result depends on it, never on workers or shards',
    ).optional(),
    tolerance: z
      .strictObject({
        generations: count('generations after generation 0 (a sample of the prior)').default(5),
        quantile: z.number().gt(0).lt(1).default(0.5).meta({
          description: "each generation's tolerance: this quantile of the previous generation's distances",
        }),
        final: z
          .number()
          .min(0)
          .optional()
          .meta({ description: 'stop once the tolerance is at or below this' }),
        minAcceptance: z.number().gt(0).max(1).default(0.01).meta({
          description:
            'stop when a generation would accept fewer than this share of its proposals (a generation that reaches population / minAcceptance proposals unfilled is abandoned)',
        }),
      })
      .prefault({})
      .meta({ description: 'the tolerance schedule' }),
    predictive: z
      .strictObject({
        particles: count('particles drawn from the posterior (by weight) and simulated again').default(20),
        replicates: count('replicates per drawn particle (default: replicates)').optional(),
      })
      .prefault({})
      .meta({ description: 'the posterior predictive check' }),
    synthetic: z
      .strictObject({
        values: z.record(z.string(), z.number()).meta({ description: 'the true parameter values' }),
        replicates: count('replicates at the true values'),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .meta({ description: "the synthetic data's scenario seed" }),
      })
      .optional()
      .meta({
        description:
          'how the observed values were synthesised (seedsoil calibrate --synthesize) from known values',
      }),
  })
  .meta({ title: 'seedsoil calibration spec' });

export type Spec = z.infer<typeof specSchema>;
export type TargetSpec = Spec['targets'][string];

export type Measure =
  | { kind: 'column'; summary: Summary }
  | { kind: 'reproduce'; target: string; quantity: string };

export interface Target {
  name: string;
  observed: number;
  uncertainty: number | undefined;
  measure: Measure;
}

export interface Calibration {
  spec: Spec;
  /** The scenarios simulated: the one scenario, or the mixture's members in order. */
  members: Member[];
  parameters: AbcParameter[];
  /** Integer parameters take the proposed value rounded. */
  integer: boolean[];
  targets: Target[];
}

type Raw = Record<string, unknown>;

// ---------------------------------------------------------------- messages

function describe(issue: z.core.$ZodIssue, file: string): ScenarioIssue[] {
  // zod says only "Invalid input" when neither form of the mixture fits.
  if (issue.code === 'invalid_union' && issue.path.join('.') === 'mixture')
    return [
      {
        file,
        path: 'mixture',
        message: `wrong type (got ${show(issue.input)}, expected the name of a population, ${populationNames()}, or a list of { scenario, share })`,
      },
    ];
  return describeZodIssue(issue, file, knownKeys);
}

/** The reproduce targets that mix scenarios: the populations a mixture can name. */
const POPULATIONS = TARGETS.filter((t) => t.population);
const populationNames = () => POPULATIONS.map((t) => show(t.name)).join(', ');

/** Keys the spec allows at a path (for "did you mean"). */
function knownKeys(path: readonly string[]): string[] {
  const shape = specSchema.shape;
  if (path.length === 0) return Object.keys(shape);
  if (path[0] === 'parameters') return Object.keys(priorSchema.shape);
  if (path[0] === 'targets') return Object.keys(targetSchema.shape);
  if (path[0] === 'mixture') return Object.keys(memberSchema.shape);
  const section = { tolerance: shape.tolerance, predictive: shape.predictive, synthetic: shape.synthetic }[
    path[0] as string
  ];
  const inner = section?.unwrap() as unknown as { shape?: Record<string, unknown> } | undefined;
  return inner?.shape ? Object.keys(inner.shape) : [];
}

/** Parses and validates a spec's text; throws ScenarioError with every problem found. */
export function parseSpec(text: string, file: string): Spec {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? 'malformed';
    throw new ScenarioError([{ file, path: '(file)', message: `malformed YAML/JSON: ${message}` }]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ScenarioError([
      { file, path: '(root)', message: `expected a mapping (a calibration spec) (got ${show(data)})` },
    ]);
  const parsed = specSchema.safeParse(data, { reportInput: true });
  const issues = parsed.success ? [] : parsed.error.issues.flatMap((i) => describe(i, file));
  const raw = data as Raw;
  if (raw.scenario === undefined && raw.mixture === undefined)
    issues.push({
      file,
      path: 'scenario',
      message:
        'missing (expected the scenario to fit, or instead mixture: the scenarios of a population and their shares)',
    });
  if (raw.scenario !== undefined && raw.mixture !== undefined)
    issues.push({
      file,
      path: 'mixture',
      message: `give either scenario or mixture, not both (got scenario ${show(raw.scenario)} and a mixture)`,
    });
  if (issues.length || !parsed.success) throw new ScenarioError(issues);
  return parsed.data;
}

// ---------------------------------------------------------------- members

/** A scenario the spec names, with its share of the replicates; `field` is where the spec names it. */
export interface MemberRef {
  ref: string;
  share: number;
  field: string;
}

/** A member loaded: `extends` resolved and its batch section removed (raw), and validated. */
export interface Member extends MemberRef {
  raw: Raw;
  scenario: AnyScenario;
}

/** The scenarios a spec names, in order: its one scenario (share 1), or its mixture's members. */
export function memberRefs(spec: Spec, file: string): MemberRef[] {
  const mixture = spec.mixture;
  if (mixture === undefined) return [{ ref: spec.scenario as string, share: 1, field: 'scenario' }];
  if (typeof mixture === 'string') {
    const target = POPULATIONS.find((t) => t.name === mixture);
    if (!target?.population) {
      const guess = suggest(
        mixture,
        POPULATIONS.map((t) => t.name),
      );
      throw new ScenarioError([
        {
          file,
          path: 'mixture',
          message: `no population named ${show(mixture)} (expected the population of a reproduce target, one of ${populationNames()}, or a list of { scenario, share }${guess ? `; did you mean "${guess}"?` : ''})`,
        },
      ]);
    }
    return target.population.map((p) => ({ ref: p.scenario, share: p.share, field: 'mixture' }));
  }
  const issues: ScenarioIssue[] = [];
  const total = mixture.reduce((a, m) => a + m.share, 0);
  if (Math.abs(total - 1) > 1e-9)
    issues.push({
      file,
      path: 'mixture',
      message: `the shares sum to ${total} (expected 1: each member's share of the patients, such as 0.742)`,
    });
  mixture.forEach((m, k) => {
    if (mixture.findIndex((o) => o.scenario === m.scenario) < k)
      issues.push({
        file,
        path: `mixture.${k}.scenario`,
        message: `listed twice (got ${show(m.scenario)}; give each member once, with its whole share)`,
      });
  });
  if (issues.length) throw new ScenarioError(issues);
  return mixture.map((m, k) => ({ ref: m.scenario, share: m.share, field: `mixture.${k}.scenario` }));
}

/** The scenarios as a sentence reads them: "small-liver", "breast-population (breast-er-positive 74.2%, …)". */
export function describeScenarios(spec: Spec, members: readonly Member[]): string {
  if (spec.mixture === undefined) return spec.scenario as string;
  const list = members.map((m) => `${m.scenario.name} ${Number((100 * m.share).toPrecision(4))}%`).join(', ');
  return typeof spec.mixture === 'string' ? `${spec.mixture} (${list})` : `a mixture of ${list}`;
}

/** The member (an index into members) of each of n replicates: stratified by share, as seedsoil reproduce divides a population. */
export function replicateMembers(members: readonly { share: number }[], n: number): number[] {
  const shares = members.map((m) => m.share);
  return Array.from({ length: n }, (_, i) => memberOfReplicate(shares, i, n));
}

/** The smallest ensemble size from n on that gives every member at least one replicate. */
function enoughReplicates(members: readonly { share: number }[], n: number): number {
  // A member whose share is at least 1/m always holds one of the m midpoints (i + 1/2)/m.
  const bound = Math.max(n, Math.ceil(1 / Math.min(...members.map((m) => m.share))));
  if (bound - n > 10_000) return bound;
  for (let m = n; m < bound; m++) if (new Set(replicateMembers(members, m)).size === members.length) return m;
  return bound;
}
// ---------------------------------------------------------------- parameters

export interface ParameterRange {
  low: number;
  high: number;
  integer: boolean;
}

/** A numeric parameter's allowed range from the scenario schema, or why the path is not one. */
export function parameterRange(path: string, scale: Scale): ParameterRange | string {
  if (path === 'seed' || path.startsWith('batch.')) return 'not a model parameter (replicates vary the seed)';
  const all = schemaParameters(scale);
  const p = all.find((q) => q.path === path);
  if (!p)
    return all.some((q) => q.path.startsWith(`${path}.`)) ? 'a section, not a parameter' : 'not a parameter';
  if (p.type !== 'number' && p.type !== 'integer') return `not a numeric parameter (it is a ${p.type})`;
  return {
    low: p.min ?? Number.NEGATIVE_INFINITY,
    high: p.max ?? Number.POSITIVE_INFINITY,
    integer: p.type === 'integer',
  };
}

/** Every numeric parameter path of a scale (for "did you mean"). */
function numericPaths(scale: Scale): string[] {
  return schemaParameters(scale)
    .filter(
      (p) =>
        (p.type === 'number' || p.type === 'integer') && p.path !== 'seed' && !p.path.startsWith('batch.'),
    )
    .map((p) => p.path);
}

/** Standard normal cdf, Φ(x) = erfc(−x/√2)/2. */
function normalCdf(x: number): number {
  return erfc(-x / Math.SQRT2) / 2;
}

function priorOf(
  path: string,
  spec: Spec['parameters'][string],
  range: ParameterRange,
  file: string,
  issues: ScenarioIssue[],
): Prior | undefined {
  const where = `parameters.${path}`;
  const issue = (field: string, message: string) => issues.push({ file, path: `${where}.${field}`, message });
  const before = issues.length;
  const allowed = `the allowed range of ${splitParameter(path).path}, ${range.low} … ${range.high}`;
  if (spec.prior === 'normal') {
    if (spec.mean === undefined) issue('mean', 'missing (a normal prior needs mean and sd)');
    if (spec.sd === undefined) issue('sd', 'missing (a normal prior needs mean and sd)');
  } else {
    for (const field of ['mean', 'sd'] as const)
      if (spec[field] !== undefined)
        issue(field, `not used by a ${spec.prior} prior (it takes low and high)`);
    if (spec.low === undefined) issue('low', `missing (a ${spec.prior} prior needs low and high)`);
    if (spec.high === undefined) issue('high', `missing (a ${spec.prior} prior needs low and high)`);
  }
  if (spec.low !== undefined && spec.high !== undefined && !(spec.low < spec.high))
    issue('high', `must be above low (got low ${spec.low}, high ${spec.high})`);
  if (spec.prior === 'log-uniform' && spec.low !== undefined && !(spec.low > 0))
    issue('low', `too small (got ${spec.low}, expected > 0 for a log-uniform prior)`);
  if (spec.prior !== 'normal') {
    if (spec.low !== undefined && spec.low < range.low)
      issue('low', `below ${allowed} (got ${spec.low}, expected >= ${range.low})`);
    if (spec.high !== undefined && spec.high > range.high)
      issue('high', `above ${allowed} (got ${spec.high}, expected <= ${range.high})`);
  }
  if (issues.length > before) return undefined;
  if (spec.prior === 'normal') {
    const mean = spec.mean as number;
    const sd = spec.sd as number;
    const low = Math.max(spec.low ?? Number.NEGATIVE_INFINITY, range.low);
    const high = Math.min(spec.high ?? Number.POSITIVE_INFINITY, range.high);
    if (!(low < high)) {
      issue('low', `leaves nothing of ${allowed} (got low ${spec.low}, high ${spec.high})`);
      return undefined;
    }
    const mass = normalCdf((high - mean) / sd) - normalCdf((low - mean) / sd);
    if (!(mass >= 1e-3)) {
      issue(
        'mean',
        `the normal prior puts almost no probability inside ${low} … ${high} (got mean ${mean}, sd ${sd}; ${mass < 1e-6 ? 'less than 1e-6' : mass.toPrecision(2)} of its mass)`,
      );
      return undefined;
    }
    return { kind: 'normal', mean, sd, low, high };
  }
  return { kind: spec.prior, low: spec.low as number, high: spec.high as number };
}

/** The quantities (table rows) of a reproduce target, read off its rows of an empty ensemble; undefined if it cannot say. */
function quantitiesOf(target: (typeof TARGETS)[number], base: AnyScenario): string[] | undefined {
  try {
    return target.rows([], base as never).map((r) => r.quantity);
  } catch {
    return undefined;
  }
}

function targetOf(
  name: string,
  t: TargetSpec,
  base: AnyScenario,
  mixture: Spec['mixture'],
  columns: readonly string[],
  file: string,
  issues: ScenarioIssue[],
): Target | undefined {
  const where = `targets.${name}`;
  const issue = (field: string, message: string) =>
    issues.push({ file, path: field ? `${where}.${field}` : where, message });
  const before = issues.length;
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name))
    issue('', 'a target name is a letter followed by letters, digits, _ or - (it names CSV columns)');
  if (t.reproduce !== undefined) {
    for (const field of ['column', 'summary', 'q', 'above', 'equals'] as const)
      if (t[field] !== undefined)
        issue(field, 'not used with reproduce (the target measures the ensemble itself)');
    const target = TARGETS.find((x) => x.name === t.reproduce);
    if (!target) {
      const guess = suggest(
        t.reproduce,
        TARGETS.map((x) => x.name),
      );
      issue(
        'reproduce',
        `no such reproduce target (got ${show(t.reproduce)}, expected one of ${TARGETS.map((x) => x.name).join(', ')}${guess ? `; did you mean "${guess}"?` : ''})`,
      );
    }
    // A named population that is not the target's own measures the target's rows on patients
    // it was not written for (carter-1989's era on today's care, say); a list may be a variant.
    if (target?.population && typeof mixture === 'string' && mixture !== target.name)
      issue(
        'reproduce',
        `${target.name} is measured on its own population (got mixture ${show(mixture)}, expected mixture: ${target.name}, or a list of { scenario, share })`,
      );
    if (target?.population && mixture === undefined)
      issue(
        'reproduce',
        `${target.name} mixes the scenarios ${target.population.map((p) => p.scenario).join(', ')}; it is measured on a mixture, not on one scenario (expected mixture: ${target.name} instead of scenario, or an outcome column such as stage_at_diagnosis)`,
      );
    if (t.quantity === undefined)
      issue('quantity', "missing (the reproduce target's quantity, as seedsoil reproduce prints it)");
    else if (target) {
      const quantities = quantitiesOf(target, base);
      if (quantities && !quantities.includes(t.quantity))
        issue(
          'quantity',
          `not a quantity of ${target.name} (got ${show(t.quantity)}, expected one of ${quantities.map((q) => show(q)).join(', ')})`,
        );
    }
    if (issues.length > before) return undefined;
    return {
      name,
      observed: t.observed,
      uncertainty: t.uncertainty,
      measure: { kind: 'reproduce', target: t.reproduce, quantity: t.quantity as string },
    };
  }
  if (t.quantity !== undefined) issue('quantity', 'used only with reproduce');
  if (t.column === undefined)
    issue('column', 'missing (an outcome column of runs.csv, or reproduce: TARGET)');
  else if (!columns.includes(t.column)) {
    const guess = suggest(t.column, columns);
    issue(
      'column',
      `not an outcome column of this scenario's scale (got ${show(t.column)}${guess ? `; did you mean "${guess}"?` : `; expected one of ${columns.join(', ')}`})`,
    );
  }
  if (t.summary === undefined) issue('summary', 'missing (expected one of "mean", "proportion", "quantile")');
  if (t.summary === 'quantile' && t.q === undefined) issue('q', 'missing (the quantile, 0 < q < 1)');
  if (t.summary !== 'quantile' && t.q !== undefined) issue('q', 'used only with summary: quantile');
  if (t.summary !== 'proportion') {
    if (t.above !== undefined) issue('above', 'used only with summary: proportion');
    if (t.equals !== undefined) issue('equals', 'used only with summary: proportion');
  } else if (t.above !== undefined && t.equals !== undefined)
    issue('equals', 'give either above or equals, not both');
  if (t.summary === 'proportion' && !(t.observed >= 0 && t.observed <= 1))
    issue('observed', `a proportion lies in 0 … 1 (got ${t.observed})`);
  if (issues.length === before) suitsColumn(t, issue);
  if (issues.length > before) return undefined;
  const column = t.column as string;
  const summary: Summary =
    t.summary === 'mean'
      ? { kind: 'mean', column }
      : t.summary === 'quantile'
        ? { kind: 'quantile', column, q: t.q as number }
        : { kind: 'proportion', column, above: t.above, equals: t.equals };
  return { name, observed: t.observed, uncertainty: t.uncertainty, measure: { kind: 'column', summary } };
}

/**
 * Whether the target's summary suits its column (as sensitivity's outputs are
 * checked): a text column has no mean or quantile and is counted with `equals`,
 * one of its known values; a number is never `equals`; a day that is -1 when the
 * event never happened has no mean or quantile (they would mix -1 with days), and
 * its proportion counts the replicates where the event happened; a quantity is
 * never below 0, so its proportion needs `above`.
 */
function suitsColumn(t: TargetSpec, issue: (field: string, message: string) => void): void {
  const column = t.column as string;
  const kind = columnKind(column);
  if (kind === 'text') {
    const known = TEXT_COLUMNS[column] ?? [];
    const values = known.map((v) => show(v)).join(', ');
    if (t.summary !== 'proportion')
      issue(
        'summary',
        `${column} is text, it has no ${t.summary} (got ${show(t.summary)}, expected "proportion" with equals: one of ${values})`,
      );
    else if (t.equals === undefined)
      issue(
        'equals',
        `missing: ${column} is text, so its proportion counts the replicates equal to one of ${values}${t.above !== undefined ? ' (not above a number)' : ''}`,
      );
    else if (known.length && !known.includes(t.equals))
      issue('equals', `not a value of ${column} (got ${show(t.equals)}, expected one of ${values})`);
    return;
  }
  if (t.equals !== undefined) {
    issue(
      'equals',
      `${column} is a number, not text (got ${show(t.equals)}; count the replicates above a value with above)`,
    );
    return;
  }
  if (kind === 'event' && (t.summary === 'mean' || t.summary === 'quantile'))
    issue(
      'summary',
      `${column} is -1 when the event never happened, so a ${t.summary} mixes -1 with values (got ${show(t.summary)}, expected "proportion": the share of replicates where it happened, or above a value)`,
    );
  else if (kind === 'quantity' && t.summary === 'proportion' && t.above === undefined)
    issue(
      'above',
      `missing: ${column} is never below 0, so the share of replicates with it >= 0 is always 1 (expected a threshold, or summary "mean")`,
    );
}

/** A point of the base scenario at these parameter values: dotted paths set in a copy of the raw base. */
export function withValues(baseRaw: Raw, values: Readonly<Record<string, unknown>>): Raw {
  return Object.entries(values).reduce((raw, [path, value]) => setPath(raw, path, value), baseRaw);
}

/**
 * A fitted parameter's name read as the member it belongs to and its dotted path:
 * "breast-er-positive:invasion.bloodRate" is that member's own value (the subtypes of a
 * population differ in it), "invasion.shedSpread" one value every member takes.
 */
export function splitParameter(name: string): { member: string | undefined; path: string } {
  // The last colon: a path never holds one, a scenario's name may.
  const at = name.lastIndexOf(':');
  return at < 0 ? { member: undefined, path: name } : { member: name.slice(0, at), path: name.slice(at + 1) };
}

/** The values one member takes from a point, by path: every shared parameter and the member's own. */
export function memberValues(
  values: Readonly<Record<string, number>>,
  member: Member,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).flatMap(([name, value]) => {
      const { member: own, path } = splitParameter(name);
      return own === undefined || own === member.scenario.name ? [[path, value]] : [];
    }),
  );
}

/** A member's raw scenario at a point's values (its own and the shared ones). */
export function memberAt(member: Member, values: Readonly<Record<string, number>>): Raw {
  return withValues(member.raw, memberValues(values, member));
}

/** The values a proposal sets, by path; integer parameters rounded. */
export function pointOf(c: Calibration, theta: readonly number[]): Record<string, number> {
  return Object.fromEntries(
    c.parameters.map((p, k) => [
      p.name,
      c.integer[k] ? Math.round(theta[k] as number) : (theta[k] as number),
    ]),
  );
}

/** The value a validated scenario holds at a dotted path. */
function valueAt(scenario: AnyScenario, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], scenario);
}

/**
 * Checks a validated spec against its scenarios (memberRefs, loaded): parameters,
 * priors within the allowed ranges, targets, synthetic values; for a mixture also
 * that the members share each fitted parameter and that every ensemble gives each
 * member a replicate.
 */
export function resolveCalibration(spec: Spec, members: Member[], file: string): Calibration {
  const issues: ScenarioIssue[] = [];
  const mixture = spec.mixture !== undefined;
  const base = (members[0] as Member).scenario;
  const scales = new Set(members.map((m) => m.scenario.scale));
  if (scales.size > 1)
    throw new ScenarioError([
      {
        file,
        path: 'mixture',
        message: `the members are of different scales (got ${members.map((m) => `${m.scenario.name}: ${m.scenario.scale}`).join(', ')}; expected one scale: a parameter or outcome column of one scale is missing from the other's scenarios)`,
      },
    ]);
  members.forEach((m, k) => {
    const first = members.findIndex((o) => o.scenario.name === m.scenario.name);
    if (first < k)
      issues.push({
        file,
        path: m.field,
        message: `names the scenario ${show(m.scenario.name)} again (it is ${members[first]?.ref}; expected different scenarios)`,
      });
  });
  const scale = base.scale;
  const known = numericPaths(scale);
  const parameters: AbcParameter[] = [];
  const integer: boolean[] = [];
  const paths = Object.keys(spec.parameters);
  if (paths.length === 0)
    issues.push({ file, path: 'parameters', message: 'name at least one parameter to fit' });
  const memberNames = members.map((m) => m.scenario.name);
  for (const name of paths) {
    const { member, path } = splitParameter(name);
    if (member !== undefined && !(mixture && memberNames.includes(member))) {
      const guess = mixture ? suggest(member, memberNames) : undefined;
      issues.push({
        file,
        path: `parameters.${name}`,
        message: mixture
          ? `${show(member)} is not a member of the mixture (expected a member's scenario name, one of ${memberNames.join(', ')}${guess ? `; did you mean "${guess}"?` : ''}, or the bare path for one value in every member)`
          : `MEMBER:path names one member of a mixture, and this spec fits one scenario (expected the bare path ${show(path)})`,
      });
      continue;
    }
    const range = parameterRange(path, scale);
    if (typeof range === 'string') {
      const guess = range === 'not a parameter' ? suggest(path, known) : undefined;
      issues.push({
        file,
        path: `parameters.${name}`,
        message: `${range}${guess ? ` (did you mean "${guess}"?)` : ''}`,
      });
      continue;
    }
    if (member === undefined && members.length > 1) {
      const own = members.map((m) => valueAt(m.scenario, path));
      if (own.some((v) => v !== own[0])) {
        issues.push({
          file,
          path: `parameters.${name}`,
          message: `the members set it differently (${members.map((m, k) => `${m.scenario.name} ${own[k]}`).join(', ')}); a fitted parameter takes one value in every member, replacing their own (expected a parameter the members share, or one member's own as ${members[0]?.scenario.name}:${path})`,
        });
        continue;
      }
    }
    if (member !== undefined && paths.includes(path)) {
      issues.push({
        file,
        path: `parameters.${name}`,
        message: `${path} is fitted for every member too (expected either the shared ${path} or members' own values, not both)`,
      });
      continue;
    }
    const prior = priorOf(name, spec.parameters[name] as Spec['parameters'][string], range, file, issues);
    if (prior) {
      parameters.push({ name, prior });
      integer.push(range.integer);
    }
  }
  if (mixture) {
    const sizes = [
      ['replicates', spec.replicates],
      ['predictive.replicates', spec.predictive.replicates],
      ['synthetic.replicates', spec.synthetic?.replicates],
    ] as const;
    for (const [field, n] of sizes) {
      if (n === undefined) continue;
      const counts = members.map((_, k) => replicateMembers(members, n).filter((m) => m === k).length);
      const empty = members.filter((_, k) => counts[k] === 0);
      if (empty.length)
        issues.push({
          file,
          path: field,
          message: `${n} replicates give ${empty.map((m) => `${m.scenario.name} (share ${m.share})`).join(' and ')} none (expected at least one replicate of every member: ${enoughReplicates(members, n)} or more)`,
        });
    }
  }
  const columns = outcomeColumns(members.map((m) => m.scenario));
  const names = Object.keys(spec.targets);
  if (names.length === 0) issues.push({ file, path: 'targets', message: 'name at least one target' });
  const targets = names.flatMap((name) => {
    const t = targetOf(name, spec.targets[name] as TargetSpec, base, spec.mixture, columns, file, issues);
    return t ? [t] : [];
  });
  if (spec.synthetic) {
    for (const [path, value] of Object.entries(spec.synthetic.values)) {
      if (!paths.includes(path))
        issues.push({
          file,
          path: `synthetic.values.${path}`,
          message: `not one of the parameters fitted (expected one of ${paths.join(', ')})`,
        });
      const range = parameterRange(splitParameter(path).path, scale);
      if (typeof range !== 'string' && !(value >= range.low && value <= range.high))
        issues.push({
          file,
          path: `synthetic.values.${path}`,
          message: `outside the allowed range (got ${value}, expected ${range.low} … ${range.high})`,
        });
    }
  }
  if (issues.length) throw new ScenarioError(issues);
  // The prior's centre must be a scenario the model accepts, or rules between parameters make the prior empty.
  const centre = parameters.map(({ prior }) =>
    prior.kind === 'normal'
      ? Math.min(Math.max(prior.mean, prior.low), prior.high)
      : (prior.low + prior.high) / 2,
  );
  const c: Calibration = { spec, members, parameters, integer, targets };
  for (const m of members) {
    try {
      validateScenario(memberAt(m, pointOf(c, centre)), file);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      const which = mixture ? `the member ${m.scenario.name}` : 'the base scenario';
      throw new ScenarioError(
        e.issues.map((i) => ({
          ...i,
          message: `${i.message} (${which} with every parameter at its prior's centre)`,
        })),
      );
    }
  }
  return c;
}

/** Whether the model accepts every member at these values (rules between parameters). */
export function acceptsPoint(c: Calibration, theta: readonly number[]): boolean {
  const point = pointOf(c, theta);
  try {
    for (const m of c.members) validateScenario(memberAt(m, point), 'proposal');
    return true;
  } catch (e) {
    if (e instanceof ScenarioError) return false;
    throw e;
  }
}

/** The prior as a table reads it: "uniform 0.2 … 1", "normal(0.45, 0.1) on 0 … 1000". */
export function describePrior(prior: Prior): string {
  const r = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? '∞' : '−∞');
  if (prior.kind === 'normal')
    return `normal(${prior.mean}, ${prior.sd}) on ${r(prior.low)} … ${r(prior.high)}`;
  return `${prior.kind} ${prior.low} … ${prior.high}`;
}
