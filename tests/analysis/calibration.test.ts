/**
 * Calibration specs (src/analysis/calibration.ts): what a good spec resolves to,
 * and a message for each mistake that names the field, the value and what was
 * expected.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  acceptsPoint,
  describeScenarios,
  type Member,
  memberAt,
  memberRefs,
  parameterRange,
  parseSpec,
  pointOf,
  replicateMembers,
  resolveCalibration,
  splitParameter,
  withValues,
} from '../../src/analysis/calibration.ts';
import { specJsonSchema } from '../../src/cli/calibrate.ts';
import { fileResolver, readSource } from '../../src/cli/scenarios.ts';
import { resolveExtends, ScenarioError, validateScenario } from '../../src/engine/scenario.ts';
import { BREAST_POPULATION, scenarioOfReplicate, TARGETS } from '../../src/reproduce/targets.ts';

/** A scenario as the command line loads a spec's scenario or a mixture's member. */
function load(ref: string, share = 1, field = 'scenario'): Member {
  const source = readSource(ref);
  const { batch: _, ...raw } = resolveExtends(source, fileResolver);
  return { ref, share, field, raw, scenario: validateScenario(raw, source.name) };
}

const small = load('calibrations/small-liver.yaml');
const baseRaw = small.raw;
const base = small.scenario;

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
    resolveCalibration(parseSpec(text, 'spec.yaml'), [small], 'spec.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split('\n');
    throw e;
  }
  return [];
}

/** A spec resolved as the command line resolves it: its scenarios loaded, then checked against them. */
function resolveText(text: string) {
  const spec = parseSpec(text, 'spec.yaml');
  const members = memberRefs(spec, 'spec.yaml').map((m) => load(m.ref, m.share, m.field));
  return resolveCalibration(spec, members, 'spec.yaml');
}

function mixtureProblems(text: string): string[] {
  try {
    resolveText(text);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split('\n');
    throw e;
  }
  return [];
}

const POPULATION = `
mixture: breast-population
parameters:
  sites.liver.soil: { prior: log-uniform, low: 0.02, high: 0.12 }
  sites.bone.soil: { prior: uniform, low: 0.4, high: 1 }
targets:
  distant: { reproduce: breast-population, quantity: distant metastases at diagnosis, observed: 0.06 }
  regional: { column: stage_at_diagnosis, summary: proportion, equals: regional, observed: 0.29 }
replicates: 12
`;

