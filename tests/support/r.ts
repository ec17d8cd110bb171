/**
 * R as an independent reference: runs Rscript on a script text and reads back
 * numbers it printed at full precision. Tests that need R skip when Rscript or
 * the survival package is missing, unless SEEDSOIL_REQUIRE_R=1 (set in CI),
 * where a missing R is a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const R_REQUIRED = process.env.SEEDSOIL_REQUIRE_R === '1';

export interface RStatus {
  available: boolean;
  /** Why R cannot be used, or the R and survival versions found. */
  detail: string;
}

let status: RStatus | undefined;

/** Whether `Rscript` runs and loads the survival package (checked once per process). */
export function rSurvival(): RStatus {
  if (status) return status;
  const run = spawnSync(
    'Rscript',
    [
      '--vanilla',
      '-e',
      'suppressMessages(library(survival)); cat(R.version.string, "survival", format(packageVersion("survival")))',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.error)
    status = { available: false, detail: `Rscript could not be started (${(run.error as Error).message})` };
  else if (run.status !== 0)
    status = {
      available: false,
      detail: `Rscript could not load the survival package: ${run.stderr.trim()}`,
    };
  else status = { available: true, detail: run.stdout.trim() };
  return status;
}

/** A scratch folder for CSVs and scripts; `remove` deletes it. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes columns of equal length as a CSV with a header; numbers as JavaScript prints them (round-trip exact). */
export function writeCsv(path: string, columns: Record<string, readonly (number | string)[]>): void {
  const names = Object.keys(columns);
  const length = columns[names[0] as string]?.length ?? 0;
  const lines = [names.join(',')];
  for (let i = 0; i < length; i++)
    lines.push(names.map((k) => String((columns[k] as (number | string)[])[i])).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/**
 * R code that defines `out(key, x)`: prints the key and each value of x with 17 significant digits, enough
 * to round-trip a double. NA and NaN print as NA/NaN, infinities as Inf/-Inf.
 */
export const R_OUT = "out <- function(key, x) cat(key, sprintf('%.17g', as.numeric(x)), '\\n')\n";

/** Runs the script with `Rscript --vanilla` in `dir`; returns its standard output, throws with its errors. */
export function runR(script: string, dir: string): string {
  const file = join(dir, 'script.R');
  writeFileSync(file, script);
  const run = spawnSync('Rscript', ['--vanilla', file], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 300_000,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`Rscript failed (exit ${run.status}):\n${run.stderr}`);
  return run.stdout;
}

/** Reads the lines printed by `out`: key → values (NA and NaN → NaN, Inf → Infinity). */
export function parseOut(stdout: string): Map<string, number[]> {
  const values = new Map<string, number[]>();
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const key = fields.shift();
    if (!key) continue;
    values.set(
      key,
      fields.map((f) =>
        f === 'NA' || f === 'NaN'
          ? Number.NaN
          : f === 'Inf'
            ? Number.POSITIVE_INFINITY
            : f === '-Inf'
              ? Number.NEGATIVE_INFINITY
              : Number(f),
      ),
    );
  }
  return values;
}
