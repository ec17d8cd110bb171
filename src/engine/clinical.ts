/**
 * The clinical layer, applied after the eight phases of each step: detection of
 * the primary (screening or symptoms), surgery with sentinel-node classification,
 * adjuvant chemotherapy, endocrine therapy and radiotherapy, recurrence, systemic
 * therapy of metastatic disease, and death at the lethal burden.
 */
import { type Context, countFunnel, logEvent } from './context.ts';
import { thinCohortColonies } from './phases/cohortColonies.ts';
import { dropEmptyRows } from './phases/colonisation.ts';
import { divisionRate, netRate } from './phases/growth.ts';
import { bernoulli, binomial, exponential } from './samplers.ts';
import { NODES, ORGANS, SITES } from './schema.ts';
import {
  cellsForDiameter,
  type DtcStore,
  diameterMm,
  dormantStores,
  PRIMARY_SITE,
  type Route,
  SIZE_CLASSES,
  type State,
  sizeClass,
  type Timing,
  type Tumour,
  tumourCells,
} from './state.ts';

const SENTINEL = SITES.indexOf('sentinelNode');
const REGIONAL = SITES.indexOf('regionalNode');
const DISTANT_NODE = SITES.indexOf('distantNode');
const isNode = (site: number) => site >= SENTINEL && site < SENTINEL + NODES.length;

/** The primary, or what surgery left of it (the first tumour, without a founding record). */
export function primaryLineage(ctx: Context): Tumour | undefined {
  const t = ctx.state.tumours[0];
  return t && t.founding === null ? t : undefined;
}

/** The primary before surgery. */
export function primaryTumour(ctx: Context): Tumour | undefined {
  const t = primaryLineage(ctx);
  return t && !t.residual ? t : undefined;
}

const ORGAN_SITES = ORGANS.map((o) => SITES.indexOf(o));

/** Tumour cells at each site (records and cohort rows), in SITES order. */
export function burdenBySite(ctx: Context): number[] {
  const bySite = SITES.map(() => 0);
  for (const t of ctx.state.tumours) bySite[t.site] = (bySite[t.site] as number) + tumourCells(t);
  const c = ctx.state.colonies;
  for (let i = 0; i < c.size; i++) {
    const site = c.site[i] as number;
    bySite[site] = (bySite[site] as number) + (c.count[i] as number) * (c.cells[i] as number);
  }
  return bySite;
}

/** Cells in a dormant (or settling) store, at one site or (site -1) everywhere. */
export function dormantCells(store: DtcStore, site = -1): number {
  let n = 0;
  for (let i = 0; i < store.size; i++)
    if (site < 0 || store.site[i] === site) n += (store.cells[i] as number) * (store.count[i] as number);
  return n;
}

/** Dormant cells in every dormant store, at one site or (site -1) everywhere. */
export function allDormantCells(state: State, site = -1): number {
  return dormantStores(state).reduce((n, store) => n + dormantCells(store, site), 0);
}

/** Colonies that are cohort members (not records). */
export function cohortColonies(ctx: Context): number {
  const c = ctx.state.colonies;
  let n = 0;
  for (let i = 0; i < c.size; i++) n += c.count[i] as number;
  return n;
}

/** AJCC status of a node station: the largest colony there, or ITC when only solitary (dormant or settling) cells are present. */
export function nodeStatus(ctx: Context, site: number): string {
  const { state, scenario: s } = ctx;
  let best = -1;
  for (const t of state.tumours)
    if (t.site === site) best = Math.max(best, sizeClass(tumourCells(t), s.body.cellsPerMm3));
  const c = state.colonies;
  for (let i = 0; i < c.size; i++)
    if (c.site[i] === site && (c.count[i] as number) > 0)
      best = Math.max(best, sizeClass(c.cells[i] as number, s.body.cellsPerMm3));
  if (best >= 0) return SIZE_CLASSES[best] as string;
  const solitary = allDormantCells(state, site) + dormantCells(state.settling, site);
  return solitary > 0 ? 'itc' : 'negative';
}

