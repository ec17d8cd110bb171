/**
 * The session: the one owner of the engine worker and of the run open in it.
 *
 * Everything that talks to the worker takes turns: a request holds the turn
 * until its answer is drawn, so chunks are drawn in the order the worker made
 * them, and a reset or an export never falls between a request and its drawing.
 * The run loop pulls: a patient run asks for the next chunk after drawing the
 * last; a tissue run asks as it starts drawing the last, at most one per display
 * refresh, so the worker steps while the page draws but is never more than one
 * chunk ahead, and that chunk is drawn before anything else takes a turn.
 * A worker that stops is terminated and replaced, never reused, and the run
 * reopens on the new one.
 */
import * as Comlink from 'comlink';
import type { Chunk, EngineApi } from '../../workers/protocol.ts';
import { type Chosen, describeError } from './scenarios.ts';
import type { Status, View } from './view.ts';

/** The failure of every call left waiting on a worker that has stopped. */
export class EngineStopped extends Error {}

interface Engine {
  api: Comlink.Remote<EngineApi>;
  worker: Worker;
  /** Rejects when the worker stops: comlink would leave its calls waiting for ever. */
  stopped: Promise<never>;
}

function newEngine(onError: (message: string) => void): Engine {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' });
  let stop: (e: EngineStopped) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => undefined);
  worker.addEventListener('error', (e) => {
    const message = e.message || 'the engine worker stopped';
    stop(new EngineStopped(message));
    onError(message);
  });
  return { api: Comlink.wrap<EngineApi>(worker), worker, stopped };
}

/** The run open in the worker, once its start is drawn. */
export interface Run {
  /** What was opened: the choice, its validated scenario and the seed. */
  readonly chosen: Chosen;
  readonly view: View;
  /** Where the run is, as last drawn. */
  status: Status;
  done: boolean;
}

/** What the session asks of the page around it. */
export interface SessionHooks {
  /** The run to open and the view to draw it on, read when a reset's turn comes. */
  next(): { chosen: Chosen; view: View };
  /** The worker has opened a run and its view is reset; its start is drawn next. */
  opening(view: View): void;
  /** A chunk has been drawn. */
  drawn(status: Status, done: boolean): void;
  /** The run is open and its start drawn. */
  opened(run: Run): void;
  /** Simulated days the loop's next frame covers (the speed may change during a run). */
  frameDays(run: Run): number;
  /** `ofRun` marks an error of the open run, which no longer applies once another run has opened. */
  error(message: string, ofRun: boolean): void;
}

export interface Session {
  /**
   * Stops the loop and opens the next run in its turn. A reset asked for while
   * another still waits for its turn is that one: it reads the choice only when
   * its turn comes, so a burst of changes opens the last choice once. Rejects if
   * the run cannot open.
   */
  reset(): Promise<void>;
  /** A reset whose failure is shown as an error of the run. */
  restart(): void;
  /** Runs the open run to its end, frame by frame; Pause then Run carries the same loop on. */
  run(): void;
  pause(): void;
  /** Pauses and advances one observation interval. */
  step(): void;
  /** A fresh picture of the current step for `view`, if it shows the open run and no loop is drawing it. */
  refresh(view: View): void;
  /**
   * The open run's files, handed to `use` within the run's turn: they match what
   * is drawn, even mid-run.
   */
  files(use: (run: Run, files: Record<string, string>) => void): void;
}

/**
 * Worker time the run loop allows a chunk, its picture included: a large tissue
 * (about 2 ms a step at 1001 × 1001, 10-20 ms a picture) then still sends 20
 * pictures a second or more, each with fewer steps than the speed asks; a small
 * one takes them all. More would step faster and draw less often.
 */
const STEP_BUDGET_MS = 30;

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

