/**
 * Phases 2 and 7, angiogenesis (phases/angiogenesis.ts, phases/angiogenesisAtNewSite.ts):
 * the angiogenic switch and the capacity K of Hahnfeldt et al. 1999.
 */
import { num, prob, rate, section } from './common.ts';

export const angiogenesis = section(
  {
    avascularCapacityCells: num(1e6, 1, 1e13, {
      unit: 'cells',
      source: 'Folkman (1-2 mm); Thomlinson & Gray 1955',
      description: 'K of an avascular tumour',
    }),
    switchThresholdFraction: prob(0.5, {
      source: 'MODEL.md',
      description:
        'the switch hazard applies once N >= this fraction of the avascular K (with switchSteepness > 0: where the ramp reaches half the hazard)',
    }),
    switchSteepness: num(0, 0, 50, {
      unit: 'Hill exponent',
      source: 'modelling choice; Folkman 1971, Hanahan & Folkman 1996 (the switch follows rising hypoxia)',
      description:
        '0: the switch hazard starts at the threshold; h > 0: it rises smoothly with N/K_avascular as a Hill function of exponent h centred on the threshold',
    }),
    switchHazard: rate(0.01, {
      source: 'modelling choice (calibrated per scenario)',
      description:
        'daily hazard of the angiogenic switch of a primary above threshold (at N/K_avascular = r it is scaled by the ramp r^h/(θ^h + r^h) when switchSteepness h > 0)',
    }),
    metastasisSwitchHazard: rate(0.002, {
      source: 'modelling choice; Luzzi 1998 (1 in 100 micrometastases grow)',
      description:
        'daily hazard of the angiogenic switch of a colony above threshold (phase 7; scaled by the same ramp when switchSteepness > 0)',
    }),
    b: rate(
      5.85,
      {
        source: 'Hahnfeldt et al. 1999 (Lewis lung, mouse)',
        description: 'stimulation of capacity by tumour volume (dK/dt = -l2 K + b V - d K V^2/3)',
      },
      '1/day',
    ),
    d: num(3.7e-4, 0, 10, {
      unit: '1/(day mm^2)',
      source:
        'Hahnfeldt et al. 1999 form; rescaled so the plateau (b/d)^1.5 = 2e6 mm^3 lies above the lethal burden (docs/model.md)',
      description: 'inhibition of capacity by tumour volume',
    }),
    lambda2: rate(0, { source: 'Hahnfeldt et al. 1999', description: 'spontaneous loss of capacity' }),
    baselineVascularisation: prob(0.1, {
      source: 'modelling choice (co-opted host vessels)',
      description: 'vascularisation of an avascular tumour; scales blood-borne shedding',
    }),
  },
  'phases 2 and 7: angiogenesis',
);
