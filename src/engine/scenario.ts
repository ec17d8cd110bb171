/**
 * Scenario files: YAML or JSON text, optionally `extends` another scenario, then
 * validated by the one schema. Errors name the file, the field, the value and what
 * was expected; unknown keys get a "did you mean". Reading files is left to the
 * caller (a resolver), so this module stays free of Node and DOM APIs.
 */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import {
  type AnyScenario,
  type Scale,
  type Scenario,
  scenarioSchema,
  type TissueScenario,
} from './schema.ts';

export interface ScenarioSource {
  /** File path or built-in name, used in messages and to resolve `extends`. */
  name: string;
  text: string;
}

/** Finds the source of `ref` (a built-in name or a path relative to `from`). */
export type Resolver = (ref: string, from: string) => ScenarioSource;

export interface ScenarioIssue {
  file: string;
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  constructor(readonly issues: ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ScenarioError';
  }
}

export function formatIssue(i: ScenarioIssue): string {
  return `${i.file}: ${i.path}: ${i.message}`;
}

type Raw = Record<string, unknown>;

function isPlainObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseScenarioText(source: ScenarioSource): Raw {
  let data: unknown;
  try {
    data = parseYaml(source.text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? 'malformed';
    throw new ScenarioError([
      { file: source.name, path: '(file)', message: `malformed YAML/JSON: ${message}` },
    ]);
  }
  // An empty file (or one of comments only) is more likely a mistake than a wish for every default.
  if (data === null || data === undefined) {
    throw new ScenarioError([
      {
        file: source.name,
        path: '(file)',
        message: 'empty (expected a mapping of parameters; write {} for every default)',
      },
    ]);
  }
  if (!isPlainObject(data)) {
    throw new ScenarioError([
      { file: source.name, path: '(root)', message: `expected a mapping of parameters (got ${show(data)})` },
    ]);
  }
  return data;
}

/** Objects merge key by key; anything else in `over` replaces what `base` had. */
export function deepMerge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/** The raw scenario with its `extends` chain merged in (base first), `extends` removed. */
export function resolveExtends(source: ScenarioSource, resolve?: Resolver, seen: string[] = []): Raw {
  const raw = parseScenarioText(source);
  const parent = raw.extends;
  delete raw.extends;
  if (parent === undefined) return raw;
  if (typeof parent !== 'string') {
    throw new ScenarioError([
      {
        file: source.name,
        path: 'extends',
        message: `wrong type (got ${show(parent)}, expected a scenario name or path)`,
      },
    ]);
  }
  let base: ScenarioSource;
  try {
    if (!resolve) throw new Error('no resolver for extends');
    base = resolve(parent, source.name);
  } catch (e) {
    throw new ScenarioError([
      { file: source.name, path: 'extends', message: `cannot load "${parent}" (${(e as Error).message})` },
    ]);
  }
  // A loop is a file met twice, by the name the resolver gives it: the same relative
  // text (`../base.yaml`) names different files in different folders.
  const chain = seen.length === 0 ? [source.name] : seen;
  if (chain.includes(base.name)) {
    throw new ScenarioError([
      {
        file: source.name,
        path: 'extends',
        message: `extends itself through ${[...chain, base.name].join(' -> ')}`,
      },
    ]);
  }
  return deepMerge(resolveExtends(base, resolve, [...chain, base.name]), raw);
}

export function validateScenario(raw: unknown, file: string): AnyScenario {
  const parsed = scenarioSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) {
    const { $schema: _, extends: __, ...scenario } = parsed.data;
    return scenario;
  }
  const scale: Scale = isPlainObject(raw) && raw.scale === 'tissue' ? 'tissue' : 'patient';
  throw new ScenarioError(parsed.error.issues.flatMap((issue) => describeIssue(issue, file, scale)));
}

export function loadScenario(source: ScenarioSource, resolve?: Resolver): AnyScenario {
  return validateScenario(resolveExtends(source, resolve), source.name);
}

/** Every parameter at its default: the built-in default scenario. */
export function defaultScenario(): Scenario {
  return asPatient(validateScenario({}, '(defaults)'));
}

/** Every tissue parameter at its default (Franssen et al. 2019's configuration). */
export function defaultTissueScenario(): TissueScenario {
  return asTissue(validateScenario({ scale: 'tissue' }, '(defaults)'));
}

function wrongScale(s: AnyScenario, expected: Scale): ScenarioError {
  return new ScenarioError([
    { file: s.name, path: 'scale', message: `expected a ${expected} scenario (got ${s.scale})` },
  ]);
}