export function createSession(hooks: SessionHooks): Session {
  const replace = (message: string) => {
    hooks.error(`The simulation stopped (${message}); it was restarted.`, false);
    engine.worker.terminate();
    engine = newEngine(replace);
    // Requests already waiting their turn must not reach the new worker before its run is open.
    current = undefined;
    ahead = undefined;
    restart();
  };
  let engine = newEngine(replace);
  /** The run open in the worker, once its start is drawn; undefined while none is. */
  let current: Run | undefined;
  let running = false;
  let looping = false;
  /**
   * The run loop's next chunk, asked for before the last one is drawn so that
   * the worker steps while the page draws. Whatever else takes a turn draws it
   * first (settle), so nothing sees the worker ahead of the page.
   */
  let ahead: Promise<Chunk> | undefined;

  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const result = turn.then(task);
    turn = result.catch(() => undefined);
    return result;
  };
  const ask = <T>(call: (api: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> =>
    Promise.race([call(engine.api), engine.stopped]);
  const fail = (e: unknown) => {
    // A stopped worker's calls fail too; the restart has already said what happened.
    if (!(e instanceof EngineStopped)) hooks.error(describeError(e), true);
  };

  /** Asks for `days` more of the run, with the picture `view` shows now. */
  const request = (view: View, days: number, budgetMs?: number): Promise<Chunk> => {
    const shown = view.shown();
    const options = budgetMs === undefined ? { shown } : { shown, budgetMs };
    return ask((api) => api.advance(days, shown.ecm || shown.mmp, options));
  };
  /** Draws a chunk on `view`; only ever called in a turn. */
  const show = async (view: View, chunk: Chunk): Promise<{ status: Status; done: boolean }> => {
    const status = await view.apply(chunk);
    hooks.drawn(status, chunk.done);
    return { status, done: chunk.done };
  };
  const draw = async (view: View, days: number) => show(view, await request(view, days));
  /** Draws the chunk the loop asked for ahead, if any; only ever called in a turn. */
  const settle = async () => {
    const next = ahead;
    ahead = undefined;
    const run = current;
    if (next && run) Object.assign(run, await show(run.view, await next));
  };
  const advance = async (run: Run, days: number) => {
    await settle();
    Object.assign(run, await draw(run.view, days));
  };

  /** Opens the next run in the worker and draws its start; only ever called in its turn. */
  const open = async () => {
    const { chosen, view } = hooks.next();
    // A chunk of the run being replaced is not drawn.
    ahead = undefined;
    current = undefined;
    const layout = await ask((api) => api.open(chosen.scenario, chosen.seed));
    await view.reset(chosen.scenario, layout, chosen.seed);
    hooks.opening(view);
    current = { chosen, view, ...(await draw(view, 0)) };
    hooks.opened(current);
  };

  let pendingReset: Promise<void> | undefined;
  const reset = (): Promise<void> => {
    running = false;
    pendingReset ??= exclusive(() => {
      pendingReset = undefined;
      return open();
    });
    return pendingReset;
  };
  const restart = () => {
    reset().catch(fail);
  };

  /**
   * One frame of the run loop: the next chunk is computed while the page draws
   * this one and waits for the display, and at most one chunk is drawn per
   * display refresh. Returns whether the loop goes on; the loop stops in the same
   * turn as it decides to, so a Run pressed later starts a new one.
   */
  const frame = async (): Promise<boolean> => {
    const run = current;
    if (!running || !run || run.done) {
      running = false;
      looping = false;
      await settle();
      return false;
    }
    // Only a tissue run steps ahead under a time budget: its pictures are what
    // the page waits for. A patient run's chunks are cheap, and the guided mode
    // pauses on the chunk that holds a phase's first event, which a chunk asked
    // for ahead would already have passed.
    const pipelined = run.chosen.scenario.scale === 'tissue';
    const budget = pipelined ? STEP_BUDGET_MS : undefined;
    const chunk = await (ahead ?? request(run.view, hooks.frameDays(run), budget));
    ahead = undefined;
    if (pipelined && running && !chunk.done) {
      ahead = request(run.view, hooks.frameDays(run), budget);
      // Its failure is reported by whoever draws it, or not at all if it is dropped.
      ahead.catch(() => undefined);
    }
    await Promise.all([show(run.view, chunk).then((drawn) => Object.assign(run, drawn)), nextFrame()]);
    return true;
  };
  /**
   * The one run loop. It serves whichever run is open when its turn comes, so a
   * Run pressed during a reset runs the new run.
   */
  const loop = async () => {
    try {
      let more = true;
      while (more) more = await exclusive(frame);
    } catch (e) {
      running = false;
      looping = false;
      fail(e);
    }
  };

  return {
    reset,
    restart,
    run() {
      running = true;
      if (looping) return;
      looping = true;
      void loop();
    },
    pause() {
      running = false;
    },
    step() {
      running = false;
      void exclusive(async () => {
        const run = current;
        if (run && !run.done) await advance(run, run.view.interval().days);
      }).catch(fail);
    },
    refresh(view) {
      void exclusive(async () => {
        const run = current;
        // A running loop's next request already asks for the fields as now wanted.
        if (run?.view !== view || (running && !run.done)) return;
        await advance(run, 0);
      }).catch(fail);
    },
    files(use) {
      void exclusive(async () => {
        const run = current;
        if (!run) throw new Error('no run is open');
        await settle();
        use(run, await ask((api) => api.files()));
      }).catch(fail);
    },
  };
}
