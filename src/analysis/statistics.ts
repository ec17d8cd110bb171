/**
 * Statistics over replicates, pure and deterministic: Kaplan–Meier survival and
 * distribution-free confidence intervals for the median.
 */

export interface KaplanMeierStep {
  time: number;
  survival: number;
  atRisk: number;
  events: number;
}

/** Kaplan–Meier estimate from (time, event) pairs; event false means censored at that time. */
export function kaplanMeier(times: readonly number[], events: readonly boolean[]): KaplanMeierStep[] {
  const order = times.map((_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number));
  const steps: KaplanMeierStep[] = [{ time: 0, survival: 1, atRisk: times.length, events: 0 }];
  let atRisk = times.length;
  let survival = 1;
  for (let k = 0; k < order.length; ) {
    const t = times[order[k] as number] as number;
    let d = 0;
    let removed = 0;
    while (k < order.length && times[order[k] as number] === t) {
      if (events[order[k] as number]) d++;
      removed++;
      k++;
    }
    if (d > 0) {
      survival *= 1 - d / atRisk;
      steps.push({ time: t, survival, atRisk, events: d });
    }
    atRisk -= removed;
  }
  return steps;
}

function binomialCdf(k: number, n: number): number {
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space to stay finite for large n.
  let logTerm = -n * Math.LN2;
  let total = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i);
    total += Math.exp(logTerm);
  }
  return total;
}

export interface MedianEstimate {
  median: number;
  low: number;
  high: number;
}

/**
 * Median with a distribution-free 95% confidence interval from order statistics:
 * the interval [x_(j), x_(n-j+1)] with the largest j such that the binomial(n, 1/2)
 * tail P(X < j) stays at or below 2.5% (coverage at least 95%).
 */
export function medianWithCi(values: readonly number[], level = 0.95): MedianEstimate {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  if (n === 0) return { median: Number.NaN, low: Number.NaN, high: Number.NaN };
  const median = n % 2 ? (x[(n - 1) / 2] as number) : ((x[n / 2 - 1] as number) + (x[n / 2] as number)) / 2;
  let j = 0;
  while (j + 1 <= n / 2 && binomialCdf(j, n) <= (1 - level) / 2) j++;
  if (j === 0) return { median, low: x[0] as number, high: x[n - 1] as number };
  return { median, low: x[j - 1] as number, high: x[n - j] as number };
}
