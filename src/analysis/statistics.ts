/**
 * Statistics over replicates, pure and deterministic: the distributions the
 * reports need (normal, Student t and chi-square quantiles and tails, computed to
 * near machine precision rather than from tables), medians with distribution-free
 * confidence intervals and bootstrap differences, and time-to-event estimators
 * (Kaplan–Meier, log-rank, Aalen–Johansen) that reproduce R's survival package.
 *
 * Nothing here spreads a per-replicate array into a call (`Math.max(...x)`) or
 * recurses over one: arms reach hundreds of thousands of replicates, past V8's
 * limit on arguments.
 */

// ---------------------------------------------------------------------------------------------------------
// Special functions
// ---------------------------------------------------------------------------------------------------------

const LN_SQRT_2PI = 0.9189385332046728;

/**
 * ln Γ(x) − ((x − ½) ln x − x + ln √(2π)) for x ≥ 10: Stirling's series to x^-15, whose next term is below
 * 2e-18 there.
 */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  return (
    (1 / 12 +
      r *
        (-1 / 360 +
          r *
            (1 / 1260 +
              r *
                (-1 / 1680 + r * (1 / 1188 + r * (-691 / 360360 + r * (1 / 156 + r * (-3617 / 122400)))))))) /
    x
  );
}

/** ln Γ(x) for x > 0: shifted up to x ≥ 10 by Γ(x + 1) = xΓ(x), then Stirling; absolute error near 1e-15. */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.POSITIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  let y = x;
  let product = 1;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + stirlingCorrection(y) - Math.log(product);
}

/**
 * ln B(a, b). When an argument is large the three ln Γ terms nearly cancel, so the differences are taken
 * analytically first (the scheme of R's lbeta).
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (Number.isNaN(p) || p < 0) return Number.NaN;
  if (p === 0) return Number.POSITIVE_INFINITY;
  if (p >= 10) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return (
      -0.5 * Math.log(q) +
      LN_SQRT_2PI +
      correction +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const correction = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + correction + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/** Lentz's continued fraction for I_x(a, b) (Numerical Recipes' betacf), converging for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= Number.EPSILON) break;
  }
  return h;
}

/**
 * Regularised incomplete beta I_x(a, b). Pass y = 1 − x when it is known more precisely than `1 - x`
 * (a tail near x = 1); the complement 1 − I_x(a, b) is `regularizedBeta(y, b, a, x)`, accurate when small.
 */
export function regularizedBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (Number.isNaN(x) || Number.isNaN(y) || !(a > 0) || !(b > 0)) return Number.NaN;
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

/**
 * The x with I_x(a, b) = p: Numerical Recipes' (3rd ed.) starting point, then Halley steps on I_x − p.
 * Relative precision near 1e-14 except where x is so close to 1 that 1 − x is not representable.
 */
export function inverseRegularizedBeta(p: number, a: number, b: number): number {
  if (Number.isNaN(p) || !(a > 0) || !(b > 0) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  let x: number;
  if (a >= 1 && b >= 1) {
    const pp = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    x = a / (a + b * Math.exp(2 * w));
  } else {
    const lna = Math.log(a / (a + b));
    const lnb = Math.log(b / (a + b));
    const t = Math.exp(a * lna) / a;
    const u = Math.exp(b * lnb) / b;
    const w = t + u;
    x = p < t / w ? (a * w * p) ** (1 / a) : 1 - (b * w * (1 - p)) ** (1 / b);
  }
  const logNorm = -logBeta(a, b);
  for (let j = 0; j < 100; j++) {
    if (x <= 0 || x >= 1) return x;
    const err = regularizedBeta(x, a, b) - p;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) + logNorm);
    const u = err / density;
    const step = u / (1 - 0.5 * Math.min(1, u * ((a - 1) / x - (b - 1) / (1 - x))));
    const previous = x;
    x -= step;
    if (x <= 0) x = 0.5 * previous;
    if (x >= 1) x = 0.5 * (previous + 1);
    if (Math.abs(x - previous) <= 1e-15 * x && j > 0) break;
  }
  return x;
}

/**
 * Upper regularised incomplete gamma Q(a, x) = Γ(a, x)/Γ(a): the series for x < a + 1 (where Q is not
 * small, so 1 − P loses nothing that matters), Lentz's continued fraction above (Q directly, accurate in
 * the far tail).
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || !(a > 0)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * Number.EPSILON) break;
    }
    return 1 - front * sum;
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= Number.EPSILON) break;
  }
  return front * h;
}

/** P(X > x) for X chi-square with df degrees of freedom (df = 0 is the point mass at 0, as R's pchisq). */
export function chiSquareSurvival(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || df < 0) return Number.NaN;
  if (df === 0) return x > 0 ? 0 : 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/** P(X > x) for chi-square with one degree of freedom. */