describe('calibration specs', () => {
  it('resolves priors truncated to the allowed ranges, integer parameters and summaries', () => {
    const c = resolveCalibration(parseSpec(GOOD, 'spec.yaml'), [small], 'spec.yaml');
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
      'spec.yaml: scenario: missing (expected the scenario to fit, or instead mixture: the scenarios of a population and their shares)',
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
      'spec.yaml: targets.typo.reproduce: no such reproduce target (got "luzi-1998", expected one of luzzi-1998, meng-2004, hahnfeldt-1999, hosseini-2016, tubiana-1991, pan-2017, ebctcg-2011, hu-2019, franssen-2019, breast-population, carter-1989, carter-1989-under-1-cm, colorectal-population; did you mean "luzzi-1998"?)',
      'spec.yaml: targets.wrong.quantity: not a quantity of luzzi-1998 (got "extravasated", expected one of "extravasated by day 3", "micrometastases at day 3", "macrometastases at day 13", "solitary dormant cells at day 13")',
      'spec.yaml: targets.mixed.reproduce: breast-population mixes the scenarios breast-er-positive, breast-her2-early, breast-triple-negative; it is measured on a mixture, not on one scenario (expected mixture: breast-population instead of scenario, or an outcome column such as stage_at_diagnosis)',
      'spec.yaml: synthetic.values.extravasation.probability: outside the allowed range (got 1.5, expected 0 … 1)',
      'spec.yaml: synthetic.values.growth.turnover: not one of the parameters fitted (expected one of extravasation.probability, growth.lambda, inoculation.cells)',
    ]);
  });

  it('ships its JSON Schema for editors (calibrations/schema.json), up to date', () => {
    expect(JSON.parse(readFileSync('calibrations/schema.json', 'utf8'))).toEqual(
      JSON.parse(specJsonSchema()),
    );
  });

  it('a mixture names a population: its members, in order, at their shares', () => {
    const c = resolveText(POPULATION);
    expect(c.members.map((m) => [m.scenario.name, m.share])).toEqual(
      BREAST_POPULATION.map((p) => [p.scenario, p.share]),
    );
    expect(describeScenarios(c.spec, c.members)).toBe(
      'breast-population (breast-er-positive 74.2%, breast-her2-early 14.5%, breast-triple-negative 11.3%)',
    );
    expect(c.targets.map((t) => t.measure.kind)).toEqual(['reproduce', 'column']);
    // The same population listed member by member.
    const listed = POPULATION.replace(
      'mixture: breast-population',
      `mixture:\n${BREAST_POPULATION.map((p) => `  - { scenario: ${p.scenario}, share: ${p.share} }`).join('\n')}`,
    );
    const explicit = resolveText(listed);
    expect(explicit.members.map((m) => [m.scenario.name, m.share, m.field])).toEqual(
      BREAST_POPULATION.map((p, k) => [p.scenario, p.share, `mixture.${k}.scenario`]),
    );
    // A proposal is a point of every member; a value a member refuses is refused for the mixture.
    expect(acceptsPoint(c, [0.1, 0.8])).toBe(true);
    expect(acceptsPoint(c, [0.1, 1.5])).toBe(false);
  });

  it("divides a particle's replicates among the members exactly as seedsoil reproduce divides a population", () => {
    const c = resolveText(POPULATION);
    const target = TARGETS.find((t) => t.name === 'breast-population');
    if (!target) throw new Error('breast-population');
    for (const n of [1, 2, 5, 6, 7, 12, 20, 33, 60, 99, 1000]) {
      const members = replicateMembers(c.members, n).map((k) => c.members[k]?.scenario.name);
      expect(members).toEqual(Array.from({ length: n }, (_, i) => scenarioOfReplicate(target, i, n)));
    }
  });

  it('refuses a mixture it cannot run, naming the field, the value and what was expected', () => {
    expect(mixtureProblems(POPULATION.replace('breast-population\n', 'breast-populaton\n'))).toEqual([
      'spec.yaml: mixture: no population named "breast-populaton" (expected the population of a reproduce target, one of "ebctcg-2011", "breast-population", "carter-1989", "carter-1989-under-1-cm", or a list of { scenario, share }; did you mean "breast-population"?)',
    ]);
    expect(
      mixtureProblems(
        POPULATION.replace(
          'reproduce: breast-population, quantity: distant metastases at diagnosis',
          'reproduce: carter-1989, quantity: "5-year survival, tumour ≥ 5 cm, node-negative"',
        ),
      ),
    ).toEqual([
      'spec.yaml: targets.distant.reproduce: carter-1989 is measured on its own population (got mixture "breast-population", expected mixture: carter-1989, or a list of { scenario, share })',
    ]);
    expect(mixtureProblems(`scenario: breast\n${POPULATION}`)).toEqual([
      'spec.yaml: mixture: give either scenario or mixture, not both (got scenario "breast" and a mixture)',
    ]);
    expect(mixtureProblems(POPULATION.replace('mixture: breast-population', 'mixture: 3'))).toEqual([
      'spec.yaml: mixture: wrong type (got 3, expected the name of a population, "ebctcg-2011", "breast-population", "carter-1989", "carter-1989-under-1-cm", or a list of { scenario, share })',
    ]);
    const list = (members: string) => POPULATION.replace('mixture: breast-population', `mixture: ${members}`);
    expect(
      mixtureProblems(
        list(
          '[{ scenario: breast-er-positive, share: 74.2 }, { scenario: breast-triple-negative, share: 25.8 }]',
        ),
      ),
    ).toEqual([
      'spec.yaml: mixture.0.share: too large (got 74.2, expected <= 1)',
      'spec.yaml: mixture.1.share: too large (got 25.8, expected <= 1)',
    ]);
    expect(
      mixtureProblems(
        list(
          '[{ scenario: breast-er-positive, share: 0.7 }, { scenario: breast-triple-negative, share: 0.2 }]',
        ),
      ),
    ).toEqual([
      "spec.yaml: mixture: the shares sum to 0.8999999999999999 (expected 1: each member's share of the patients, such as 0.742)",
    ]);
    expect(
      mixtureProblems(
        list('[{ scenario: breast-er-positive, share: 0.5 }, { scenario: breast-er-positive, share: 0.5 }]'),
      ),
    ).toEqual([
      'spec.yaml: mixture.1.scenario: listed twice (got "breast-er-positive"; give each member once, with its whole share)',
    ]);
    expect(
      mixtureProblems(
        list('[{ scenario: breast-er-positive, share: 0.5 }, { scenario: tissue-teaching, share: 0.5 }]'),
      ),
    ).toEqual([
      "spec.yaml: mixture: the members are of different scales (got breast-er-positive: patient, tissue-teaching: tissue; expected one scale: a parameter or outcome column of one scale is missing from the other's scenarios)",
    ]);
  });

  it('refuses a parameter the members set differently, and ensembles that leave a member out', () => {
    const spec = POPULATION.replace(
      'targets:',
      [
        '  growth.lambda: { prior: log-uniform, low: 0.0003, high: 0.002 }',
        '  colonisation.wakeHazard: { prior: log-uniform, low: 0.00001, high: 0.001 }',
        'targets:',
      ].join('\n'),
    ).replace('replicates: 12', 'replicates: 5\npredictive: { replicates: 4 }');
    expect(mixtureProblems(spec)).toEqual([
      "spec.yaml: parameters.growth.lambda: the members set it differently (breast-er-positive 0.00053, breast-her2-early 0.00079, breast-triple-negative 0.00124); a fitted parameter takes one value in every member, replacing their own (expected a parameter the members share, or one member's own as breast-er-positive:growth.lambda)",
      "spec.yaml: parameters.colonisation.wakeHazard: the members set it differently (breast-er-positive 0.0003, breast-her2-early 0.00005, breast-triple-negative 0.00005); a fitted parameter takes one value in every member, replacing their own (expected a parameter the members share, or one member's own as breast-er-positive:colonisation.wakeHazard)",
      'spec.yaml: replicates: 5 replicates give breast-her2-early (share 0.145) none (expected at least one replicate of every member: 6 or more)',
      'spec.yaml: predictive.replicates: 4 replicates give breast-triple-negative (share 0.113) none (expected at least one replicate of every member: 6 or more)',
    ]);
  });

  it("fits one member's own value as MEMBER:path, and only in that member", () => {
    const spec = POPULATION.replace(
      'targets:',
      [
        '  breast-er-positive:growth.lambda: { prior: log-uniform, low: 0.0003, high: 0.001 }',
        '  breast-triple-negative:growth.lambda: { prior: log-uniform, low: 0.0008, high: 0.002 }',
        'targets:',
      ].join('\n'),
    );
    const c = resolveText(spec);
    expect(c.parameters.map((p) => p.name)).toEqual([
      'sites.liver.soil',
      'sites.bone.soil',
      'breast-er-positive:growth.lambda',
      'breast-triple-negative:growth.lambda',
    ]);
    const point = pointOf(c, [0.05, 0.5, 0.0006, 0.0015]);
    const lambdas = c.members.map((m) => {
      const raw = memberAt(m, point) as { growth: { lambda: number }; sites: { liver: { soil: number } } };
      return [m.scenario.name, raw.growth.lambda, raw.sites.liver.soil];
    });
    // The HER2+ member keeps its own growth rate; every member takes the shared soil.
    expect(lambdas).toEqual([
      ['breast-er-positive', 0.0006, 0.05],
      ['breast-her2-early', 0.00079, 0.05],
      ['breast-triple-negative', 0.0015, 0.05],
    ]);
    const wrong = POPULATION.replace(
      'targets:',
      [
        '  breast-er-postive:growth.lambda: { prior: log-uniform, low: 0.0003, high: 0.001 }',
        '  breast-her2-early:sites.bone.soil: { prior: uniform, low: 0.4, high: 1 }',
        '  breast-triple-negative:growth.lambda: { prior: log-uniform, low: 0.0008, high: 2000 }',
        'targets:',
      ].join('\n'),
    );
    expect(mixtureProblems(wrong)).toEqual([
      `spec.yaml: parameters.breast-er-postive:growth.lambda: "breast-er-postive" is not a member of the mixture (expected a member's scenario name, one of breast-er-positive, breast-her2-early, breast-triple-negative; did you mean "breast-er-positive"?, or the bare path for one value in every member)`,
      "spec.yaml: parameters.breast-her2-early:sites.bone.soil: sites.bone.soil is fitted for every member too (expected either the shared sites.bone.soil or members' own values, not both)",
      'spec.yaml: parameters.breast-triple-negative:growth.lambda.high: above the allowed range of growth.lambda, 0 … 1000 (got 2000, expected <= 1000)',
    ]);
    expect(problems(GOOD.replace('  growth.lambda:', '  small-liver:growth.lambda:'))).toEqual([
      'spec.yaml: parameters.small-liver:growth.lambda: MEMBER:path names one member of a mixture, and this spec fits one scenario (expected the bare path "growth.lambda")',
    ]);
  });

  // Each shipped spec fits values a scenario holds (found by hand first): its priors must
  // surround them, or the posterior could not contain the point the scenario ships.
  it.each(['breast-population', 'breast-detection', 'luzzi', 'colorectal'])(
    "ships calibrations/%s.yaml: reproduce targets, priors around the scenario's values",
    (name) => {
      const c = resolveText(readFileSync(`calibrations/${name}.yaml`, 'utf8'));
      expect(c.targets.every((t) => t.measure.kind === 'reproduce')).toBe(true);
      for (const p of c.parameters) {
        // A shared parameter takes one value in every member, so the first member's is every member's.
        const { member, path } = splitParameter(p.name);
        const scenario = (c.members.find((m) => m.scenario.name === member) ?? c.members[0])?.scenario;
        const value = path
          .split('.')
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], scenario);
        expect({
          parameter: p.name,
          value,
          inside: (value as number) > p.prior.low && (value as number) < p.prior.high,
        }).toEqual({
          parameter: p.name,
          value,
          inside: true,
        });
      }
    },
  );

  it("ships calibrations/breast-population.yaml on the breast population's members", () => {
    const c = resolveText(readFileSync('calibrations/breast-population.yaml', 'utf8'));
    expect(c.members.map((m) => m.scenario.name)).toEqual(BREAST_POPULATION.map((p) => p.scenario));
  });
});
