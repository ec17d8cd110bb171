/**
 * Time steps and observation of a patient run: simulation.ts steps by `dt` (every
 * phase's hazards are per step of that length) up to `durationDays`, and observes.
 */
import { num, section } from './common.ts';

export const time = section(
  {
    dt: num(1, 1e-4, 30, {
      unit: 'day',
      source: 'MODEL.md (default 1 day)',
      description: 'length of one engine step',
    }),
    durationDays: num(7300, 0, 36500 * 2, {
      unit: 'day',
      source: 'scenario choice (20 years)',
      description: 'simulated time unless the patient dies first',
    }),
    observeEveryDays: num(30, 1e-4, 3650, {
      unit: 'day',
      source: 'scenario choice',
      description: 'interval of the time series',
    }),
  },
  'time steps and observation',
);
