/**
 * Phases 5 and 6, per lymph-node station and organ: where cells stop (anatomy.ts,
 * phases/arrest.ts) and how well they settle (phases/extravasation.ts), and the
 * immune pressure on small colonies there (phases/colonisation.ts).
 */
import type { z } from 'zod';
import { drainage, num, ORGANS, prob, rate, section } from './common.ts';

const FLOW_SOURCE = 'textbook cardiac-output shares (MODEL.md, Sites and routes)';

function organ(
  flowShare: number,
  trapping: number,
  soil: number,
  immunePressure: number,
  drains: z.infer<typeof drainage>,
  lethal = 0,
) {
  return section(
    {
      flowShare: num(flowShare, 0, 1, {
        unit: 'fraction of arterial output',
        source: FLOW_SOURCE,
        description: 'share of arterial blood (and so of arterial CTCs) that reaches this organ',
      }),
      trapping: prob(trapping, {
        source: 'Chambers, Groom & MacDonald 2002 (most CTCs stop in the first bed met)',
        description: 'chance that a CTC passing through this capillary bed stops there',
      }),
      soil: prob(soil, {
        source: 'Paget 1889; calibrated per cancer type',
        description: 'how well this seed grows in this soil: multiplies the extravasation probability',
      }),
      immunePressure: rate(immunePressure, {
        source: 'modelling choice (docs/model.md, phase 8)',
        description: 'extra death rate of non-evading cells in small colonies here',
      }),
      lethalCells: num(lethal, 0, 1e14, {
        unit: 'cells',
        source: lethal
          ? 'the skull leaves a mass some 50 mL before herniation (Monro–Kellie doctrine: the reserve of cerebrospinal fluid and venous blood is some 50–100 mL); modelling choice'
          : 'modelling choice: this organ fails only with the body (body.lethalBurdenCells)',
        description:
          "tumour cells in this organ at which it fails and the patient dies, whatever the body's total (0: only the body's lethal burden)",
      }),
      drainage: drainage.default(drains).meta({
        description:
          'where blood leaving this organ goes first: systemic veins (lungs), portal vein (liver), pulmonary veins (arterial)',
      }),
    },
    'one distant organ',
  );
}

function node(trapping: number, soil: number, immunePressure: number) {
  return section(
    {
      trapping: prob(trapping, {
        source: 'modelling choice; sentinel-node series (MODEL.md)',
        description: 'chance that a cell in lymph stops at this node station',
      }),
      soil: prob(soil, {
        source: 'modelling choice',
        description: 'multiplies the extravasation (settling) probability in this node',
      }),
      immunePressure: rate(immunePressure, {
        source: 'modelling choice (lymph nodes are immune organs)',
        description: 'extra death rate of non-evading cells in small colonies here',
      }),
      maxCells: num(0, 0, 1e14, {
        unit: 'cells',
        source:
          'modelling choice; a bulky (matted) nodal mass of about 5 cm, AJCC N2-N3 (docs/model.md, phase 7)',
        description:
          'the vascular capacity a metastasis in this station can reach once its nodes are filled (0 or at least the avascular capacity; 0: no limit)',
      }),
    },
    'one lymph-node station',
  );
}

export const sites = section(
  {
    sentinelNode: node(0.6, 0.8, 0.01),
    regionalNode: node(0.5, 0.8, 0.01),
    distantNode: node(0.5, 0.8, 0.01),
    lung: organ(0, 0.8, 0.5, 0.005, 'pulmonary'),
    liver: organ(0.25, 0.8, 0.5, 0.005, 'systemic'),
    bone: organ(0.05, 0.8, 1, 0.005, 'systemic'),
    brain: organ(0.14, 0.3, 0.4, 0.005, 'systemic', 5e10),
    adrenal: organ(0.005, 0.3, 0.5, 0.005, 'systemic'),
    kidney: organ(0.2, 0.3, 0.02, 0.005, 'systemic'),
    peritoneum: organ(0.02, 0.3, 0.3, 0.005, 'portal'),
    skin: organ(0.08, 0.3, 0.1, 0.005, 'systemic'),
    other: organ(0.255, 0.3, 0.02, 0.005, 'systemic'),
  },
  'phases 5 and 6: where CTCs stop and how well they settle',
  (s, ctx) => {
    const total = ORGANS.reduce((sum, o) => sum + s[o].flowShare, 0);
    if (Math.abs(total - 1) > 1e-6)
      ctx.addIssue({
        code: 'custom',
        message: `organ flowShare values must sum to 1 (got ${total.toPrecision(6)}, expected 1)`,
      });
  },
);
