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
