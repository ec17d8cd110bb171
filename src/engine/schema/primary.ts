/**
 * The primary tumour at t = 0, as simulation.ts creates it.
 */
import { z } from 'zod';
import { drainage, driverList, flag, int, num, section } from './common.ts';

export const primary = section(
  {
    enabled: flag(true, 'whether the run starts from a primary tumour (false for inoculation only)'),
    organ: z.string().default('breast').meta({ description: 'organ of the primary (a label)' }),
    drainage: drainage.default('systemic').meta({
      description: "venous drainage of the primary: 'systemic' (lungs first) or 'portal' (liver first)",
    }),
    initialCells: int(1e5, 1, 1e12, {
      unit: 'cells',
      source: 'modelling choice: a small in-situ lesion past stochastic extinction',
      description: 'cells of the primary at t = 0',
    }),
    initialDrivers: driverList.default([]).meta({ description: 'drivers carried by the founding clone' }),
    initiallyVascular: flag(
      false,
      'whether the primary has made its angiogenic switch at t = 0 (an established tumour)',
    ),
    initialCapacityCells: num(0, 0, 1e14, {
      unit: 'cells',
      source: 'scenario choice',
      description: 'capacity K of the primary at t = 0; 0 means the avascular capacity',
    }),
  },
  'the primary tumour',
);
