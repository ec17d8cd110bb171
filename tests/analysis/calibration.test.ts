/**
 * Calibration specs (src/analysis/calibration.ts): what a good spec resolves to,
 * and a message for each mistake that names the field, the value and what was
 * expected.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parameterRange,
  parseSpec,
  pointOf,
  resolveCalibration,
  withValues,
} from '../../src/analysis/calibration.ts';
import { specJsonSchema } from '../../src/cli/calibrate.ts';
import { fileResolver, readSource } from '../../src/cli/scenarios.ts';
import { resolveExtends, ScenarioError, validateScenario } from '../../src/engine/scenario.ts';

const baseRaw = (() => {
  const { batch: _, ...raw } = resolveExtends(readSource('calibrations/small-liver.yaml'), fileResolver);
  return raw;
})();
const base = validateScenario(baseRaw, 'small-liver');

const GOOD = `
scenario: small-liver
parameters:
  extravasation.probability: { prior: uniform, low: 0.1, high: 1 }
  growth.lambda: { prior: normal, mean: 0.45, sd: 0.2 }
  inoculation.cells: { prior: log-uniform, low: 100, high: 10000 }
targets:
  dormant: { column: dormant_cells, summary: mean, observed: 500 }
  median: { column: metastases, summary: quantile, q: 0.5, observed: 40, uncertainty: 3 }
  death: { column: outcome, summary: proportion, equals: death, observed: 0.1 }
`;

function problems(text: string): string[] {
  try {
    resolveCalibration(parseSpec(text, 'spec.yaml'), base, baseRaw, 'spec.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('calibration specs', () => {
  it('resolves priors truncated to the allowed ranges, integer parameters and summaries', () => {
    const c = resolveCalibration(parseSpec(GOOD, 'spec.yaml'), base, baseRaw, 'spec.yaml');
    expect(c.parameters.map((p) => p.prior)).toEqual([
      { kind: 'uniform', low: 0.1, high: 1 },
      { kind: 'normal', mean: 0.45, sd: 0.2, low: 0, high: 1000 },
      { kind: 'log-uniform', low: 100, high: 10000 },
    ]);
    expect(c.integer).toEqual([false, false, true]);
    expect(c.targets.map((t) => t.measure)).toEqual([
      { kind: 'column', summary: { kind: 'mean', column: 'dormant_cells' } },
      { kind: 'column', summary: { kind: 'quantile', column: 'metastases', q: 0.5 } },
      { kind: 'column', summary: { kind: 'proportion', column: 'outcome', equals: 'death' } },
    ]);
    expect(c.spec.tolerance).toEqual({ generations: 5, quantile: 0.5, minAcceptance: 0.01 });
    expect(c.spec.population).toBe(200);
    // A proposal's point: integers rounded, set at their paths in the base scenario.
    const point = pointOf(c, [0.5, 0.3, 1234.6]);
    expect(point).toEqual({
      'extravasation.probability': 0.5,
      'growth.lambda': 0.3,
      'inoculation.cells': 1235,
    });
    const s = validateScenario(withValues(baseRaw, point), 'point') as typeof base & {
      inoculation: { cells: number };
    };
    expect(s.inoculation.cells).toBe(1235);
  });

  it('reads ranges from the scenario schema', () => {
    expect(parameterRange('extravasation.probability', 'patient')).toEqual({
      low: 0,
      high: 1,
      integer: false,
    });
    expect(parameterRange('inoculation.cells', 'patient')).toMatchObject({ low: 0, integer: true });
    expect(parameterRange('primary.drainage', 'patient')).toBe('not a numeric parameter (it is a string)');
    expect(parameterRange('growth', 'patient')).toBe('a section, not a parameter');
    expect(parameterRange('seed', 'patient')).toMatch(/not a model parameter/);
  });

  it('names each mistake of the spec itself: field, value, expectation', () => {
    expect(problems(`${GOOD}\npopulation: 1\nreplicats: 3\ntolerance: { quantile: 1.5 }\n`).sort()).toEqual([
      'spec.yaml: population: too small (got 1, expected >= 2)',
      'spec.yaml: replicats: unknown key (did you mean "replicates"?)',
      'spec.yaml: tolerance.quantile: too large (got 1.5, expected < 1)',
    ]);
    expect(problems(GOOD.replace('prior: uniform', 'prior: gamma'))).toEqual([
      'spec.yaml: parameters.extravasation.probability.prior: not allowed (got "gamma", expected one of "uniform", "log-uniform", "normal")',
    ]);
    expect(problems('parameters: {}\ntargets: {}\n')).toEqual([
      'spec.yaml: scenario: missing (expected a string)',
    ]);
    expect(problems('- a list')).toEqual([
      'spec.yaml: (root): expected a mapping (a calibration spec) (got a list)',
    ]);
  });

  it('names each mistake against the base scenario', () => {
    const bad = GOOD.replace(
      'extravasation.probability: { prior: uniform, low: 0.1, high: 1 }',
      [
        'extravasation.probabilty: { prior: uniform, low: 0.1, high: 1 }',
        '  colonisation.colonyFraction: { prior: uniform, low: 0.1, high: 2 }',
        '  primary.drainage: { prior: uniform, low: 0, high: 1 }',
        '  angiogenesis.b: { prior: log-uniform, low: 0, high: 1 }',
        '  growth.turnover: { prior: normal, mean: -50, sd: 1 }',
        '  colonisation.dormantFraction: { prior: uniform, high: 0.5, mean: 3 }',
      ].join('\n'),
    )
      .replace('column: dormant_cells', 'column: dormant_cell')
      .replace('summary: quantile, q: 0.5', 'summary: quantile')
      .replace('equals: death, observed: 0.1', 'equals: death, observed: 3');
    expect(problems(bad)).toEqual([
      'spec.yaml: parameters.extravasation.probabilty: not a parameter (did you mean "extravasation.probability"?)',
      'spec.yaml: parameters.colonisation.colonyFraction.high: above the allowed range of colonisation.colonyFraction, 0 … 1 (got 2, expected <= 1)',
      'spec.yaml: parameters.primary.drainage: not a numeric parameter (it is a string)',
      'spec.yaml: parameters.angiogenesis.b.low: too small (got 0, expected > 0 for a log-uniform prior)',
      'spec.yaml: parameters.growth.turnover.mean: the normal prior puts almost no probability inside 0 … 1000 (got mean -50, sd 1; less than 1e-6 of its mass)',
      'spec.yaml: parameters.colonisation.dormantFraction.mean: not used by a uniform prior (it takes low and high)',
      'spec.yaml: parameters.colonisation.dormantFraction.low: missing (a uniform prior needs low and high)',
      'spec.yaml: targets.dormant.column: not an outcome column of this scenario\'s scale (got "dormant_cell"; did you mean "dormant_cells"?)',
      'spec.yaml: targets.median.q: missing (the quantile, 0 < q < 1)',
      'spec.yaml: targets.death.observed: a proportion lies in 0 … 1 (got 3)',
    ]);
  });

  it('refuses a summary that does not suit its column, with the values it takes', () => {
    const spec = `${GOOD}
  textMean: { column: outcome, summary: mean, observed: 0.1 }
  textQuantile: { column: recurrence_type, summary: quantile, q: 0.5, observed: 1 }
  textAbove: { column: outcome, summary: proportion, above: 0, observed: 0.1 }
  unknown: { column: outcome, summary: proportion, equals: dead, observed: 0.1 }
  recurrence: { column: recurrence_type, summary: proportion, equals: distant, observed: 0.1 }
  numberEquals: { column: metastases, summary: proportion, equals: '3', observed: 0.1 }
  dayMean: { column: death_day, summary: mean, observed: 300 }
  dayQuantile: { column: first_macro_day, summary: quantile, q: 0.5, observed: 30 }
  happened: { column: first_macro_day, summary: proportion, observed: 0.5 }
  always: { column: metastases, summary: proportion, observed: 0.5 }
`;
    expect(problems(spec)).toEqual([
      'spec.yaml: targets.textMean.summary: outcome is text, it has no mean (got "mean", expected "proportion" with equals: one of "end", "death")',
      'spec.yaml: targets.textQuantile.summary: recurrence_type is text, it has no quantile (got "quantile", expected "proportion" with equals: one of "local", "regional", "distant", "")',
      'spec.yaml: targets.textAbove.equals: missing: outcome is text, so its proportion counts the replicates equal to one of "end", "death" (not above a number)',
      'spec.yaml: targets.unknown.equals: not a value of outcome (got "dead", expected one of "end", "death")',
      'spec.yaml: targets.numberEquals.equals: metastases is a number, not text (got "3"; count the replicates above a value with above)',
      'spec.yaml: targets.dayMean.summary: death_day is -1 when the event never happened, so a mean mixes -1 with values (got "mean", expected "proportion": the share of replicates where it happened, or above a value)',
      'spec.yaml: targets.dayQuantile.summary: first_macro_day is -1 when the event never happened, so a quantile mixes -1 with values (got "quantile", expected "proportion": the share of replicates where it happened, or above a value)',
      'spec.yaml: targets.always.above: missing: metastases is never below 0, so the share of replicates with it >= 0 is always 1 (expected a threshold, or summary "mean")',
    ]);
  });

  it('checks reproduce targets and synthetic values', () => {
    const spec = `${GOOD}
  luzzi: { reproduce: luzzi-1998, quantity: extravasated by day 3, observed: 0.8 }
  typo: { reproduce: luzi-1998, quantity: x, observed: 1 }
  wrong: { reproduce: luzzi-1998, quantity: extravasated, observed: 1 }
  mixed: { reproduce: breast-population, quantity: distant metastases at diagnosis, observed: 0.06 }
synthetic:
  values: { extravasation.probability: 1.5, growth.turnover: 0.1 }
  replicates: 5
  seed: 1
`;
    expect(problems(spec)).toEqual([
      'spec.yaml: targets.typo.reproduce: no such reproduce target (got "luzi-1998", expected one of luzzi-1998, meng-2004, hahnfeldt-1999, hosseini-2016, tubiana-1991, pan-2017, hu-2019, franssen-2019, breast-population, colorectal-population; did you mean "luzzi-1998"?)',
      'spec.yaml: targets.wrong.quantity: not a quantity of luzzi-1998 (got "extravasated", expected one of "extravasated by day 3", "micrometastases at day 3", "macrometastases at day 13", "solitary dormant cells at day 13")',
      'spec.yaml: targets.mixed.reproduce: breast-population mixes the scenarios breast-er-positive, breast-her2-early, breast-triple-negative; a calibration fits one scenario (fit its outcome columns instead, e.g. stage_at_diagnosis)',
      'spec.yaml: synthetic.values.extravasation.probability: outside the allowed range (got 1.5, expected 0 … 1)',
      'spec.yaml: synthetic.values.growth.turnover: not one of the parameters fitted (expected one of extravasation.probability, growth.lambda, inoculation.cells)',
    ]);
  });

  it('ships its JSON Schema for editors (calibrations/schema.json), up to date', () => {
    expect(JSON.parse(readFileSync('calibrations/schema.json', 'utf8'))).toEqual(
      JSON.parse(specJsonSchema()),
    );
  });
});