/**
 * Keeps each cell of the matching tumours, dormant and settling cells with
 * probability `survive`. Colonies left empty are removed here and counted as
 * removed, so they are never also counted as extinct.
 */
function cull(ctx: Context, where: (t: Tumour | number) => boolean, survive: number): void {
  const { state } = ctx;
  const u = ctx.streams.clinical;
  for (const t of state.tumours) {
    if (!where(t)) continue;
    for (const c of t.clones) c.cells = survive === 0 ? 0 : binomial(u, c.cells, survive);
  }
  state.tumours = state.tumours.filter((t) => {
    if (!t.founding || !where(t) || tumourCells(t) > 0) return true;
    state.coloniesRemoved++;
    return false;
  });
  state.coloniesRemoved += thinCohortColonies(ctx, where, survive);
  const { cohorts } = ctx;
  const stores = [
    [state.dormantAble, cohorts.dormantAbleIndex, 'dormantRemoved'],
    [state.dormantUnable, cohorts.dormantUnableIndex, 'dormantRemoved'],
    [state.dormantDeep, cohorts.dormantDeepIndex, 'dormantRemoved'],
    [state.settling, cohorts.settlingIndex, 'settlingRemoved'],
  ] as const;
  for (const [store, index, stage] of stores) {
    for (let i = store.size - 1; i >= 0; i--) {
      if (!where(store.site[i] as number)) continue;
      const n = store.count[i] as number;
      // One record: one Bernoulli draw, as the reference representation always did.
      const left = n === 1 ? (bernoulli(u, survive) ? 1 : 0) : binomial(u, n, survive);
      if (left === n) continue;
      const gone = (n - left) * (store.cells[i] as number);
      countFunnel(state, stage, store.route[i] as Route, store.timing[i] as Timing, gone);
      store.count[i] = left;
    }
    dropEmptyRows(store, index);
  }
}
/**
 * An operation with clear margins: each cell where `where` holds is left with
 * `surgery.residualFraction`, and what is left is microscopic disease without the
 * tumour's vessels, which must switch again.
 */
function excise(ctx: Context, where: (t: Tumour | number) => boolean): void {
  const s = ctx.scenario;
  cull(ctx, where, s.clinical.surgery.residualFraction);
  for (const t of ctx.state.tumours) {
    if (!where(t)) continue;
    t.vascular = false;
    t.capacity = s.angiogenesis.avascularCapacityCells;
  }
}
const atSite = (sites: number[]) => (x: Tumour | number) =>
  sites.includes(typeof x === 'number' ? x : x.site);

function detect(ctx: Context, primary: Tumour): void {
  const { state, scenario: s } = ctx;
  const c = state.clinical;
  const d = diameterMm(tumourCells(primary), s.body.cellsPerMm3);
  let mode = '';
  const eta = s.clinical.symptomaticHazard;
  if (eta > 0) {
    // The hazard at the primary's volume this step, in cm^3 (a thousand mm^3), over the step.
    c.symptomaticHazard += eta * (tumourCells(primary) / s.body.cellsPerMm3 / 1000) * s.time.dt;
    if (c.symptomaticHazard >= state.patient.symptomaticLevel) mode = 'symptoms';
  } else if (d >= state.patient.symptomaticMm) mode = 'symptoms';
  const screen = s.clinical.screening;
  if (screen.enabled && state.patient.screened && state.day >= c.nextScreenDay) {
    c.nextScreenDay += screen.intervalDays;
    if (!mode && d >= screen.thresholdMm && bernoulli(ctx.streams.clinical, screen.sensitivity))
      mode = 'screening';
  }
  if (!mode) return;
  c.detectedDay = state.day;
  c.detectionMode = mode;
  c.primaryCellsAtDetection = tumourCells(primary);
  c.ctcPerSampleAtDetection = (state.ctcInBlood * s.body.sampleVolumeMl) / s.body.bloodVolumeMl;
  c.dormantAtDetection = allDormantCells(state);
  c.coloniesAtDetection = state.tumours.length - 1 + cohortColonies(ctx);
  logEvent(state, 'detection', 'primary', primary.id, d, mode);
  const visible = state.tumours.filter(
    (t) => t.founding && diameterMm(tumourCells(t), s.body.cellsPerMm3) >= s.clinical.metastasisDetectionMm,
  );
  c.stageAtDiagnosis = 'localized';
  stageVisible(state, visible);
}

