/**
 * Runs the engine worker (the same module the browser uses) in a Node worker
 * thread: comlink talks over parentPort instead of the browser's worker scope.
 */
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';

if (!parentPort) throw new Error('node-bootstrap must run in a worker thread');
globalThis.__COMLINK_ENDPOINT__ = nodeEndpoint(parentPort);
await import('./engine.worker.ts');
