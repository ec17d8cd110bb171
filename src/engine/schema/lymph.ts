/**
 * Phase 5's lymphatic route (anatomy.ts, phases/circulation.ts): survival in lymph
 * and skip metastasis past the sentinel node.
 */
import { prob, section } from './common.ts';

export const lymph = section(
  {
    survival: prob(0.05, {
      source: 'modelling choice (lymph is gentler than blood)',
      description: 'chance that a cell in lymph reaches a node alive',
    }),
    skipProbability: prob(0.025, {
      source: 'clinical series (2-3% skip metastasis in breast)',
      description: 'chance that lymph bypasses the sentinel node',
    }),
  },
  'phase 5: lymphatic route',
);
