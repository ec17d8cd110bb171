/** Scenario files on disk: built-in names resolve to scenarios/NAME.yaml, anything else is a path. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, type Resolver, type ScenarioSource } from '../engine/scenario.ts';
import type { AnyScenario } from '../engine/schema.ts';

export const SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

function isPathLike(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.(ya?ml|json)$/i.test(ref);
}

export function readSource(ref: string, from?: string): ScenarioSource {
  if (!isPathLike(ref)) {
    const file = resolve(SCENARIO_DIR, `${ref}.yaml`);
    if (!existsSync(file)) throw new Error(`no built-in scenario named "${ref}"`);
    return { name: ref, text: readFileSync(file, 'utf8') };
  }
  const file = isAbsolute(ref) || !from || !isPathLike(from) ? resolve(ref) : resolve(dirname(from), ref);
  return { name: ref, text: readFileSync(file, 'utf8') };
}

export const fileResolver: Resolver = (ref, from) => readSource(ref, from);

export function loadScenarioFile(ref: string): AnyScenario {
  return loadScenario(readSource(ref), fileResolver);
}