function surgery(ctx: Context, primary: Tumour): void {
  const { state, scenario: s } = ctx;
  const rule = s.clinical.surgery.nodeRule;
  excise(ctx, (x) => x === primary);
  primary.residual = true;
  state.clinical.surgeryDay = state.day;
  // Disease already visible at surgery is metastatic at diagnosis, not a later recurrence,
  // and stages the patient as it would have at detection.
  const visible = state.tumours.filter(
    (t) => diameterMm(tumourCells(t), s.body.cellsPerMm3) >= s.clinical.metastasisDetectionMm,
  );
  state.clinical.visibleAtSurgery = visible.map((t) => t.id);
  stageVisible(
    state,
    visible.filter((t) => t.founding),
  );
  logEvent(state, 'surgery', 'primary', primary.id, tumourCells(primary), 'residual cells');
  if (rule === 'none') return;
  const sentinel = nodeStatus(ctx, SENTINEL);
  logEvent(state, 'node_status', 'sentinelNode', -1, 0, sentinel);
  const removed = [SENTINEL];
  // Micro- and macrometastases make a node positive; isolated tumour cells do not (AJCC N0(i+)).
  const positive = sentinel === 'micro' || sentinel === 'macro';
  if (positive && state.clinical.stageAtDiagnosis === 'localized')
    state.clinical.stageAtDiagnosis = 'regional';
  if (rule === 'sentinelThenRegional' && positive) {
    logEvent(state, 'node_status', 'regionalNode', -1, 0, nodeStatus(ctx, REGIONAL));
    removed.push(REGIONAL);
  }
  cull(ctx, atSite(removed), 0);
}

/**
 * Chance that a cell dividing at `rate` per day survives a chemotherapy cycle.
 * Cytotoxic drugs kill cells as they pass through the cycle (Skipper's log kill,
 * proportional to growth in Norton & Simon 1977): a cell is exposed for
 * `exposureDays` and dies with probability `killFraction` if it divides in that
 * time, so fast cells lose up to `killFraction` per cycle, slow ones little, and
 * dormant cells (in the DTC store, not here) nothing.
 */
export function chemoSurvival(ctx: Context, rate: number): number {
  const chemo = ctx.scenario.clinical.chemotherapy;
  return 1 + chemo.killFraction * Math.expm1(-rate * chemo.exposureDays);
}

/**
 * Raises the SEER stage for visible metastases: regional in the sentinel or
 * regional node, distant anywhere else (organs and the distant node station).
 */
function stageVisible(state: State, visible: readonly Tumour[]): void {
  const c = state.clinical;
  if (visible.length === 0) return;
  if (!c.metastaticAtDiagnosis) logEvent(state, 'metastasis_at_diagnosis', '', -1, 0);
  c.metastaticAtDiagnosis = true;
  if (visible.some((t) => t.site !== SENTINEL && t.site !== REGIONAL)) c.stageAtDiagnosis = 'distant';
  else if (c.stageAtDiagnosis !== 'distant') c.stageAtDiagnosis = 'regional';
}

