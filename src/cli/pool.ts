/**
 * A pool of Node worker threads, each running the engine worker module behind
 * comlink. Tasks are handed out one at a time to whichever worker is free.
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import type { EngineApi } from '../../workers/protocol.ts';

const BOOTSTRAP = new URL('../../workers/node-bootstrap.mjs', import.meta.url);

export interface Pool {
  /** Runs `work` on a free worker for each item, calling `done` as each finishes; stops early when `stopped()`. */
  run<T, R>(
    items: readonly T[],
    work: (api: Comlink.Remote<EngineApi>, item: T) => Promise<R>,
    done: (item: T, result: R | Error) => void | Promise<void>,
    stopped: () => boolean,
  ): Promise<void>;
  close(): Promise<void>;
}

export function createPool(size: number): Pool {
  const workers = Array.from({ length: size }, () => new Worker(BOOTSTRAP));
  const apis = workers.map((w) => Comlink.wrap<EngineApi>(nodeEndpoint(w)));
  return {
    async run(items, work, done, stopped) {
      let next = 0;
      await Promise.all(
        apis.map(async (api) => {
          while (next < items.length && !stopped()) {
            const item = items[next++] as (typeof items)[number];
            let outcome: Awaited<ReturnType<typeof work>> | Error;
            try {
              outcome = await work(api, item);
            } catch (e) {
              outcome = e instanceof Error ? e : new Error(String(e));
            }
            if (stopped()) return;
            await done(item, outcome);
          }
        }),
      );
    },
    async close() {
      for (const api of apis) api[Comlink.releaseProxy]();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
