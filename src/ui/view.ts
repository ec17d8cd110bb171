/**
 * The one interface both scales' views implement (patient.ts, tissue.ts). The
 * session draws a run's chunks on its view, and the controls ask the view for
 * its speeds, its observation interval and its pictures, so neither asks which
 * scale a run is: a new scale is a new view in the page's table of views.
 */
import type { Chunk } from '../../workers/protocol.ts';
import type { AnyScenario } from '../engine/schema.ts';
import type { TissueLayout } from '../engine/tissue/frame.ts';
import type { Shown } from './tissue-picture.ts';

/** Where a run is, as the status line shows it. */
export interface Status {
  /** The status line, e.g. "Day 365 (year 1.0)". */
  text: string;
  /** The same place in a phrase, e.g. "day 365" or "step 90 of 10000". */
  where: string;
  /** The status element's data-* values (camelCase keys); tests and assistive tools read them. */
  data: Record<string, string>;
  /** Phases that happened for the first time in this chunk, in order: where the guided mode stops. */
  reached?: Milestone[];
}

/** The first time a phase happens in a run, as the guided mode shows it. */
export interface Milestone {
  /** Which phase (e.g. "arrest", "first_macro"); each happens once per run. */
  key: string;
  /** When (day of the run). */
  day: number;
  /** One sentence for a class. */
  text: string;
  /** The site to ring on the body map, if any ("" for none). */
  site: string;
  /** The canvas ids of the charts that show it. */
  charts: string[];
  /** The data-phase key of the phase in the list of phases, if any. */
  phase: string;
}

/** The speeds a view offers: an amount per frame in the view's own unit (days, steps). */
export interface Speeds {
  options: { value: number; label: string }[];
  /** The value chosen when the view opens a run after another view's. */
  initial: number;
}

export interface View {
  /** Shows this view's parts of the page, or hides them. */
  show(shown: boolean): void;
  /**
   * Clears the view for a new run of `scenario` at `seed`, whose scale is this
   * view's; `layout` is the run's fixed picture where the scale draws one.
   * Resolves when it is cleared; the work may be spread over several tasks.
   */
  reset(scenario: AnyScenario, layout: TissueLayout | undefined, seed: number): Promise<void>;
  /** The speeds offered for the run. */
  speeds(): Speeds;
  /** Simulated days one frame covers at `speed`, one of the speeds' values. */
  frameDays(speed: number): number;
  /** One observation interval: the simulated days Step advances, and how the button describes it. */
  interval(): { days: number; text: string };
  /** The fields the next chunk's picture should show (only those the view shows now; none for a view without a picture). */
  shown(): Shown;
  /**
   * Draws a chunk of the run (always one of this view's scale) and says where the
   * run is now, once all of it is drawn. The drawing may be spread over several
   * tasks, so that no task holds the page for long (tasks.ts).
   */
  apply(chunk: Chunk): Promise<Status>;
  /** PNG data URLs of what is drawn now, named as exported files. */
  images(): [string, string][];
}
