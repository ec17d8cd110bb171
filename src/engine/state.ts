/**
 * The state of one patient-scale run. It is plain data (numbers, arrays, typed
 * arrays) so that a checkpoint is a JSON copy of it. Cells are counted, not drawn:
 * tumours hold at most one clone per driver set (2^4). Dormant cells and colonies
 * below the detectable size are counted rows (cohorts.ts); individual records exist
 * only for what a user looks at one by one: the primary, detectable colonies and
 * their founding records. In the reference representation every dormant cell and every
 * colony is its own record.
 */
import type { ColonyStore } from './cohorts.ts';
import { DRIVERS, type DriverName } from './schema.ts';

export const ROUTES = ['blood', 'lymph', 'inoculation'] as const;
export type Route = 0 | 1 | 2;
export const ROUTE_BLOOD: Route = 0;
export const ROUTE_LYMPH: Route = 1;
export const ROUTE_INOCULATION: Route = 2;

/** Number of distinct driver sets (bit masks over DRIVERS). */
export const DRIVER_SETS = 1 << DRIVERS.length;

/** Timing of dissemination relative to the scenario's earlyThresholdCells. */
export const TIMINGS = ['early', 'late', 'none'] as const;
export type Timing = 0 | 1 | 2;

export function driverBit(name: DriverName): number {
  return 1 << DRIVERS.indexOf(name);
}
export const ANGIOGENIC = driverBit('angiogenic');
export const INVASIVE = driverBit('invasive');
export const IMMUNE_EVASION = driverBit('immuneEvasion');
export const COLONISATION = driverBit('colonisation');

export function driverMask(names: readonly DriverName[]): number {
  return names.reduce((mask, n) => mask | driverBit(n), 0);
}
export function driverNames(mask: number): string {
  return DRIVERS.filter((_, i) => mask & (1 << i)).join('+');
}

export const PRIMARY_SITE = 0;

export interface Clone {
  drivers: number;
  cells: number;
  /** Mean passenger mutations per cell. */
  passengers: number;
  /** Driver set of the clone it arose from; -1 for a founder. */
  parent: number;
}

/** Travels with every disseminated cell and every colony it founds. */
export interface FoundingRecord {
  disseminationDay: number;
  /** Tumour id the founder left (0 is the primary; -1 for inoculation; -2 for a colony not followed one by one: a cohort member, or with cohorts a colony record below the detectable size). */
  origin: number;
  primaryCellsAtDissemination: number;
  drivers: number;
  passengers: number;
  route: Route;
  timing: Timing;
  /** 1 for a colony seeded from the primary, g + 1 when seeded from a generation-g colony. */
  generation: number;
  /** Cells in the founding unit: 1 for a single cell, more for a cluster. */
  cells: number;
}

export interface Tumour {
  id: number;
  site: number;
  foundedDay: number;
  clones: Clone[];
  /** Carrying capacity K, in cells. */
  capacity: number;
  vascular: boolean;
  /** Null for the primary. */
  founding: FoundingRecord | null;
  /** Highest size class reached so far: 0 ITC, 1 micro, 2 macro. */
  sizeClassReached: number;
  /** True for what surgery left of the primary. */
  residual: boolean;
}

/**
 * Dormant (or settling) disseminated cells, structure-of-arrays; swap-remove keeps them dense.
 * A row holds `count` exchangeable cells (one in the reference representation);
 * its founding values are the count-weighted means of the cells merged into it.
 */
export interface DtcStore {
  size: number;
  /** Cells (units) in the row. */
  count: Float64Array;
  /** The cohort key the row was merged under (cohorts.ts); 0 in the reference representation. */
  key: Float64Array;
  site: Uint8Array;
  arrivalDay: Float64Array;
  disseminationDay: Float64Array;
  origin: Int32Array;
  primaryCells: Float64Array;
  drivers: Uint8Array;
  passengers: Float64Array;
  route: Uint8Array;
  timing: Uint8Array;
  generation: Uint16Array;
  cells: Float64Array;
  /** Drivers gained at the site while dormant (parallel progression). */
  gained: Uint8Array;
}

