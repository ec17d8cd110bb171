/**
 * Census worker: warms up on a scenario, then times its share of the replicates one
 * by one. Timing happens here, per replicate, so that message passing and waiting
 * for the other threads never count.
 */
import { parentPort } from 'node:worker_threads';
import type { Scenario } from '../src/engine/schema.ts';
import { measure } from './measure.ts';

export interface CensusTask {
  scenario: Scenario;
  warmUp: number[];
  replicates: number[];
}

export interface CensusShare {
  replicates: number[];
  ms: number[];
  peakRecords: number[];
}

if (!parentPort) throw new Error('census.worker must run in a worker thread');
const port = parentPort;
port.on('message', ({ scenario, warmUp, replicates }: CensusTask) => {
  for (const r of warmUp) measure(scenario, r);
  const share: CensusShare = { replicates, ms: [], peakRecords: [] };
  for (const r of replicates) {
    const m = measure(scenario, r);
    share.ms.push(m.ms);
    share.peakRecords.push(m.peakRecords);
  }
  port.postMessage(share);
});
