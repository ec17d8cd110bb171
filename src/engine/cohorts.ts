/**
 * Counted cohorts: the bounded representation of disseminated disease.
 *
 * Dormant cells that share everything their future depends on (site, drivers and
 * drivers gained, route, timing, seeded by the primary or by a metastasis, unit
 * size, and a bucket of the primary's size when they left) are one row of a
 * DtcStore with a count; so are settling cells (extravasated, fate still to come),
 * whose constant hazards make them exchangeable whatever their arrival day.
 * Colonies below the detectable size that share that key and their size (and,
 * once vascular, a bin of their capacity) are one row of a ColonyStore with a
 * count: sizes up to `exactColonyCells` are exact cell counts, larger ones fall in
 * geometric size bins whose row keeps the members' mean size and capacity. The
 * number of rows is bounded by sites x driver sets x buckets x size bins x
 * capacity bins, not by the number of cells or colonies.
 *
 * Exactness (docs/model.md, Representation): dormant and settling rows are thinned with binomial
 * draws, which is exact in distribution because the cells of a row are independent
 * and exchangeable. Exact-size colony rows move with the exact one-step law of a
 * colony of that size (growth, immune kill, shedding loss), so m colonies of size n
 * go to a multinomial over next sizes, also exact. Binned rows use the normal law
 * with the step's exact mean and variance, and vascular rows share their mean
 * capacity: those are the approximations.
 */
import type { ExactStep, PendingShed } from './phases/cohortColonies.ts';
import type { Scenario } from './schema.ts';
import { appendRow, createColumns, type FoundingRecord, meanInto, sizeClass, type Tumour } from './state.ts';

// ---------------------------------------------------------------- colony store

/** Colony cohorts, structure-of-arrays. Founding values are count-weighted means over the members. */
export interface ColonyStore {
  size: number;
  /** Colonies in the row. */
  count: Float64Array;
  /** Cells per colony: exact for exact-size rows, the members' mean in binned rows. */
  cells: Float64Array;
  /** Mean of the squared cells per colony: with `cells`, the spread of sizes within a binned row. */
  cellsSq: Float64Array;
  sizeIndex: Int32Array;
  key: Float64Array;
  site: Uint8Array;
  drivers: Uint8Array;
  route: Uint8Array;
  timing: Uint8Array;
  /** Highest size class already counted in the funnel (0 ITC, 1 micro, 2 macro). */
  reached: Uint8Array;
  generation: Uint16Array;
  foundedDay: Float64Array;
  disseminationDay: Float64Array;
  origin: Int32Array;
  primaryCells: Float64Array;
  /** The founder's passengers (shared with the primary). */
  founderPassengers: Float64Array;
  /** Mean passengers per cell now. */
  passengers: Float64Array;
  founderCells: Float64Array;
  /** Members' mean capacity in cells after their angiogenic switch; 0 in a row of avascular colonies. */
  capacity: Float64Array;
  /** 0 for avascular colonies, else 1 + the capacity bin the row was made with (part of its key). */
  capacityIndex: Int32Array;
}

const COLONY_COLUMNS = [
  ['count', Float64Array],
  ['cells', Float64Array],
  ['cellsSq', Float64Array],
  ['sizeIndex', Int32Array],
  ['key', Float64Array],
  ['site', Uint8Array],
  ['drivers', Uint8Array],
  ['route', Uint8Array],
  ['timing', Uint8Array],
  ['reached', Uint8Array],
  ['generation', Uint16Array],
  ['foundedDay', Float64Array],
  ['disseminationDay', Float64Array],
  ['origin', Int32Array],
  ['primaryCells', Float64Array],
  ['founderPassengers', Float64Array],
  ['passengers', Float64Array],
  ['founderCells', Float64Array],
  ['capacity', Float64Array],
  ['capacityIndex', Int32Array],
] as const;

export function createColonyStore(capacity = 64): ColonyStore {
  return createColumns<ColonyStore>(COLONY_COLUMNS, capacity);
}

function reserve(store: ColonyStore): number {
  return appendRow(store, COLONY_COLUMNS);
}

