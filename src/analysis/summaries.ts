/**
 * Summaries of an ensemble: one number from the outcome rows of a point's
 * replicates (runs.csv), as a calibration compares it with an observed value.
 * Days in the outcome rows are −1 when the event never happened, so "the event
 * happened" is a value ≥ 0.
 */
import { quantile } from './abc.ts';

export type Row = Readonly<Record<string, number | string>>;

export type Summary =
  /** Mean of the column over replicates. */
  | { kind: 'mean'; column: string }
  /**
   * Share of replicates where the column is ≥ 0 (the event happened) and, when
   * given, above `above`; or equal to `equals` (for text columns such as `outcome`).
   */
  | { kind: 'proportion'; column: string; above?: number | undefined; equals?: string | undefined }
  /** The q-quantile (R's type 7) of the column over replicates. */
  | { kind: 'quantile'; column: string; q: number };

function numeric(row: Row, column: string): number {
  const v = row[column];
  if (typeof v === 'number') return v;
  if (v === undefined || v === '') return Number.NaN;
  return Number(v);
}

/** The summary of these replicates' rows; NaN when there are none. */
export function summarise(summary: Summary, rows: readonly Row[]): number {
  if (rows.length === 0) return Number.NaN;
  switch (summary.kind) {
    case 'mean':
      return rows.reduce((s, r) => s + numeric(r, summary.column), 0) / rows.length;
    case 'proportion': {
      const hit = (r: Row) => {
        if (summary.equals !== undefined) return String(r[summary.column] ?? '') === summary.equals;
        const v = numeric(r, summary.column);
        // A day of −1 is "never": it is not above any threshold, even a negative one.
        return v >= 0 && (summary.above === undefined || v > summary.above);
      };
      return rows.filter(hit).length / rows.length;
    }
    case 'quantile':
      return quantile(
        rows.map((r) => numeric(r, summary.column)),
        summary.q,
      );
  }
}

/** How a summary reads in tables: "mean of dormant_cells", "proportion with first_macro_day ≥ 0". */
export function describeSummary(summary: Summary): string {
  switch (summary.kind) {
    case 'mean':
      return `mean of ${summary.column}`;
    case 'proportion':
      if (summary.equals !== undefined) return `proportion with ${summary.column} = ${summary.equals}`;
      return summary.above !== undefined
        ? `proportion with ${summary.column} > ${summary.above}`
        : `proportion with ${summary.column} ≥ 0`;
    case 'quantile':
      return `${summary.q} quantile of ${summary.column}`;
  }
}

/**
 * Standard error of the summary over these rows, for an observation synthesised
 * from the model: the mean's s/√n, a proportion's √(p(1−p)/n) (with p kept off 0
 * and 1 by half a replicate, so a never-seen event still has an uncertainty), and
 * for a quantile a bootstrap over replicates with the given uniform stream.
 */
export function standardError(summary: Summary, rows: readonly Row[], u: () => number): number {
  const n = rows.length;
  if (n < 2) return Number.NaN;
  switch (summary.kind) {
    case 'mean': {
      const xs = rows.map((r) => numeric(r, summary.column));
      const m = xs.reduce((a, b) => a + b, 0) / n;
      return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1) / n);
    }
    case 'proportion': {
      const p = Math.min(Math.max(summarise(summary, rows), 0.5 / n), 1 - 0.5 / n);
      return Math.sqrt((p * (1 - p)) / n);
    }
    case 'quantile': {
      const draws: number[] = [];
      for (let b = 0; b < 1000; b++) {
        const sample = Array.from({ length: n }, () => rows[Math.floor(u() * n)] as Row);
        draws.push(summarise(summary, sample));
      }
      const m = draws.reduce((a, b) => a + b, 0) / draws.length;
      return Math.sqrt(draws.reduce((a, x) => a + (x - m) ** 2, 0) / (draws.length - 1));
    }
  }
}