export function chiSquareSurvival1(x: number): number {
  return chiSquareSurvival(x, 1);
}

/** Standard normal quantile: Wichura's AS 241 (PPND16), relative error near 1e-16, as R's qnorm. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301227 + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) *
          r +
          13731.69376550946) *
          r +
          1971.5909503065513) *
          r +
          133.14166789178438) *
          r +
          3.3871328727963665)) /
      (((((((r * 5226.495278852546 + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) *
        r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((r * 0.0007745450142783414 + 0.022723844989269184) * r + 0.2417807251774506) * r +
        1.2704582524523684) *
        r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
        1.4234371107496835) /
      (((((((r * 1.0507500716444169e-9 + 0.0005475938084995345) * r + 0.015198666563616457) * r +
        0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
        1);
  } else {
    r -= 5;
    value =
      (((((((r * 2.0103343992922881e-7 + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
        6.657904643501103) /
      (((((((r * 2.0442631033899397e-15 + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
        1);
  }
  return q < 0 ? -value : value;
}

/** P(T > t) for t ≥ 0, T Student t with df degrees of freedom: ½ I_{df/(df+t²)}(df/2, ½). */
function tUpperTail(t: number, df: number): number {
  const t2 = t * t;
  if (t2 === Number.POSITIVE_INFINITY) return 0;
  return 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

function tDensity(t: number, df: number): number {
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - logBeta(df / 2, 0.5)) / Math.sqrt(df);
}

/** P(T ≤ t) for Student's t with df > 0 degrees of freedom (df need not be an integer). */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return 1 - 0.5 * erfcAccurate(t / Math.SQRT2);
  return t >= 0 ? 1 - tUpperTail(t, df) : tUpperTail(-t, df);
}

/** erfc(x) = Q(½, x²) for x ≥ 0; only used for the infinite-df limit of tCdf. */
function erfcAccurate(x: number): number {
  return x >= 0 ? regularizedGammaQ(0.5, x * x) : 2 - regularizedGammaQ(0.5, x * x);
}

/**
 * Quantile of Student's t with df > 0 degrees of freedom: the incomplete beta inverted for a start, then
 * Newton steps on the t tail itself, which is computed to full precision even where 1 − x is not.
 */
export function tQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || !(df > 0) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  const upper = p > 0.5;
  const tail = upper ? 1 - p : p;
  // P(|T| > t) = I_{df/(df+t²)}(df/2, ½) = 2 · tail; invert whichever argument stays far from 1.
  let t: number;
  if (2 * tail < 0.5) {
    const x = inverseRegularizedBeta(2 * tail, df / 2, 0.5);
    t = Math.sqrt((df * (1 - x)) / x);
  } else {
    const y = inverseRegularizedBeta(1 - 2 * tail, 0.5, df / 2);
    t = Math.sqrt((df * y) / (1 - y));
  }
  for (let i = 0; i < 20 && Number.isFinite(t); i++) {
    const step = (tUpperTail(t, df) - tail) / tDensity(t, df);
    t += step;
    if (Math.abs(step) <= 1e-15 * Math.abs(t)) break;
  }
  return upper ? t : -t;
}

/** The 97.5% quantile of Student's t with df degrees of freedom (NaN for df < 1, as there is no spread). */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  return tQuantile(0.975, df);
}

// ---------------------------------------------------------------------------------------------------------
// Medians and bootstrap differences
// ---------------------------------------------------------------------------------------------------------

export interface MedianEstimate {
  median: number;
  low: number;
  high: number;
}

function medianOfSorted(x: Float64Array): number {
  const n = x.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? (x[(n - 1) / 2] as number) : ((x[n / 2 - 1] as number) + (x[n / 2] as number)) / 2;
}

function median(values: ArrayLike<number>): number {
  return medianOfSorted(Float64Array.from(values).sort());
}

/**
 * Median with a distribution-free 95% confidence interval from order statistics:
 * the interval [x_(j), x_(n-j+1)] with the largest j such that the binomial(n, 1/2)
 * tail P(X < j) stays at or below 2.5% (coverage at least 95%).
 */
