/**
 * One definition per count: summary.json, what `seedsoil run` prints, funnel.csv,
 * metastases.csv, timeseries.csv and the runs.csv row say the same thing under the
 * same name, over arbitrary scenarios and seeds (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcomeRow } from '../../src/engine/outcomes.ts';
import { humanSummary, runFiles } from '../../src/engine/output.ts';
import type { Scenario } from '../../src/engine/schema.ts';
import { run, type Summary } from '../../src/engine/simulation.ts';
import { arbitraryScenario, capped } from '../support/scenarios.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Rows of a CSV as records of strings. */
function csv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n');
  const cols = (header ?? '').split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

/** The numbers the printed summary gives, by the name it gives them. */
function printed(text: string): Record<string, number | string> {
  const match = (re: RegExp) => {
    const m = text.match(re);
    if (!m) throw new Error(`the summary has no line matching ${re}:\n${text}`);
    return m.slice(1);
  };
  const [founded, directly, byWaking, extinct, removed] = match(
    /colonies founded: (\d+) \(directly (\d+), by waking dormant cells (\d+)\); extinct (\d+), removed (\d+)/,
  ).map(Number);
  const [alive, itc, micro, macro, share] = match(
    /colonies alive: (\d+) \(ITC size (\d+), micrometastases (\d+), macrometastases (\d+)\); early-derived share (.+)/,
  );
  const [dormant] = match(/disseminated cells now: dormant (\d+)/).map(Number);
  const [cellsFounded, cellsWoke] = match(
    /funnel \(cells\): .* -> dormant \d+ \/ founded a colony directly (\d+); woke and founded a colony (\d+)/,
  ).map(Number);
  const [reachedMicro, reachedMacro] = match(
    /funnel \(colonies, each counted once\): reached micrometastasis size (\d+) -> macrometastasis size (\d+)/,
  ).map(Number);
  return {
    founded: founded as number,
    foundedDirectly: directly as number,
    foundedByWaking: byWaking as number,
    extinct: extinct as number,
    removed: removed as number,
    alive: Number(alive),
    itc: Number(itc),
    micro: Number(micro),
    macro: Number(macro),
    share: share as string,
    dormant: dormant as number,
    cellsFounded: cellsFounded as number,
    cellsWoke: cellsWoke as number,
    reachedMicro: reachedMicro as number,
    reachedMacro: reachedMacro as number,
  };
}

