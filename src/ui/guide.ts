/**
 * The guided mode for class: the run pauses at the first time each phase
 * happens, rings its site on the body map, outlines the charts and the phase that
 * show it, and explains it in one sentence. Several phases reached in one frame
 * are shown one after the other; Continue shows the next, then runs on. The view
 * finds the phases (Status.reached); this module only shows them.
 */
import type { Session } from './session.ts';
import type { Milestone, Status } from './view.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const YEAR = 365.25;

/** The longest frame of a guided run, in days: it stops within a month of each phase's first event. */
export const GUIDED_FRAME_DAYS = 30;

export interface Guide {
  readonly on: boolean;
  /** Turns the mode on or off (the checkbox, a link). */
  set(on: boolean): void;
  /** A chunk was drawn: pauses and explains the phases it reached, if guided. */
  drawn(status: Status): void;
  /** Clears what is shown (a new run, or Run pressed). */
  clear(): void;
}

export function createGuide(session: Session, changed: (on: boolean) => void): Guide {
  const box = $('guide');
  const text = $('guide-text');
  const next = $<HTMLButtonElement>('guide-next');
  const toggle = $<HTMLInputElement>('guided');
  let on = false;
  let queue: Milestone[] = [];

  const unmark = () => {
    for (const el of document.querySelectorAll('.highlight')) el.classList.remove('highlight');
  };
  const show = (m: Milestone) => {
    unmark();
    text.textContent = `Year ${(m.day / YEAR).toFixed(1)}: ${m.text}`;
    box.dataset.key = m.key;
    box.hidden = false;
    if (m.site) document.querySelector(`#body-map g[data-site="${m.site}"]`)?.classList.add('highlight');
    for (const id of m.charts) document.getElementById(id)?.closest('figure')?.classList.add('highlight');
    if (m.phase) document.querySelector(`#phases li[data-step="${m.phase}"]`)?.classList.add('highlight');
    next.textContent = queue.length > 0 ? `Next (${queue.length} more here)` : 'Continue the run';
  };
  const clear = () => {
    queue = [];
    unmark();
    box.hidden = true;
    delete box.dataset.key;
    text.textContent = '';
  };

  next.addEventListener('click', () => {
    const m = queue.shift();
    if (m) show(m);
    else {
      clear();
      session.run();
    }
  });
  toggle.addEventListener('change', () => {
    guide.set(toggle.checked);
    changed(toggle.checked);
  });

  const guide: Guide = {
    get on() {
      return on;
    },
    set(value) {
      on = value;
      toggle.checked = value;
      if (!value) clear();
    },
    drawn(status) {
      if (!on || !status.reached?.length) return;
      session.pause();
      queue.push(...status.reached);
      const first = queue.shift();
      if (first) show(first);
    },
    clear,
  };
  return guide;
}
