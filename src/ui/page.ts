/**
 * The page: the run view (one seeded run streamed from the engine worker and
 * drawn on its scale's view) and the compare view. This module wires the parts:
 * a scenario chosen in the picker, the seed box, a file, a share link or the
 * parameter panel is resolved and validated once (scenarios.ts); the page shows
 * it, and the session opens it in the worker and draws it on the view of its scale.
 */
import { parseSeed, type Scale } from '../engine/schema.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import { setupCompare } from './compare.ts';
import { createControls } from './controls.ts';
import { createGuide, GUIDED_FRAME_DAYS } from './guide.ts';
import { createParameterPanel } from './params.ts';
import { createPatientView } from './patient.ts';
import {
  BUILT_IN,
  baseRaw,
  type Chosen,
  chosenFromFile,
  DEFAULT_SCENARIO,
  describeError,
  editedName,
  parseGuided,
  parseShareHash,
  resolveChoice,
  setPath,
  shareHash,
} from './scenarios.ts';
import { createSession } from './session.ts';
import { yieldToPage } from './tasks.ts';
import { createTissueView } from './tissue.ts';
import type { View } from './view.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

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

/**
 * Opens the page in pieces, each its own task (yieldToPage), so that the page
 * answers input and paints while it loads (goal: no task over 50 ms; `npm run bench`).
 */
async function main(): Promise<void> {
  $('version').textContent = `engine ${ENGINE_VERSION}`;
  const select = $<HTMLSelectElement>('scenario');
  const seedBox = $<HTMLInputElement>('seed');
  for (const name of Object.keys(BUILT_IN).sort()) select.append(new Option(name, name));
  select.append(new Option('(loaded file)', ''));
  // After the modules' evaluation, the linked scenario's files are parsed in a task
  // of their own, and the scenario is validated in the next.
  await yieldToPage();
  const linked = new URLSearchParams(location.hash.slice(1)).get('scenario') ?? DEFAULT_SCENARIO;
  baseRaw(BUILT_IN[linked] === undefined ? DEFAULT_SCENARIO : linked);
  await yieldToPage();

  const fallback = () => resolveChoice({ base: DEFAULT_SCENARIO, diff: {} }, 1);
  // A broken link is named, and the default opens instead.
  let chosen: Chosen;
  try {
    chosen = parseShareHash(location.hash) ?? fallback();
  } catch (e) {
    showError(describeError(e));
    chosen = fallback();
  }
  let guidedFromLink = false;
  try {
    guidedFromLink = parseGuided(location.hash);
  } catch (e) {
    showError(describeError(e));
  }
  await yieldToPage();
  const patient = await createPatientView();
  await yieldToPage();
  const views: Record<Scale, View> = {
    patient,
    tissue: await createTissueView((view) => session.refresh(view)),
  };
  await yieldToPage();
  const params = await createParameterPanel($('param-list'), (path, value) =>
    attempt(() => {
      const next = structuredClone(chosen.choice);
      setPath(next.diff, path, value);
      return resolveChoice(next, chosen.seed, undefined, editedName(chosen.name));
    }),
  );
  const session = createSession({
    next: () => ({ chosen, view: views[chosen.scenario.scale] }),
    opening(view) {
      for (const v of Object.values(views)) v.show(v === view);
      controls.opening(view);
      guide.clear();
    },
    drawn(status, done) {
      controls.status(status, done);
      guide.drawn(status);
    },
    opened(run) {
      if ($('error').dataset.run === 'true') clearError();
      history.replaceState(null, '', shareHash(run.chosen, guide.on));
    },
    // A guided run stops within a month of each phase's first event.
    frameDays: (run) =>
      guide.on && run.chosen.scenario.scale === 'patient'
        ? Math.min(controls.frameDays(run), GUIDED_FRAME_DAYS)
        : controls.frameDays(run),
    error: showError,
  });
  const controls = createControls(session, () => shareHash(chosen, guide.on));
  const guide = createGuide(session, (on) => history.replaceState(null, '', shareHash(chosen, on)));
  guide.set(guidedFromLink);
  // Run goes on from wherever the guide stopped.
  $('run').addEventListener('click', () => guide.clear());
  await yieldToPage();
  // The compare view offers the scenario shown here as an arm, under its name.
  const compare = await setupCompare(() => chosen);
  await yieldToPage();

  const show = (c: Chosen) => {
    select.value = c.choice.base ?? '';
    seedBox.value = String(c.seed);
    params.show(c.scenario);
    compare.refresh();
  };
  /** Shows what `make` resolves and opens it, or says why it cannot. */
  const attempt = (make: () => Chosen | null) => {
    try {
      const next = make();
      if (!next) return;
      chosen = next;
      show(chosen);
      clearError();
      session.restart();
    } catch (e) {
      showError(describeError(e));
    }
  };

  select.addEventListener('change', () => {
    if (select.value) attempt(() => resolveChoice({ base: select.value, diff: {} }));
  });
  // A new seed runs the same validated scenario.
  seedBox.addEventListener('change', () =>
    attempt(() => ({ ...chosen, seed: parseSeed(seedBox.value, 'seed') })),
  );
  const load = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    attempt(() => chosenFromFile({ name: file.name, text }));
  };
  $<HTMLInputElement>('file').addEventListener('change', (e) =>
    load((e.target as HTMLInputElement).files?.[0]),
  );
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    void load(e.dataTransfer?.files[0]);
  });
  window.addEventListener('hashchange', () =>
    attempt(() => {
      guide.set(parseGuided(location.hash));
      return parseShareHash(location.hash);
    }),
  );

  // Tabs as assistive tools expect them: the selected one says so, arrow keys move between them.
  const tabs = { run: $('tab-run'), compare: $('tab-compare') };
  const showTab = (which: 'run' | 'compare') => {
    $('run-view').hidden = which !== 'run';
    $('compare-view').hidden = which !== 'compare';
    for (const [name, tab] of Object.entries(tabs)) {
      const selected = name === which;
      tab.classList.toggle('active', selected);
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
  };
  tabs.run.addEventListener('click', () => showTab('run'));
  tabs.compare.addEventListener('click', () => showTab('compare'));
  for (const tab of Object.values(tabs))
    tab.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const other = tab === tabs.run ? 'compare' : 'run';
      showTab(other);
      tabs[other].focus();
    });

  // So does a first run that fails to open.
  show(chosen);
  session.reset().catch((e) => {
    showError(describeError(e));
    chosen = fallback();
    show(chosen);
    session.restart();
  });
}

void main();
