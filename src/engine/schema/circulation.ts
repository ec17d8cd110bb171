/**
 * Phase 4, circulation with immune kill (phases/circulation.ts).
 */
import { num, prob, rate, section } from './common.ts';

export const circulation = section(
  {
    clearanceRate: rate(10, {
      source: 'Meng et al. 2004 (half-life 1-2.4 h, 7-17 per day)',
      description: 'k_clear: rate at which a CTC leaves the blood, trapped or killed',
    }),
    survivalSingle: prob(5e-4, {
      source: 'Franssen et al. 2019',
      description: 'chance that a single CTC arrests alive',
    }),
    survivalCluster: prob(2.5e-2, {
      source: 'Franssen et al. 2019; Aceto et al. 2014 (23-50x)',
      description: 'chance that a cluster arrests alive',
    }),
    nkShareOfKill: prob(0.8, {
      source: 'Brodbeck et al. 2014',
      description: 'share of the kill hazard due to NK cells (the rest is shear)',
    }),
    nkKillFactor: num(1, 0, 100, {
      unit: 'multiplier',
      source: 'scenario choice',
      description: 'multiplies the NK kill hazard (immune strength)',
    }),
    immuneEvasionEffect: prob(0.5, {
      source: 'modelling choice',
      description: 'share of the NK kill hazard removed by the immune-evasion driver',
    }),
  },
  'phase 4: circulation with immune kill',
);
