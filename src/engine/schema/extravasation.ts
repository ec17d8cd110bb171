/**
 * Phase 6, extravasation (phases/extravasation.ts).
 */
import { prob, section } from './common.ts';

export const extravasation = section(
  {
    probability: prob(0.8, {
      source: 'Koop et al. 1995; Luzzi et al. 1998 (0.8-0.87)',
      description: 'chance that an arrested cell leaves the vessel (times soil), else it dies',
    }),
  },
  'phase 6: extravasation',
);
