/**
 * Stress benchmark (`npm run bench`) of the bounded representation: the
 * stress-seeding scenario (clinical shedding for two years, metastases seeding
 * metastases) against the same scenario shedding 1000 times less. Goals: cost per
 * simulated year at most twice the low-shedding one, peak resident memory at most
 * 300 MB, and a run that founds at least 1e6 colonies and sends at least 1e8 cells
 * dormant. Then the one-record-each reference on the same scenario, stopped after
 * 60 s or 2e6 records, for contrast. Each case runs in a child process of its own,
 * one after the other, so that its peak resident memory (which includes Node's own
 * footprint) and its timings are its own.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../src/cli/scenarios.ts';
import { asPatient, deepMerge, validateScenario } from '../src/engine/scenario.ts';
import { type Measured, measure } from './measure.ts';

const REPLICATES = 3;
const WARM_UP_MS = 2000;
const REFERENCE_WALL_MS = 60_000;
const REFERENCE_MAX_RECORDS = 2e6;
const GOAL = { ratio: 2, rssMb: 300, founded: 1e6, dormant: 1e8 };

const stress = asPatient(loadScenarioFile('stress-seeding'));
const variant = (name: string, over: Record<string, unknown>) =>
  asPatient(
    validateScenario(deepMerge(stress as unknown as Record<string, unknown>, { name, ...over }), 'bench'),
  );
const cases = {
  clinical: stress,
  reduced: variant('stress-seeding-reduced', {
    invasion: { bloodRate: stress.invasion.bloodRate / 1000, lymphRate: stress.invasion.lymphRate / 1000 },
  }),
  reference: variant('stress-seeding-individual', {
    representation: { mode: 'individual', maxRecords: REFERENCE_MAX_RECORDS },
  }),
};
type Case = keyof typeof cases;

interface Report {
  runs: Measured[];
  rssMb: number;
}

const mode = process.argv[2] as Case | undefined;
if (mode) {
  // Child: run one case, then report it with this process's peak resident memory.
  const scenario = cases[mode];
  let runs: Measured[];
  if (mode === 'reference') runs = [measure(scenario, 0, REFERENCE_WALL_MS)];
  else {
    measure(scenario, 1000, WARM_UP_MS); // untimed warm-up: the first seconds of another replicate
    runs = Array.from({ length: REPLICATES }, (_, r) => measure(scenario, r));
  }
  const report: Report = { runs, rssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20 };
  process.send?.(report);
} else {
  const child = (c: Case) =>
    new Promise<Report>((resolve, reject) => {
      const p = fork(fileURLToPath(import.meta.url), [c]);
      p.once('message', (m) => resolve(m as Report));
      p.once('exit', (code) => reject(new Error(`stress case ${c} exited (code ${code}) without a report`)));
    });
  const t0 = performance.now();
  const clinical = await child('clinical');
  const reduced = await child('reduced');
  const reference = await child('reference');

  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const perYear = (m: Measured) => m.ms / 1000 / (m.days / 365.25);
  const times = (r: Report) => {
    const s = sorted(r.runs.map(perYear));
    return { median: s[s.length >> 1] as number, worst: s[s.length - 1] as number };
  };
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const e = (x: number) => x.toExponential(2).replace('e+', 'e');
  const c = times(clinical);
  const l = times(reduced);
  const describe = (label: string, r: Report, t: { median: number; worst: number }) =>
    console.log(
      `  ${label}: ${(t.median * 1000).toFixed(0)} ms per simulated year median, ${(t.worst * 1000).toFixed(0)} ms worst; ` +
        `peak records ${Math.max(...r.runs.map((m) => m.peakRecords))}; peak resident memory ${r.rssMb.toFixed(0)} MB`,
    );
  const reaches = (label: string, value: (m: Measured) => number, goal: number) => {
    const v = sorted(clinical.runs.map(value));
    const n = v.filter((x) => x >= goal).length;
    console.log(
      `  ${label} per run (clinical shedding): lowest ${e(v[0] as number)}, highest ${e(v[v.length - 1] as number)}` +
        ` (goal >= ${e(goal)}): ${verdict(n === v.length)} (${n} of ${v.length} runs)`,
    );
  };

  const days = stress.time.durationDays;
  console.log(
    `seedsoil stress benchmark (one run on this machine): stress-seeding, ${days} simulated days, ${REPLICATES} replicates per case after an untimed warm-up, each case in its own process`,
  );
  describe(
    `clinical shedding (invasion.bloodRate ${stress.invasion.bloodRate}, lymphRate ${stress.invasion.lymphRate} per day)`,
    clinical,
    c,
  );
  describe('shedding / 1000 (both rates divided by 1000)', reduced, l);
  console.log(
    `  cost ratio clinical / (shedding / 1000): median ${(c.median / l.median).toFixed(2)} x, worst ${(c.worst / l.worst).toFixed(2)} x` +
      ` (goal <= ${GOAL.ratio} on both): ${verdict(c.median / l.median <= GOAL.ratio && c.worst / l.worst <= GOAL.ratio)}`,
  );
  reaches('colonies founded', (m) => m.founded, GOAL.founded);
  reaches('cells gone dormant', (m) => m.dormant, GOAL.dormant);
  console.log(
    `  peak resident memory of the clinical-shedding process: ${clinical.rssMb.toFixed(0)} MB (goal <= ${GOAL.rssMb} MB): ${verdict(clinical.rssMb <= GOAL.rssMb)}`,
  );
  const ref = reference.runs[0] as Measured;
  const cohortPeak = Math.max(...clinical.runs.map((m) => m.peakRecords));
  console.log(
    `  reference (representation.mode individual; stopped at ${REFERENCE_WALL_MS / 1000} s or ${e(REFERENCE_MAX_RECORDS)} records): ` +
      `${ref.stopped ? `stopped by the ${ref.stopped}` : 'ran to the end'} on day ${ref.days.toFixed(0)} of ${days} after ${(ref.ms / 1000).toFixed(1)} s` +
      ` (${((ref.ms / 1000 / ref.days) * 365.25).toFixed(1)} s per simulated year so far), ${ref.peakRecords} records` +
      ` (cohorts: at most ${cohortPeak} over the whole run), ${e(ref.founded)} colonies founded, ${e(ref.dormant)} cells gone dormant,` +
      ` peak resident memory ${reference.rssMb.toFixed(0)} MB`,
  );
  console.log(`  stress benchmark wall time ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
