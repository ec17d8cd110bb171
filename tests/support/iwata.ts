/**
 * Reference solver for the size-structured metastasis model of Iwata, Kawasaki &
 * Shigesada 2000 (J Theor Biol 203:177-186). The density rho(x, t) of colonies of
 * x cells obeys the transport equation
 *
 *   d rho/dt + d(g(x) rho)/dx = 0,   g(1) rho(1, t) = beta_p(t) + int beta(x) rho(x, t) dx,
 *
 * with g the growth law of one colony, beta(x) the colonies a metastasis of size x
 * founds per day (m x^alpha in the paper) and beta_p(t) those the primary founds.
 * Along characteristics every colony of age tau has the size X(tau) (dX/dtau = g(X),
 * X(0) = 1), so the birth rate of colonies B(t) = g(1) rho(1, t) solves the renewal
 * equation
 *
 *   B(t) = beta_p(t) + int_0^t beta(X(t - s)) B(s) ds,
 *
 * and any count over the colonies alive at T is int_0^T B(s) f(T - s) ds: f = 1
 * counts them, f = 1[X(age) >= a] those of at least a cells, f = X their cells. The
 * solver integrates the renewal equation by the trapezoidal rule on a uniform grid
 * (second order) and X by classical Runge-Kutta in log size.
 *
 * For colonies that grow by a stochastic birth process, f may be the probability
 * P(X(age) >= a) instead of the indicator: `birthDeathAtLeast` gives it exactly for
 * the linear birth-death process (Kendall 1948).
 */

export interface IwataModel {
  /** Growth law of one colony: dx/dt = g(x), cells per day. */
  growth: (x: number) => number;
  /** Colonies founded per day by one metastasis of x cells: beta(x). */
  colonisation: (x: number) => number;
  /** Colonies founded per day by the primary at time t: beta(x_p(t)). */
  primaryColonisation: (t: number) => number;
}

export interface IwataSolution {
  /** Grid step, days. */
  h: number;
  /** Birth rate of colonies B(n h), colonies per day, n = 0 .. horizon / h. */
  births: Float64Array;
  /** Size X(k h) of a colony of age k h (cells). */
  sizes: Float64Array;
  /** B(t), linear between grid points. */
  birthRate(t: number): number;
  /** Colonies founded in [0, t]: int_0^t B. */
  founded(t: number): number;
  /** Age at which a colony reaches a cells (Infinity beyond the horizon). */
  ageAt(a: number): number;
  /** Colonies of at least a cells at time T (deterministic sizes). */
  coloniesAtLeast(a: number, T: number): number;
  /** rho(x, T): colonies per cell of size at x, from g(x) rho(x, T) = B(T - age(x)). */
  density(x: number, T: number): number;
  /** int_0^T B(s) f(T - s) ds, for T on the grid. */
  overColonies(T: number, f: (age: number) => number): number;
}

/** X(k h) for k = 0..n: RK4 on y = ln x, dy/dtau = g(x)/x (exact for exponential growth). */
function colonySizes(growth: (x: number) => number, h: number, n: number): Float64Array {
  const slope = (y: number) => {
    const x = Math.exp(y);
    return growth(x) / x;
  };
  const out = new Float64Array(n + 1);
  let y = 0;
  out[0] = 1;
  for (let k = 1; k <= n; k++) {
    const k1 = slope(y);
    const k2 = slope(y + (h / 2) * k1);
    const k3 = slope(y + (h / 2) * k2);
    const k4 = slope(y + h * k3);
    y += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    out[k] = Math.exp(y);
  }
  return out;
}

