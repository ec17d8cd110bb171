// Runs the engine worker (the same module the browser uses) in a Node worker thread:
// comlink talks over parentPort, and tsx compiles the TypeScript on the fly.
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import { register } from 'tsx/esm/api';

register();
globalThis.__COMLINK_ENDPOINT__ = nodeEndpoint(parentPort);
await import('./engine.worker.ts');