export function medianWithCi(values: readonly number[], level = 0.95): MedianEstimate {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  if (n === 0) return { median: Number.NaN, low: Number.NaN, high: Number.NaN };
  const median = medianOfSorted(x);
  // j grows while P(X <= j) <= (1 - level)/2, X ~ Binomial(n, 1/2); the cdf is carried along in log-space
  // terms so that it stays finite for large n and costs O(n) in all.
  let j = 0;
  let logTerm = -n * Math.LN2;
  let cdf = Math.exp(logTerm);
  while (j + 1 <= n / 2 && cdf <= (1 - level) / 2) {
    j++;
    logTerm += Math.log((n - j + 1) / j);
    cdf += Math.exp(logTerm);
  }
  // Below six values even [min, max] covers less than 95%: no interval is given.
  if (j === 0) return { median, low: Number.NaN, high: Number.NaN };
  return { median, low: x[j - 1] as number, high: x[n - j] as number };
}

export interface Difference {
  a: number;
  b: number;
  difference: number;
  low: number;
  high: number;
}

/** Percentile interval of sorted bootstrap replicates: the ceil(q·R)-th smallest at q = 2.5% and 97.5%. */
function percentileInterval(diffs: Float64Array): { low: number; high: number } {
  diffs.sort();
  const at = (q: number) => diffs[Math.max(0, Math.ceil(q * diffs.length) - 1)] as number;
  return { low: at(0.025), high: at(0.975) };
}

/**
 * Difference of medians (B − A) with a percentile bootstrap 95% interval from
 * `resamples` resamples of each arm, drawn from a seeded stream so the report is
 * reproducible. Each resample draws all of B's indices, then all of A's, as
 * floor(uniform() · n).
 */
export function bootstrapMedianDifference(
  a: readonly number[],
  b: readonly number[],
  uniform: () => number,
  resamples = 2000,
): Difference {
  const diffs = new Float64Array(resamples);
  const resample = (x: readonly number[]) =>
    Float64Array.from(x, () => x[Math.floor(uniform() * x.length)] as number);
  for (let i = 0; i < resamples; i++) diffs[i] = median(resample(b)) - median(resample(a));
  const ma = median(a);
  const mb = median(b);
  return { a: ma, b: mb, difference: mb - ma, ...percentileInterval(diffs) };
}

/**
 * Difference of medians (B − A) for paired arms, where replicate i of A and of B
 * share a seed (common random numbers): each resample draws replicate indices
 * once, as floor(uniform() · n), and takes both arms' values at them, so the
 * interval keeps the pairing's correlation. Arms must have equal length.
 */
export function pairedBootstrapMedianDifference(
  a: readonly number[],
  b: readonly number[],
  uniform: () => number,
  resamples = 2000,
): Difference {
  if (a.length !== b.length)
    throw new RangeError(`paired bootstrap: arms differ in length (${a.length} and ${b.length})`);
  const n = a.length;
  const diffs = new Float64Array(resamples);
  const ra = new Float64Array(n);
  const rb = new Float64Array(n);
  for (let i = 0; i < resamples; i++) {
    for (let k = 0; k < n; k++) {
      const j = Math.floor(uniform() * n);
      ra[k] = a[j] as number;
      rb[k] = b[j] as number;
    }
    diffs[i] = medianOfSorted(rb.sort()) - medianOfSorted(ra.sort());
  }
  const ma = median(a);
  const mb = median(b);
  return { a: ma, b: mb, difference: mb - ma, ...percentileInterval(diffs) };
}

// ---------------------------------------------------------------------------------------------------------
// Time to event
// ---------------------------------------------------------------------------------------------------------

/** sqrt(machine epsilon): survival's tolerance for tied times (aeqSurv) and for a curve at exactly ½. */
const TOLERANCE = Math.sqrt(Number.EPSILON);

function checkTimes(times: readonly number[], flags: { length: number }, what: string): void {
  if (times.length !== flags.length)
    throw new RangeError(`${what}: ${times.length} times but ${flags.length} status values`);
  for (let i = 0; i < times.length; i++)
    if (!Number.isFinite(times[i])) throw new RangeError(`${what}: time ${i} is ${times[i]}, not finite`);
}

/**
 * Times as survival's aeqSurv (on by default in survfit and survdiff) sees them: sorted distinct times
 * closer than sqrt(eps), absolutely or relative to the mean |time|, become one, so that floating-point
 * noise (0.1 + 0.2 against 0.3) does not split a tie. Each run of near-ties takes its smallest value.
 */
