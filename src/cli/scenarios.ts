/** Scenario files on disk: built-in names resolve to scenarios/NAME.yaml, anything else is a path. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, type Resolver, type ScenarioSource, unknownScenario } from '../engine/scenario.ts';
import type { AnyScenario } from '../engine/schema.ts';

export const SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

function isPathLike(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.(ya?ml|json)$/i.test(ref);
}

/** The built-in scenarios' names, in alphabetical order. */
export function builtInNames(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** `seedsoil scenarios`: each built-in's name and the first line of its description. */
export function scenarioList(): string {
  const names = builtInNames();
  const width = Math.max(...names.map((n) => n.length));
  return names
    .map((name) => {
      const line = loadScenarioFile(name).description.split('\n')[0]?.trim() ?? '';
      return `${name.padEnd(width)}  ${line}`.trimEnd();
    })
    .join('\n');
}

export function readSource(ref: string, from?: string): ScenarioSource {
  if (!isPathLike(ref)) {
    const file = resolve(SCENARIO_DIR, `${ref}.yaml`);
    if (!existsSync(file))
      throw new Error(unknownScenario(ref, builtInNames(), '`seedsoil scenarios` lists them'));
    return { name: ref, text: readFileSync(file, 'utf8') };
  }
  // A path in a file is relative to that file; its name carries the folder so that
  // what it extends in turn resolves from there too.
  const name = isAbsolute(ref) || !from || !isPathLike(from) ? ref : join(dirname(from), ref);
  return { name, text: readFileSync(resolve(name), 'utf8') };
}

export const fileResolver: Resolver = (ref, from) => readSource(ref, from);

export function loadScenarioFile(ref: string): AnyScenario {
  return loadScenario(readSource(ref), fileResolver);
}