const DTC_COLUMNS = [
  ['count', Float64Array],
  ['key', Float64Array],
  ['site', Uint8Array],
  ['arrivalDay', Float64Array],
  ['disseminationDay', Float64Array],
  ['origin', Int32Array],
  ['primaryCells', Float64Array],
  ['drivers', Uint8Array],
  ['passengers', Float64Array],
  ['route', Uint8Array],
  ['timing', Uint8Array],
  ['generation', Uint16Array],
  ['cells', Float64Array],
  ['gained', Uint8Array],
] as const;

/** The typed-array columns of a structure-of-arrays store: a name and its array type each. */
export type Columns = readonly (readonly [
  string,
  Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor | Uint16ArrayConstructor,
])[];

/** A store with one array per column, `capacity` rows long, and no rows yet. */
export function createColumns<S>(columns: Columns, capacity: number): S {
  const store: Record<string, unknown> = { size: 0 };
  for (const [name, Type] of columns) store[name] = new Type(capacity);
  return store as S;
}

/** The index of a new last row, doubling every column first when the store is full. */
export function appendRow(store: { size: number }, columns: Columns): number {
  const cols = store as unknown as Record<string, Float64Array>;
  const capacity = (cols[(columns[0] as Columns[number])[0]] as Float64Array).length;
  if (store.size === capacity) {
    for (const [name, Type] of columns) {
      const grown = new Type(capacity * 2);
      grown.set(cols[name] as Float64Array);
      cols[name] = grown as Float64Array;
    }
  }
  return store.size++;
}

/** Moves column i's value a share w of the way to x: a count-weighted mean when w is the new members' share. */
export function meanInto(col: Float64Array, i: number, x: number, w: number): void {
  // The first members of a row set its values outright: the slot may hold another
  // row's values from an earlier step, and stale + (x - stale) need not round to x.
  col[i] = w === 1 ? x : (col[i] as number) + (x - (col[i] as number)) * w;
}

export function createDtcStore(capacity = 64): DtcStore {
  return createColumns<DtcStore>(DTC_COLUMNS, capacity);
}

/** Appends a row of `count` cells; returns its index. */
export function addDtc(
  store: DtcStore,
  arrivalDay: number,
  site: number,
  r: FoundingRecord,
  gained = 0,
  count = 1,
  key = 0,
): number {
  const i = appendRow(store, DTC_COLUMNS);
  store.count[i] = count;
  store.key[i] = key;
  store.site[i] = site;
  store.arrivalDay[i] = arrivalDay;
  store.disseminationDay[i] = r.disseminationDay;
  store.origin[i] = r.origin;
  store.primaryCells[i] = r.primaryCellsAtDissemination;
  store.drivers[i] = r.drivers;
  store.passengers[i] = r.passengers;
  store.route[i] = r.route;
  store.timing[i] = r.timing;
  store.generation[i] = r.generation;
  store.cells[i] = r.cells;
  store.gained[i] = gained;
  return i;
}

/** Merges `count` more cells into row i, keeping its founding values count-weighted means. */
export function mergeDtc(
  store: DtcStore,
  i: number,
  arrivalDay: number,
  r: FoundingRecord,
  count: number,
): void {
  const before = store.count[i] as number;
  const w = count / (before + count);
  meanInto(store.arrivalDay, i, arrivalDay, w);
  meanInto(store.disseminationDay, i, r.disseminationDay, w);
  meanInto(store.primaryCells, i, r.primaryCellsAtDissemination, w);
  meanInto(store.passengers, i, r.passengers, w);
  store.count[i] = before + count;
}

export function dtcRecord(store: DtcStore, i: number): FoundingRecord {
  return {
    disseminationDay: store.disseminationDay[i] as number,
    origin: store.origin[i] as number,
    primaryCellsAtDissemination: store.primaryCells[i] as number,
    drivers: store.drivers[i] as number,
    passengers: store.passengers[i] as number,
    route: store.route[i] as Route,
    timing: store.timing[i] as Timing,
    generation: store.generation[i] as number,
    cells: store.cells[i] as number,
  };
}

/** Removes record i by moving the last record into its place; returns the index that moved (or -1). */
export function removeDtc(store: DtcStore, i: number): number {
  const last = --store.size;
  if (i === last) return -1;
  for (const [name] of DTC_COLUMNS) {
    const col = store[name];
    col[i] = col[last] as number;
  }
  return last;
}

