/**
 * Phase 8, colonisation, dormancy and immune escape (phases/colonisation.ts).
 */
import { flag, num, prob, rate, section } from './common.ts';

export const colonisation = section(
  {
    colonyFraction: prob(0.025, {
      source: 'Luzzi et al. 1998 (B16F1, liver)',
      description:
        'chance that an extravasated cell eventually starts dividing (founds a colony) when it leaves the settling state',
    }),
    dormantFraction: prob(0.36, {
      source: 'Luzzi et al. 1998 (B16F1, liver)',
      description:
        'chance that an extravasated cell eventually becomes a dormant DTC when it leaves the settling state; the rest die',
    }),
    settlingDays: num(0, 0, 3650, {
      unit: 'day',
      source:
        'modelling choice; 1 day in the mouse scenarios, from Luzzi et al. 1998 (micrometastases by day 3, solitary cells at day 13)',
      description:
        'mean time an extravasated cell stays a solitary settling cell before it divides, goes dormant or dies (competing hazards colonyFraction, dormantFraction and the rest, each divided by it); 0: fate at arrival',
    }),
    wakeHazard: rate(5e-5, {
      source: 'Pan et al. 2017 (derived; calibrated)',
      description: 'daily hazard that a dormant DTC able to colonise wakes and founds a colony',
    }),
    dormantDeathHazard: rate(5e-5, {
      source: 'modelling choice',
      description: 'daily hazard that a dormant DTC dies',
    }),
    deepDormantShare: prob(0, {
      source:
        'Fluegen et al. 2017, Nat Cell Biol 19:120 (post-hypoxic NR2F1-high dormant DTCs, more frequent from ER+ tumours); Borgen et al. 2018, Breast Cancer Res 20:120 (patients whose DTCs are NR2F1-high relapse later)',
      description:
        'share of the cells able to colonise that reach an organ (not a lymph node) which enter deep dormancy (the others meet the usual fates in the usual proportions); a deeply dormant cell cannot wake until it leaves that state (deepDormancyExitHazard), and dies at dormantDeathHazard; 0: one dormant state',
    }),
    deepDormancyExitHazard: rate(1e-4, {
      source:
        'modelling choice, not fitted (probed against Pan et al. 2017: docs/calibration.md, "Deep dormancy")',
      description:
        'daily hazard that a cell in deep dormancy becomes an ordinary dormant cell, which wakes at wakeHazard',
    }),
    progressionHazard: rate(5e-4, {
      source: 'Klein 2009; Schmidt-Kittler et al. 2003 (parallel progression)',
      description: 'daily hazard that a dormant DTC lacking the colonisation driver gains it',
    }),
    requireColonisationDriver: flag(
      true,
      'whether founding a colony needs the colonisation driver (else the cell goes dormant)',
    ),
    immuneSaturationCells: num(1e5, 1, 1e12, {
      unit: 'cells',
      source: 'modelling choice',
      description: 'colony size at which site immune pressure has halved',
    }),
  },
  'phase 8: colonisation, dormancy and immune escape',
  (c, ctx) => {
    if (c.colonyFraction + c.dormantFraction > 1)
      ctx.addIssue({ code: 'custom', message: 'colonyFraction + dormantFraction must not exceed 1' });
  },
);