function mergeNearTies(times: readonly number[]): Float64Array {
  const out = Float64Array.from(times);
  const sorted = Float64Array.from(times).sort();
  let u = 0;
  for (let i = 0; i < sorted.length; i++)
    if (u === 0 || sorted[i] !== sorted[u - 1]) sorted[u++] = sorted[i] as number;
  if (u < 2) return out;
  let meanAbs = 0;
  for (let k = 0; k < u; k++) meanAbs += Math.abs(sorted[k] as number);
  meanAbs /= u;
  const target = new Float64Array(u);
  target[0] = sorted[0] as number;
  let merged = false;
  for (let k = 1; k < u; k++) {
    const dy = (sorted[k] as number) - (sorted[k - 1] as number);
    const tied = dy <= TOLERANCE || dy / meanAbs <= TOLERANCE;
    target[k] = tied ? (target[k - 1] as number) : (sorted[k] as number);
    merged ||= tied;
  }
  if (!merged) return out;
  for (let i = 0; i < out.length; i++) {
    let lo = 0;
    let hi = u - 1;
    const v = out[i] as number;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = target[lo] as number;
  }
  return out;
}

function orderByTime(t: Float64Array): Uint32Array {
  const order = new Uint32Array(t.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((x, y) => (t[x] as number) - (t[y] as number));
}

/** Pointwise CI of a probability on the log scale (survfit's conf.type = "log"), upper end capped at 1. */
function logScaleInterval(p: number, seLog: number, z: number): { lower: number; upper: number } {
  if (p === 0 || Number.isNaN(p)) return { lower: Number.NaN, upper: Number.NaN };
  const logP = Math.log(p);
  return { lower: Math.exp(logP - z * seLog), upper: Math.min(1, Math.exp(logP + z * seLog)) };
}

/** One distinct time of a Kaplan–Meier fit: a row of R's survfit object. */
export interface SurvivalRow {
  time: number;
  /** Number still followed just before `time`. */
  atRisk: number;
  events: number;
  censored: number;
  survival: number;
  /** Standard error of the survival (Greenwood): summary(survfit)'s std.err. */
  stdErr: number;
  /** Standard error of −log survival, sqrt(Σ d/(n(n−d))): survfit's own std.err. */
  stdErrLog: number;
  /** Pointwise confidence limits on the log scale (NaN where the survival is 0). */
  lower: number;
  upper: number;
}

export interface SurvivalFit {
  n: number;
  level: number;
  /** One row per distinct time, events or censoring, in time order (no row at time 0). */
  rows: SurvivalRow[];
}

/**
 * Kaplan–Meier estimate with Greenwood's variance and log-scale pointwise
 * intervals, row for row as R's survfit(Surv(time, event) ~ 1) (conf.type
 * "log"); `event` false means censored at that time, and a censored time
 * tied with an event counts the censored replicate at risk.
 */
export function kaplanMeierFit(
  times: readonly number[],
  events: readonly boolean[],
  level = 0.95,
): SurvivalFit {
  checkTimes(times, events, 'Kaplan–Meier');
  const t = mergeNearTies(times);
  const order = orderByTime(t);
  const z = normalQuantile(1 - (1 - level) / 2);
  const rows: SurvivalRow[] = [];
  let atRisk = t.length;
  let survival = 1;
  let greenwood = 0;
  for (let k = 0; k < order.length; ) {
    const time = t[order[k] as number] as number;
    let d = 0;
    let c = 0;
    for (; k < order.length && t[order[k] as number] === time; k++) {
      if (events[order[k] as number]) d++;
      else c++;
    }
    if (d > 0) {
      survival *= (atRisk - d) / atRisk;
      greenwood += d / (atRisk * (atRisk - d));
    }
    const stdErrLog = Math.sqrt(greenwood);
    rows.push({
      time,
      atRisk,
      events: d,
      censored: c,
      survival,
      stdErr: survival * stdErrLog,
      stdErrLog,
      ...logScaleInterval(survival, stdErrLog, z),
    });
    atRisk -= d + c;
  }
  return { n: t.length, level, rows };
}

export interface SurvivalAt {
  time: number;
  /** Number with time ≥ `time` (0 past the last time). */
  atRisk: number;
  survival: number;
  stdErr: number;
  lower: number;
  upper: number;
}

/**
 * The fit read at chosen times, as summary(fit, times = at, extend = TRUE):
 * the curve's value at the last row at or before each time (1 before the
 * first), and the number at risk at each time.
 */
export function survivalAt(fit: SurvivalFit, at: readonly number[]): SurvivalAt[] {
  const rows = fit.rows;
  return Array.from(at, (time) => {
    // First row with row.time >= time.
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((rows[mid] as SurvivalRow).time < time) lo = mid + 1;
      else hi = mid;
    }
    const next = rows[lo];
    const atRisk = next ? next.atRisk : 0;
    const last = next && next.time === time ? next : rows[lo - 1];
    if (!last) return { time, atRisk, survival: 1, stdErr: 0, lower: 1, upper: 1 };
    const { survival, stdErr, lower, upper } = last;
    return { time, atRisk, survival, stdErr, lower, upper };
  });
}

