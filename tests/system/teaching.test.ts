/**
 * The scenarios a teacher opens first must show every phase at their own seed (the
 * `seed:` of the file, which the page and `seedsoil run` use when no seed is given):
 * a class that opens one and presses Run sees the whole story, from shedding to a
 * macrometastasis and the clinic, within the run's duration.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/scenarios.ts';
import { asPatient } from '../../src/engine/scenario.ts';
import { run } from '../../src/engine/simulation.ts';

/** The scenarios held to this: the one a class opens first and the page's default. */
const FOR_CLASS = ['teaching-basic', 'breast-her2-early'];

/** Each phase a class must see, and how a run shows that it happened. */
type Result = ReturnType<typeof run>;
const PHASES: [string, (r: Result) => boolean][] = [
  [
    'shedding',
    (r) => (r.summary.funnel.shed ?? 0) > 0 && r.events.some((e) => e.type === 'first_dissemination'),
  ],
  ['CTCs in a blood sample', (r) => (r.series.ctc_per_sample as number[]).some((n) => n > 0)],
  ['killed in the circulation', (r) => (r.summary.funnel.killed ?? 0) > 0],
  ['arrest', (r) => (r.summary.funnel.arrested ?? 0) > 0],
  ['extravasation', (r) => (r.summary.funnel.extravasated ?? 0) > 0],
  ['dormancy', (r) => (r.summary.funnel.dormant ?? 0) > 0],
  [
    'angiogenic switch of the primary',
    (r) => r.events.some((e) => e.type === 'angiogenic_switch' && e.site === 'primary'),
  ],
  ['a colony', (r) => r.events.some((e) => e.type === 'first_colony')],
  ['a micrometastasis', (r) => r.events.some((e) => e.type === 'first_micro')],
  [
    'angiogenic switch at a new site',
    (r) => r.events.some((e) => e.type === 'angiogenic_switch' && e.site !== 'primary'),
  ],
  [
    'a macrometastasis',
    (r) => r.events.some((e) => e.type === 'first_macro') && (r.summary.funnel.macro ?? 0) > 0,
  ],
  ['detection', (r) => r.events.some((e) => e.type === 'detection')],
  ['surgery', (r) => r.events.some((e) => e.type === 'surgery')],
];

describe('every phase at the default seed', () => {
  for (const name of FOR_CLASS) {
    it(`${name} shows every phase at its own seed`, () => {
      const scenario = asPatient(loadScenarioFile(name));
      const r = run(scenario, { seed: scenario.seed });
      const missing = PHASES.filter(([, happened]) => !happened(r)).map(([phase]) => phase);
      expect(missing, `${name} at seed ${scenario.seed}`).toEqual([]);
      // Within the run's duration (ten years for teaching-basic), as its description promises.
      expect(Math.max(...r.events.map((e) => e.day))).toBeLessThanOrEqual(scenario.time.durationDays);
    });
  }
});
