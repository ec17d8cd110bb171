/**
 * What differs between patients of one scenario: drawn once per run from a
 * stream of its own; the page draws the same traits to show a run's own detection lines.
 */
import { createStream } from './random.ts';
import { erfc, normal } from './samplers.ts';
import type { Scenario } from './schema.ts';
import type { PatientTraits } from './state.ts';

/**
 * Draws a patient's traits from a stream of their own, all of them always, so
 * that changing one parameter never shifts another trait's draw or any phase's stream.
 */
export function drawPatientTraits(s: Scenario, seed: number, replicate: number): PatientTraits {
  const u = createStream(seed, replicate, 'patient');
  const zGrowth = normal(u);
  const zSymptoms = normal(u);
  const screened = u() < s.clinical.screening.participation;
  const zShed = normal(u);
  const zLymph = normal(u);
  const { shedSpread: sigma, shedCorrelation: rho, shedGrowthExponent: kappa } = s.invasion;
  const lambdaFactor = Math.exp(s.growth.lambdaSpread * zGrowth);
  return {
    lambdaFactor,
    symptomaticMm: s.clinical.symptomaticMm * Math.exp(s.clinical.symptomaticSpread * zSymptoms),
    // The same draw under the hazard law: -ln(1 - Φ(z)) is Exp(1), and a patient found late
    // by one law is found late by the other.
    symptomaticLevel: -Math.log(0.5 * erfc(zSymptoms / Math.SQRT2)),
    screened,
    // Fast tumours shed faster (kappa > 0): lambdaFactor^kappa = exp(kappa σ_λ zGrowth).
    shedFactor: Math.exp(sigma * zShed + kappa * s.growth.lambdaSpread * zGrowth),
    // The lymph factor exp(σ(ρ zShed + √(1-ρ²) zLymph)) over the blood factor: exactly 1 at ρ = 1.
    lymphRatio: Math.exp(sigma * ((rho - 1) * zShed + Math.sqrt(1 - rho * rho) * zLymph)),
  };
}
