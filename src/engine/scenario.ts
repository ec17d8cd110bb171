/**
 * Scenario files: YAML or JSON text, optionally `extends` another scenario, then
 * validated by the one schema. Errors name the file, the field, the value and what
 * was expected; unknown keys get a "did you mean". Reading files is left to the
 * caller (a resolver), so this module stays free of Node and DOM APIs.
 */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { canonicalJson } from './hash.ts';
import { type Scenario, scenarioSchema } from './schema.ts';

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
  if (data === null || data === undefined) data = {};
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
  if (seen.includes(parent)) {
    throw new ScenarioError([
      {
        file: source.name,
        path: 'extends',
        message: `extends itself through ${[...seen, parent].join(' -> ')}`,
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
  return deepMerge(resolveExtends(base, resolve, [...seen, parent]), raw);
}

/** Sections both scales read; every other section belongs to one scale (`tissue` to the tissue scale). */
const SHARED_SECTIONS = ['batch'];

/** Sections only the patient scale reads: a tissue scenario setting one is refused (and the reverse). */
function patientSections(): string[] {
  defaultsCache ??= defaultScenario() as unknown as Raw;
  const defaults = defaultsCache;
  return Object.keys(defaults).filter(
    (k) => isPlainObject(defaults[k]) && k !== 'tissue' && !SHARED_SECTIONS.includes(k),
  );
}

/** Whether a section sets anything: a resolved scenario carries the other scale's sections at their defaults. */
function setsSomething(key: string, value: unknown): boolean {
  const shape = scenarioSchema.shape as Record<string, z.ZodType>;
  const parsed = shape[key]?.safeParse(value);
  if (!parsed?.success) return true;
  defaultsCache ??= defaultScenario() as unknown as Raw;
  return canonicalJson(parsed.data) !== canonicalJson(defaultsCache[key]);
}

function scaleIssues(raw: unknown, file: string): ScenarioIssue[] {
  if (!isPlainObject(raw)) return [];
  if (raw.scale !== 'tissue') {
    return raw.tissue !== undefined && setsSomething('tissue', raw.tissue)
      ? [{ file, path: 'tissue', message: 'is read only at the tissue scale (add scale: tissue)' }]
      : [];
  }
  return patientSections()
    .filter((k) => raw[k] !== undefined && setsSomething(k, raw[k]))
    .map((k) => ({
      file,
      path: k,
      message: 'is a patient-scale section; a tissue scenario (scale: tissue) is set in its tissue section',
    }));
}

export function validateScenario(raw: unknown, file: string): Scenario {
  const misplaced = scaleIssues(raw, file);
  const parsed = scenarioSchema.safeParse(raw, { reportInput: true });
  if (parsed.success && misplaced.length === 0) {
    const { $schema: _, extends: __, ...scenario } = parsed.data;
    return scenario as Scenario;
  }
  const invalid = parsed.success ? [] : parsed.error.issues.flatMap((issue) => describeIssue(issue, file));
  throw new ScenarioError([...misplaced, ...invalid]);
}

export function loadScenario(source: ScenarioSource, resolve?: Resolver): Scenario {
  return validateScenario(resolveExtends(source, resolve), source.name);
}

/** Every parameter at its default: the built-in default scenario. */
export function defaultScenario(): Scenario {
  return validateScenario({}, '(defaults)');
}

// ---------------------------------------------------------------- messages

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function describeIssue(issue: z.core.$ZodIssue, file: string): ScenarioIssue[] {
  const path = issue.path.map(String).join('.') || '(root)';
  const got = show(issue.input);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const guess = suggest(key, knownKeys(issue.path.map(String)));
        const hint = guess ? ` (did you mean "${guess}"?)` : '';
        return { file, path: path === '(root)' ? key : `${path}.${key}`, message: `unknown key${hint}` };
      });
    case 'invalid_type':
      return [
        {
          file,
          path,
          message: `wrong type (got ${got}, expected ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`})`,
        },
      ];
    case 'too_small':
      return [
        {
          file,
          path,
          message: `too small (got ${got}, expected ${issue.inclusive ? '>=' : '>'} ${issue.minimum})`,
        },
      ];
    case 'too_big':
      return [
        {
          file,
          path,
          message: `too large (got ${got}, expected ${issue.inclusive ? '<=' : '<'} ${issue.maximum})`,
        },
      ];
    case 'invalid_value':
      return [
        {
          file,
          path,
          message: `not allowed (got ${got}, expected one of ${issue.values.map((v) => show(v)).join(', ')})`,
        },
      ];
    default:
      return [{ file, path, message: issue.message }];
  }
}

let defaultsCache: Raw | undefined;

/** Keys allowed at a path, read off the defaults (every section has them) plus the optional root keys. */
function knownKeys(path: string[]): string[] {
  defaultsCache ??= defaultScenario() as unknown as Raw;
  let node: unknown = defaultsCache;
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