/**
 * Funnel stages, cumulative counts of cells (micro and macro: of colonies). Every shed
 * cell ends in exactly one of killed, extravasationFailed, diedAfterExtravasation,
 * dormant, founded and settlingRemoved, or is still settling (an extravasated cell
 * whose fate has not come yet: the settling store). `founded` counts the cells that
 * founded a colony directly, without dormancy; dormant cells that wake found a colony
 * each and are counted in `dormantWoke` instead. A cluster's cells found one colony,
 * so cells founding colonies can outnumber the colonies founded. `micro` and `macro`
 * count each colony once, when it first reaches that size class.
 */
export const FUNNEL_STAGES = [
  'shed',
  'killed',
  'arrested',
  'extravasationFailed',
  'extravasated',
  'diedAfterExtravasation',
  'dormant',
  'founded',
  'dormantDied',
  'dormantWoke',
  'dormantRemoved',
  'settlingRemoved',
  'micro',
  'macro',
] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
/** Stages counted in colonies rather than cells. */
export const COLONY_STAGES: readonly FunnelStage[] = ['micro', 'macro'];

const STAGE_INDEX = Object.fromEntries(FUNNEL_STAGES.map((s, i) => [s, i])) as Record<FunnelStage, number>;

export function funnelIndex(stage: FunnelStage, route: Route, timing: Timing): number {
  return (STAGE_INDEX[stage] * ROUTES.length + route) * TIMINGS.length + timing;
}

/**
 * One event of a run, the same shape at every scale, so that the page's feed, the
 * outputs and any reader of events.csv need not ask which scale wrote it.
 */
export interface RunEvent {
  /** Days since the start of the run. */
  day: number;
  type: string;
  /** Where: an organ or node (patient), a patch (tissue); '' for the whole patient. */
  site: string;
  /** How many: the cells concerned (a tumour's, those entering a vessel) or the event's own number. */
  value: number;
  detail: string;
}

/** A patient's event; `tumour` names the tumour it concerns (-1 for none). */
export interface SimEvent extends RunEvent {
  tumour: number;
}

/**
 * One stage of the cascade in funnel.csv, the same shape at every scale: cells (or
 * colonies, or vessel entries) through the stage by route and timing of dissemination.
 */
export interface FunnelRow {
  stage: string;
  route: string;
  timing: string;
  count: number;
  unit: 'cells' | 'colonies' | 'entries';
}

export interface ClinicalState {
  detectedDay: number;
  detectionMode: string;
  surgeryDay: number;
  recurrenceDay: number;
  recurrenceType: string;
  /** A recurrence was found that salvage did not remove: the disease is now treated as systemic, and no longer watched. */
  relapsed: boolean;
  deathDay: number;
  nextScreenDay: number;
  chemoCyclesGiven: number;
  radiotherapyDone: boolean;
  endocrineActive: boolean;
  /** Drawn when endocrine therapy starts: the patient's disease does not respond to it. */
  endocrineResistant: boolean;
  /**
   * Acquired resistance: divisions under the therapy times the hazard per division,
   * summed, and the Exp(1) level at which the disease escapes (-1 when not drawn).
   */
  endocrineEscapeHazard: number;
  endocrineEscapeLevel: number;
  /** The line of metastatic therapy in force (1, 2, …); 0 before the first, -1 after the last. */
  metastaticLine: number;
  /** As for endocrine therapy: divisions under the line times the hazard, and the escape level. */
  metastaticEscapeHazard: number;
  metastaticEscapeLevel: number;
  ctcPerSampleAtDetection: number;
  dormantAtDetection: number;
  coloniesAtDetection: number;
  primaryCellsAtDetection: number;
  metastaticAtDiagnosis: boolean;
  /**
   * SEER summary stage at diagnosis, set at detection and raised at surgery: 'distant'
   * (a metastasis visible by then in an organ or the distant node station),
   * 'regional' (one visible in the sentinel or regional node, or a sentinel node
   * reported micro or macro), 'localized', or '' while undiagnosed.
   */
  stageAtDiagnosis: '' | 'localized' | 'regional' | 'distant';
  /** Under the hazard law, symptomatic detection's cumulative hazard so far. */
  symptomaticHazard: number;
  /** Colonies at or above the detection size at surgery: not recurrences. */
  visibleAtSurgery: number[];
}

