/**
 * What every section of the scenario schema is built from: the names of drivers,
 * lymph nodes, organs and sites, and the parameter helpers that give each value
 * its default, range, unit, source and description.
 */
import { z } from 'zod';

export const DRIVERS = ['angiogenic', 'invasive', 'immuneEvasion', 'colonisation'] as const;
export type DriverName = (typeof DRIVERS)[number];

export const NODES = ['sentinelNode', 'regionalNode', 'distantNode'] as const;
export const ORGANS = [
  'lung',
  'liver',
  'bone',
  'brain',
  'adrenal',
  'kidney',
  'peritoneum',
  'skin',
  'other',
] as const;
/** Every place a cell can be: the primary's organ, the lymph-node chain in order, distant organs. */
export const SITES = ['primary', ...NODES, ...ORGANS] as const;
/** Sites that hold disseminated cells and metastases: the node chain, then the organs. */
export const METASTATIC_SITES = [...NODES, ...ORGANS] as const;
export type SiteName = (typeof SITES)[number];

export type ParamMeta = {
  unit: string;
  source: string;
  description: string;
};

export function num(def: number, min: number, max: number, meta: ParamMeta) {
  return z.number().min(min).max(max).default(def).meta(meta);
}
export function int(def: number, min: number, max: number, meta: ParamMeta) {
  return z.number().int().min(min).max(max).default(def).meta(meta);
}
/** The largest seed: 31 bits, which every generator, tool and language reads exactly. */
export const MAX_SEED = 2 ** 31 - 1;

export function isSeed(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_SEED;
}

/**
 * The one message for a bad seed, wherever it was given (a scenario file, a
 * command-line flag, a share link, the page's seed box); `got` is the value as
 * the user wrote it.
 */
export function seedProblem(got: string): string {
  return `not a valid seed (got ${got}, expected an integer from 0 to ${MAX_SEED})`;
}

/**
 * A seed typed as text (`--seed`, a link's `seed=`, the seed box), checked by the
 * same rule as a scenario file's; throws "field: not a valid seed (…)".
 */
export function parseSeed(text: string, field: string): number {
  const typed = text.trim();
  const value = typed === '' ? Number.NaN : Number(typed);
  if (isSeed(value)) return value;
  const got = Number.isFinite(value) ? typed : JSON.stringify(text);
  throw new Error(`${field}: ${seedProblem(got)}`);
}

/** A seed in a scenario: a number checked by `isSeed`, refused with `seedProblem`'s message. */
export function seed(def: number, meta: ParamMeta) {
  return (
    z
      .number()
      .check((ctx) => {
        if (!isSeed(ctx.value))
          ctx.issues.push({ code: 'custom', message: seedProblem(String(ctx.value)), input: ctx.value });
      })
      .default(def)
      // The check is opaque to JSON Schema: state the same range for editors and the parameter reference.
      .meta({ ...meta, type: 'integer', minimum: 0, maximum: MAX_SEED })
  );
}
export function prob(def: number, meta: Omit<ParamMeta, 'unit'>) {
  return num(def, 0, 1, { unit: 'probability', ...meta });
}
export function rate(def: number, meta: Omit<ParamMeta, 'unit'>, unit = '1/day') {
  return num(def, 0, 1e3, { unit, ...meta });
}
export function flag(def: boolean, description: string) {
  return z.boolean().default(def).meta({ unit: 'boolean', source: 'scenario choice', description });
}

/**
 * A group of parameters. `check` holds the rules between its fields; its issues
 * are reported under the section's path unless they name a field.
 */
export function section<T extends z.ZodRawShape>(
  shape: T,
  description: string,
  check?: (value: z.output<z.ZodObject<T, z.core.$strict>>, ctx: z.RefinementCtx) => void,
) {
  const object = z.strictObject(shape);
  // Every field has a default, so an absent section is filled in whole.
  return (check ? object.superRefine(check) : object).prefault({} as never).meta({ description });
}

/**
 * A section of the other scale, refused wherever it is set with `message`. The
 * editor schema shows it as not allowed and does not offer it.
 */
export function misplaced(message: string) {
  return z.never({ error: message }).optional().meta({ description: message, doNotSuggest: true });
}

export const drainage = z.enum(['systemic', 'portal', 'pulmonary']);
export const driverList = z.array(z.enum(DRIVERS));