/** The founding record a member of row i carries (the row's means). */
export function colonyRecord(store: ColonyStore, i: number): FoundingRecord {
  return {
    disseminationDay: store.disseminationDay[i] as number,
    origin: store.origin[i] as number,
    primaryCellsAtDissemination: store.primaryCells[i] as number,
    drivers: store.drivers[i] as number,
    passengers: store.founderPassengers[i] as number,
    route: store.route[i] as FoundingRecord['route'],
    timing: store.timing[i] as FoundingRecord['timing'],
    generation: store.generation[i] as number,
    cells: store.founderCells[i] as number,
  };
}

// ---------------------------------------------------------------- keys and sizes

/** What the cohort machinery derives once per scenario, and the indexes from key to row. */
export interface Cohorts {
  exact: number;
  bucketsPerDoubling: number;
  capacityBinsPerDoubling: number;
  /** Upper edges of the size bins above `exact` (the first bin starts at exact + 0.5). */
  edges: Float64Array;
  /** Size index of every whole cell count below its length (the common case, without a search). */
  wholeIndex: Int32Array;
  dormantAbleIndex: Map<number, number>;
  dormantUnableIndex: Map<number, number>;
  dormantDeepIndex: Map<number, number>;
  /** Settling cells are keyed as dormant ones (dormantKey, nothing gained). */
  settlingIndex: Map<number, number>;
  colonyIndex: ColonyIndex;
  /** Where the next step's colony rows are built, swapped with the state's store. */
  spare: ColonyStore;
  /** Exact one-step laws of small colonies met in this replicate (phases/cohortColonies.ts). */
  laws: Map<number, ExactStep>;
  /** The therapies (division factor and death rate) met in this replicate, numbered from 1 for the laws' keys, and the last one asked for. */
  therapies: {
    numbers: Map<string, number>;
    last: { divisionFactor: number; deathRate: number; index: number };
  };
  /** This step's shedding from cohorts, summed per founding key (phases/cohortColonies.ts). */
  pendingShed: Map<number, PendingShed>;
}

export function createCohorts(s: Scenario): Cohorts {
  const r = s.representation;
  const rho = s.body.cellsPerMm3;
  // Geometric edges, with the size-class limits added so that no bin straddles a class.
  const limits = [200, (Math.PI / 6) * 0.2 ** 3 * rho, (Math.PI / 6) * 2 ** 3 * rho];
  const edges: number[] = [];
  const ratio = 2 ** (1 / r.binsPerDoubling);
  for (let e = (r.exactColonyCells + 0.5) * ratio; e < 1e16; e *= ratio) edges.push(e);
  for (const l of limits) if (l > r.exactColonyCells + 0.5) edges.push(l);
  edges.sort((a, b) => a - b);
  const cohorts: Cohorts = {
    exact: r.exactColonyCells,
    bucketsPerDoubling: r.seedingBucketsPerDoubling,
    capacityBinsPerDoubling: r.capacityBinsPerDoubling,
    edges: Float64Array.from(edges),
    dormantAbleIndex: new Map(),
    dormantUnableIndex: new Map(),
    dormantDeepIndex: new Map(),
    settlingIndex: new Map(),
    colonyIndex: {
      groups: new Map(),
      stamp: 1,
      slotsPerClass: r.exactColonyCells + 2 + edges.length,
      lastKey: -1,
      last: undefined,
    },
    spare: createColonyStore(),
    laws: new Map(),
    therapies: { numbers: new Map(), last: { divisionFactor: 1, deathRate: 0, index: 0 } },
    pendingShed: new Map(),
    wholeIndex: new Int32Array(4096),
  };
  for (let n = 1; n < cohorts.wholeIndex.length; n++)
    cohorts.wholeIndex[n] = n <= r.exactColonyCells ? n : searchIndex(cohorts, n);
  return cohorts;
}

/** Size index of a colony of `cells` cells: the count itself up to `exact`, then exact + 1 + its bin. */
export function sizeIndexOf(c: Cohorts, cells: number): number {
  if (cells <= c.exact + 0.5) return Math.max(1, Math.round(cells));
  if (cells < c.wholeIndex.length && Number.isInteger(cells)) return c.wholeIndex[cells] as number;
  return searchIndex(c, cells);
}