/** What differs between patients of one scenario, drawn once at the start of a run. */
export interface PatientTraits {
  /** Multiplies the Gompertz rate of the primary and its colonies (growth.lambdaSpread). */
  lambdaFactor: number;
  /** Primary diameter at which this patient's tumour is found by symptoms (clinical.symptomaticSpread). */
  symptomaticMm: number;
  /** Under the hazard law (clinical.symptomaticHazard), the Exp(1) level the cumulative hazard must reach. */
  symptomaticLevel: number;
  /** Whether this patient takes part in screening (clinical.screening.participation). */
  screened: boolean;
  /** Multiplies the rates at which this patient's cells enter blood and lymph (invasion.shedSpread, shedGrowthExponent). */
  shedFactor: number;
  /** This patient's lymph factor over its blood factor (invasion.shedCorrelation); 1 when they are one. */
  lymphRatio: number;
}

/** Every store of dormant cells (settling cells are not dormant): what counts as dormant wherever a user sees it. */
export function dormantStores(state: State): readonly DtcStore[] {
  return [state.dormantAble, state.dormantUnable, state.dormantDeep];
}

export interface State {
  day: number;
  stepIndex: number;
  nextTumourId: number;
  tumours: Tumour[];
  dormantAble: DtcStore;
  dormantUnable: DtcStore;
  /** Able cells in deep dormancy (colonisation.deepDormantShare): they leave it before they can wake. */
  dormantDeep: DtcStore;
  /**
   * Extravasated cells that have not yet divided, gone dormant or died (phase 8), in
   * the dormant stores' layout; empty when colonisation.settlingDays is 0.
   */
  settling: DtcStore;
  /** Colony cohorts (empty in the reference representation). */
  colonies: ColonyStore;
  /** Cells in blood (singles and cluster cells) at the end of the step. */
  ctcInBlood: number;
  /** Cells that entered blood since the pool was last updated. */
  enteredBlood: number;
  /** Cells through each funnel stage (micro and macro: colonies), by route and timing. */
  funnel: Float64Array;
  /** Colonies founded: one per founding unit (a cluster founds one colony), by either path below. */
  coloniesFounded: number;
  /** Colonies founded by extravasated units that divided without going dormant. */
  coloniesFoundedDirectly: number;
  /** Colonies founded by dormant units that woke. */
  coloniesFoundedByWaking: number;
  coloniesExtinct: number;
  coloniesRemoved: number;
  firstDisseminationDay: number;
  /** Shedding since the last observation, for the time series. */
  shedBloodSinceObservation: number;
  shedLymphSinceObservation: number;
  /** Per site: 1 once the first micro (bit 0) / macro (bit 1) colony was seen. */
  firstClassSeen: Uint8Array;
  patient: PatientTraits;
  clinical: ClinicalState;
  events: SimEvent[];
  ended: boolean;
}

export function tumourCells(t: Tumour): number {
  let n = 0;
  for (const c of t.clones) n += c.cells;
  return n;
}

/** Diameter (mm) of a sphere of n cells at the given density. */
export function diameterMm(cells: number, cellsPerMm3: number): number {
  return Math.cbrt((6 * cells) / (Math.PI * cellsPerMm3));
}

/** Cells in a sphere of the given diameter (mm): compared with counts, it spares a cube root per test. */
export function cellsForDiameter(mm: number, cellsPerMm3: number): number {
  return (Math.PI / 6) * mm ** 3 * cellsPerMm3;
}

/** AJCC size class: 0 isolated tumour cells (<= 0.2 mm or < 200 cells), 1 micro (<= 2 mm), 2 macro. */
export function sizeClass(cells: number, cellsPerMm3: number): number {
  if (cells < 200 || cells <= cellsForDiameter(0.2, cellsPerMm3)) return 0;
  return cells <= cellsForDiameter(2, cellsPerMm3) ? 1 : 2;
}
export const SIZE_CLASSES = ['itc', 'micro', 'macro'] as const;