function adjuvant(ctx: Context): void {
  const { state, scenario: s } = ctx;
  const c = state.clinical;
  const since = state.day - c.surgeryDay;
  const chemo = s.clinical.chemotherapy;
  while (
    chemo.enabled &&
    c.chemoCyclesGiven < chemo.cycles &&
    since >= chemo.startDays + c.chemoCyclesGiven * chemo.intervalDays
  ) {
    const u = ctx.streams.clinical;
    for (const t of state.tumours) {
      const n = tumourCells(t);
      if (n === 0) continue;
      const g = netRate(ctx, t.founding !== null, t.capacity, n);
      for (const cl of t.clones)
        cl.cells = binomial(u, cl.cells, chemoSurvival(ctx, divisionRate(ctx, g, cl.drivers)));
    }
    // Colonies emptied by a cycle are extinct, as records emptied by it are.
    const avascular = s.angiogenesis.avascularCapacityCells;
    state.coloniesExtinct += thinCohortColonies(
      ctx,
      () => true,
      (cells, drivers, capacity) =>
        chemoSurvival(ctx, divisionRate(ctx, netRate(ctx, true, capacity || avascular, cells), drivers)),
    );
    c.chemoCyclesGiven++;
    logEvent(state, 'chemotherapy_cycle', '', -1, c.chemoCyclesGiven);
  }
  const endo = s.clinical.endocrine;
  // Adjuvant endocrine therapy gives way to metastatic therapy once that begins.
  const onEndocrine =
    endo.enabled &&
    c.metastaticLine === 0 &&
    since >= endo.startDays &&
    since < endo.startDays + endo.durationDays;
  if (onEndocrine !== c.endocrineActive) {
    c.endocrineActive = onEndocrine;
    if (onEndocrine) {
      c.endocrineResistant = !bernoulli(ctx.streams.clinical, endo.responseProbability);
      // Drawn only where escape can happen, so scenarios without it keep their streams.
      c.endocrineEscapeHazard = 0;
      c.endocrineEscapeLevel =
        !c.endocrineResistant && endo.resistancePerDivision > 0 ? exponential(ctx.streams.clinical, 1) : -1;
    }
    logEvent(
      state,
      onEndocrine ? 'endocrine_start' : 'endocrine_end',
      '',
      -1,
      0,
      onEndocrine && c.endocrineResistant ? 'resistant' : '',
    );
  }
  applyTherapy(ctx);
  const rt = s.clinical.radiotherapy;
  if (rt.enabled && !c.radiotherapyDone && since >= rt.startDays) {
    c.radiotherapyDone = true;
    const field = rt.includesRegionalNodes ? [PRIMARY_SITE, SENTINEL, REGIONAL] : [PRIMARY_SITE];
    cull(ctx, atSite(field), rt.survivingFraction);
    logEvent(state, 'radiotherapy', '', -1, 0);
  }
  // After every kill of the step: the divisions counted are those of the cells left.
  if (c.endocrineActive && c.endocrineEscapeLevel >= 0 && !c.endocrineResistant) acquireResistance(ctx);
}

function recurrence(ctx: Context): void {
  const { state, scenario: s } = ctx;
  const c = state.clinical;
  const visible = c.visibleAtSurgery;
  const detectableCells = cellsForDiameter(s.clinical.metastasisDetectionMm, s.body.cellsPerMm3);
  const detectable: Tumour[] = [];
  const found: Tumour[] = [];
  for (const t of state.tumours) {
    const big = tumourCells(t) >= detectableCells;
    const known = visible.indexOf(t.id);
    // Disease visible at surgery recurs only if it shrinks below detection and grows back.
    if (known >= 0 && !big) visible.splice(known, 1);
    if (!big) continue;
    detectable.push(t);
    if (known < 0) found.push(t);
  }
  if (found.length === 0) return;
  // Lesions found together are one recurrence, named by the worst: distant, regional, local.
  const worst = found.reduce((w, t) => (RANK[recurrenceType(t.site)] > RANK[recurrenceType(w.site)] ? t : w));
  const type = recurrenceType(worst.site);
  if (c.recurrenceDay < 0) {
    c.recurrenceDay = state.day;
    c.recurrenceType = type;
  }
  logEvent(state, 'recurrence', SITES[worst.site] as string, worst.id, tumourCells(worst), type);
  // The work-up at a recurrence finds all visible disease: salvage is for recurrence
  // confined to the breast and the axilla (and the distant node station, if the scenario
  // says so) in a patient not metastatic at diagnosis, and the surgeon clears every site
  // that holds it.
  const salvageable = (site: number) =>
    site === PRIMARY_SITE ||
    site === SENTINEL ||
    site === REGIONAL ||
    (site === DISTANT_NODE && s.clinical.salvage.distantNode);
  const isolated = c.stageAtDiagnosis !== 'distant' && detectable.every((t) => salvageable(t.site));
  if (s.clinical.salvage.enabled && isolated) {
    const sites = [...new Set(detectable.map((t) => t.site))];
    excise(ctx, atSite(sites));
    for (const site of sites) logEvent(state, 'salvage', SITES[site] as string, -1, 0);
    return;
  }
  c.relapsed = true;
}
const recurrenceType = (site: number) =>
  site === PRIMARY_SITE ? 'local' : isNode(site) ? 'regional' : 'distant';