/** The scenario as a patient-scale one, for code that runs only that scale. */
export function asPatient(s: AnyScenario): Scenario {
  if (s.scale === 'patient') return s;
  throw wrongScale(s, 'patient');
}

/** The scenario as a tissue-scale one, for code that runs only that scale. */
export function asTissue(s: AnyScenario): TissueScenario {
  if (s.scale === 'tissue') return s;
  throw wrongScale(s, 'tissue');
}

// ---------------------------------------------------------------- messages

/** A value as an error message quotes it. */
export function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function describeIssue(issue: z.core.$ZodIssue, file: string, scale: Scale): ScenarioIssue[] {
  const path = issue.path.map(String).join('.') || '(root)';
  // A section of the other scale: the schema's message names where it belongs.
  if (issue.code === 'invalid_type' && issue.expected === 'never')
    return [{ file, path, message: issue.message }];
  if (
    issue.code === 'invalid_union' &&
    issue.discriminator !== undefined &&
    'options' in issue &&
    issue.options
  ) {
    // No scale matches: the discriminator's issue lists the scales (a patient scenario may omit it).
    const value = isPlainObject(issue.input) ? issue.input[issue.discriminator] : undefined;
    const allowed = issue.options.filter((v) => v !== undefined).map(show);
    return [
      { file, path, message: `not allowed (got ${show(value)}, expected one of ${allowed.join(', ')})` },
    ];
  }
  return describeZodIssue(issue, file, (at) => knownKeys(at, scale));
}

/**
 * A zod issue as "file: path: what is wrong (got …, expected …)", the form every
 * file the tools read reports its errors in (scenarios, calibration and
 * sensitivity specs); `knownKeys` lists the keys allowed at a path, for "did you mean".
 */
export function describeZodIssue(
  issue: z.core.$ZodIssue,
  file: string,
  knownKeys: (path: string[]) => readonly string[],
): ScenarioIssue[] {
  const path = issue.path.map(String).join('.') || '(root)';
  const got = show(issue.input);
  const one = (message: string) => [{ file, path, message }];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const guess = suggest(key, knownKeys(issue.path.map(String)));
        const hint = guess ? ` (did you mean "${guess}"?)` : '';
        return { file, path: path === '(root)' ? key : `${path}.${key}`, message: `unknown key${hint}` };
      });
    case 'invalid_type': {
      const names: Record<string, string> = { int: 'an integer', array: 'a list', object: 'a mapping' };
      const expected = names[issue.expected] ?? `a ${issue.expected}`;
      return one(
        issue.input === undefined
          ? `missing (expected ${expected})`
          : `wrong type (got ${got}, expected ${expected})`,
      );
    }
    case 'too_small':
      return one(
        issue.origin === 'array' || issue.origin === 'string'
          ? `too short (expected at least ${issue.minimum} ${issue.origin === 'array' ? 'entries' : 'characters'})`
          : `too small (got ${got}, expected ${issue.inclusive ? '>=' : '>'} ${issue.minimum})`,
      );
    case 'too_big':
      return one(`too large (got ${got}, expected ${issue.inclusive ? '<=' : '<'} ${issue.maximum})`);
    case 'invalid_value':
      return one(`not allowed (got ${got}, expected one of ${issue.values.map(show).join(', ')})`);
  }
  return one(issue.message);
}

const defaultsCache: Partial<Record<Scale, Raw>> = {};

/** Keys allowed at a path of a scenario of this scale, read off its defaults (every section has them) plus the optional root keys. */
function knownKeys(path: string[], scale: Scale): string[] {
  defaultsCache[scale] ??= (scale === 'tissue' ? defaultTissueScenario() : defaultScenario()) as Raw;
  let node: unknown = defaultsCache[scale];
  for (const p of path) node = isPlainObject(node) ? node[p] : undefined;
  const keys = isPlainObject(node) ? Object.keys(node) : [];
  return path.length === 0 ? [...keys, 'extends', '$schema'] : keys;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/**
 * The message for a scenario name that is not built in, with the closest built-in
 * name (by edit distance, or the one name it begins) as a suggestion; `hint` is
 * said instead when none is close.
 */
export function unknownScenario(name: string, builtIn: readonly string[], hint?: string): string {
  const prefixed = builtIn.filter((b) => name.length >= 3 && b.startsWith(name));
  const guess = suggest(name, builtIn) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
  const more = guess ? ` (did you mean "${guess}"?)` : hint ? ` (${hint})` : '';
  return `no built-in scenario named "${name}"${more}`;
}

export function suggest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3));
  for (const c of candidates) {
    const d = editDistance(key.toLowerCase(), c.toLowerCase());
    if (d <= bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
