/**
 * Experimental metastasis: cells injected into a vessel at t = 0 (simulation.ts
 * places them, phases/arrest.ts stops them in the first beds).
 */
import { z } from 'zod';
import { driverList, flag, int, prob, section } from './common.ts';

export const inoculation = section(
  {
    enabled: flag(false, 'inject cells into a vessel at the start (experimental metastasis)'),
    cells: int(0, 0, 1e9, {
      unit: 'cells',
      source: 'experiment design',
      description: 'single cells injected at t = 0',
    }),
    vessel: z.enum(['portal', 'tailVein', 'arterial']).default('tailVein').meta({
      description:
        'mesenteric/portal vein (liver first), tail vein (lungs first) or left ventricle (arterial)',
    }),
    survival: prob(1, {
      source: 'modelling choice: a bolus reaches the first bed within seconds (Luzzi 1998)',
      description: 'chance that an injected cell arrests alive in the first beds',
    }),
    drivers: driverList.default(['angiogenic', 'invasive', 'colonisation']).meta({
      description: 'drivers carried by the injected line',
    }),
  },
  'direct inoculation without a primary',
);
