/**
 * Phase 3, invasion and intravasation (phases/invasion.ts): which cells invade and
 * how fast they enter blood and lymph, singly or in clusters.
 */
import { z } from 'zod';
import { num, prob, rate, section } from './common.ts';

export const invasion = section(
  {
    programme: z.enum(['early', 'late', 'mixed']).default('late').meta({
      description:
        'early: invasive cells from the start, most in small lesions; late: only clones with the invasive driver; mixed: both',
    }),
    earlyMaxFraction: prob(0.05, {
      source: 'Harper et al. 2016; Hosseini et al. 2016 (calibrated)',
      description: 'invasive fraction of a very small lesion under the early programme',
    }),
    earlyHalfCells: num(1e5, 1, 1e12, {
      unit: 'cells',
      source: 'Hosseini et al. 2016 (density switches cells to proliferation; calibrated)',
      description: 'lesion size at which the early invasive fraction has halved',
    }),
    earlyHillExponent: num(1, 0.1, 10, {
      unit: 'dimensionless',
      source: 'modelling choice (Hosseini et al. 2016: density switches cells to proliferation)',
      description: 'steepness h of the fall of the early invasive fraction: f0 / (1 + (N/N_half)^h)',
    }),
    lateInvasiveFraction: prob(0.1, {
      source: 'modelling choice',
      description: 'invasive fraction of clones that carry the invasive driver',
    }),
    shedSpread: num(0, 0, 3, {
      unit: 'ln units',
      source:
        'CTC counts differ by orders of magnitude between patients at one stage (Cristofanilli et al. 2004, N Engl J Med 351:781); fitted to the rise of late distant recurrence with nodal status (Pan et al. 2017; docs/calibration.md)',
      description:
        "between-patient spread of shedding: each patient's bloodRate (primary and colonies) is multiplied by exp(σZ), Z standard normal, and lymphRate by a factor of the same spread correlated with it (shedCorrelation; the median patient sheds at the rates given), so patients whose nodes fill also seed more distant cells; 0: the same for every patient",
    }),
    shedCorrelation: num(1, 0, 1, {
      unit: 'dimensionless',
      source:
        'modelling choice: node involvement marks a tumour able to spread without being its measure (Carter, Allen & Henson 1989); docs/calibration.md',
      description:
        "correlation ρ of the blood and lymph factors of shedSpread: the lymph factor is exp(σ(ρZ + √(1-ρ²)Z')), Z' a second standard normal; 1: one factor for both routes",
    }),
    shedGrowthExponent: num(0, 0, 3, {
      unit: 'dimensionless',
      source:
        'high-grade breast tumours, which proliferate fastest, carry the worst prognosis at every stage and size (Henson et al. 1991, Cancer 68:2142); fitted to SEER survival by stage (docs/calibration.md)',
      description:
        "exponent κ tying a patient's shedding to their growth: both rates are multiplied by the patient's growth factor (growth.lambdaSpread) to the power κ, so that at κ = 1 a tumour sheds as many cells per doubling however fast it grows; 0: shedding per day the same for fast and slow tumours, so that a fast tumour reaches a given size having shed fewer cells",
    }),
    bloodRate: rate(
      0.032,
      {
        source: 'Butler & Gullino 1975: 3.2e-3 per cell per day for a fully invasive vascular tumour',
        description: 'rate at which one invasive cell enters blood at full vascularisation',
      },
      '1/day per invasive cell',
    ),
    lymphRate: rate(
      0.01,
      {
        source: 'modelling choice',
        description: 'rate at which one invasive cell enters lymph',
      },
      '1/day per invasive cell',
    ),
    clusterFraction: prob(0.03, {
      source: 'Aceto et al. 2014 (clusters a few % of CTC events)',
      description: 'share of shedding events that release a cluster',
    }),
    clusterMeanSize: num(4, 2, 50, {
      unit: 'cells',
      source: 'Aceto et al. 2014 (2-50 cells, most small)',
      description: 'mean cells in a cluster; size is 2 + Binomial(48, q)',
    }),
  },
  'phase 3: invasion and intravasation',
);