/** B − A in the survival at one time, with each arm's value and Greenwood standard error. */
export interface SurvivalDifference extends Difference {
  time: number;
  stdErrA: number;
  stdErrB: number;
}

/**
 * B − A in the Kaplan–Meier survival at each time in `at`, with the Wald interval
 * d ± z·sqrt(seA² + seB²) from each arm's Greenwood standard error of the survival
 * itself (summary(survfit(...), times = at)'s surv and std.err).
 *
 * The arms are taken as independent samples. Paired replicates (replicate i of both
 * arms sharing its seed) usually make the arms' values positively correlated, so
 * that Var(B − A) = seA² + seB² − 2·cov is smaller than this sum: for them the
 * interval is conservative (wider than it needs to be).
 *
 * An arm no one was followed to (the time beyond its longest follow-up, where
 * survfit's curve is undefined and summary without `extend` gives no row) has no
 * value: NaN there, and in the difference. Where a curve has fallen to 0 its
 * Greenwood error is undefined (NaN, as R's), and so is the interval. Where
 * neither arm has had an event by the time, both errors are 0 and the interval has
 * zero width.
 */
export function survivalDifferenceAt(
  fitA: SurvivalFit,
  fitB: SurvivalFit,
  at: readonly number[],
  level = 0.95,
): SurvivalDifference[] {
  const z = normalQuantile(1 - (1 - level) / 2);
  const followed = (s: SurvivalAt) => (s.atRisk > 0 ? s : { ...s, survival: Number.NaN, stdErr: Number.NaN });
  const readA = survivalAt(fitA, at).map(followed);
  const readB = survivalAt(fitB, at).map(followed);
  return Array.from(at, (time, k) => {
    const a = readA[k] as SurvivalAt;
    const b = readB[k] as SurvivalAt;
    const difference = b.survival - a.survival;
    const se = Math.sqrt(a.stdErr * a.stdErr + b.stdErr * b.stdErr);
    return {
      time,
      a: a.survival,
      b: b.survival,
      stdErrA: a.stdErr,
      stdErrB: b.stdErr,
      difference,
      low: difference - z * se,
      high: difference + z * se,
    };
  });
}

/**
 * First time a curve is at or below ½, by print.survfit's rule (survival's survmean): values within
 * sqrt(eps) of ½ count as ½, and where the curve sits at exactly ½ over an interval the median is the
 * midpoint between that time and the next time it drops. Missing values (a limit where the survival is 0)
 * are passed over; NaN if the curve never reaches ½.
 */
function firstAtOrBelowHalf(rows: readonly SurvivalRow[], value: (r: SurvivalRow) => number): number {
  let first: SurvivalRow | undefined;
  let firstValue = 0;
  for (const row of rows) {
    const y = value(row);
    if (Number.isNaN(y) || !(y < 0.5 + TOLERANCE)) continue;
    if (!first) {
      if (Math.abs(y - 0.5) >= TOLERANCE) return row.time;
      first = row;
      firstValue = y;
    } else if (y < firstValue) return (first.time + row.time) / 2;
  }
  return first ? first.time : Number.NaN;
}

/**
 * Kaplan–Meier median with its confidence interval as R prints it
 * (summary(fit)$table: median, 0.95LCL, 0.95UCL): the times where the
 * survival curve and its lower and upper pointwise limits first reach ½
 * (Brookmeyer and Crowley's construction with survfit's log-scale limits). NaN where a curve
 * never gets there, e.g. an upper limit when fewer than half had the event.
 */
export function kaplanMeierMedian(fit: SurvivalFit): MedianEstimate {
  return {
    median: firstAtOrBelowHalf(fit.rows, (r) => r.survival),
    low: firstAtOrBelowHalf(fit.rows, (r) => r.lower),
    high: firstAtOrBelowHalf(fit.rows, (r) => r.upper),
  };
}

export interface KaplanMeierStep {
  time: number;
  survival: number;
  atRisk: number;
  events: number;
}

/**
 * Kaplan–Meier estimate from (time, event) pairs; event false means censored at that time. Steps at time 0
 * and at each event time (censoring-only times are left out: the curve does not move there).
 */