function searchIndex(c: Cohorts, cells: number): number {
  return c.exact + 1 + firstEdgeAtLeast(c.edges, cells);
}

/** The first of the ascending edges not below x (the last edge if all are). */
export function firstEdgeAtLeast(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The bucket of the primary's size when a cell left it. It measures time on the
 * primary's clock: what the outputs read of a seeding (early or late, the primary's
 * diameter at seeding) is resolved to the bucket's width, however long the primary
 * takes to grow through it.
 */
function bucketOf(c: Cohorts, primaryCells: number): number {
  return Math.floor(Math.log2(primaryCells + 1) * c.bucketsPerDoubling);
}

/**
 * Keys are single numbers (fast lookups), exact integers below 2^53: a bucket
 * (below 2^12: 2^53 cells at 64 buckets per doubling) and the product of the other
 * fields' ranges, so distinct fields give distinct keys.
 */
function routeTiming(route: number, timing: number): number {
  return route * 3 + timing;
}
// ---------------------------------------------------------------- dormant cohorts

export function dormantKey(c: Cohorts, site: number, r: FoundingRecord, gained: number): number {
  // As for colonies, cells seeded by metastases share one key whatever their generation.
  const fromPrimary = r.generation <= 1;
  const unit = Math.min(r.cells, 63);
  const rest =
    ((((+fromPrimary * 64 + unit) * 16 + site) * 16 + r.drivers) * 16 + gained) * 12 +
    routeTiming(r.route, r.timing);
  return (fromPrimary ? bucketOf(c, r.primaryCellsAtDissemination) : 0) * 2 ** 36 + rest;
}

/** Rebuilds an index from the keys stored in the rows (after a checkpoint is read). */
export function indexRows(index: Map<number, number>, keys: Float64Array, size: number): void {
  index.clear();
  for (let i = 0; i < size; i++) index.set(keys[i] as number, i);
}

// ---------------------------------------------------------------- colony cohorts

/**
 * A colony key is group * GROUP_UNIT + reached * REACHED_UNIT + size index; the group
 * is (capacity index * BUCKET_UNIT + seeding bucket) * REST_UNIT + the other fields.
 */
const REACHED_UNIT = 8192;
const GROUP_UNIT = 4 * REACHED_UNIT;
const REST_UNIT = 8192;
const BUCKET_UNIT = 4096;
/** How far a key moves when its capacity index changes by one. */
const CAPACITY_STEP = BUCKET_UNIT * REST_UNIT * GROUP_UNIT;

/** 0 for an avascular colony (capacity 0), else 1 + its capacity's bin (capacityBinsPerDoubling). */
export function capacityIndexOf(c: Cohorts, capacity: number): number {
  return capacity > 0 ? 1 + Math.max(0, Math.floor(Math.log2(capacity) * c.capacityBinsPerDoubling)) : 0;
}

function colonyKey(
  c: Cohorts,
  site: number,
  drivers: number,
  route: number,
  timing: number,
  generation: number,
  reached: number,
  primaryCells: number,
  sizeIndex: number,
  capacityIndex: number,
): number {
  // Colonies seeded by metastases (generation 2 and up) share one key whatever their
  // generation and dissemination time: they are what grows without bound when
  // metastases seed metastases, and no output reads their seeding time.
  const fromPrimary = generation <= 1;
  const rest = ((+fromPrimary * 16 + site) * 16 + drivers) * 12 + routeTiming(route, timing);
  const bucket = fromPrimary ? bucketOf(c, primaryCells) : 0;
  const group = (capacityIndex * BUCKET_UNIT + bucket) * REST_UNIT + rest;
  return group * GROUP_UNIT + reached * REACHED_UNIT + sizeIndex;
}

/** Row of `store` for the key, created (with zero colonies) from the given founding values when absent. */
function rowFor(c: Cohorts, store: ColonyStore, key: number, fill: (i: number) => void): number {
  const found = indexGet(c.colonyIndex, key);
  if (found >= 0) return found;
  const i = reserve(store);
  store.key[i] = key;
  store.count[i] = 0;
  store.cells[i] = 0;
  store.cellsSq[i] = 0;
  fill(i);
  indexSet(c.colonyIndex, key, i);
  return i;
}

