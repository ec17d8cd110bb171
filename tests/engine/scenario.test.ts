/** Scenario files: the built-ins validate; bad input is refused with the field, the value and what was expected. */
import { readdirSync, readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fileResolver, loadScenarioFile, readSource, SCENARIO_DIR } from '../../src/cli/scenarios.ts';
import { parameters, parameterTable } from '../../src/engine/parameters.ts';
import { asPatient, loadScenario, unknownScenario } from '../../src/engine/scenario.ts';
import { MAX_SEED, parseSeed, scenarioSchema } from '../../src/engine/schema.ts';
import { refusal } from '../support/scenarios.ts';

const BUILT_IN = [
  'breast',
  'breast-her2-early',
  'breast-her2-late',
  'breast-er-positive',
  'breast-er-positive-tamoxifen',
  'breast-er-positive-untreated',
  'breast-triple-negative',
  'breast-er-positive-1980',
  'breast-her2-1980',
  'breast-triple-negative-1980',
  'colorectal-liver',
  'experimental-metastasis-liver',
  'experimental-metastasis-lung',
  'teaching-basic',
  'ctc-half-life',
  'hahnfeldt-lewis-lung',
  'her2-mouse-early',
  'breast-late-tubiana',
  'stress-seeding',
  'tissue-franssen',
  'tissue-teaching',
  'tissue-centimetre',
];

const messages = (text: string) => refusal(() => loadScenario({ name: 'bad.yaml', text }, fileResolver));

