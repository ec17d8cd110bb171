/**
 * Observation: the time series, first micro/macro colonies per site, the table of
 * metastases and the funnel. Everything here reads the state; only size-class
 * tracking writes (to count each colony once in the funnel).
 */
import { type Context, countFunnel, logEvent } from './context.ts';
import { METASTATIC_SITES, SITES } from './schema.ts';
import {
  COLONY_STAGES,
  diameterMm,
  dormantStores,
  driverNames,
  FUNNEL_STAGES,
  type FunnelRow,
  funnelIndex,
  ROUTES,
  type Route,
  SIZE_CLASSES,
  sizeClass,
  TIMINGS,
  type Timing,
  type Tumour,
  tumourCells,
} from './state.ts';

const METASTATIC_SITE_INDEX = METASTATIC_SITES.map((name) => SITES.indexOf(name));

export const SERIES_COLUMNS = [
  'day',
  'primary_cells',
  'primary_diameter_mm',
  'primary_capacity_cells',
  'primary_vascular',
  'shed_blood',
  'shed_lymph',
  'ctc_in_blood',
  'ctc_per_sample',
  'total_burden',
  'colonies',
  'early_share',
  'early_share_macro',
  'dtc_settling',
  ...METASTATIC_SITES.flatMap((s) => [
    `dtc_dormant_${s}`,
    `dtc_cycling_${s}`,
    `mets_micro_${s}`,
    `mets_macro_${s}`,
  ]),
] as const;

export type Series = Record<string, number[]>;

export function emptySeries(): Series {
  return Object.fromEntries(SERIES_COLUMNS.map((c) => [c, []]));
}

/** Records the first time each colony reaches micro and macro size, per site and in the funnel. */
export function trackSizeClass(t: Tumour, ctx: Context): void {
  if (!t.founding || t.sizeClassReached === 2) return;
  const cls = sizeClass(tumourCells(t), ctx.scenario.body.cellsPerMm3);
  while (t.sizeClassReached < cls) {
    t.sizeClassReached++;
    const stage = t.sizeClassReached === 1 ? 'micro' : 'macro';
    countFunnel(ctx.state, stage, t.founding.route, t.founding.timing, 1);
    const seen = ctx.state.firstClassSeen;
    const bit = t.sizeClassReached;
    if (!((seen[t.site] as number) & bit)) {
      seen[t.site] = (seen[t.site] as number) | bit;
      logEvent(ctx.state, `first_${stage}`, SITES[t.site] as string, t.id, tumourCells(t));
    }
  }
}

export function observe(ctx: Context, primary: Tumour | undefined, series: Series): void {
  const { state, scenario: s } = ctx;
  const rho = s.body.cellsPerMm3;
  const p = primary ? tumourCells(primary) : 0;
  const perSite = new Float64Array(SITES.length * 4);
  let burden = 0;
  let colonies = 0;
  let early = 0;
  let macro = 0;
  let earlyMacro = 0;
  const colony = (site: number, n: number, timing: Timing, count: number) => {
    colonies += count;
    const isEarly = timing === 0;
    if (isEarly) early += count;
    const cls = sizeClass(n, rho);
    // A colony still of isolated-tumour-cell size is a cycling DTC.
    const k = site * 4 + (cls === 0 ? 1 : cls + 1);
    perSite[k] = (perSite[k] as number) + count;
    if (cls === 2) {
      macro += count;
      if (isEarly) earlyMacro += count;
    }
  };
  for (const t of state.tumours) {
    const n = tumourCells(t);
    burden += n;
    if (t.founding) colony(t.site, n, t.founding.timing, 1);
  }
  const c = state.colonies;
  for (let i = 0; i < c.size; i++) {
    burden += (c.count[i] as number) * (c.cells[i] as number);
    colony(c.site[i] as number, c.cells[i] as number, c.timing[i] as Timing, c.count[i] as number);
  }
  for (const store of dormantStores(state))
    for (let i = 0; i < store.size; i++) {
      const k = (store.site[i] as number) * 4;
      perSite[k] = (perSite[k] as number) + (store.cells[i] as number) * (store.count[i] as number);
    }
  let settling = 0;
  const st = state.settling;
  for (let i = 0; i < st.size; i++) settling += (st.cells[i] as number) * (st.count[i] as number);
  const row = [
    state.day,
    p,
    diameterMm(p, rho),
    primary ? primary.capacity : 0,
    primary?.vascular ? 1 : 0,
    state.shedBloodSinceObservation,
    state.shedLymphSinceObservation,
    state.ctcInBlood,
    (state.ctcInBlood * s.body.sampleVolumeMl) / s.body.bloodVolumeMl,
    burden,
    colonies,
    // A share of no colonies is undefined, not 0: NaN, an empty cell in timeseries.csv, a gap in the chart.
    colonies ? early / colonies : Number.NaN,
    macro ? earlyMacro / macro : Number.NaN,
    settling,
  ];
  for (const site of METASTATIC_SITE_INDEX)
    for (let j = 0; j < 4; j++) row.push(perSite[site * 4 + j] as number);
  SERIES_COLUMNS.forEach((c, i) => {
    (series[c] as number[]).push(row[i] as number);
  });
  state.shedBloodSinceObservation = 0;
  state.shedLymphSinceObservation = 0;
}