export function kaplanMeier(times: readonly number[], events: readonly boolean[]): KaplanMeierStep[] {
  const steps: KaplanMeierStep[] = [{ time: 0, survival: 1, atRisk: times.length, events: 0 }];
  for (const r of kaplanMeierFit(times, events).rows)
    if (r.events > 0) steps.push({ time: r.time, survival: r.survival, atRisk: r.atRisk, events: r.events });
  return steps;
}

/** Kaplan–Meier steps plus a point at the end of follow-up, so a curve without events is still drawn. */
export function kaplanMeierCurve(
  times: readonly number[],
  events: readonly boolean[],
): { time: number; survival: number }[] {
  const curve = kaplanMeier(times, events).map((s) => ({ time: s.time, survival: s.survival }));
  let end = 0;
  for (let i = 0; i < times.length; i++) end = Math.max(end, times[i] as number);
  curve.push({ time: end, survival: curve[curve.length - 1]?.survival ?? 1 });
  return curve;
}

export interface LogRankTest {
  /** Events per group (index = group label). */
  observed: number[];
  /** Events expected per group if all groups shared one hazard. */
  expected: number[];
  /** Covariance matrix of observed − expected (survdiff's var). */
  variance: number[][];
  chiSquare: number;
  /** Groups with expected events, minus one. */
  df: number;
  p: number;
}

/**
 * Solves A x = b by Gaussian elimination with partial pivoting; null when A is singular (as R's solve
 * stops).
 */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs((m[r] as number[])[col] as number) > Math.abs((m[pivot] as number[])[col] as number))
        pivot = r;
    if (((m[pivot] as number[])[col] as number) === 0) return null;
    [m[col], m[pivot]] = [m[pivot] as number[], m[col] as number[]];
    const p = m[col] as number[];
    for (let r = col + 1; r < n; r++) {
      const row = m[r] as number[];
      const f = (row[col] as number) / (p[col] as number);
      for (let c = col; c <= n; c++) row[c] = (row[c] as number) - f * (p[c] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r] as number[];
    let s = row[n] as number;
    for (let c = r + 1; c < n; c++) s -= (row[c] as number) * (x[c] as number);
    x[r] = s / (row[r] as number);
  }
  return x;
}

/**
 * Log-rank test of k groups, as R's survdiff(Surv(time, event) ~ group) with
 * rho = 0 (Mantel–Haenszel): at each distinct time with d events among n at
 * risk, group g expects d·n_g/n events, with hypergeometric covariance
 * d(n−d)/(n(n−1))·(n_g δ_gh − n_g n_h/n) (nothing when n = 1). Censored
 * replicates tied with events are at risk at that time. The statistic uses
 * the groups with expected events and drops the first of them (the
 * covariance sums to zero); with fewer than two such groups it is 0 with
 * p = 1, as survdiff reports. `groups` are labels 0..k−1.
 */
export function logRankTest(
  times: readonly number[],
  events: readonly boolean[],
  groups: readonly number[],
): LogRankTest {
  checkTimes(times, events, 'log-rank');
  if (groups.length !== times.length)
    throw new RangeError(`log-rank: ${times.length} times but ${groups.length} group labels`);
  let k = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as number;
    if (!(Number.isInteger(g) && g >= 0)) throw new RangeError(`log-rank: group label ${g} is not 0, 1, 2…`);
    k = Math.max(k, g + 1);
  }
  const t = mergeNearTies(times);
  const order = orderByTime(t);
  const atRisk = new Float64Array(k);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as number;
    atRisk[g] = (atRisk[g] as number) + 1;
  }
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const variance = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const deaths = new Float64Array(k);
  const leaving = new Float64Array(k);
  for (let i = 0; i < order.length; ) {
    const time = t[order[i] as number] as number;
    deaths.fill(0);
    leaving.fill(0);
    let d = 0;
    for (; i < order.length && t[order[i] as number] === time; i++) {
      const g = groups[order[i] as number] as number;
      leaving[g] = (leaving[g] as number) + 1;
      if (events[order[i] as number]) {
        deaths[g] = (deaths[g] as number) + 1;
        d++;
      }
    }
    if (d > 0) {
      let n = 0;
      for (let g = 0; g < k; g++) n += atRisk[g] as number;
      for (let g = 0; g < k; g++) {
        observed[g] = (observed[g] as number) + (deaths[g] as number);
        expected[g] = (expected[g] as number) + (d * (atRisk[g] as number)) / n;
      }
      if (n > 1) {
        const w = (d * (n - d)) / (n * (n - 1));
        for (let g = 0; g < k; g++) {
          const row = variance[g] as number[];
          const ng = atRisk[g] as number;
          row[g] = (row[g] as number) + w * ng;
          for (let h = 0; h < k; h++) row[h] = (row[h] as number) - (w * ng * (atRisk[h] as number)) / n;
        }
      }
    }
    for (let g = 0; g < k; g++) atRisk[g] = (atRisk[g] as number) - (leaving[g] as number);
  }
  const used: number[] = [];
  for (let g = 0; g < k; g++) if ((expected[g] as number) > 0) used.push(g);
  const df = Math.max(0, used.length - 1);
  if (used.length < 2) return { observed, expected, variance, chiSquare: 0, df, p: 1 };
  const rest = used.slice(1);
  const oe = rest.map((g) => (observed[g] as number) - (expected[g] as number));
  const v = rest.map((g) => rest.map((h) => (variance[g] as number[])[h] as number));
  const x = solve(v, oe);
  if (!x) return { observed, expected, variance, chiSquare: Number.NaN, df, p: Number.NaN };
  let chiSquare = 0;
  for (let j = 0; j < oe.length; j++) chiSquare += (x[j] as number) * (oe[j] as number);
  return { observed, expected, variance, chiSquare, df, p: chiSquareSurvival(chiSquare, df) };
}