const RANK = { local: 0, regional: 1, distant: 2 } as const;

/** Cell divisions per day in the whole disease at the current rates (dormant cells do not divide). */
function divisionsPerDay(ctx: Context): number {
  let d = 0;
  for (const t of ctx.state.tumours) {
    const n = tumourCells(t);
    if (n === 0) continue;
    const g = netRate(ctx, t.founding !== null, t.capacity, n);
    for (const cl of t.clones) d += cl.cells * divisionRate(ctx, g, cl.drivers);
  }
  const col = ctx.state.colonies;
  const avascular = ctx.scenario.angiogenesis.avascularCapacityCells;
  for (let i = 0; i < col.size; i++) {
    const m = col.count[i] as number;
    if (m === 0) continue;
    const n = col.cells[i] as number;
    const g = netRate(ctx, true, (col.capacity[i] as number) || avascular, n);
    d += m * n * divisionRate(ctx, g, col.drivers[i] as number);
  }
  return d;
}

/**
 * Acquired resistance (Goldie & Coldman 1979): any division under the therapy may
 * give rise to a resistant lineage, so the disease escapes with hazard per division
 * times divisions per day, and the level drawn at the start is reached soon in large
 * disease and seldom in micrometastases. From then on the whole disease is taken as
 * resistant: the resistant lineage's regrowth from one cell is folded into the
 * fitted hazard per division.
 */
function acquireResistance(ctx: Context): void {
  const { state, scenario: s } = ctx;
  const c = state.clinical;
  c.endocrineEscapeHazard += s.clinical.endocrine.resistancePerDivision * divisionsPerDay(ctx) * s.time.dt;
  if (c.endocrineEscapeHazard < c.endocrineEscapeLevel) return;
  c.endocrineResistant = true;
  applyTherapy(ctx);
  logEvent(state, 'endocrine_escape', '', -1, 0);
}

/**
 * Systemic therapy of disease that has spread or come back: from a distant stage at
 * diagnosis (at surgery) or a recurrence salvage does not remove it replaces adjuvant endocrine
 * therapy and gives its lines in turn. Each line slows and kills cycling cells until
 * the disease escapes it: by acquired resistance, the endocrine law's Goldie–Coldman
 * escape (large disease escapes sooner), and by adaptation at a rate per day whatever
 * its size (without it a small disease held by a line would never escape); later lines
 * are escaped sooner (cross-resistance). After the last line the disease grows
 * untreated. Dormant cells do not cycle and are spared.
 */
