/**
 * The run's controls: Run, Pause, Step and Reset, the speed, the status line,
 * the share link and the export of the run's files and pictures. Each scale's
 * units (speeds, the observation interval, where a run is) come from its view.
 */
import { scenarioYaml } from './scenarios.ts';
import type { Run, Session } from './session.ts';
import type { Status, View } from './view.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export interface Controls {
  /** Simulated days one frame of the run loop covers at the chosen speed. */
  frameDays(run: Run): number;
  /** Shows a run about to open on `view`: its speeds and Step, a cleared status and no downloads. */
  opening(view: View): void;
  /** Writes where the run is to the status line. */
  status(status: Status, done: boolean): void;
}

function download(name: string, href: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.textContent = name;
  return a;
}

/** `link` is the share link's hash for what the page shows now. */
export function createControls(session: Session, link: () => string): Controls {
  const speed = $<HTMLSelectElement>('speed');
  const status = $('status');
  const box = $('downloads');
  /** The view of the last run opened: its speed stays chosen while runs open on it. */
  let shown: View | undefined;

  $('run').addEventListener('click', () => session.run());
  $('pause').addEventListener('click', () => session.pause());
  $('step').addEventListener('click', () => session.step());
  $('reset').addEventListener('click', () => session.restart());

  $('share').addEventListener('click', () => {
    const input = $<HTMLInputElement>('share-url');
    input.value = `${location.origin}${location.pathname}${link()}`;
    input.hidden = false;
    input.select();
    void navigator.clipboard?.writeText(input.value).catch(() => undefined);
  });

  // Object URLs of the exported files, freed when the downloads are cleared.
  let exported: string[] = [];
  const clearDownloads = () => {
    for (const url of exported) URL.revokeObjectURL(url);
    exported = [];
    box.replaceChildren();
  };
  const blobLink = (name: string, blob: Blob) => {
    const url = URL.createObjectURL(blob);
    exported.push(url);
    return download(name, url);
  };
  // Export is allowed mid-run: it is the run so far, taken in its turn so the files match what is drawn.
  $('export').addEventListener('click', () =>
    session.files((run, files) => {
      clearDownloads();
      if (!run.done) {
        const note = document.createElement('p');
        note.className = 'partial';
        note.textContent = `Run so far (${run.status.where}), not finished:`;
        box.append(note);
      }
      for (const [name, text] of Object.entries(files)) {
        box.append(blobLink(name, new Blob([text], { type: 'text/plain' })));
      }
      box.append(blobLink('scenario.yaml', new Blob([scenarioYaml(run.chosen)])));
      for (const [name, url] of run.view.images()) box.append(download(name, url));
    }),
  );

  return {
    frameDays: (run) => run.view.frameDays(Number(speed.value)),
    opening(view) {
      const { options, initial } = view.speeds();
      const kept = view === shown ? Number(speed.value) : initial;
      const selected = options.some((o) => o.value === kept) ? kept : initial;
      speed.replaceChildren(
        ...options.map(
          (o) => new Option(o.label, String(o.value), o.value === initial, o.value === selected),
        ),
      );
      shown = view;
      $('step').title = view.interval().text;
      for (const key of Object.keys(status.dataset)) delete status.dataset[key];
      status.dataset.done = 'false';
      clearDownloads();
    },
    status(s, done) {
      status.textContent = `${s.text}${done ? ' — finished' : ''}`;
      status.dataset.done = String(done);
      Object.assign(status.dataset, s.data);
    },
  };
}
