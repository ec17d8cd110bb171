/**
 * Phase 1, growth (phases/growth.ts): stochastic Gompertz growth, driver
 * mutations and their selection, passengers.
 */
import { num, rate, section } from './common.ts';

export const growth = section(
  {
    lambda: rate(7.9e-4, {
      source: 'set so volume doubling at 1 cm is about 160 days (serial ultrasound series; docs/model.md)',
      description: 'Gompertz rate: net growth per cell is lambda * ln(K/N)',
    }),
    lambdaSpread: num(0, 0, 1, {
      unit: 'ln units',
      source:
        'Weedon-Fekjær et al. 2008, Breast Cancer Res 10:R41 (growth from 10 to 20 mm: under 1.2 months in 5% of tumours, over 6.3 years in 5%)',
      description:
        "between-patient spread of the Gompertz rate: each patient's lambda (primary and colonies) is lambda·exp(σZ), Z standard normal (lognormal, lambda the median); 0: the same for every patient",
    }),
    turnover: rate(0.5, {
      source: 'Franssen et al. 2019 (22-33 h cycle of cycling cells)',
      description: 'd0: baseline division and death rate per cell, on top of net growth',
    }),
    colonyLambdaFactor: num(1, 0, 1000, {
      unit: 'multiplier',
      source: 'modelling choice (calibrated per scenario; docs/calibration.md)',
      description:
        'multiplies lambda for colonies (metastases), which may grow faster or slower than the primary',
    }),
    driverMutationRate: num(1e-8, 0, 1, {
      unit: 'per division per driver',
      source: 'modelling choice (order of driver-gene mutation rates, Bozic 2010)',
      description: 'chance that one division gains one given missing driver',
    }),
    driverAdvantage: rate(0.002, {
      source: 'Bozic et al. 2010 (0.4% per division, at about 0.5 divisions per day)',
      description:
        'extra division rate per driver a clone carries: the selection that makes progression linear',
    }),
    passengerRate: num(0.1, 0, 100, {
      unit: 'mutations per division',
      source: 'modelling choice (exome rate, order 0.1 per division)',
      description: 'passenger mutations added to each daughter at division',
    }),
  },
  'phase 1: growth',
);
