/**
 * How disseminated disease is stored (cohorts.ts, simulation.ts): counted cohort
 * rows or one record each, and the cap on records.
 */
import { z } from 'zod';
import { int, section } from './common.ts';

export const representation = section(
  {
    mode: z.enum(['cohorts', 'individual']).default('cohorts').meta({
      unit: 'choice',
      source: 'docs/model.md, Representation',
      description:
        "'cohorts': dormant cells and small avascular colonies are counted rows, so a run's cost is bounded by sites, driver sets and size bins; 'individual': one record per dormant cell and per colony (the reference to check cohorts against)",
    }),
    seedingBucketsPerDoubling: int(2, 1, 64, {
      unit: 'buckets per doubling of the primary',
      source:
        'docs/model.md, Representation (2: a bucket spans 41% of primary volume, 12% of its diameter, 80 days at a 160-day doubling)',
      description:
        'cells and colonies seeded from the primary while it had about the same size (a bucket of its cell count, on a log scale) share a cohort row; their founding records are the row means',
    }),
    exactColonyCells: int(32, 1, 64, {
      unit: 'cells',
      source: 'docs/model.md, Representation',
      description:
        'cohort colonies up to this size are tracked at their exact cell count with the exact one-step law; larger ones in size bins',
    }),
    binsPerDoubling: int(8, 1, 64, {
      unit: 'bins',
      source: 'docs/model.md, Representation',
      description: 'size bins per doubling of colony size above exactColonyCells',
    }),
    capacityBinsPerDoubling: int(2, 1, 64, {
      unit: 'bins',
      source: 'docs/model.md, Representation',
      description:
        'vascular cohort colonies of one size bin are kept apart by their capacity in this many bins per doubling (their capacity is the row mean)',
    }),
    maxRecords: int(2e6, 100, 1e9, {
      unit: 'records',
      source: 'docs/model.md, Representation (about 200 bytes a record: 2e6 records is 400 MB)',
      description:
        'a replicate holding more tumour records, dormant and settling rows and colony rows than this stops with an error instead of exhausting memory',
    }),
  },
  'how disseminated disease is stored: counted cohorts or one record each',
);
