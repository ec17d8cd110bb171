/**
 * Scenarios in the page: the built-in files (bundled as text), loading a user's
 * file, and the compact form a share link carries: a built-in base plus the
 * values that differ from it. A choice is resolved and validated here once, and
 * the validated scenario goes on with it (to the panel, the view and the worker).
 */
import { stringify } from 'yaml';
import {
  deepMerge,
  parseScenarioText,
  type Resolver,
  resolveExtends,
  ScenarioError,
  type ScenarioSource,
  unknownScenario,
  validateScenario,
} from '../engine/scenario.ts';
import { type AnyScenario, parseSeed } from '../engine/schema.ts';

type Raw = Record<string, unknown>;

const files = import.meta.glob('../../scenarios/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export const BUILT_IN: Record<string, string> = Object.fromEntries(
  Object.entries(files).map(([path, text]) => [path.replace(/^.*\/(.*)\.yaml$/, '$1'), text]),
);
export const DEFAULT_SCENARIO = 'breast-her2-early';

export const resolver: Resolver = (ref) => {
  const text = BUILT_IN[ref.replace(/^.*\//, '').replace(/\.ya?ml$/, '')];
  if (text === undefined) throw new Error(unknownScenario(ref, Object.keys(BUILT_IN)));
  return { name: ref, text };
};

/** The scenario being shown: a built-in base (or none) plus changes. */
export interface ScenarioChoice {
  base: string | null;
  diff: Raw;
}

/** A choice with its scenario, resolved and validated once, and the seed to run it with. */
export interface Chosen {
  choice: ScenarioChoice;
  scenario: AnyScenario;
  seed: number;
  /** What the page calls it (the compare view's legends): a built-in's name, a file's, "… (edited)". */
  name: string;
}

/** The name of a scenario whose parameters were changed from `name`'s. */
export const editedName = (name: string): string => (name.endsWith(' (edited)') ? name : `${name} (edited)`);

/** A deep-frozen value: the resolved built-ins are shared by every choice made from them. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

const bases = new Map<string, Raw>();

/** A built-in scenario with its `extends` merged in; each is parsed once, then shared read-only. */
export function baseRaw(base: string | null): Raw {
  if (!base) return {};
  let raw = bases.get(base);
  if (!raw) {
    raw = frozen(resolveExtends(resolver(base, ''), resolver));
    bases.set(base, raw);
  }
  return raw;
}

/**
 * Resolves and validates a choice (`file` names it in errors, `name` on the page);
 * the seed defaults to the scenario's. Throws ScenarioError naming the fields.
 */
export function resolveChoice(
  choice: ScenarioChoice,
  seed?: number,
  file = choice.base ?? 'scenario',
  name = file,
): Chosen {
  const scenario = validateScenario(deepMerge(baseRaw(choice.base), choice.diff), file);
  return { choice, scenario, seed: seed ?? scenario.seed, name };
}

/** A user's file, parsed once: its `extends` (a built-in) becomes the base, the rest the changes. */
export function chosenFromFile(source: ScenarioSource): Chosen {
  const { extends: ext, ...own } = parseScenarioText(source);
  const name = typeof ext === 'string' ? ext.replace(/^.*\//, '').replace(/\.ya?ml$/, '') : '';
  const base = BUILT_IN[name] !== undefined ? name : null;
  let diff = own;
  if (base) diff = diffFrom(baseRaw(base), deepMerge(baseRaw(base), own));
  // An `extends` that names no built-in goes to the resolver, whose error says what is wrong with it.
  else if (ext !== undefined) diff = resolveExtends(source, resolver);
  return resolveChoice({ base, diff }, undefined, source.name);
}

/** The leaves of `next` that differ from `base`. */
export function diffFrom(base: Raw, next: Raw): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries(next)) {
    const b = base[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)) {
      const d = diffFrom(b as Raw, v as Raw);
      if (Object.keys(d).length) out[k] = d;
    } else if (JSON.stringify(v) !== JSON.stringify(b)) out[k] = v;
  }
  return out;
}

export function setPath(target: Raw, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Raw;
  }
  node[path[path.length - 1] as string] = value;
}

// ---------------------------------------------------------------- share links

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** The link's part after `#`: the scenario, the seed, the changes and, when on, the guided mode for class. */
export function shareHash({ choice, seed }: Chosen, guided = false): string {
  const params = new URLSearchParams();
  if (choice.base) params.set('scenario', choice.base);
  params.set('seed', String(seed));
  if (Object.keys(choice.diff).length) params.set('diff', toBase64Url(JSON.stringify(choice.diff)));
  if (guided) params.set('guided', '1');
  return `#${params.toString()}`;
}

/** Whether a link opens the guided mode (`guided=1`; `0` or none: not); throws naming anything else. */
export function parseGuided(hash: string): boolean {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('guided');
  if (value === null || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`link: guided: expected 1 (on) or 0 (off) (got "${value}")`);
}

/** Reads and validates a share link; throws with a message naming what is wrong. */
export function parseShareHash(hash: string): Chosen | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (!params.has('seed') && !params.has('scenario')) return null;
  const base = params.get('scenario');
  if (base !== null && BUILT_IN[base] === undefined)
    throw new Error(`link: scenario: ${unknownScenario(base, Object.keys(BUILT_IN))}`);
  // The same rule and message as --seed and a scenario file's seed.
  const seed = parseSeed(params.get('seed') ?? '1', 'link: seed');
  let diff: Raw = {};
  const encoded = params.get('diff');
  if (encoded) {
    try {
      diff = JSON.parse(fromBase64Url(encoded)) as Raw;
    } catch {
      throw new Error('link: diff: not a valid encoded scenario');
    }
  }
  const name = base ?? 'scenario';
  return resolveChoice({ base, diff }, seed, name, Object.keys(diff).length ? editedName(name) : name);
}

/** The current scenario as a file `seedsoil` accepts. */
export function scenarioYaml({ choice, seed }: Chosen): string {
  const body = choice.base ? { extends: choice.base, ...choice.diff, seed } : { ...choice.diff, seed };
  return `# exported from the seedsoil web app\n${stringify(body)}`;
}

export function describeError(e: unknown): string {
  if (e instanceof ScenarioError) return e.message;
  return (e as Error).message ?? String(e);
}