/** Every check of one run; `singleCells` when every unit is one cell (no clusters). */
function checkCounts(scenario: Scenario, s: number, singleCells: boolean): void {
  const r = run(scenario, { seed: s });
  const files = runFiles(r);
  const summary = JSON.parse(files['summary.json'] as string) as Summary;
  const c = summary.colonies;
  const f = summary.funnel as Record<string, number>;

  // Colonies founded: one count, two paths; every one alive, extinct or removed.
  expect(c.foundedDirectly + c.foundedByWaking).toBe(c.founded);
  expect(c.alive + c.extinct + c.removed).toBe(c.founded);
  // Colonies alive, by their size class now.
  expect(c.itc + c.micro + c.macro).toBe(c.alive);

  // The funnel counts the cells of the founding units: a unit founds one colony, and
  // a cluster's unit is more than one cell.
  expect(f.founded).toBeGreaterThanOrEqual(c.foundedDirectly);
  expect(f.dormantWoke).toBeGreaterThanOrEqual(c.foundedByWaking);
  expect(f.founded === 0).toBe(c.foundedDirectly === 0);
  expect(f.dormantWoke === 0).toBe(c.foundedByWaking === 0);
  if (singleCells) {
    expect(f.founded).toBe(c.foundedDirectly);
    expect(f.dormantWoke).toBe(c.foundedByWaking);
  }
  // The funnel's micro and macro count colonies that ever reached the size; those alive at it now are among them.
  expect(f.micro).toBeGreaterThanOrEqual(c.micro + c.macro);
  expect(f.macro).toBeGreaterThanOrEqual(c.macro);

  // funnel.csv: the summary's totals, each stage in its one unit.
  const funnelRows = csv(files['funnel.csv'] as string);
  for (const [stage, total] of Object.entries(f)) {
    const rows = funnelRows.filter((row) => row.stage === stage);
    expect(rows.reduce((n, row) => n + Number(row.count), 0)).toBe(total);
    for (const row of rows)
      expect(row.unit).toBe(stage === 'micro' || stage === 'macro' ? 'colonies' : 'cells');
  }

  // metastases.csv: the colonies alive, by size class.
  const mets = csv(files['metastases.csv'] as string);
  const alive = (cls?: string) =>
    mets.reduce((n, m) => (cls === undefined || m.size_class === cls ? n + Number(m.count) : n), 0);
  expect([alive(), alive('itc'), alive('micro'), alive('macro')]).toEqual([c.alive, c.itc, c.micro, c.macro]);

  // The early-derived share is undefined (null) exactly when no colony is alive.
  if (c.alive === 0) expect(summary.earlyShare).toBeNull();
  else
    expect(summary.earlyShare).toBe(
      mets.reduce((n, m) => (m.timing === 'early' ? n + Number(m.count) : n), 0) / c.alive,
    );

  // What `seedsoil run` prints.
  const p = printed(humanSummary(r));
  expect(p).toEqual({
    founded: c.founded,
    foundedDirectly: c.foundedDirectly,
    foundedByWaking: c.foundedByWaking,
    extinct: c.extinct,
    removed: c.removed,
    alive: c.alive,
    itc: c.itc,
    micro: c.micro,
    macro: c.macro,
    share:
      summary.earlyShare === null
        ? 'undefined (no colony alive)'
        : `${(100 * summary.earlyShare).toFixed(0)}%`,
    dormant: summary.dormantCells,
    cellsFounded: f.founded,
    cellsWoke: f.dormantWoke,
    reachedMicro: f.micro,
    reachedMacro: f.macro,
  });

  // timeseries.csv: colonies alive = cycling DTCs (ITC size) + micro + macro over the
  // sites; a share of none alive is an empty cell, not 0.
  const rows = csv(files['timeseries.csv'] as string);
  for (const [i, row] of rows.entries()) {
    const sum = (prefix: string) =>
      Object.keys(row)
        .filter((k) => k.startsWith(prefix))
        .reduce((n, k) => n + Number(row[k]), 0);
    const colonies = Number(row.colonies);
    expect(sum('dtc_cycling_') + sum('mets_micro_') + sum('mets_macro_')).toBe(colonies);
    expect(row.early_share === '').toBe(colonies === 0);
    expect(row.early_share_macro === '').toBe(sum('mets_macro_') === 0);
    // The last row is the end of the run: its dormant cells (deep ones too) are the summary's.
    if (i === rows.length - 1) expect(sum('dtc_dormant_')).toBe(summary.dormantCells);
  }

  // runs.csv: the same counts under their column names; -1 for an undefined share.
  const o = outcomeRow(r);
  expect([o.colonies_founded, o.colonies_alive, o.metastases, o.early_share]).toEqual([
    c.founded,
    c.alive,
    c.micro + c.macro,
    summary.earlyShare ?? -1,
  ]);
}

describe('counts', () => {
  it('have one definition in summary.json, the printed summary, funnel.csv, metastases.csv, timeseries.csv and runs.csv', () => {
    fc.assert(
      fc.property(
        arbitraryScenario,
        seed,
        capped((scenario, s) => checkCounts(scenario, s, false)),
      ),
      { numRuns: 30 },
    );
  });

  it('count colonies as the cells that founded them when every unit is one cell', () => {
    const single = arbitraryScenario.map((s) => ({ ...s, invasion: { ...s.invasion, clusterFraction: 0 } }));
    fc.assert(
      fc.property(
        single,
        seed,
        capped((scenario, s) => checkCounts(scenario, s, true)),
      ),
      { numRuns: 20 },
    );
  });
});
