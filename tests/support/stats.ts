/** Small, exact-enough statistics for tests with fixed seeds. */

/** Two-sample Kolmogorov-Smirnov statistic D and its asymptotic p-value. */
export function ksTwoSample(a: readonly number[], b: readonly number[]): { d: number; p: number } {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i] as number, y[j] as number);
    while (i < x.length && (x[i] as number) <= v) i++;
    while (j < y.length && (y[j] as number) <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = (x.length * y.length) / (x.length + y.length);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  // Kolmogorov distribution tail: 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2).
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, lambda < 0.3 ? 1 : p)) };
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}

export function standardError(xs: readonly number[]): number {
  const m = mean(xs);
  const variance = xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance / xs.length);
}
