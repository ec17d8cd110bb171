/**
 * Every parameter of the schema, one by one: the list the parameter reference
 * (docs/parameters.md), the sweep planner and the page's parameter panel read, so
 * that none of them walks the schema on its own and none can disagree with what
 * the engine validates.
 */
import { z } from 'zod';
import { patientScenarioSchema, type Scale, tissueScenarioSchema } from './schema.ts';

/** A group of parameters (a section or a sub-section) around a parameter. */
export interface ParameterSection {
  path: string;
  description: string;
}

export interface Parameter {
  /** Dotted path in a scenario file, e.g. `growth.lambda`. */
  path: string;
  keys: readonly string[];
  /** The scale whose scenarios hold it; 'both' for the identity fields and `batch`. */
  scale: Scale | 'both';
  /** JSON Schema type of its value. */
  type: 'number' | 'integer' | 'boolean' | 'string' | 'array' | 'object';
  default: unknown;
  unit?: string;
  source?: string;
  description?: string;
  min?: number;
  max?: number;
  /** The allowed values of a choice, or of each entry of a list. */
  choices?: readonly unknown[];
  /** The sections it lies in, outermost first. */
  sections: readonly ParameterSection[];
}

interface JsonNode {
  type?: Parameter['type'];
  description?: string;
  unit?: string;
  source?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  const?: unknown;
  enum?: unknown[];
  not?: unknown;
  items?: JsonNode;
  properties?: Record<string, JsonNode>;
}

/** Root keys that are not parameters: the editor's schema reference and the base scenario. */
const NOT_PARAMETERS = ['$schema', 'extends'];

function collect(scale: Scale, out: Map<string, Parameter>): void {
  const schema = scale === 'patient' ? patientScenarioSchema : tissueScenarioSchema;
  const walk = (node: JsonNode, keys: string[], sections: ParameterSection[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = [...keys, key];
      const dotted = path.join('.');
      // A section of the other scale is declared only to be refused.
      if (child.not !== undefined || (keys.length === 0 && NOT_PARAMETERS.includes(key))) continue;
      if (child.properties) {
        walk(child, path, [...sections, { path: dotted, description: child.description ?? '' }]);
        continue;
      }
      const choices =
        child.enum ?? child.items?.enum ?? (child.const !== undefined ? [child.const] : undefined);
      const seen = out.get(dotted);
      if (seen) {
        // Both scales hold it; `scale` itself allows one value in each.
        seen.scale = 'both';
        if (seen.choices && choices) seen.choices = [...new Set([...seen.choices, ...choices])];
        continue;
      }
      out.set(dotted, {
        path: dotted,
        keys: path,
        scale,
        type: child.type ?? 'string',
        default: child.default,
        ...(child.unit !== undefined && { unit: child.unit }),
        ...(child.source !== undefined && { source: child.source }),
        ...(child.description !== undefined && { description: child.description }),
        ...(child.minimum !== undefined && { min: child.minimum }),
        ...(child.maximum !== undefined && { max: child.maximum }),
        ...(choices && { choices }),
        sections,
      });
    }
  };
  walk(z.toJSONSchema(schema, { io: 'input' }) as JsonNode, [], []);
}

let all: Parameter[] | undefined;

/**
 * Every parameter in file order: the patient scale's first (the fields of both
 * scales among them), then the tissue scale's; with a scale, those a scenario of
 * that scale holds.
 */
export function parameters(scale?: Scale): readonly Parameter[] {
  if (!all) {
    const out = new Map<string, Parameter>();
    collect('patient', out);
    collect('tissue', out);
    all = [...out.values()];
  }
  return scale ? all.filter((p) => p.scale === scale || p.scale === 'both') : all;
}

// ---------------------------------------------------------------- docs/parameters.md

function allowed(p: Parameter): string {
  const listed = p.choices?.map((v) => `\`${v}\``).join(', ');
  if (listed) return p.type === 'array' ? `list of ${listed}` : listed;
  if (p.min !== undefined || p.max !== undefined) return `${p.min ?? '−∞'} … ${p.max ?? '∞'}`;
  return p.type;
}

const GROUPS: { scale: Parameter['scale']; title: string; text: string }[] = [
  { scale: 'both', title: 'Both scales', text: 'Every scenario holds these.' },
  {
    scale: 'patient',
    title: 'Patient scale',
    text: 'A patient scenario (`scale: patient`, the default) holds these sections; a tissue scenario that sets one is refused.',
  },
  {
    scale: 'tissue',
    title: 'Tissue scale',
    text: 'A tissue scenario (`scale: tissue`) holds the tissue section; a patient scenario that sets it is refused.',
  },
];

export function parameterTable(): string {
  const cell = (v: unknown) => String(v ?? '').replaceAll('|', '\\|');
  const lines = [
    '# Scenario parameters',
    '',
    'Generated from the schema (`src/engine/schema/`) by `npx seedsoil params`; do not edit by hand.',
    'Every parameter is optional in a scenario file and takes the default shown.',
  ];
  for (const group of GROUPS) {
    lines.push(
      '',
      `## ${group.title}`,
      '',
      group.text,
      '',
      '| parameter | default | unit | allowed | meaning | source |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const p of parameters().filter((q) => q.scale === group.scale)) {
      lines.push(
        `| \`${p.path}\` | ${cell(JSON.stringify(p.default))} | ${cell(p.unit)} | ${cell(allowed(p))} | ${cell(p.description)} | ${cell(p.source)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
