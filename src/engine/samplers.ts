/**
 * Exact discrete and continuous random variate samplers.
 *
 * Every sampler takes its uniform source explicitly as `u: () => number`, returning doubles in [0, 1)
 * (e.g. `seedrandom.alea(seed)`), so a simulation run stays reproducible from its seed and no sampler
 * keeps hidden state. Pure TypeScript: no Node or DOM APIs.
 *
 * Algorithms:
 * - Binomial: symmetry p > 1/2 → n − Bin(n, 1 − p); for n·p < 10 inversion by sequential search from 0
 *   (expected O(n·p + 1) work and exactly one uniform per variate); otherwise BTRS, the transformed
 *   rejection with squeeze of
 *     W. Hörmann (1993), "The generation of binomial random variates",
 *     J. Statist. Comput. Simul. 46, 101–110.
 * - Poisson: inversion for λ < 10; otherwise PTRS from
 *     W. Hörmann (1993), "The transformed rejection method for generating Poisson random variables",
 *     Insurance: Mathematics and Economics 12, 39–45.
 * - The rejection steps compare against log-pmfs in the saddle-point form of
 *     C. Loader (2000), "Fast and accurate computation of binomial probabilities"
 *   (stirlerr() and bd0(), as in R's dbinom_raw / dpois_raw). Differences of lgamma values would be
 *   useless here: for n = 1e12, lgamma(n + 1) ≈ 2.7e13, whose rounding error (~0.004) is larger than
 *   the precision the acceptance test needs.
 *
 * Draw accounting: degenerate cases (n = 0, p ∈ {0, 1}, λ = 0, rate = 0) consume no uniforms.
 * Inversion consumes exactly one uniform per variate (a second only in the ~1e-16-probability event that
 * floating-point rounding leaves the search without an answer, see `binomialInversion`); BTRS and PTRS
 * consume exactly two per trial, as in the papers.
 */

/** A source of uniform doubles in [0, 1). */
export type Uniform = () => number;

/** Largest accepted binomial n: beyond 2^53, integers are not representable as doubles. */
const MAX_BINOMIAL_N = 2 ** 53;
/** Largest accepted Poisson mean: beyond this the spacing of doubles near λ reaches 1. */
const MAX_POISSON_LAMBDA = 2 ** 52;

/** log(2π), correctly rounded. */
const LN_2PI = 1.8378770664093456;

// ---------------------------------------------------------------------------------------------------------
// Stable log-pmf building blocks (Loader 2000)
// ---------------------------------------------------------------------------------------------------------

/**
 * stirlerr(n) = log(n!) − [(n + ½)·log(n) − n + ½·log(2π)] for n = 1..15, computed with mpmath at 40
 * digits and correctly rounded to double (index 0 is a placeholder: stirlerr is never called with 0).
 * Below 16 the asymptotic series converges too slowly for double precision, hence the table.
 */
const STIRLERR_SMALL: readonly number[] = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
  0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
  0.007573675487951841, 0.00694284010720953, 0.006408994188004207, 0.0059513701127588475,
  0.005554733551962801,
];

// Coefficients of the Stirling series 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷) + 1/(1188n⁹) − …
const S0 = 1 / 12;
const S1 = 1 / 360;
const S2 = 1 / 1260;
const S3 = 1 / 1680;
const S4 = 1 / 1188;

/**
 * Error of Stirling's approximation to log(n!) for an integer n ≥ 1. The series is truncated where the
 * first omitted term falls below double precision relative to the result (same cut points as R).
 */
