/**
 * Two arms of replicates compared as a paper reports them. One definition for the
 * command line (`seedsoil compare`, its report and CSV) and the page's compare
 * view: both hand this module the same outcome rows (outcomes.ts' runs.csv row,
 * parsed or as the worker returns it), so they print the same numbers.
 *
 * The event is chosen by the user (ENDPOINTS). Death is an event of its own in
 * distant-metastasis-free survival; for the other endpoints death before the event
 * is a competing risk: the Kaplan–Meier curve censors it (cause-specific), the
 * Aalen–Johansen cumulative incidence counts it as the competing event.
 */
import {
  bootstrapMedianDifference,
  cumulativeIncidence,
  type Difference,
  kaplanMeierFit,
  kaplanMeierMedian,
  type LogRank,
  logRank,
  type MedianEstimate,
  medianWithCi,
  pairedBootstrapMedianDifference,
  type SurvivalDifference,
  survivalAt,
  survivalDifferenceAt,
} from './statistics.ts';

/** One replicate's outcome row; values may be numbers or the strings read from runs.csv. */
export type OutcomeRecord = Readonly<Record<string, number | string>>;

/**
 * The events a comparison can time. Time runs from the start of a run (the
 * primary's first simulated day). Where `deathIsEvent` is false, deaths before the
 * event are censored in the Kaplan–Meier curve, so its curve is the fraction still
 * free of the event among those alive, and the cumulative incidence gives the
 * event's share with death competing. Distant-metastasis-free survival is the
 * composite endpoint trials report (STEEP; Hudis et al. 2007, J Clin Oncol 25:2127,
 * "distant disease-free survival"): death from any cause is an event, so a patient
 * who dies of disease that never reached an organ is not lost from the comparison.
 */
export const ENDPOINTS = {
  dmfs: {
    column: 'first_distant_macro_day',
    name: 'distant-metastasis-free survival',
    event: 'a macrometastasis in an organ (lymph nodes excluded) or death, whichever comes first',
    deathIsEvent: true,
  },
  distant: {
    column: 'first_distant_macro_day',
    name: 'time to a distant macrometastasis',
    event: 'a macrometastasis in an organ (lymph nodes excluded)',
    deathIsEvent: false,
  },
  macro: {
    column: 'first_macro_day',
    name: 'time to a macrometastasis',
    event: 'a macrometastasis at any site, lymph nodes included',
    deathIsEvent: false,
  },
  recurrence: {
    column: 'recurrence_day',
    name: 'time to recurrence',
    event: 'a local, regional or distant recurrence after surgery',
    deathIsEvent: false,
  },
  death: { column: 'death_day', name: 'overall survival', event: 'death', deathIsEvent: false },
} as const;
export type Endpoint = keyof typeof ENDPOINTS;
export const DEFAULT_ENDPOINT: Endpoint = 'dmfs';

/** How the Kaplan–Meier curve of an endpoint treats deaths, as the reports say it. */
export const deathsIn = (endpoint: Endpoint) =>
  ENDPOINTS[endpoint].deathIsEvent ? 'deaths are events' : 'deaths censored';

/** What an arm's `deaths` count is, as the reports label it. */
export const deathsLabel = (endpoint: Endpoint) =>
  ENDPOINTS[endpoint].deathIsEvent ? 'of them deaths' : 'deaths before the event';

/** The distributions compared between arms, by outcome column; -1 in a row means undefined there. */
export const QUANTITIES = {
  metastases: 'metastases (micro + macro) at the end',
  early_share: 'early-derived share of live colonies (any size)',
  primary_mm_at_first_seeding: 'primary diameter (mm) when the first cell left',
} as const;
export type Quantity = keyof typeof QUANTITIES;

/**
 * How each quantity's distribution is binned in the histograms of the page and of
 * the report: bins [edges[k], edges[k + 1]), the last one closed on the right.
 * A count's bins are labelled by the integers they hold ("3–4"), a measure's by
 * their edges ("0.2–0.4": 0.2 in, 0.4 in the next bin).
 */
export const BINS: Record<Quantity, { edges: readonly number[]; integer: boolean; axis: string }> = {
  metastases: {
    edges: [0, 1, 2, 3, 5, 10, 20, Number.POSITIVE_INFINITY],
    integer: true,
    axis: 'metastases (micro + macro) at the end',
  },
  early_share: {
    edges: [0, 0.2, 0.4, 0.6, 0.8, 1],
    integer: false,
    axis: 'early-derived share of live colonies (a bin holds its lower edge)',
  },
  primary_mm_at_first_seeding: {
    edges: [0, 1, 2, 5, 10, 20, 50, Number.POSITIVE_INFINITY],
    integer: false,
    axis: 'primary diameter (mm) when the first cell left (a bin holds its lower edge)',
  },
};

/** The labels of a quantity's bins, as the page and the report print them. */
export function binLabels(q: Quantity): string[] {
  const { edges, integer } = BINS[q];
  return edges.slice(0, -1).map((e, k) => {
    const next = edges[k + 1] as number;
    if (next === Number.POSITIVE_INFINITY) return `≥${e}`;
    if (!integer) return `${e}–${next}`;
    return next - e === 1 ? `${e}` : `${e}–${next - 1}`;
  });
}