describe('built-in scenarios', () => {
  it('all exist and validate', () => {
    const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.map((f) => f.replace('.yaml', '')).sort()).toEqual([...BUILT_IN].sort());
    for (const name of BUILT_IN) expect(loadScenarioFile(name).name).toBe(name);
  });

  it('the early/late pair differs only in the dissemination programme', () => {
    const early = asPatient(loadScenarioFile('breast-her2-early'));
    const late = asPatient(loadScenarioFile('breast-her2-late'));
    const strip = (s: typeof early) => ({
      ...s,
      name: '',
      description: '',
      invasion: { ...s.invasion, programme: '' },
    });
    expect(strip(late)).toEqual(strip(early));
    expect([early.invasion.programme, late.invasion.programme]).toEqual(['early', 'late']);
  });

  it('the treated arm of the tamoxifen trials differs from breast-er-positive only in the clinic of its time', () => {
    const today = asPatient(loadScenarioFile('breast-er-positive'));
    const trial = asPatient(loadScenarioFile('breast-er-positive-tamoxifen'));
    const strip = (s: typeof today) => ({
      ...s,
      name: '',
      description: '',
      clinical: {
        ...s.clinical,
        salvage: { enabled: false },
        metastaticTherapy: { ...s.clinical.metastaticTherapy, enabled: false },
        screening: { ...s.clinical.screening, enabled: false },
      },
    });
    expect(strip(trial)).toEqual(strip(today));
    const { endocrine, salvage, metastaticTherapy, screening } = trial.clinical;
    expect([endocrine, salvage, metastaticTherapy, screening].map((c) => c.enabled)).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('the untreated ER+ arm differs from the treated arm only in its endocrine therapy being off', () => {
    const treated = asPatient(loadScenarioFile('breast-er-positive-tamoxifen'));
    const untreated = asPatient(loadScenarioFile('breast-er-positive-untreated'));
    const strip = (s: typeof treated) => ({
      ...s,
      name: '',
      description: '',
      clinical: { ...s.clinical, endocrine: { ...s.clinical.endocrine, enabled: false } },
    });
    expect(strip(untreated)).toEqual(strip(treated));
    expect([treated.clinical.endocrine.enabled, untreated.clinical.endocrine.enabled]).toEqual([true, false]);
  });

  it('each subtype as treated around 1980 differs from today only in screening, adjuvant systemic therapy, salvage and metastatic therapy', () => {
    const pairs = [
      ['breast-er-positive', 'breast-er-positive-1980'],
      ['breast-her2-early', 'breast-her2-1980'],
      ['breast-triple-negative', 'breast-triple-negative-1980'],
    ] as const;
    for (const [today, then] of pairs) {
      const now = asPatient(loadScenarioFile(today));
      const old = asPatient(loadScenarioFile(then));
      const strip = (s: typeof now) => ({
        ...s,
        name: '',
        description: '',
        clinical: {
          ...s.clinical,
          screening: { ...s.clinical.screening, enabled: false },
          endocrine: { ...s.clinical.endocrine, enabled: false },
          chemotherapy: { ...s.clinical.chemotherapy, enabled: false },
          salvage: { enabled: false },
          metastaticTherapy: { ...s.clinical.metastaticTherapy, enabled: false },
        },
      });
      expect(strip(old)).toEqual(strip(now));
      const { screening, endocrine, chemotherapy, salvage, metastaticTherapy } = old.clinical;
      expect([screening, endocrine, chemotherapy, salvage, metastaticTherapy].map((c) => c.enabled)).toEqual([
        false,
        false,
        false,
        false,
        false,
      ]);
    }
  });

  it('the breast subtypes share every parameter of breast.yaml but growth rate, therapy, programme, dormancy and its waking by surgery, shedding and ER+ nodes', () => {
    const base = asPatient(loadScenarioFile('breast'));
    const strip = (s: typeof base, erPositive = false, tripleNegative = false) => ({
      ...s,
      name: '',
      description: '',
      growth: { ...s.growth, lambda: 0 },
      // ER+ cells go dormant, wake and die at their own rates (fitted to Pan 2017).
      colonisation: erPositive
        ? { ...s.colonisation, wakeHazard: 0, dormantFraction: 0, dormantDeathHazard: 0 }
        : s.colonisation,
      // Each subtype sheds at its own rates, and triple-negative nodes mark its spread
      // less (docs/calibration.md, "Growth-tied shedding"); the spread and the tie to growth
      // are shared.
      invasion: {
        ...s.invasion,
        programme: '',
        bloodRate: 0,
        lymphRate: 0,
        shedCorrelation: tripleNegative ? 0 : s.invasion.shedCorrelation,
      },
      // ER+ node colonies meet a lower immune pressure (docs/calibration.md, "ER+ nodes and blood").
      sites: erPositive
        ? Object.fromEntries(
            Object.entries(s.sites).map(([k, v]) => [
              k,
              k.endsWith('Node') ? { ...v, immunePressure: 0 } : v,
            ]),
          )
        : s.sites,
      // Surgery wakes each subtype's dormant cells by its own factor (docs/calibration.md,
      // "Surgery-driven waking"); how long it acts is shared.
      clinical: {
        ...s.clinical,
        surgery: { ...s.clinical.surgery, wakeFactor: 0 },
        endocrine: null,
        chemotherapy: null,
        metastaticTherapy: null,
      },
    });
    expect(strip(asPatient(loadScenarioFile('breast-er-positive')), true)).toEqual(strip(base, true));
    for (const name of ['breast-her2-early', 'breast-her2-late'])
      expect(strip(asPatient(loadScenarioFile(name))), name).toEqual(strip(base));
    expect(strip(asPatient(loadScenarioFile('breast-triple-negative')), false, true)).toEqual(
      strip(base, false, true),
    );
  });

  it('scenarios/schema.json is generated from the schema', () => {
    const committed = JSON.parse(readSource('schema.json', `${SCENARIO_DIR}/x.yaml`).text);
    expect(committed).toEqual(JSON.parse(JSON.stringify(z.toJSONSchema(scenarioSchema, { io: 'input' }))));
  });

  it('docs/parameters.md is generated from the schema', () => {
    expect(readFileSync('docs/parameters.md', 'utf8')).toBe(parameterTable());
  });

  it("lists each scale's parameters: the patient sections, the tissue section, and what both hold", () => {
    const sections = (scale?: 'patient' | 'tissue') => [...new Set(parameters(scale).map((p) => p.keys[0]))];
    expect(sections('tissue')).toEqual(['name', 'description', 'seed', 'scale', 'batch', 'tissue']);
    expect(sections('patient')).not.toContain('tissue');
    expect(sections('patient')).toContain('representation');
    expect(
      parameters()
        .filter((p) => p.scale === 'both')
        .map((p) => p.keys[0]),
    ).not.toContain('tissue');
    const scale = parameters().find((p) => p.path === 'scale');
    expect(scale).toMatchObject({ scale: 'both', default: 'patient', choices: ['patient', 'tissue'] });
    const side = parameters('tissue').find((p) => p.path === 'tissue.lattice.side');
    expect(side).toMatchObject({ type: 'integer', min: 11, max: 1001, default: 201, unit: 'lattice points' });
    expect(side?.sections.map((s) => s.path)).toEqual(['tissue', 'tissue.lattice']);
  });

  it('every numeric parameter carries a unit, a source and a description', () => {
    const numeric = parameters().filter((p) => p.type === 'number' || p.type === 'integer');
    expect(numeric.length).toBeGreaterThan(100);
    const missing = numeric.flatMap((p) =>
      (['unit', 'source', 'description'] as const).filter((key) => !p[key]).map((key) => `${p.path}: ${key}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('bad input', () => {
  it('names the field, the value and what was expected for a wrong type', () => {
    expect(messages('growth:\n  lambda: fast\n')).toEqual([
      'bad.yaml: growth.lambda: wrong type (got "fast", expected a number)',
    ]);
  });

  it('refuses NaN', () => {
    expect(messages('growth:\n  turnover: .nan\n')).toEqual([
      'bad.yaml: growth.turnover: wrong type (got NaN, expected a number)',
    ]);
  });

  it('refuses a negative rate', () => {
    expect(messages('circulation:\n  clearanceRate: -3\n')).toEqual([
      'bad.yaml: circulation.clearanceRate: too small (got -3, expected >= 0)',
    ]);
  });

  it('refuses a probability above 1', () => {
    expect(messages('extravasation:\n  probability: 1.2\n')).toEqual([
      'bad.yaml: extravasation.probability: too large (got 1.2, expected <= 1)',
    ]);
  });

  it('refuses unknown keys and suggests the nearest', () => {
    expect(messages('circulation:\n  survivalSingel: 0.001\nsedd: 3\n')).toEqual([
      'bad.yaml: circulation.survivalSingel: unknown key (did you mean "survivalSingle"?)',
      'bad.yaml: sedd: unknown key (did you mean "seed"?)',
    ]);
  });

  it('refuses a value outside an enumeration', () => {
    expect(messages('invasion:\n  programme: sometimes\n')).toEqual([
      'bad.yaml: invasion.programme: not allowed (got "sometimes", expected one of "early", "late", "mixed")',
    ]);
  });

  it('refuses a non-integer where an integer is needed', () => {
    expect(messages('primary:\n  initialCells: 10.5\n')).toEqual([
      'bad.yaml: primary.initialCells: wrong type (got 10.5, expected an integer)',
    ]);
  });

  it('refuses malformed YAML', () => {
    const [line] = messages('growth:\n  lambda: [1, 2\n');
    expect(line).toMatch(/^bad\.yaml: \(file\): malformed YAML\/JSON: /);
  });

  it('refuses flow shares that do not sum to 1', () => {
    expect(messages('sites:\n  bone: { flowShare: 0.5 }\n')).toEqual([
      'bad.yaml: sites: organ flowShare values must sum to 1 (got 1.45000, expected 1)',
    ]);
  });

  it('refuses an unknown base and a cycle of extends', () => {
    expect(messages('extends: no-such-scenario\n')[0]).toMatch(/extends: cannot load "no-such-scenario"/);
    const resolver = (ref: string) => ({ name: ref, text: `extends: ${ref === 'a' ? 'b' : 'a'}\n` });
    expect(() => loadScenario({ name: 'a', text: 'extends: b\n' }, resolver)).toThrow(/extends itself/);
  });

  it('refuses an empty file, and one of comments only, naming the file', () => {
    const empty = 'bad.yaml: (file): empty (expected a mapping of parameters; write {} for every default)';
    expect(messages('')).toEqual([empty]);
    expect(messages('# nothing yet\n\n')).toEqual([empty]);
    expect(loadScenario({ name: 'defaults.yaml', text: '{}\n' }).name).toBe('unnamed');
  });

  it('refuses a seed outside 0…2^31−1 or not an integer, with the one seed message', () => {
    const expected = 'expected an integer from 0 to 2147483647';
    expect(messages('seed: 99999999999\n')).toEqual([
      `bad.yaml: seed: not a valid seed (got 99999999999, ${expected})`,
    ]);
    expect(messages('seed: 1.5\n')).toEqual([`bad.yaml: seed: not a valid seed (got 1.5, ${expected})`]);
    expect(messages('seed: -1\n')).toEqual([`bad.yaml: seed: not a valid seed (got -1, ${expected})`]);
    expect(messages('seed: 2147483648\n')).toEqual([
      `bad.yaml: seed: not a valid seed (got 2147483648, ${expected})`,
    ]);
    expect(messages('batch:\n  latinHypercube:\n    seed: -1\n    ranges: {}\n')).toEqual([
      `bad.yaml: batch.latinHypercube.seed: not a valid seed (got -1, ${expected})`,
    ]);
    expect(loadScenario({ name: 'ok.yaml', text: `seed: ${MAX_SEED}\n` }).seed).toBe(MAX_SEED);
    expect(loadScenario({ name: 'ok.yaml', text: 'seed: 0\n' }).seed).toBe(0);
  });

  it('refuses a malformed flag or link seed as the schema does', () => {
    expect(parseSeed('7', '--seed')).toBe(7);
    expect(parseSeed(' 2147483647 ', '--seed')).toBe(MAX_SEED);
    expect(() => parseSeed('99999999999', '--seed')).toThrow(
      '--seed: not a valid seed (got 99999999999, expected an integer from 0 to 2147483647)',
    );
    expect(() => parseSeed('', 'seed')).toThrow('seed: not a valid seed (got "", expected');
    expect(() => parseSeed('seven', 'link: seed')).toThrow(
      'link: seed: not a valid seed (got "seven", expected',
    );
    expect(() => parseSeed('Infinity', 'seed')).toThrow('(got "Infinity", expected');
  });

  // Every number typed as text gets, after its field, the words a scenario file with it gets.
  test.prop([
    fc.oneof(
      fc.integer({ min: 0, max: MAX_SEED }),
      fc.integer({ min: MAX_SEED + 1, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -1 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    ),
  ])('a seed is accepted or refused alike by a file and by text', (value) => {
    const text = String(value);
    let fromText: string | number;
    try {
      fromText = parseSeed(text, 'seed');
    } catch (e) {
      fromText = `bad.yaml: ${(e as Error).message}`;
    }
    let fromFile: string | number;
    try {
      fromFile = loadScenario({ name: 'bad.yaml', text: `{"seed": ${text}}` }).seed;
    } catch (e) {
      fromFile = (e as Error).message;
    }
    expect(fromText).toEqual(fromFile);
  });

  it('suggests the nearest built-in for an unknown scenario name', () => {
    const names = ['breast-her2-early', 'breast-her2-late', 'teaching-basic'];
    expect(unknownScenario('breast-her2-erly', names)).toBe(
      'no built-in scenario named "breast-her2-erly" (did you mean "breast-her2-early"?)',
    );
    expect(unknownScenario('teaching', names)).toBe(
      'no built-in scenario named "teaching" (did you mean "teaching-basic"?)',
    );
    expect(unknownScenario('melanoma', names, 'see the list')).toBe(
      'no built-in scenario named "melanoma" (see the list)',
    );
    expect(unknownScenario('melanoma', names)).toBe('no built-in scenario named "melanoma"');
  });

  it('accepts JSON as well as YAML', () => {
    const s = asPatient(
      loadScenario({ name: 'x.json', text: '{"name": "json", "growth": {"lambda": 0.001}}' }),
    );
    expect(s.growth.lambda).toBe(0.001);
  });
});
