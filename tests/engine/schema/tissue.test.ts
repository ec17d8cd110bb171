/** Tissue scenarios: validation messages, the scale rule and the built-in files. */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/cli/scenarios.ts';
import {
  asTissue,
  defaultScenario,
  defaultTissueScenario,
  loadScenario,
  ScenarioError,
  validateScenario,
} from '../../../src/engine/scenario.ts';

function problems(raw: unknown): string[] {
  try {
    validateScenario(raw, 'f.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('tissue scenario validation', () => {
  it('refuses a step at which the explicit MMP-2 scheme is unstable, naming the bound', () => {
    const p = problems({ scale: 'tissue', tissue: { time: { stepSeconds: 1000 } } });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(
      /^tissue\.fields\.mmp2Diffusion: the explicit MMP-2 scheme is unstable .*= 4\.00, expected <= 1/,
    );
  });

  it('refuses motility that leaves no chance to stay', () => {
    const p = problems({ scale: 'tissue', tissue: { motility: { diffusionMesenchymal: 1e-8 } } });
    expect(p.join('\n')).toMatch(/tissue\.motility\.diffusionMesenchymal: moves leave no room to stay/);
  });

  it('refuses arrival shares that do not sum to 1 and more cells than the disc holds', () => {
    const p = problems({
      scale: 'tissue',
      tissue: { vasculature: { arrivalShares: [0.5, 0.4] }, initial: { cells: 500 } },
    });
    expect(p).toContain('tissue.vasculature.arrivalShares: must sum to 1 (got 0.900000, expected 1)');
    expect(p.join('\n')).toMatch(
      /tissue\.initial\.cells: more than the disc holds \(got 500, expected <= .* = 388\)/,
    );
  });

  it('refuses patient sections in a tissue scenario and a tissue section in a patient one', () => {
    expect(problems({ scale: 'tissue', growth: { lambda: 1e-3 } })).toEqual([
      'growth: is a patient-scale section; a tissue scenario (scale: tissue) is set in its tissue section',
    ]);
    expect(problems({ tissue: { lattice: { side: 51 } } })).toEqual([
      'tissue: is read only at the tissue scale (add scale: tissue)',
    ]);
    // Every problem of a file is reported at once, the misplaced section among them.
    expect(
      problems({ scale: 'tissue', growth: { lambda: 1e-3 }, tissue: { vessels: { rupturd: 3 } } }),
    ).toEqual([
      'growth: is a patient-scale section; a tissue scenario (scale: tissue) is set in its tissue section',
      'tissue.vessels.rupturd: unknown key (did you mean "ruptured"?)',
    ]);
    // Even at its defaults: a scenario holds its own scale's sections only.
    expect(problems({ tissue: {} })).toEqual([
      'tissue: is read only at the tissue scale (add scale: tissue)',
    ]);
    expect(problems({ scale: 'tissue', clinical: {}, representation: { mode: 'cohorts' } })).toEqual([
      'clinical: is a patient-scale section; a tissue scenario (scale: tissue) is set in its tissue section',
      'representation: is a patient-scale section; a tissue scenario (scale: tissue) is set in its tissue section',
    ]);
    expect(problems({ scale: 'organ' })).toEqual([
      'scale: not allowed (got "organ", expected one of "patient", "tissue")',
    ]);
    // A misspelt root key in a tissue scenario is matched against the tissue scenario's keys.
    expect(problems({ scale: 'tissue', tisue: {} })).toEqual(['tisue: unknown key (did you mean "tissue"?)']);
  });

  it('resolves to one scale: a validated scenario holds no section of the other and validates again to itself', () => {
    const tissue = validateScenario({ scale: 'tissue', tissue: { lattice: { side: 51 } } }, 'x');
    expect(Object.keys(tissue).sort()).toEqual(['batch', 'description', 'name', 'scale', 'seed', 'tissue']);
    expect(validateScenario(tissue, 'again')).toEqual(tissue);
    const patient = defaultScenario();
    expect(patient.scale).toBe('patient');
    expect('tissue' in patient).toBe(false);
    expect(validateScenario(patient, 'again')).toEqual(patient);
    // Through extends: a tissue file that changes a tissue built-in stays a tissue scenario.
    const child = loadScenario(
      { name: 'child.yaml', text: 'extends: tissue-teaching\nseed: 9\n' },
      (ref) => ({
        name: ref,
        text: ref === 'tissue-teaching' ? 'scale: tissue\ntissue: { lattice: { side: 41 } }\n' : '',
      }),
    );
    expect(asTissue(child).tissue.lattice.side).toBe(41);
    expect(child.seed).toBe(9);
  });

  it("ships tissue-franssen with exactly the schema defaults (the paper's configuration)", () => {
    const franssen = asTissue(loadScenarioFile('tissue-franssen'));
    expect(franssen.tissue).toEqual(defaultTissueScenario().tissue);
    expect(loadScenarioFile('tissue-teaching').scale).toBe('tissue');
  });
});