/** Counts of `values` in the bins [edges[k], edges[k + 1]), the last bin closed on the right; others are left out. */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 2;
  for (const v of values) {
    for (let k = 0; k <= last; k++) {
      const next = edges[k + 1] as number;
      if (v >= (edges[k] as number) && (v < next || (k === last && v === next))) {
        counts[k] = (counts[k] as number) + 1;
        break;
      }
    }
  }
  return counts;
}

/** Censored (0), the event (1), or death before the event (2, the competing risk). */
export type Status = 0 | 1 | 2;

export interface Arm {
  label: string;
  /** Replicate index of each row: replicate i of both arms shares its seed (paired design). */
  replicates: number[];
  rows: OutcomeRecord[];
}

/** A cell of the row as a number; an empty cell (how runs.csv writes a missing number) is NaN, not 0. */
const num = (r: OutcomeRecord, column: string) => {
  const v = r[column];
  return v === '' || v === undefined ? Number.NaN : Number(v);
};

/** Time (years) and status of each replicate for an endpoint. */
export function endpointTimes(arm: Arm, endpoint: Endpoint): { years: number[]; status: Status[] } {
  const { column, deathIsEvent } = ENDPOINTS[endpoint];
  const years: number[] = [];
  const status: Status[] = [];
  for (const r of arm.rows) {
    const event = num(r, column);
    const death = num(r, 'death_day');
    if (event >= 0) {
      years.push(event / 365.25);
      status.push(1);
    } else if (death >= 0) {
      years.push(death / 365.25);
      status.push(deathIsEvent ? 1 : 2);
    } else {
      years.push(num(r, 'days_simulated') / 365.25);
      status.push(0);
    }
  }
  return { years, status };
}

/** A quantity per replicate, NaN where the row leaves it undefined (-1). */
export function quantity(arm: Arm, q: Quantity): number[] {
  return arm.rows.map((r) => {
    const v = num(r, q);
    return v >= 0 ? v : Number.NaN;
  });
}

export interface CurvePoint {
  years: number;
  value: number;
  /** Pointwise 95% limits (log scale, as R's survfit). */
  lower: number;
  upper: number;
}

export interface ArmReport {
  label: string;
  replicates: number;
  events: number;
  /** Deaths before the event (0 where death is an event). */
  competing: number;
  /** Deaths before the event, or, where death is an event, the events that were deaths. */
  deaths: number;
  /** Kaplan–Meier event-free fraction (deaths censored unless death is an event), steps plus the end of follow-up. */
  survival: CurvePoint[];
  /** Aalen–Johansen cumulative incidence of the event, death competing unless it is an event. */
  incidence: CurvePoint[];
  /** Kaplan–Meier median time to the event (years) with its 95% CI; NaN where the curve stays above one half. */
  medianYears: MedianEstimate;
  /** Numbers at risk at whole years, for the table under the curves. */
  atRisk: { years: number; atRisk: number }[];
  quantities: Record<Quantity, MedianEstimate>;
  /** Replicates that define each quantity (the early-derived share needs a live colony). */
  defined: Record<Quantity, number>;
  /** Counts of each quantity's values in its BINS. */
  histograms: Record<Quantity, number[]>;
}

/** Years at which each arm's Kaplan–Meier fraction free of the event, and B − A in it, are reported. */
export const FREE_AT_YEARS = [5, 10] as const;

/**
 * At a horizon: each arm's Kaplan–Meier fraction free of the event (a, b) with its
 * Greenwood standard error, and B − A with the 95% interval d ± 1.96·sqrt(seA² + seB²)
 * (1.96 being the normal 97.5% quantile, used in full).
 * The arms are taken as independent samples: for paired replicates the interval is
 * conservative (see survivalDifferenceAt). NaN where an arm was not followed to the
 * horizon (it lies beyond the arm's longest follow-up).
 */
export type FreeAt = Omit<SurvivalDifference, 'time'> & { years: number };

export interface Comparison {
  endpoint: Endpoint;
  arms: [ArmReport, ArmReport];
  logRank: LogRank;
  /** The fraction free of the event and B − A in it at FREE_AT_YEARS, in that order. */
  freeAt: FreeAt[];
  /** B − A per quantity: unpaired bootstrap, and paired over replicates both arms define. */
  differences: Record<Quantity, { unpaired: Difference; paired: Difference; pairs: number }>;
  /** Whether replicate i of both arms shared its seed; without it there is no paired column. */
  paired: boolean;
}

const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));