function metastaticTherapy(ctx: Context): void {
  const { state, scenario: s } = ctx;
  const c = state.clinical;
  const m = s.clinical.metastaticTherapy;
  if (!m.enabled || c.metastaticLine < 0) return;
  if (c.metastaticLine === 0) {
    if (c.stageAtDiagnosis !== 'distant' && !c.relapsed) return;
    if (c.endocrineActive) {
      c.endocrineActive = false;
      logEvent(state, 'endocrine_end', '', -1, 0);
    }
    startLine(ctx, 1);
    return;
  }
  if (c.metastaticEscapeLevel < 0) return;
  const crossResistance = m.laterLineFactor ** (c.metastaticLine - 1);
  // Only disease that cycles escapes: a line that has cleared it, or holds only dormant
  // cells, does not progress.
  const divisions = divisionsPerDay(ctx);
  const perDay = divisions > 0 ? m.escapeRate : 0;
  c.metastaticEscapeHazard += crossResistance * (m.resistancePerDivision * divisions + perDay) * s.time.dt;
  if (c.metastaticEscapeHazard < c.metastaticEscapeLevel) return;
  logEvent(state, 'metastatic_progression', '', -1, c.metastaticLine);
  if (c.metastaticLine < m.lines) startLine(ctx, c.metastaticLine + 1);
  else {
    c.metastaticLine = -1;
    applyTherapy(ctx);
  }
}

function startLine(ctx: Context, line: number): void {
  const c = ctx.state.clinical;
  const m = ctx.scenario.clinical.metastaticTherapy;
  c.metastaticLine = line;
  c.metastaticEscapeHazard = 0;
  // Drawn only where escape can happen: without it a line holds for the rest of the run.
  c.metastaticEscapeLevel =
    m.resistancePerDivision > 0 || m.escapeRate > 0 ? exponential(ctx.streams.clinical, 1) : -1;
  logEvent(ctx.state, 'metastatic_line', '', -1, line);
  applyTherapy(ctx);
}

/**
 * Sets the factors the phases read from the clinical state: a line of metastatic
 * therapy's while one is in force, else endocrine therapy's while it is, none
 * otherwise. De novo endocrine resistance: the whole disease of a resistant patient
 * goes on as if untreated. Also restores them when a checkpoint resumes.
 */
export function applyTherapy(ctx: Context): void {
  const c = ctx.state.clinical;
  const t = ctx.therapy;
  if (c.metastaticLine > 0) {
    const m = ctx.scenario.clinical.metastaticTherapy;
    t.divisionFactor = m.divisionFactor;
    t.wakeFactor = 1;
    t.deathRate = m.deathRate;
    return;
  }
  const endo = ctx.scenario.clinical.endocrine;
  const acting = c.endocrineActive && !c.endocrineResistant;
  t.divisionFactor = acting ? endo.divisionFactor : 1;
  t.wakeFactor = acting ? endo.wakeFactor : 1;
  t.deathRate = acting ? endo.deathRate : 0;
}

export function clinical(ctx: Context): void {
  const { state, scenario: s } = ctx;
  const c = state.clinical;
  const primary = primaryTumour(ctx);
  if (primary && c.detectedDay < 0) detect(ctx, primary);
  if (
    primary &&
    c.detectedDay >= 0 &&
    s.clinical.surgery.enabled &&
    state.day >= c.detectedDay + s.clinical.surgery.delayDays
  ) {
    surgery(ctx, primary);
  }
  if (c.surgeryDay >= 0) {
    adjuvant(ctx);
    if (!c.relapsed) recurrence(ctx);
    metastaticTherapy(ctx);
  }
  // The patient dies of the whole burden, or sooner of one organ that fails (the brain).
  const bySite = burdenBySite(ctx);
  const burden = bySite.reduce((a, b) => a + b, 0);
  const failed = ORGANS.find((o, i) => {
    const lethal = s.sites[o].lethalCells;
    return lethal > 0 && (bySite[ORGAN_SITES[i] as number] as number) >= lethal;
  });
  if (failed || burden >= s.body.lethalBurdenCells) {
    c.deathDay = state.day;
    state.ended = true;
    // Where the patient died: the failed organ, or where the largest share of the burden was.
    if (failed) logEvent(state, 'death', failed, -1, burden, 'organ failure');
    else logEvent(state, 'death', SITES[bySite.indexOf(Math.max(...bySite))] as string, -1, burden);
  }
}
