/**
 * The page: the run view (one seeded run streamed from the engine worker, at the
 * patient or the tissue scale) and the compare view. The page never runs the
 * engine itself; it asks the worker for the next chunk only after drawing the last one,
 * and nothing else reaches the worker in between.
 */
import * as Comlink from 'comlink';
import type { EngineApi, PatientChunk, TissueChunk } from '../../workers/protocol.ts';
import { type Parameter, parameters } from '../engine/parameters.ts';
import type { AnyScenario, Scale } from '../engine/schema.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import { drawBodyMap } from './bodymap.ts';
import { createRunCharts } from './charts.ts';
import { setupCompare } from './compare.ts';
import {
  BUILT_IN,
  type Chosen,
  chosenFromFile,
  DEFAULT_SCENARIO,
  describeError,
  parseSeed,
  parseShareHash,
  resolveChoice,
  scenarioYaml,
  setPath,
  shareHash,
} from './scenarios.ts';
import { createTissueView } from './tissue.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The failure of every call left waiting on a worker that has stopped. */
class EngineStopped extends Error {}

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

/**
 * `ofRun` marks an error of the open run (a failed call to the worker): it no
 * longer applies once another run has opened. Other errors are about what the
 * user asked for and stay until the next change.
 */
function showError(message: string, ofRun = false): void {
  const box = $('error');
  box.textContent = message;
  box.dataset.run = String(ofRun);
  box.hidden = false;
}
function clearError(): void {
  $('error').hidden = true;
}

const PHASES: [string, string, string][] = [
  [
    'Growth',
    'Cells divide and die; the tumour grows towards its capacity K (stochastic Gompertz).',
    'primary',
  ],
  [
    'Angiogenesis',
    'Without new vessels a tumour stays below about a million cells (1–2 mm); the switch lets it grow.',
    'switch',
  ],
  ['Invasion and intravasation', 'Invasive cells enter blood and lymph, alone or in clusters.', 'shed'],
  ['Circulation', 'Most circulating cells are killed by NK cells and shear within hours.', 'killed'],
  ['Arrest', 'Survivors stop in the first capillary bed or lymph node they meet.', 'arrested'],
  ['Extravasation', 'Most arrested cells leave the vessel; how many depends on the soil.', 'extravasated'],
  [
    'Angiogenesis at the new site',
    'A new colony is avascular and must make its own switch to grow past 2 mm.',
    'micro',
  ],
  [
    'Colonisation or dormancy',
    'A settled cell dies, sleeps as a dormant cell, or founds a colony; few become macrometastases.',
    'macro',
  ],
];

function renderPhases(funnel: Record<string, number>, primaryCells: number, switched: boolean): void {
  const value = (key: string) => {
    if (key === 'primary') return `${primaryCells.toExponential(2)} cells`;
    if (key === 'switch') return switched ? 'switched' : 'avascular';
    return `${funnel[key] ?? 0} ${key === 'micro' || key === 'macro' ? 'colonies' : 'cells'}`;
  };
  $('phases').replaceChildren(
    ...PHASES.map(([name, text, key]) => {
      const li = document.createElement('li');
      li.innerHTML = `<b>${name}</b> <span class="value" data-phase="${key}">${value(key)}</span><br>${text}`;
      return li;
    }),
  );
}

const EVENT_TEXT: Record<string, (site: string, value: number, detail: string) => string> = {
  first_dissemination: (_s, v, d) =>
    `First cell left the primary (by ${d}) when it had ${v.toExponential(1)} cells.`,
  angiogenic_switch: (s) => `Angiogenic switch at ${s}: new vessels let it grow.`,
  detection: (_s, v, d) => `Primary found by ${d} at ${v.toFixed(1)} mm.`,
  metastasis_at_diagnosis: () => 'A metastasis was already visible at diagnosis.',
  surgery: (_s, v) => `Surgery removed the primary (${v} cells left behind).`,
  node_status: (s, _v, d) => `${s}: ${d}.`,
  chemotherapy_cycle: (_s, v) => `Chemotherapy cycle ${v}.`,
  endocrine_start: () => 'Endocrine therapy started.',
  endocrine_end: () => 'Endocrine therapy ended.',
  radiotherapy: () => 'Radiotherapy to the breast and nodes.',
  first_colony: (s) => `A disseminated cell started a colony in ${s}.`,
  first_micro: (s) => `First micrometastasis in ${s}.`,
  first_macro: (s) => `First macrometastasis in ${s}.`,
  recurrence: (s, _v, d) => `Recurrence (${d}) in ${s}.`,
  death: () => 'The tumour burden reached the lethal level.',
};