/**
 * Key to row for colony rows. Every step rebuilds the rows, so lookups are many: a
 * key splits into its group (all but size and reached class), found in a map once
 * per group, and a slot (reached class, size) in the group's arrays. A stamp per
 * slot marks entries of earlier steps as empty without clearing them.
 */
export interface ColonyIndex {
  groups: Map<number, { rows: Int32Array; stamps: Int32Array }>;
  stamp: number;
  slotsPerClass: number;
  lastKey: number;
  last: { rows: Int32Array; stamps: Int32Array } | undefined;
}

/** The group of a key, created when absent; the last one is kept, as lookups come in runs. */
function groupOf(ix: ColonyIndex, key: number): { rows: Int32Array; stamps: Int32Array } {
  const group = Math.floor(key / GROUP_UNIT);
  if (group === ix.lastKey && ix.last) return ix.last;
  let g = ix.groups.get(group);
  if (!g) {
    g = { rows: new Int32Array(3 * ix.slotsPerClass), stamps: new Int32Array(3 * ix.slotsPerClass) };
    ix.groups.set(group, g);
  }
  ix.lastKey = group;
  ix.last = g;
  return g;
}

function slotOf(ix: ColonyIndex, key: number): number {
  return (Math.floor(key / REACHED_UNIT) % 4) * ix.slotsPerClass + (key % REACHED_UNIT);
}

function indexGet(ix: ColonyIndex, key: number): number {
  const g = groupOf(ix, key);
  const slot = slotOf(ix, key);
  return g.stamps[slot] === ix.stamp ? (g.rows[slot] as number) : -1;
}

function indexSet(ix: ColonyIndex, key: number, row: number): void {
  const g = groupOf(ix, key);
  const slot = slotOf(ix, key);
  g.rows[slot] = row;
  g.stamps[slot] = ix.stamp;
}

/** Indexes the rows of a store (after a checkpoint is read). */
export function indexColonies(c: Cohorts, store: ColonyStore): void {
  c.colonyIndex.stamp++;
  for (let i = 0; i < store.size; i++) indexSet(c.colonyIndex, store.key[i] as number, i);
}

/** Adds `count` colonies of `cells` cells each to row i, keeping the mean size exact. */
/** Adds `count` colonies whose cells have the given mean and mean square to row i, keeping both exact. */
function addToRow(store: ColonyStore, i: number, count: number, cells: number, cellsSq: number): number {
  const before = store.count[i] as number;
  const w = count / (before + count);
  store.count[i] = before + count;
  meanInto(store.cells, i, cells, w);
  meanInto(store.cellsSq, i, cellsSq, w);
  return before;
}

/** New colonies founded by `count` units of a record at a site (drivers gained at the site added). */
export function foundCohortColonies(
  c: Cohorts,
  store: ColonyStore,
  day: number,
  site: number,
  r: FoundingRecord,
  gained: number,
  count: number,
  rho: number,
): void {
  const kind = { site, drivers: r.drivers | gained, reached: sizeClass(r.cells, rho), capacity: 0 };
  addMembers(c, store, r, kind, count, r.cells, day, r.passengers);
}

/**
 * A colony record of one clone joins the cohort of its kind (its founding key,
 * drivers, size, reached class and, once switched, capacity): one more member,
 * whose founding values enter the row's means.
 */
export function joinCohort(c: Cohorts, store: ColonyStore, t: Tumour): void {
  const clone = t.clones[0] as Tumour['clones'][number];
  const capacity = t.vascular ? t.capacity : 0;
  const kind = { site: t.site, drivers: clone.drivers, reached: t.sizeClassReached, capacity };
  addMembers(c, store, t.founding as FoundingRecord, kind, 1, clone.cells, t.foundedDay, clone.passengers);
}

