/**
 * The parameter panel: one input per parameter of the scenario schema (from
 * `parameters()`), in folding boxes by section, each labelled with its
 * description, unit, range, default and source.
 */
import { type Parameter, parameters } from '../engine/parameters.ts';
import type { AnyScenario } from '../engine/schema.ts';
import { yieldToPage } from './tasks.ts';

/** Fields every scenario has that the panel leaves to the scenario file and the seed box. */
const NOT_EDITED = ['name', 'description', 'seed'];

export interface ParameterPanel {
  /**
   * Shows the values of `scenario` and only the sections its scale reads: the
   * engine refuses a scenario that sets the other scale's values, so they must
   * not be editable. The scale itself comes with the scenario.
   */
  show(scenario: AnyScenario): void;
}

function parameterInput(
  p: Parameter,
  onChange: (value: unknown) => void,
): HTMLInputElement | HTMLSelectElement | undefined {
  if (p.choices && p.type !== 'array') {
    const select = document.createElement('select');
    for (const v of p.choices) select.append(new Option(String(v), String(v)));
    select.addEventListener('change', () => onChange(select.value));
    return select;
  }
  if (p.type === 'boolean') {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.addEventListener('change', () => onChange(box.checked));
    return box;
  }
  if (p.type === 'number' || p.type === 'integer') {
    const box = document.createElement('input');
    box.type = 'number';
    box.step = 'any';
    // An emptied field is not a zero: it is ignored until it holds a number again.
    box.addEventListener('change', () => {
      if (box.value.trim() !== '') onChange(Number(box.value));
    });
    return box;
  }
  return undefined;
}

/**
 * Builds the panel into `list`; `onChange` gets each edit as the keys of the
 * parameter and its new value. The schema's list of parameters is made in a task
 * of its own (tasks.ts), as the page loads.
 */
export async function createParameterPanel(
  list: HTMLElement,
  onChange: (path: string[], value: unknown) => void,
): Promise<ParameterPanel> {
  const all = parameters();
  await yieldToPage();
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  /** The box of each section, made when its first parameter is placed. */
  const boxes = new Map<string, HTMLElement>();
  const boxOf = (p: Parameter): HTMLElement => {
    let into = list;
    for (const s of p.sections) {
      let box = boxes.get(s.path);
      if (!box) {
        box = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = s.path.slice(s.path.lastIndexOf('.') + 1);
        summary.title = s.description;
        box.append(summary);
        if (into === list) {
          box.dataset.section = s.path;
          box.dataset.scale = p.scale;
        }
        into.append(box);
        boxes.set(s.path, box);
      }
      into = box;
    }
    return into;
  };
  for (const p of all) {
    if (NOT_EDITED.includes(p.path)) continue;
    const input = parameterInput(p, (value) => onChange([...p.keys], value));
    if (!input) continue;
    const label = document.createElement('label');
    label.textContent = p.keys[p.keys.length - 1] as string;
    const range = p.min !== undefined ? `; range ${p.min} to ${p.max}` : '';
    label.title = `${p.description ?? ''}\nunit: ${p.unit ?? '-'}${range}; default ${JSON.stringify(p.default)}\nsource: ${p.source ?? '-'}`;
    input.dataset.path = p.path;
    inputs.set(p.path, input);
    if (p.keys.length === 1) {
      label.dataset.section = p.path;
      label.dataset.scale = p.scale;
    }
    label.append(input);
    boxOf(p).append(label);
  }
  return {
    show(scenario) {
      for (const [key, input] of inputs) {
        let v: unknown = scenario;
        for (const p of key.split('.')) v = (v as Record<string, unknown>)?.[p];
        // The other scale's fields have no value here; they stay hidden.
        if (v === undefined) continue;
        if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = Boolean(v);
        else input.value = String(v);
      }
      for (const el of list.querySelectorAll<HTMLElement>(':scope > [data-section]')) {
        el.hidden =
          el.dataset.section === 'scale' ||
          (el.dataset.scale !== 'both' && el.dataset.scale !== scenario.scale);
      }
    },
  };
}