/** Fields every scenario has that the panel leaves to the scenario file and the seed box. */
const NOT_EDITED = ['name', 'description', 'seed'];

interface ParameterPanel {
  set(values: unknown): void;
  /**
   * Shows only the sections the scale reads: the engine refuses a scenario that
   * sets the other scale's values, so they must not be editable. The scale itself
   * comes with the scenario.
   */
  forScale(scale: Scale): void;
}

function parameterInput(
  p: Parameter,
  onChange: (value: unknown) => void,
): HTMLInputElement | HTMLSelectElement | undefined {
  if (p.choices && p.type !== 'array') {
    const select = document.createElement('select');
    for (const v of p.choices) select.append(new Option(String(v), String(v)));
    select.addEventListener('change', () => onChange(select.value));
    return select;
  }
  if (p.type === 'boolean') {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.addEventListener('change', () => onChange(box.checked));
    return box;
  }
  if (p.type === 'number' || p.type === 'integer') {
    const box = document.createElement('input');
    box.type = 'number';
    box.step = 'any';
    // An emptied field is not a zero: it is ignored until it holds a number again.
    box.addEventListener('change', () => {
      if (box.value.trim() !== '') onChange(Number(box.value));
    });
    return box;
  }
  return undefined;
}

function initParameterPanel(onChange: (path: string[], value: unknown) => void): ParameterPanel {
  const list = $('param-list');
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  /** The box of each section, made when its first parameter is placed. */
  const boxes = new Map<string, HTMLElement>();
  const boxOf = (p: Parameter): HTMLElement => {
    let into = list;
    for (const s of p.sections) {
      let box = boxes.get(s.path);
      if (!box) {
        box = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = s.path.slice(s.path.lastIndexOf('.') + 1);
        summary.title = s.description;
        box.append(summary);
        if (into === list) {
          box.dataset.section = s.path;
          box.dataset.scale = p.scale;
        }
        into.append(box);
        boxes.set(s.path, box);
      }
      into = box;
    }
    return into;
  };
  for (const p of parameters()) {
    if (NOT_EDITED.includes(p.path)) continue;
    const input = parameterInput(p, (value) => onChange([...p.keys], value));
    if (!input) continue;
    const label = document.createElement('label');
    label.textContent = p.keys[p.keys.length - 1] as string;
    const range = p.min !== undefined ? `; range ${p.min} to ${p.max}` : '';
    label.title = `${p.description ?? ''}\nunit: ${p.unit ?? '-'}${range}; default ${JSON.stringify(p.default)}\nsource: ${p.source ?? '-'}`;
    input.dataset.path = p.path;
    inputs.set(p.path, input);
    if (p.keys.length === 1) {
      label.dataset.section = p.path;
      label.dataset.scale = p.scale;
    }
    label.append(input);
    boxOf(p).append(label);
  }
  return {
    set(values) {
      for (const [key, input] of inputs) {
        let v: unknown = values;
        for (const p of key.split('.')) v = (v as Record<string, unknown>)?.[p];
        // The other scale's fields have no value here; they stay hidden.
        if (v === undefined) continue;
        if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = Boolean(v);
        else input.value = String(v);
      }
    },
    forScale(scale) {
      for (const el of list.querySelectorAll<HTMLElement>(':scope > [data-section]')) {
        el.hidden =
          el.dataset.section === 'scale' || (el.dataset.scale !== 'both' && el.dataset.scale !== scale);
      }
    },
  };
}

/** Steps per frame offered for a tissue run, labelled with the simulated time they cover. */
const TISSUE_SPEEDS = [10, 30, 90, 300];
const DEFAULT_TISSUE_SPEED = 90;

function tissueSpeedLabel(steps: number, stepSeconds: number): string {
  const seconds = steps * stepSeconds;
  const time =
    seconds < 3600 ? `${(seconds / 60).toPrecision(2)} min` : `${(seconds / 3600).toPrecision(2)} h`;
  return `${steps} steps per frame (${time})`;
}

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

function download(name: string, href: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.textContent = name;
  return a;
}