function lastOf(xs: readonly number[]): number {
  let m = 0;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function armReport(arm: Arm, endpoint: Endpoint): ArmReport {
  const { years, status } = endpointTimes(arm, endpoint);
  const end = lastOf(years);
  const fit = kaplanMeierFit(
    years,
    status.map((s) => s === 1),
  );
  const survival: CurvePoint[] = [{ years: 0, value: 1, lower: 1, upper: 1 }];
  for (const r of fit.rows)
    if (r.events > 0) survival.push({ years: r.time, value: r.survival, lower: r.lower, upper: r.upper });
  // The curve runs to the end of follow-up, so an arm without events is still drawn.
  survival.push({ ...(survival[survival.length - 1] as CurvePoint), years: end });
  const incidence: CurvePoint[] = [{ years: 0, value: 0, lower: 0, upper: 0 }];
  for (const r of cumulativeIncidence(years, status).rows)
    if ((r.events[0] ?? 0) > 0)
      incidence.push({
        years: r.time,
        value: r.incidence[0] as number,
        lower: r.lower[0] as number,
        upper: r.upper[0] as number,
      });
  incidence.push({ ...(incidence[incidence.length - 1] as CurvePoint), years: end });
  const wholeYears = Array.from({ length: Math.floor(end) + 1 }, (_, y) => y);
  const quantities = {} as Record<Quantity, MedianEstimate>;
  const defined = {} as Record<Quantity, number>;
  const histograms = {} as Record<Quantity, number[]>;
  for (const q of Object.keys(QUANTITIES) as Quantity[]) {
    const values = finite(quantity(arm, q));
    quantities[q] = medianWithCi(values);
    defined[q] = values.length;
    histograms[q] = histogram(values, BINS[q].edges);
  }
  return {
    label: arm.label,
    replicates: arm.rows.length,
    events: status.filter((s) => s === 1).length,
    competing: status.filter((s) => s === 2).length,
    deaths: arm.rows.filter((r) => !(num(r, ENDPOINTS[endpoint].column) >= 0) && num(r, 'death_day') >= 0)
      .length,
    survival,
    incidence,
    medianYears: kaplanMeierMedian(fit),
    atRisk: survivalAt(fit, wholeYears).map((r) => ({ years: r.time, atRisk: r.atRisk })),
    quantities,
    defined,
    histograms,
  };
}

/** Values of both arms at the replicates both define, in replicate order. */
function pairs(a: Arm, b: Arm, q: Quantity): [number[], number[]] {
  const bAt = new Map<number, number>();
  quantity(b, q).forEach((v, i) => {
    bAt.set(b.replicates[i] as number, v);
  });
  const xa: number[] = [];
  const xb: number[] = [];
  quantity(a, q).forEach((v, i) => {
    const w = bAt.get(a.replicates[i] as number);
    if (Number.isFinite(v) && w !== undefined && Number.isFinite(w)) {
      xa.push(v);
      xb.push(w);
    }
  });
  return [xa, xb];
}

function inReplicateOrder(arm: Arm): Arm {
  const order = arm.replicates
    .map((_, i) => i)
    .sort((i, j) => (arm.replicates[i] as number) - (arm.replicates[j] as number));
  return {
    label: arm.label,
    replicates: order.map((i) => arm.replicates[i] as number),
    rows: order.map((i) => arm.rows[i] as OutcomeRecord),
  };
}

/**
 * Compares arm B with arm A. `uniform` is a seeded stream for the bootstraps, so a
 * report is reproducible; each bootstrap takes `resamples` resamples. `paired`
 * says whether replicate i of both arms shared its seed (the caller knows).
 */
export function compareArms(
  arrivedA: Arm,
  arrivedB: Arm,
  endpoint: Endpoint,
  uniform: () => number,
  resamples = 2000,
  paired = true,
): Comparison {
  // Replicates in index order, however they arrived: the bootstraps draw by position.
  const a = inReplicateOrder(arrivedA);
  const b = inReplicateOrder(arrivedB);
  const ta = endpointTimes(a, endpoint);
  const tb = endpointTimes(b, endpoint);
  const eventsA = ta.status.map((s) => s === 1);
  const eventsB = tb.status.map((s) => s === 1);
  const test = logRank(ta.years, eventsA, tb.years, eventsB);
  const freeAt = survivalDifferenceAt(
    kaplanMeierFit(ta.years, eventsA),
    kaplanMeierFit(tb.years, eventsB),
    FREE_AT_YEARS,
  ).map(({ time, ...d }): FreeAt => ({ years: time, ...d }));
  const differences = {} as Comparison['differences'];
  for (const q of Object.keys(QUANTITIES) as Quantity[]) {
    const unpaired = bootstrapMedianDifference(
      finite(quantity(a, q)),
      finite(quantity(b, q)),
      uniform,
      resamples,
    );
    const [xa, xb] = pairs(a, b, q);
    const none = { a: Number.NaN, b: Number.NaN, difference: Number.NaN, low: Number.NaN, high: Number.NaN };
    differences[q] = {
      unpaired,
      paired: paired ? pairedBootstrapMedianDifference(xa, xb, uniform, resamples) : none,
      pairs: paired ? xa.length : 0,
    };
  }
  const arms: [ArmReport, ArmReport] = [armReport(a, endpoint), armReport(b, endpoint)];
  return { endpoint, arms, logRank: test, freeAt, differences, paired };
}
