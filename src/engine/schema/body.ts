/**
 * The patient: the cell density that turns cells into volume and diameter (every
 * phase and the clinical layer), the lethal burden, the early/late threshold of
 * founders (invasion.ts) and the blood volumes of CTC counts (observe.ts).
 */
import { num, section } from './common.ts';

export const body = section(
  {
    cellsPerMm3: num(1e6, 1e3, 1e7, {
      unit: 'cells/mm^3',
      source: 'convention; Del Monte 2009 argues 1e5',
      description: 'cell density used to turn cells into volume and diameter',
    }),
    lethalBurdenCells: num(1e12, 1, 1e14, {
      unit: 'cells',
      source: 'Coumans, Siesling & Terstappen 2013',
      description: 'total tumour burden at which the patient dies',
    }),
    earlyThresholdCells: num(1e7, 1, 1e13, {
      unit: 'cells',
      source: 'Hu et al. 2019 (0.01 cm^3)',
      description: 'a founder that left while the primary was smaller is early',
    }),
    bloodVolumeMl: num(5000, 1, 1e4, {
      unit: 'mL',
      source: 'adult blood volume',
      description: 'volume over which CTCs are spread',
    }),
    sampleVolumeMl: num(7.5, 0.01, 100, {
      unit: 'mL',
      source: 'CellSearch sample (Cristofanilli 2004)',
      description: 'volume of the CTC sample reported as CTCs per sample',
    }),
  },
  'the patient',
);