function stirlerr(n: number): number {
  if (n <= 15) return STIRLERR_SMALL[n] as number;
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/**
 * Deviance term bd0(x, M) = x·log(x/M) + M − x, for x > 0 and M > 0, without the cancellation of the
 * direct formula when x ≈ M: there, with v = (x − M)/(x + M) and log(x/M) = 2·atanh(v), it sums the
 * series (x − M)·v + 2x·Σ_{j≥1} v^(2j+1)/(2j+1), which has no large cancelling terms (Loader 2000).
 */
function bd0(x: number, np: number): number {
  const d = x - np;
  if (Math.abs(d) < 0.1 * (x + np)) {
    let v = d / (x + np);
    let s = d * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let ej = 2 * x * v;
    v *= v;
    // |v| < 0.1 so v² < 0.01: converges to double precision in well under 10 terms.
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  // Far from the mean the terms do not cancel badly. x/np can overflow when np is tiny (p subnormal).
  const ratio = x / np;
  const logRatio = Number.isFinite(ratio) ? Math.log(ratio) : Math.log(x) - Math.log(np);
  return x * logRatio + np - x;
}

/**
 * log P(X = k) for X ~ Bin(n, p), with 0 < p < 1, q = 1 − p passed separately (so callers that know q
 * more precisely than 1 − p can supply it), and integer 0 ≤ k ≤ n.
 */
function logBinomialPmfRaw(k: number, n: number, p: number, q: number): number {
  // Endpoints: log(q^n) and log(p^n) directly, with log1p where the argument is near 1.
  if (k === 0) return n * (p < 0.5 ? Math.log1p(-p) : Math.log(q));
  if (k === n) return n * (q < 0.5 ? Math.log1p(-q) : Math.log(p));
  const lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * q);
  // log(2π·k·(n − k)/n), symmetric in k ↔ n − k; writing it with j = min(k, n − k) keeps log1p's argument
  // ≤ ½ in magnitude, so it is accurate both for k ≪ n and for k close to n (where 1 − k/n would cancel).
  const j = Math.min(k, n - k);
  const lf = LN_2PI + Math.log(j) + Math.log1p(-j / n);
  return lc - 0.5 * lf;
}

/** log P(X = k) for X ~ Poisson(λ), λ > 0, integer k ≥ 0. */
function logPoissonPmfRaw(k: number, lambda: number): number {
  if (k === 0) return -lambda;
  return -stirlerr(k) - bd0(k, lambda) - 0.5 * (LN_2PI + Math.log(k));
}

/**
 * Natural log of the Binomial(n, p) pmf at k, accurate to a few ulps of its magnitude even for n ~ 1e12
 * (no lgamma differences). Returns −Infinity outside the support, including non-integer k.
 */
export function logBinomialPmf(k: number, n: number, p: number): number {
  checkBinomialArgs(n, p);
  if (!Number.isInteger(k) || k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  // Degenerate cases: all mass on one point (checked after the support test, so k is that point or not).
  if (n === 0) return 0;
  if (p === 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (p === 1) return k === n ? 0 : Number.NEGATIVE_INFINITY;
  return logBinomialPmfRaw(k, n, p, 1 - p);
}

/** Natural log of the Poisson(λ) pmf at k (−Infinity outside the support, including non-integer k). */
export function logPoissonPmf(k: number, lambda: number): number {
  checkPoissonArgs(lambda);
  if (!Number.isInteger(k) || k < 0) return Number.NEGATIVE_INFINITY;
  if (lambda === 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  return logPoissonPmfRaw(k, lambda);
}

// ---------------------------------------------------------------------------------------------------------
// Binomial
// ---------------------------------------------------------------------------------------------------------

function checkBinomialArgs(n: number, p: number): void {
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_BINOMIAL_N)) {
    throw new RangeError(`binomial: n must be an integer in [0, 2^53], got ${n}`);
  }
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p must be in [0, 1], got ${p}`);
}

/**
 * One Binomial(n, p) variate, for integer 0 ≤ n ≤ 2^53 and 0 ≤ p ≤ 1. Expected cost is O(1) in every
 * regime (O(n·p + 1) ≤ O(10) uniforms' worth of work in the inversion branch).
 */
export function binomial(u: Uniform, n: number, p: number): number {
  checkBinomialArgs(n, p);
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  // Both branches below (and Hörmann's BTRS constants) assume p ≤ ½. 1 − p is exact for p ≥ ½.
  if (p > 0.5) return n - binomialSmallP(u, n, 1 - p);
  return binomialSmallP(u, n, p);
}

function binomialSmallP(u: Uniform, n: number, p: number): number {
  // Hörmann's BTRS is validated for n·p ≥ 10; below that, inversion is both valid and cheap.
  return n * p < 10 ? binomialInversion(u, n, p) : binomialBtrs(u, n, p);
}

/**
 * Inversion by sequential search from 0: walk the pmf f(0), f(1), … subtracting from one uniform until it
 * falls inside f(x). Expected number of steps is E[X] + 1 = n·p + 1 < 11, independently of n.
 * Requires 0 < p ≤ ½ and n·p < 10, so f(0) = q^n = exp(n·log1p(−p)) ≥ e^(−14) never underflows.
 */
function binomialInversion(u: Uniform, n: number, p: number): number {
  const r = p / (1 - p);
  const squeeze = 1 - n * p;
  let f0: number | undefined;
  // The outer loop repeats only if rounding leaves a residual of the uniform (≤ ~1e-16) larger than the
  // computed total mass: the search then runs past the support, where f becomes exactly 0 (the factor
  // n − x + 1 hits 0 at x = n + 1, or f underflows), and we redraw instead of looping forever. This
  // conditions on an event of probability ~1e-16, i.e. it truncates mass below double precision.
  for (;;) {
    let v = u();
    // Squeeze: f(0) = q^n ≥ 1 − n·p (Bernoulli's inequality), so most variates with a small mean are 0
    // without evaluating f(0). The result is the same as the search's; only the work differs.
    if (v < squeeze) return 0;
    f0 ??= Math.exp(n * Math.log1p(-p));
    let x = 0;
    let f = f0;
    while (v >= f) {
      v -= f;
      x += 1;
      // f(x) = f(x − 1) · (n − x + 1)/x · p/q; n − x + 1 is exact for n ≤ 2^53.
      f *= ((n - x + 1) * r) / x;
      if (f === 0) break;
    }
    if (f !== 0) return x;
  }
}

/** Setup constants of BTRS (names as in Hörmann 1993). */
export interface BtrsConstants {
  readonly a: number;
  readonly b: number;
  /** Centre of the transformation: k = ⌊(2a/us + b)·U + c⌋. */
  readonly c: number;
  /** Hat constant: a trial accepts k iff V·α/(a/us² + b) ≤ f(k)/f(m). */
  readonly alpha: number;
  /** Squeeze: V ≤ v_r accepts at once when us ≥ 0.07. */
  readonly vr: number;
  /** Mode of the distribution. */
  readonly m: number;
}

/**
 * Hörmann's BTRS constants for 0 < p ≤ ½ and n·p ≥ 10, used unchanged. Exported so the tests can check the
 * two conditions exactness rests on: the hat dominates (f(k)/f(m)·(a/us² + b)/α ≤ 1 everywhere) and the
 * squeeze lies under it (≥ v_r wherever us ≥ 0.07). An exact scan over n·p ∈ [10, 3e4] found at most 0.998
 * and a squeeze margin of at least 0.004.
 */
export function btrsConstants(n: number, p: number): BtrsConstants {
  const spq = Math.sqrt(n * p * (1 - p));
  const b = 1.15 + 2.53 * spq;
  return {
    a: -0.0873 + 0.0248 * b + 0.01 * p,
    b,
    c: n * p + 0.5,
    alpha: (2.83 + 5.1 / b) * spq,
    vr: 0.92 - 4.2 / b,
    m: Math.floor((n + 1) * p),
  };
}

/**
 * BTRS (Hörmann 1993, algorithm BTRS), for 0 < p ≤ ½ and n·p ≥ 10. A uniform U is mapped through the
 * transformation k = ⌊(2a/us + b)·U + c⌋ with us = ½ − |U|; over the U-interval that maps to k, the
 * derivative a/us² + b integrates to exactly 1, so accepting with probability f(k)/f(m)·(a/us² + b)/α
 * yields f(k) exactly as long as that probability never exceeds 1 (the hat condition). The squeeze
 * (us ≥ 0.07, V ≤ v_r) accepts most trials without evaluating the pmf.
 */
function binomialBtrs(u: Uniform, n: number, p: number): number {
  const q = 1 - p;
  const { a, b, c, alpha, vr, m } = btrsConstants(n, p);
  // log f(m), computed on the first trial that misses the squeeze (most calls never need it).
  let logFm = Number.NaN;
  for (;;) {
    const uc = u() - 0.5;
    const v = u();
    const us = 0.5 - Math.abs(uc);
    const k = Math.floor(((2 * a) / us + b) * uc + c);
    // Hörmann tests the squeeze first; testing the range first is equivalent (the squeeze region never
    // maps outside [0, n] when n·p ≥ 10) and is robust to us = 0, where k = −∞.
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    if (Number.isNaN(logFm)) logFm = logBinomialPmfRaw(m, n, p, q);
    // Hörmann writes log f(k) − log f(m) via Stirling's formula around n, m and k; here both log-pmfs use
    // Loader's stirlerr/bd0 form, which is accurate for every k and shares stirlerr(n), which cancels.
    if (Math.log((v * alpha) / (a / (us * us) + b)) <= logBinomialPmfRaw(k, n, p, q) - logFm) return k;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Poisson
// ---------------------------------------------------------------------------------------------------------

function checkPoissonArgs(lambda: number): void {
  if (!(lambda >= 0 && lambda <= MAX_POISSON_LAMBDA)) {
    throw new RangeError(`poisson: lambda must be in [0, 2^52], got ${lambda}`);
  }
}

/** One Poisson(λ) variate, 0 ≤ λ ≤ 2^52. Expected cost O(1) for every λ. */
export function poisson(u: Uniform, lambda: number): number {
  checkPoissonArgs(lambda);
  if (lambda === 0) return 0;
  // PTRS is validated for λ ≥ 10 (Hörmann 1993); below, inversion needs λ + 1 < 11 steps on average.
  return lambda < 10 ? poissonInversion(u, lambda) : poissonPtrs(u, lambda);
}

/** Sequential-search inversion from 0, as `binomialInversion`; f(0) = e^(−λ) ≥ e^(−10). */
function poissonInversion(u: Uniform, lambda: number): number {
  const f0 = Math.exp(-lambda);
  // Redraw only if rounding exhausts the pmf (f underflows to 0) before the uniform is used up; see
  // binomialInversion.
  for (;;) {
    let v = u();
    let x = 0;
    let f = f0;
    while (v >= f) {
      v -= f;
      x += 1;
      f *= lambda / x;
      if (f === 0) break;
    }
    if (f !== 0) return x;
  }
}

/** Setup constants of PTRS (names as in Hörmann 1993). */
export interface PtrsConstants {
  readonly a: number;
  readonly b: number;
  /** Centre of the transformation: k = ⌊(2a/us + b)·U + c⌋. */
  readonly c: number;
  /** Hat constant: a trial accepts k iff V·(1/α)/(a/us² + b) ≤ f(k). */
  readonly invAlpha: number;
  /** Squeeze: V ≤ v_r accepts at once when us ≥ 0.07. */
  readonly vr: number;
}

/**
 * Hat safety margin for PTRS. Hörmann's constants were fitted numerically, and an exact check (sup and inf
 * of the acceptance ratio g = f(k)·(a/us² + b)/(1/α) over each k's U-interval, λ from 10 to 1e8) shows
 * they are very slightly off: g reaches 1.0058 (λ ≈ 14, k = 21), so the hat fails to dominate there, and
 * inside the squeeze g drops to v_r − 0.0039 (λ ≈ 30.9, k = 20), so the squeeze accepts a little too
 * much. The resulting total-variation error is only ~1e-6 (single-pmf errors up to ~4e-5 relative), but
 * it is not zero. Scaling 1/α up by 1 % and lowering v_r to v_r/1.01 − 0.01 restores both conditions
 * (max g 0.996, squeeze margin ≥ 0.006) for ~1 % more trials.
 */
const PTRS_HAT_MARGIN = 1.01;
const PTRS_SQUEEZE_MARGIN = 0.01;

/**
 * PTRS constants for λ ≥ 10, with the safety margins above. Exported so the tests can re-check the hat
 * and squeeze conditions (see btrsConstants).
 */
export function ptrsConstants(lambda: number): PtrsConstants {
  const b = 0.931 + 2.53 * Math.sqrt(lambda);
  return {
    a: -0.059 + 0.02483 * b,
    b,
    c: lambda + 0.43,
    invAlpha: PTRS_HAT_MARGIN * (1.1239 + 1.1328 / (b - 3.4)),
    vr: (0.9277 - 3.6224 / (b - 2)) / PTRS_HAT_MARGIN - PTRS_SQUEEZE_MARGIN,
  };
}

/**
 * PTRS (Hörmann 1993, algorithm PTRS), for λ ≥ 10: the Poisson counterpart of BTRS. Here the hat is
 * scaled to the pmf itself, so V is accepted if log(V·(1/α)/(a/us² + b)) ≤ log f(k).
 */
function poissonPtrs(u: Uniform, lambda: number): number {
  const { a, b, c, invAlpha, vr } = ptrsConstants(lambda);
  for (;;) {
    const uc = u() - 0.5;
    const v = u();
    const us = 0.5 - Math.abs(uc);
    const k = Math.floor(((2 * a) / us + b) * uc + c);
    // Range test before the squeeze, as in binomialBtrs (equivalent for λ ≥ 10, robust to us = 0).
    if (k < 0) continue;
    if (us >= 0.07 && v <= vr) return k;
    // Hörmann's quick rejection in the extreme tails of the transformation, where the hat is loose.
    if (us < 0.013 && v > us) continue;
    if (Math.log((v * invAlpha) / (a / (us * us) + b)) <= logPoissonPmfRaw(k, lambda)) return k;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Trivial helpers
// ---------------------------------------------------------------------------------------------------------

/**
 * One Exponential(rate) variate (mean 1/rate), by inversion: −log(1 − U)/rate, with 1 − U ∈ (0, 1] so the
 * log is finite. rate = 0 gives +Infinity without consuming a uniform.
 */
export function exponential(u: Uniform, rate: number): number {
  if (!(rate >= 0)) throw new RangeError(`exponential: rate must be ≥ 0, got ${rate}`);
  if (rate === 0) return Number.POSITIVE_INFINITY;
  return -Math.log1p(-u()) / rate;
}

/** true with probability p ∈ [0, 1]. p = 0 and p = 1 are decided without consuming a uniform. */
export function bernoulli(u: Uniform, p: number): boolean {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli: p must be in [0, 1], got ${p}`);
  if (p === 0) return false;
  if (p === 1) return true;
  return u() < p;
}

/**
 * One standard normal variate by the Box–Muller transform (Box & Muller 1958):
 * sqrt(−2 log U1) cos(2π U2), two uniforms per variate (the sine partner is not
 * kept, so no sampler state is hidden between calls). 1 − U1 ∈ (0, 1] keeps the log finite.
 */
export function normal(u: Uniform): number {
  const r = Math.sqrt(-2 * Math.log1p(-u()));
  return r * Math.cos(2 * Math.PI * u());
}

/** Complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
