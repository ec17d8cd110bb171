/**
 * The parameter reference (docs/parameters.md), generated from the schema so the
 * docs can never disagree with what the engine validates.
 */
import { z } from 'zod';
import { scenarioSchema } from './schema.ts';

interface JsonNode {
  type?: string;
  description?: string;
  unit?: string;
  source?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  items?: JsonNode;
  properties?: Record<string, JsonNode>;
}

function range(n: JsonNode): string {
  if (n.enum) return n.enum.map((v) => `\`${v}\``).join(', ');
  if (n.items?.enum) return `list of ${n.items.enum.map((v) => `\`${v}\``).join(', ')}`;
  if (n.minimum !== undefined || n.maximum !== undefined) return `${n.minimum ?? '−∞'} … ${n.maximum ?? '∞'}`;
  return n.type ?? '';
}

export function parameterTable(): string {
  const root = z.toJSONSchema(scenarioSchema, { io: 'input' }) as JsonNode;
  const lines = [
    '# Scenario parameters',
    '',
    'Generated from the schema (`src/engine/schema.ts`) by `npx seedsoil params`; do not edit by hand.',
    'Every parameter is optional in a scenario file and takes the default shown.',
    '',
    '| parameter | default | unit | allowed | meaning | source |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const walk = (node: JsonNode, path: string) => {
    if (node.properties) {
      for (const [k, v] of Object.entries(node.properties)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    if (path === '$schema' || path === 'extends') return;
    const cell = (v: unknown) => String(v ?? '').replaceAll('|', '\\|');
    lines.push(
      `| \`${path}\` | ${cell(JSON.stringify(node.default))} | ${cell(node.unit)} | ${cell(range(node))} | ${cell(node.description)} | ${cell(node.source)} |`,
    );
  };
  walk(root, '');
  return `${lines.join('\n')}\n`;
}
