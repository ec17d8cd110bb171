/**
 * Batch runs at either scale (src/batch/plan.ts, seedsoil batch): replicates and
 * parameter sweeps.
 */
import { z } from 'zod';
import { int, num, section, seed } from './common.ts';

const sweepValue = z.union([z.number(), z.string(), z.boolean()]);

export const batch = section(
  {
    replicates: int(10, 1, 1e7, {
      unit: 'replicates',
      source: 'study design',
      description: 'replicates per parameter point (seedsoil batch)',
    }),
    timeseriesEveryDays: num(0, 0, 36500, {
      unit: 'day',
      source: 'study design',
      description: 'interval of the per-replicate time series written by seedsoil batch; 0 writes none',
    }),
    grid: z
      .record(z.string(), z.array(sweepValue).min(1))
      .default({})
      .meta({ description: 'parameter path -> list of values; every combination is one point' }),
    points: z
      .array(z.record(z.string(), sweepValue))
      .default([])
      .meta({ description: 'explicit parameter points, each a map of parameter path -> value' }),
    latinHypercube: z
      .strictObject({
        samples: int(10, 1, 1e6, {
          unit: 'points',
          source: 'study design',
          description: 'number of points',
        }),
        seed: seed(1, {
          unit: 'integer',
          source: 'study design',
          description: 'seed of the sampling (independent of the simulation seed)',
        }),
        ranges: z
          .record(z.string(), z.tuple([z.number(), z.number()]))
          .meta({ description: 'parameter path -> [low, high]' }),
      })
      .optional()
      .meta({ description: 'Latin-hypercube sample of points over numeric parameter ranges' }),
  },
  'batch runs: replicates and parameter sweeps (use one of grid, points, latinHypercube)',
  (b, ctx) => {
    const sweeps = [Object.keys(b.grid).length > 0, b.points.length > 0, b.latinHypercube !== undefined];
    if (sweeps.filter(Boolean).length > 1)
      ctx.addIssue({
        code: 'custom',
        message: 'use one of grid, points and latinHypercube (got more than one)',
      });
  },
);