/**
 * One metastasis (kind 'colony', count 1) or one cohort of colonies that share
 * their founding key and size (kind 'cohort', id -1, count colonies; its founding
 * values and cells are the members' means).
 */
export interface MetastasisRow {
  id: number;
  kind: 'colony' | 'cohort';
  count: number;
  site: string;
  founded_day: number;
  dissemination_day: number;
  origin: number;
  route: string;
  timing: string;
  generation: number;
  primary_cells_at_dissemination: number;
  primary_diameter_at_dissemination_mm: number;
  founder_cells: number;
  founder_drivers: string;
  drivers_now: string;
  cells: number;
  diameter_mm: number;
  size_class: string;
  vascular: number;
  shared_mutations: number;
  private_mutations: number;
}

/** Alive metastases at the end; mutations shared with the primary are the founder's passengers. */
export function metastasisTable(ctx: Context): MetastasisRow[] {
  const rho = ctx.scenario.body.cellsPerMm3;
  const rows: MetastasisRow[] = [];
  for (const t of ctx.state.tumours) {
    const f = t.founding;
    if (!f) continue;
    const n = tumourCells(t);
    let drivers = 0;
    let passengers = 0;
    for (const c of t.clones) {
      drivers |= c.drivers;
      passengers += (c.passengers * c.cells) / n;
    }
    rows.push({
      id: t.id,
      kind: 'colony',
      count: 1,
      site: SITES[t.site] as string,
      founded_day: t.foundedDay,
      dissemination_day: f.disseminationDay,
      origin: f.origin,
      route: ROUTES[f.route],
      timing: TIMINGS[f.timing],
      generation: f.generation,
      primary_cells_at_dissemination: f.primaryCellsAtDissemination,
      primary_diameter_at_dissemination_mm: diameterMm(f.primaryCellsAtDissemination, rho),
      founder_cells: f.cells,
      founder_drivers: driverNames(f.drivers),
      drivers_now: driverNames(drivers),
      cells: n,
      diameter_mm: diameterMm(n, rho),
      size_class: SIZE_CLASSES[sizeClass(n, rho)] as string,
      vascular: t.vascular ? 1 : 0,
      shared_mutations: f.passengers,
      private_mutations: Math.max(0, passengers - f.passengers),
    });
  }
  const c = ctx.state.colonies;
  for (let i = 0; i < c.size; i++) {
    const n = c.cells[i] as number;
    const primaryCells = c.primaryCells[i] as number;
    const drivers = driverNames(c.drivers[i] as number);
    rows.push({
      id: -1,
      kind: 'cohort',
      count: c.count[i] as number,
      site: SITES[c.site[i] as number] as string,
      founded_day: c.foundedDay[i] as number,
      dissemination_day: c.disseminationDay[i] as number,
      origin: c.origin[i] as number,
      route: ROUTES[c.route[i] as Route],
      timing: TIMINGS[c.timing[i] as Timing],
      generation: c.generation[i] as number,
      primary_cells_at_dissemination: primaryCells,
      primary_diameter_at_dissemination_mm: diameterMm(primaryCells, rho),
      founder_cells: c.founderCells[i] as number,
      founder_drivers: drivers,
      drivers_now: drivers,
      cells: n,
      diameter_mm: diameterMm(n, rho),
      size_class: SIZE_CLASSES[sizeClass(n, rho)] as string,
      vascular: (c.capacity[i] as number) > 0 ? 1 : 0,
      shared_mutations: c.founderPassengers[i] as number,
      private_mutations: Math.max(0, (c.passengers[i] as number) - (c.founderPassengers[i] as number)),
    });
  }
  return rows;
}

export function funnelTable(funnel: Float64Array): FunnelRow[] {
  const rows: FunnelRow[] = [];
  for (const stage of FUNNEL_STAGES)
    ROUTES.forEach((route, r) => {
      TIMINGS.forEach((timing, k) => {
        const count = funnel[funnelIndex(stage, r as 0 | 1 | 2, k as Timing)] as number;
        if (count > 0)
          rows.push({
            stage,
            route,
            timing,
            count,
            unit: COLONY_STAGES.includes(stage) ? 'colonies' : 'cells',
          });
      });
    });
  return rows;
}

/** Totals per stage over routes and timings. */
export function funnelTotals(funnel: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const stage of FUNNEL_STAGES) {
    let n = 0;
    for (let r = 0; r < ROUTES.length; r++)
      for (let k = 0; k < TIMINGS.length; k++)
        n += funnel[funnelIndex(stage, r as 0 | 1 | 2, k as Timing)] as number;
    out[stage] = n;
  }
  return out;
}