async function main(): Promise<void> {
  $('version').textContent = `engine ${ENGINE_VERSION}`;
  const select = $<HTMLSelectElement>('scenario');
  for (const name of Object.keys(BUILT_IN).sort()) select.append(new Option(name, name));
  select.append(new Option('(loaded file)', ''));

  const fallback = () => resolveChoice({ base: DEFAULT_SCENARIO, diff: {} }, 1);
  /** The scenario chosen, resolved and validated once; a run opens it as it is. */
  let chosen: Chosen;
  try {
    chosen = parseShareHash(location.hash) ?? fallback();
  } catch (e) {
    showError(describeError(e));
    chosen = fallback();
  }

  const charts = createRunCharts((id) => $<HTMLCanvasElement>(id));
  const params = initParameterPanel((path, value) => {
    const next = structuredClone(chosen.choice);
    setPath(next.diff, path, value);
    try {
      chosen = resolveChoice(next, chosen.seed);
      clearError();
      restart();
    } catch (e) {
      showError(describeError(e));
    }
  });

  // A crashed worker is terminated and replaced, never reused; the run restarts.
  const replaceEngine = (message: string) => {
    showError(`The simulation stopped (${message}); it was restarted.`);
    engine.worker.terminate();
    engine = newEngine(replaceEngine);
    // Requests already waiting their turn must not reach the new worker before its run is open.
    opened = undefined;
    restart();
  };
  let engine = newEngine(replaceEngine);
  let running = false;
  let looping = false;
  let done = false;
  /** The run open in the worker, once its start is drawn; undefined while none is. */
  let opened: Chosen | undefined;
  let latest: Record<string, number> = {};
  let funnel: Record<string, number> = {};
  let switched = false;
  let scale: Scale = 'patient';
  let tissueSteps = 0;
  let stepHours = 0;
  const status = $('status');
  const speed = $<HTMLSelectElement>('speed');
  const patientSpeeds = [...speed.options].map(
    (o) => new Option(o.text, o.value, o.defaultSelected, o.selected),
  );

  /**
   * Everything that talks to the worker takes turns: a request holds the turn
   * until its answer is drawn, so chunks are drawn in the order the worker made
   * them, and a reset or an export never falls between a request and its drawing.
   */
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
    if (!(e instanceof EngineStopped)) showError(describeError(e), true);
  };

  const apply = (chunk: PatientChunk) => {
    charts.append(chunk.columns);
    const n = chunk.columns.day?.length ?? 0;
    if (n > 0) for (const [k, col] of Object.entries(chunk.columns)) latest[k] = col[n - 1] as number;
    funnel = chunk.funnel;
    charts.siteBars(latest);
    charts.funnel(funnel);
    drawBodyMap($<SVGSVGElement & HTMLElement>('body-map'), latest);
    const feed = $('feed');
    for (const e of chunk.events) {
      if (e.type === 'angiogenic_switch' && e.site === 'primary') switched = true;
      const li = document.createElement('li');
      li.dataset.type = e.type;
      li.textContent = `Year ${(e.day / 365.25).toFixed(1)}: ${EVENT_TEXT[e.type]?.(e.site, e.value, e.detail) ?? e.type}`;
      feed.prepend(li);
    }
    renderPhases(funnel, latest.primary_cells ?? 0, switched);
    done = chunk.done;
    status.textContent = `Day ${Math.round(chunk.day)} (year ${(chunk.day / 365.25).toFixed(1)})${done ? ' — finished' : ''}`;
    status.dataset.done = String(done);
    status.dataset.day = String(chunk.day);
    status.dataset.shed = String(funnel.shed ?? 0);
    status.dataset.primaryCells = String(latest.primary_cells ?? 0);
  };

  const tissue = createTissueView(() => refreshFields());
  const applyTissue = (chunk: TissueChunk) => {
    tissue.apply(chunk);
    done = chunk.done;
    const hours = chunk.step * stepHours;
    status.textContent = `Step ${chunk.step} of ${tissueSteps} (${hours.toFixed(1)} h of ${(tissueSteps * stepHours).toFixed(1)} h)${done ? ' — finished' : ''}`;
    status.dataset.done = String(done);
    status.dataset.step = String(chunk.step);
    status.dataset.intravasations = String(chunk.funnel.intravasations ?? 0);
    status.dataset.intravasated = String(chunk.funnel.intravasated ?? 0);
    status.dataset.arrived = String(chunk.funnel.arrived ?? 0);
  };

  /** Runs `amount` more steps of a tissue run or days of a patient run, and draws them. */
  const advance = async (run: AnyScenario, amount: number) => {
    if (run.scale === 'tissue') {
      const days = (amount * run.tissue.time.stepSeconds) / 86_400;
      applyTissue((await ask((api) => api.advance(days, tissue.wantsFields()))) as TissueChunk);
    } else apply((await ask((api) => api.advance(amount, false))) as PatientChunk);
  };

  /** A fresh picture of the current step (zero steps), with or without the fields as now asked. */
  const refreshFields = () => {
    void exclusive(async () => {
      // A running loop's next request already asks for the fields as now wanted.
      if (opened?.scenario.scale !== 'tissue' || (running && !done)) return;
      applyTissue((await ask((api) => api.advance(0, tissue.wantsFields()))) as TissueChunk);
    }).catch(fail);
  };

  /**
   * One frame of the run loop: the next chunk is computed while the page waits
   * for the display, and at most one chunk is drawn per display refresh. Returns
   * whether the loop goes on; the loop stops in the same turn as it decides to,
   * so a Run pressed later starts a new one.
   */
  const frame = async (): Promise<boolean> => {
    const run = opened;
    if (!running || done || !run) {
      running = false;
      looping = false;
      return false;
    }
    await Promise.all([advance(run.scenario, Number(speed.value)), nextFrame()]);
    return true;
  };
  /**
   * The one run loop. It serves whichever run is open when its turn comes, so a
   * Run pressed during a reset runs the new run, and Pause then Run carries the
   * same loop on instead of starting a second.
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

  const setSpeeds = (scenario: AnyScenario) => {
    if (scenario.scale === 'tissue') {
      const chosen = scale === 'tissue' ? Number(speed.value) : DEFAULT_TISSUE_SPEED;
      speed.replaceChildren(
        ...TISSUE_SPEEDS.map(
          (n) =>
            new Option(tissueSpeedLabel(n, scenario.tissue.time.stepSeconds), String(n), false, n === chosen),
        ),
      );
    } else if (scale === 'tissue' || speed.options.length === 0) {
      speed.replaceChildren(
        ...patientSpeeds.map((o) => new Option(o.text, o.value, o.defaultSelected, o.selected)),
      );
    }
  };

  // Object URLs of the exported files, freed when the downloads are cleared.
  let exported: string[] = [];
  const clearDownloads = () => {
    for (const url of exported) URL.revokeObjectURL(url);
    exported = [];
    $('downloads').replaceChildren();
  };
  const blobLink = (name: string, blob: Blob) => {
    const url = URL.createObjectURL(blob);
    exported.push(url);
    return download(name, url);
  };

  /** Opens the chosen run in the worker and draws its start; only ever called in its turn. */
  async function openRun(): Promise<void> {
    const run = chosen;
    const { scenario } = run;
    select.value = run.choice.base ?? '';
    $<HTMLInputElement>('seed').value = String(run.seed);
    params.set(scenario);
    params.forScale(scenario.scale);
    opened = undefined;
    const layout = await ask((api) => api.open(scenario, run.seed));
    done = false;
    setSpeeds(scenario);
    scale = scenario.scale;
    const isTissue = scenario.scale === 'tissue';
    $('charts').hidden = isTissue;
    $('story-patient').hidden = isTissue;
    $('tissue').hidden = !isTissue;
    $('story-tissue').hidden = !isTissue;
    $('step').title = isTissue
      ? `one observation interval (${scenario.tissue.time.observeEverySteps} steps)`
      : `one observation interval (${scenario.time.observeEveryDays} days)`;
    for (const key of Object.keys(status.dataset)) delete status.dataset[key];
    status.dataset.done = 'false';
    clearDownloads();
    if (isTissue) {
      if (!layout) throw new Error('a tissue run comes with its layout');
      tissueSteps = layout.steps;
      stepHours = layout.stepSeconds / 3600;
      tissue.reset(layout, scenario);
    } else {
      latest = {};
      switched = false;
      $('feed').replaceChildren();
      const cellsAt = (mm: number) => (Math.PI / 6) * mm ** 3 * scenario.body.cellsPerMm3;
      charts.reset(
        cellsAt(scenario.clinical.symptomaticMm),
        cellsAt(scenario.clinical.screening.thresholdMm),
      );
    }
    await advance(scenario, 0);
    opened = run;
    if ($('error').dataset.run === 'true') clearError();
    history.replaceState(null, '', shareHash(run));
  }

  let pendingReset: Promise<void> | undefined;
  /**
   * Stops the run and opens the chosen one in its turn. A reset asked for while
   * another still waits for its turn is that one: it reads the choice only when
   * its turn comes, so a burst of changes opens the last choice once.
   */
  function reset(): Promise<void> {
    running = false;
    pendingReset ??= exclusive(() => {
      pendingReset = undefined;
      return openRun();
    });
    return pendingReset;
  }
  function restart(): void {
    reset().catch(fail);
  }

  select.addEventListener('change', () => {
    if (!select.value) return;
    chosen = resolveChoice({ base: select.value, diff: {} });
    clearError();
    restart();
  });
  $<HTMLInputElement>('seed').addEventListener('change', (e) => {
    try {
      // A new seed runs the same validated scenario.
      chosen = { ...chosen, seed: parseSeed((e.target as HTMLInputElement).value, 'seed') };
      clearError();
      restart();
    } catch (err) {
      showError(describeError(err));
    }
  });
  $('run').addEventListener('click', () => {
    running = true;
    if (looping) return;
    looping = true;
    void loop();
  });
  $('pause').addEventListener('click', () => {
    running = false;
  });
  $('step').addEventListener('click', () => {
    running = false;
    void exclusive(async () => {
      const run = opened?.scenario;
      if (!run || done) return;
      await advance(
        run,
        run.scale === 'tissue' ? run.tissue.time.observeEverySteps : run.time.observeEveryDays,
      );
    }).catch(fail);
  });
  $('reset').addEventListener('click', restart);

  const loadText = (name: string, text: string) => {
    try {
      chosen = chosenFromFile({ name, text });
      clearError();
      restart();
    } catch (e) {
      showError(describeError(e));
    }
  };
  $<HTMLInputElement>('file').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) loadText(file.name, await file.text());
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) loadText(file.name, await file.text());
  });

  $('share').addEventListener('click', () => {
    const input = $<HTMLInputElement>('share-url');
    input.value = `${location.origin}${location.pathname}${shareHash(chosen)}`;
    input.hidden = false;
    input.select();
    void navigator.clipboard?.writeText(input.value).catch(() => undefined);
  });
  // Export is allowed mid-run: it is the run so far, taken in its turn so the files match what is drawn.
  $('export').addEventListener('click', () => {
    void exclusive(async () => {
      clearDownloads();
      const run = opened;
      if (!run) throw new Error('no run is open');
      const files = await ask((api) => api.files());
      const box = $('downloads');
      if (!done) {
        const note = document.createElement('p');
        note.className = 'partial';
        note.textContent =
          run.scenario.scale === 'tissue'
            ? `Run so far (step ${status.dataset.step} of ${tissueSteps}), not finished:`
            : `Run so far (day ${Math.round(Number(status.dataset.day))}), not finished:`;
        box.append(note);
      }
      for (const [name, text] of Object.entries(files)) {
        box.append(blobLink(name, new Blob([text], { type: 'text/plain' })));
      }
      box.append(blobLink('scenario.yaml', new Blob([scenarioYaml(run)])));
      const images =
        run.scenario.scale === 'tissue'
          ? tissue.images()
          : charts.all.map((c, i): [string, string] => [`chart-${i + 1}.png`, c.toBase64Image()]);
      for (const [name, url] of images) box.append(download(name, url));
    }).catch(fail);
  });
  window.addEventListener('hashchange', () => {
    try {
      const shared = parseShareHash(location.hash);
      if (!shared) return;
      chosen = shared;
      clearError();
      restart();
    } catch (e) {
      showError(describeError(e));
    }
  });

  const tabs = { run: $('tab-run'), compare: $('tab-compare') };
  const show = (which: 'run' | 'compare') => {
    $('run-view').hidden = which !== 'run';
    $('compare-view').hidden = which !== 'compare';
    tabs.run.classList.toggle('active', which === 'run');
    tabs.compare.classList.toggle('active', which === 'compare');
  };
  tabs.run.addEventListener('click', () => show('run'));
  tabs.compare.addEventListener('click', () => show('compare'));
  setupCompare();

  try {
    await reset();
  } catch (e) {
    showError(describeError(e));
    chosen = fallback();
    restart();
  }
}

void main();