export interface LogRank {
  chiSquare: number;
  p: number;
  observedA: number;
  expectedA: number;
  observedB: number;
  expectedB: number;
  /** Variance of observed − expected in arm A. */
  variance: number;
  /** 1, or 0 when one arm has no one at risk at any event time (then chi-square 0, p = 1). */
  df: number;
}

/**
 * Log-rank test of two survival curves (Mantel 1966), as survdiff: at each event
 * time the observed events of arm A are compared with those expected if both
 * arms shared one hazard; the statistic is chi-square with one degree of freedom.
 */
export function logRank(
  timesA: readonly number[],
  eventsA: readonly boolean[],
  timesB: readonly number[],
  eventsB: readonly boolean[],
): LogRank {
  const n = timesA.length + timesB.length;
  const times = new Array<number>(n);
  const events = new Array<boolean>(n);
  const groups = new Array<number>(n);
  for (let i = 0; i < timesA.length; i++) {
    times[i] = timesA[i] as number;
    events[i] = eventsA[i] as boolean;
    groups[i] = 0;
  }
  for (let i = 0; i < timesB.length; i++) {
    times[timesA.length + i] = timesB[i] as number;
    events[timesA.length + i] = eventsB[i] as boolean;
    groups[timesA.length + i] = 1;
  }
  const r = logRankTest(times, events, groups);
  return {
    chiSquare: r.chiSquare,
    p: r.p,
    observedA: r.observed[0] ?? 0,
    expectedA: r.expected[0] ?? 0,
    observedB: r.observed[1] ?? 0,
    expectedB: r.expected[1] ?? 0,
    variance: r.variance[0]?.[0] ?? 0,
    df: r.df,
  };
}

/** One distinct time of an Aalen–Johansen fit. Arrays are indexed by cause − 1. */
export interface CumulativeIncidenceRow {
  time: number;
  /** Number still event-free and followed just before `time`. */
  atRisk: number;
  events: number[];
  censored: number;
  /** Probability of no event of any cause yet (the multi-state fit's "(s0)" column). */
  survival: number;
  /** Its infinitesimal-jackknife standard error. */
  survivalStdErr: number;
  /** Cumulative incidence of each cause. */
  incidence: number[];
  /** Infinitesimal-jackknife standard errors, as survfit's multi-state std.err. */
  stdErr: number[];
  /** Pointwise limits on the log scale (NaN where the incidence is 0), as survfit's lower and upper. */
  lower: number[];
  upper: number[];
}

export interface CumulativeIncidenceFit {
  n: number;
  /** Number of causes K (causes are 1..K; 0 is censoring). */
  causes: number;
  level: number;
  rows: CumulativeIncidenceRow[];
}

/**
 * Aalen–Johansen cumulative incidence for competing risks, as R's
 * survfit(Surv(time, factor(cause, levels = 0:K)) ~ 1): cause 0 is censoring,
 * 1..K are events of competing causes, and the incidence of cause k rises at
 * each time by S(t−)·d_k/n, with S the all-cause Kaplan–Meier. A replicate that
 * dies of another cause first is not censored for cause k (1 − KM of cause k
 * alone would overstate it).
 *
 * Standard errors are survfit's infinitesimal jackknife: sqrt(Σ_i U_i(t)²),
 * U_i the derivative of the state probabilities in replicate i's case weight.
 * Replicates still at risk share one U, and one that has left keeps
 * transforming by the later transition matrices, so the sum is carried as a
 * (K+1)² matrix, updated in O(K²) per distinct time rather than per replicate.
 * The "(s0)" error is this jackknife too, close to but not Greenwood's.
 */