/** Adds `count` colonies of `cells` cells, founded on `day` by the record r, to the row of their kind. */
function addMembers(
  c: Cohorts,
  store: ColonyStore,
  r: FoundingRecord,
  kind: { site: number; drivers: number; reached: number; capacity: number },
  count: number,
  cells: number,
  day: number,
  passengers: number,
): void {
  const sizeIndex = sizeIndexOf(c, cells);
  const capacityIndex = capacityIndexOf(c, kind.capacity);
  const key = colonyKey(
    c,
    kind.site,
    kind.drivers,
    r.route,
    r.timing,
    r.generation,
    kind.reached,
    r.primaryCellsAtDissemination,
    sizeIndex,
    capacityIndex,
  );
  const i = rowFor(c, store, key, (i) => {
    store.sizeIndex[i] = sizeIndex;
    store.site[i] = kind.site;
    store.drivers[i] = kind.drivers;
    store.route[i] = r.route;
    store.timing[i] = r.timing;
    store.reached[i] = kind.reached;
    store.generation[i] = r.generation;
    store.origin[i] = r.origin;
    store.capacity[i] = 0;
    store.capacityIndex[i] = capacityIndex;
  });
  const before = addToRow(store, i, count, cells, cells * cells);
  const w = count / (before + count);
  meanInto(store.capacity, i, kind.capacity, w);
  meanInto(store.foundedDay, i, day, w);
  meanInto(store.disseminationDay, i, r.disseminationDay, w);
  meanInto(store.primaryCells, i, r.primaryCellsAtDissemination, w);
  meanInto(store.founderPassengers, i, r.passengers, w);
  meanInto(store.passengers, i, passengers, w);
  meanInto(store.founderCells, i, r.cells, w);
}

/**
 * Moves `count` colonies of row i of `from` into `to` with `cells` cells on average
 * (mean square `cellsSq`; all of them exactly `cells` by default), the given
 * reached class and capacity (the row's own by default; 0 for avascular).
 */
export function moveColonies(
  c: Cohorts,
  from: ColonyStore,
  i: number,
  to: ColonyStore,
  count: number,
  cells: number,
  reached: number,
  cellsSq = cells * cells,
  capacity = from.capacity[i] as number,
): void {
  const sizeIndex = sizeIndexOf(c, cells);
  const capacityIndex = capacityIndexOf(c, capacity);
  // The key differs from the row's own only in size, reached class and capacity (the
  // seeding bucket stays the one the row was made with, whatever its mean drifts to).
  const key =
    (from.key[i] as number) +
    (capacityIndex - (from.capacityIndex[i] as number)) * CAPACITY_STEP +
    (reached - (from.reached[i] as number)) * REACHED_UNIT +
    (sizeIndex - (from.sizeIndex[i] as number));
  let j = indexGet(c.colonyIndex, key);
  if (j < 0) {
    j = reserve(to);
    indexSet(c.colonyIndex, key, j);
    to.key[j] = key;
    to.count[j] = 0;
    to.cells[j] = 0;
    to.cellsSq[j] = 0;
    to.sizeIndex[j] = sizeIndex;
    to.site[j] = from.site[i] as number;
    to.drivers[j] = from.drivers[i] as number;
    to.route[j] = from.route[i] as number;
    to.timing[j] = from.timing[i] as number;
    to.reached[j] = reached;
    to.generation[j] = from.generation[i] as number;
    to.origin[j] = from.origin[i] as number;
    to.capacity[j] = 0;
    to.capacityIndex[j] = capacityIndex;
  }
  const before = addToRow(to, j, count, cells, cellsSq);
  const w = count / (before + count);
  meanInto(to.capacity, j, capacity, w);
  meanInto(to.foundedDay, j, from.foundedDay[i] as number, w);
  meanInto(to.disseminationDay, j, from.disseminationDay[i] as number, w);
  meanInto(to.primaryCells, j, from.primaryCells[i] as number, w);
  meanInto(to.founderPassengers, j, from.founderPassengers[i] as number, w);
  meanInto(to.passengers, j, from.passengers[i] as number, w);
  meanInto(to.founderCells, j, from.founderCells[i] as number, w);
}

/** Empties `store` and its index, ready to receive the next step's rows. */
export function clearColonies(c: Cohorts, store: ColonyStore): void {
  store.size = 0;
  c.colonyIndex.stamp++;
}