export function solveIwata(model: IwataModel, horizon: number, h = 0.1): IwataSolution {
  const n = Math.round(horizon / h);
  if (Math.abs(n * h - horizon) > 1e-9 * horizon) throw new Error('horizon must be a multiple of h');
  const sizes = colonySizes(model.growth, h, n);
  const beta = sizes.map((x) => model.colonisation(x));
  const births = new Float64Array(n + 1);
  births[0] = model.primaryColonisation(0);
  // Trapezoidal rule; the j = i term holds B(t_i) itself with weight h/2.
  const implicit = 1 - (h / 2) * (beta[0] as number);
  for (let i = 1; i <= n; i++) {
    let sum = 0.5 * (beta[i] as number) * (births[0] as number);
    for (let j = 1; j < i; j++) sum += (beta[i - j] as number) * (births[j] as number);
    births[i] = (model.primaryColonisation(i * h) + h * sum) / implicit;
  }
  const cumulative = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++)
    cumulative[i] =
      (cumulative[i - 1] as number) + (h / 2) * ((births[i - 1] as number) + (births[i] as number));

  const birthRate = (t: number): number => {
    if (t < 0 || t > n * h * (1 + 1e-12)) throw new Error(`t = ${t} outside [0, ${n * h}]`);
    const i = Math.min(Math.floor(t / h), n - 1);
    const w = t / h - i;
    return (1 - w) * (births[i] as number) + w * (births[i + 1] as number);
  };
  const founded = (t: number): number => {
    if (t <= 0) return 0;
    const i = Math.min(Math.floor(t / h), n - 1);
    const tail = t - i * h;
    return (cumulative[i] as number) + (tail / 2) * ((births[i] as number) + birthRate(t));
  };
  const ageAt = (a: number): number => {
    if (a <= 1) return 0;
    for (let k = 1; k <= n; k++) {
      const x = sizes[k] as number;
      if (x >= a) {
        // Log-linear between grid points: exact for exponential growth.
        const lo = Math.log(sizes[k - 1] as number);
        return (k - 1 + (Math.log(a) - lo) / (Math.log(x) - lo)) * h;
      }
    }
    return Number.POSITIVE_INFINITY;
  };
  return {
    h,
    births,
    sizes,
    birthRate,
    founded,
    ageAt,
    coloniesAtLeast: (a, T) => founded(T - ageAt(a)),
    density: (x, T) => {
      const age = ageAt(x);
      return age <= T ? birthRate(T - age) / model.growth(x) : 0;
    },
    overColonies: (T, f) => {
      const m = Math.round(T / h);
      if (m > n || Math.abs(m * h - T) > 1e-9 * Math.max(1, T))
        throw new Error(`T = ${T} is not on the grid`);
      let sum = 0;
      for (let i = 0; i <= m; i++) {
        const w = i === 0 || i === m ? 0.5 : 1;
        sum += w * (births[i] as number) * f((m - i) * h);
      }
      return h * sum;
    },
  };
}

/**
 * P(X(age) >= a) for a linear birth-death process from one cell with per-cell rates
 * `birth` and `death` (Kendall 1948): P(X = 0) = e0, P(X = k) = (1 - e0)(1 - q) q^(k-1)
 * for k >= 1, so P(X >= a) = (1 - e0) q^(a-1) for a >= 1. With E = e^((birth - death) age),
 * 1 - e0 = E (birth - death) / (birth E - death) and 1 - q = (birth - death) / (birth E - death).
 */
export function birthDeathAtLeast(birth: number, death: number, age: number, a: number): number {
  if (a <= 0) return 1;
  if (age <= 0) return a <= 1 ? 1 : 0;
  const r = birth - death;
  let alive: number;
  let oneMinusQ: number;
  if (Math.abs(r) < 1e-12 * birth) {
    alive = 1 / (1 + birth * age);
    oneMinusQ = alive;
  } else if (r > 0) {
    // Divided through by E so that a long age cannot overflow.
    const decay = Math.exp(-r * age);
    alive = r / (birth - death * decay);
    oneMinusQ = (r * decay) / (birth - death * decay);
  } else {
    const growth = Math.exp(r * age);
    alive = (growth * r) / (birth * growth - death);
    oneMinusQ = r / (birth * growth - death);
  }
  return alive * Math.exp((Math.ceil(a) - 1) * Math.log1p(-oneMinusQ));
}