export function cumulativeIncidence(
  times: readonly number[],
  causes: readonly number[],
  level = 0.95,
): CumulativeIncidenceFit {
  checkTimes(times, causes, 'cumulative incidence');
  let causeCount = 0;
  for (let i = 0; i < causes.length; i++) {
    const c = causes[i] as number;
    if (!(Number.isInteger(c) && c >= 0))
      throw new RangeError(`cumulative incidence: cause ${c} is not 0, 1, 2…`);
    causeCount = Math.max(causeCount, c);
  }
  const K = causeCount;
  const S = K + 1; // states: 0 = event-free, k = had cause k first
  const t = mergeNearTies(times);
  const order = orderByTime(t);
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = new Float64Array(S);
  p[0] = 1;
  const stay = new Float64Array(S); // U of every replicate still at risk
  const left = new Float64Array(S * S); // Σ U Uᵀ over replicates that have left
  const deaths = new Float64Array(S);
  const u = new Float64Array(S);
  const hm = new Float64Array(S * S);
  const addOuter = (v: Float64Array, count: number) => {
    if (count === 0) return;
    for (let a = 0; a < S; a++)
      for (let b = 0; b < S; b++)
        left[a * S + b] = (left[a * S + b] as number) + count * (v[a] as number) * (v[b] as number);
  };
  const rows: CumulativeIncidenceRow[] = [];
  let atRisk = t.length;
  for (let i = 0; i < order.length; ) {
    const time = t[order[i] as number] as number;
    deaths.fill(0);
    let d = 0;
    let censored = 0;
    for (; i < order.length && t[order[i] as number] === time; i++) {
      const c = causes[order[i] as number] as number;
      if (c === 0) censored++;
      else {
        deaths[c] = (deaths[c] as number) + 1;
        d++;
      }
    }
    const n = atRisk;
    if (d > 0) {
      const p0 = p[0] as number;
      // H = I except row 0: H00 = 1 − d/n, H0k = d_k/n. left ← Hᵀ left H; U ← U H.
      const h0 = (k: number) => (k === 0 ? -d / n : (deaths[k] as number) / n);
      // left H: column b gains left[a,0]·h0(b).
      for (let a = 0; a < S; a++) {
        const a0 = left[a * S] as number;
        for (let b = 0; b < S; b++) hm[a * S + b] = (left[a * S + b] as number) + a0 * h0(b);
      }
      // Hᵀ (left H): row a gains h0(a)·(left H)[0, b].
      for (let a = 0; a < S; a++)
        for (let b = 0; b < S; b++) left[a * S + b] = (hm[a * S + b] as number) + h0(a) * (hm[b] as number);
      const s0 = stay[0] as number;
      for (let k = 0; k < S; k++) stay[k] = (stay[k] as number) + s0 * h0(k);
      // Weight derivative of row 0 of H for a replicate at risk without an event: (d/n)/n at 0, −d_k/n² at k.
      for (let k = 0; k < S; k++) stay[k] = (stay[k] as number) - (p0 * h0(k)) / n;
      for (let c = 1; c < S; c++) {
        if (deaths[c] === 0) continue;
        u.set(stay);
        u[0] = (u[0] as number) - p0 / n;
        u[c] = (u[c] as number) + p0 / n;
        addOuter(u, deaths[c] as number);
      }
      for (let k = 1; k < S; k++) p[k] = (p[k] as number) + (p0 * (deaths[k] as number)) / n;
      p[0] = p0 * ((n - d) / n);
    }
    addOuter(stay, censored);
    atRisk -= d + censored;
    const se = (k: number) => Math.sqrt((left[k * S + k] as number) + atRisk * (stay[k] as number) ** 2);
    const incidence: number[] = [];
    const stdErr: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    for (let k = 1; k < S; k++) {
      const pk = p[k] as number;
      const sk = se(k);
      const ci = logScaleInterval(pk, sk / pk, z);
      incidence.push(pk);
      stdErr.push(sk);
      lower.push(ci.lower);
      upper.push(ci.upper);
    }
    rows.push({
      time,
      atRisk: n,
      events: Array.from(deaths.subarray(1)),
      censored,
      survival: p[0] as number,
      survivalStdErr: se(0),
      incidence,
      stdErr,
      lower,
      upper,
    });
  }
  return { n: t.length, causes: K, level, rows };
}
