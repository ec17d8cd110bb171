/**
 * Invasion, the matrix side: MMP-2 made by mesenchymal-like cells diffuses and
 * decays; the ECM is degraded by MT1-MMP on mesenchymal-like cells and by MMP-2.
 * Explicit in time, five-point Laplacian, zero flux at the edges:
 *
 *   m' = (1 - 4r - dt Λ) m + r Σ m_neighbours + dt Θ c_M      r = dt D_m / h^2
 *   w' = w (1 - dt (Γ1 c_M + Γ2 m))
 *
 * Both use the previous step's m. With 4r + dt Λ <= 1 every coefficient is
 * non-negative, so m stays >= 0 and never exceeds Θ Q / Λ; with
 * dt (Γ1 Q + Γ2 Θ Q / Λ) <= 1 the ECM factor lies in [0, 1], so the ECM never
 * increases and never turns negative. The schema refuses steps beyond either bound;
 * exactly at the ECM bound, rounding can leave the factor a hair below zero, so
 * it is clamped at zero.
 *
 * MMP-2 below TINY is set to zero. Such values change nothing (Γ2 dt m is then
 * far below the precision of the ECM factor), but left alone they decay into
 * subnormal numbers far from the tumour, whose arithmetic is many times slower.
 *
 * Speed. This is most of a step, so it is written for the machine, and every
 * value is the same double, bit for bit, as the plain double loop gives:
 * - One array, in place. m and w live in one Float64Array (lattice.ts), so the
 *   loop checks one typed array instead of three; m is overwritten in place and
 *   the old values of the row above are kept in a scratch row, which halves the
 *   memory m needs and keeps a 201 × 201 patch in a core's cache.
 * - Stretches without mesenchymal-like cells. Most points have none; there
 *   dt Θ c_M and dt Γ1 c_M are +0, and adding +0 to a value that is never −0
 *   leaves it unchanged, so those terms are left out without changing a bit.
 *   Such stretches are found by reading the cell counts a word (four points) at a
 *   time.
 * - ECM left alone where its factor is exactly 1: multiplying by 1 changes
 *   nothing, and not touching the ECM there saves its memory traffic.
 * Each point's expression keeps the original order of operations:
 * keep m + r (((left + right) + up) + down) + production, and
 * 1 − (Γ1 c + Γ2 m); regrouping a sum would change the last bit.
 */
import type { TissueContext } from '../context.ts';
import { mirrorEdges, type Patch } from '../lattice.ts';

const TINY = 1e-250;

export function updateFields(ctx: TissueContext): void {
  for (const patch of ctx.state.patches) {
    if (patch.fieldsActive) updatePatch(ctx, patch);
  }
}

function updatePatch(ctx: TissueContext, patch: Patch): void {
  const { mmpSpread: r, mmpKeep: keep, mmpProduction: prod, ecmByCells: g1, ecmByMmp: g2 } = ctx.k;
  const { side, stride, mesenchymal: cm, mesenchymalWords: words, fields: f } = patch;
  const size = stride * stride;
  const ecmAt = size;
  const scratch = 2 * size;
  mirrorEdges(patch, patch.mmp);
  // The scratch row holds the old m of the row above, by column: first the top ghost row.
  for (let x = 0; x < stride; x++) f[scratch + x] = f[x] as number;
  for (let y = 1; y <= side; y++) {
    const row = y * stride;
    const first = row + 1;
    const last = row + side;
    // The words that may hold mesenchymal-like cells; the points outside [a, b] hold none.
    let wa = first >> 2;
    const wEnd = last >> 2;
    while (wa <= wEnd && words[wa] === 0) wa++;
    if (wa > wEnd) {
      withoutCells(f, stride, scratch - row, ecmAt, first, last, row, r, keep, g2);
      continue;
    }
    let wb = wEnd;
    while (words[wb] === 0) wb--;
    const a = Math.max(first, wa << 2);
    const b = Math.min(last, (wb << 2) + 3);
    const up = scratch - row;
    if (a > first) withoutCells(f, stride, up, ecmAt, first, a - 1, row, r, keep, g2);
    // Left of a later stretch: the point before it, already updated, so its old value in the scratch row.
    withCells(f, cm, stride, up, ecmAt, a, b, a > first ? up + a - 1 : row, r, keep, prod, g1, g2);
    if (b < last) withoutCells(f, stride, up, ecmAt, b + 1, last, up + b, r, keep, g2);
  }
  mirrorEdges(patch, patch.ecm);
}

/**
 * Points from..to of one row, none holding a mesenchymal-like cell. `up` is the
 * offset from a point to its column in the scratch row; f[leftAt] is the old m
 * left of `from` (read here rather than passed as a number, so the loop keeps it
 * unboxed). Two points per turn of the loop, which halves the loop's own checks.
 * The ECM factor 1 − Γ2 m is at most 1; where it is exactly 1 the ECM is not read.
 */
function withoutCells(
  f: Float64Array,
  stride: number,
  up: number,
  ecmAt: number,
  from: number,
  to: number,
  leftAt: number,
  r: number,
  keep: number,
  g2: number,
): void {
  const tiny = TINY; // read once: a module constant is reloaded and type-checked on every use in a loop
  let left = f[leftAt] as number;
  let here = f[from] as number;
  let i = from;
  for (; i < to; i += 2) {
    // Points i and i + 1: old values left, here, next, after; `| 0` spares the overflow checks.
    const next = f[i + 1] as number;
    const after = f[i + 2] as number;
    const u = (up + i) | 0;
    const d = (i + stride) | 0;
    const m0 = keep * here + r * (left + next + (f[u] as number) + (f[d] as number));
    const m1 = keep * next + r * (here + after + (f[u + 1] as number) + (f[d + 1] as number));
    f[u] = here;
    f[u + 1] = next;
    f[i] = m0 < tiny ? 0 : m0;
    f[i + 1] = m1 < tiny ? 0 : m1;
    const k0 = 1 - g2 * here;
    const k1 = 1 - g2 * next;
    const e = (ecmAt + i) | 0;
    if (k0 < 1) {
      const w = f[e] as number;
      f[e] = k0 > 0 ? w * k0 : 0;
    }
    if (k1 < 1) {
      const w = f[e + 1] as number;
      f[e + 1] = k1 > 0 ? w * k1 : 0;
    }
    left = next;
    here = after;
  }
  if (i === to) {
    const value =
      keep * here + r * (left + (f[i + 1] as number) + (f[up + i] as number) + (f[i + stride] as number));
    f[up + i] = here;
    f[i] = value < tiny ? 0 : value;
    const k = 1 - g2 * here;
    if (k < 1) {
      const w = f[ecmAt + i] as number;
      f[ecmAt + i] = k > 0 ? w * k : 0;
    }
  }
}

/** As `withoutCells`, one point at a time, with the mesenchymal-like cells' production and degradation. */
function withCells(
  f: Float64Array,
  cm: Uint8Array,
  stride: number,
  up: number,
  ecmAt: number,
  from: number,
  to: number,
  leftAt: number,
  r: number,
  keep: number,
  prod: number,
  g1: number,
  g2: number,
): void {
  const tiny = TINY;
  let left = f[leftAt] as number;
  let here = f[from] as number;
  for (let i = from; i <= to; i++) {
    const right = f[i + 1] as number;
    const cells = cm[i] as number;
    const value =
      keep * here + r * (left + right + (f[up + i] as number) + (f[i + stride] as number)) + prod * cells;
    f[up + i] = here;
    f[i] = value < tiny ? 0 : value;
    const k = 1 - (g1 * cells + g2 * here);
    f[ecmAt + i] = k > 0 ? (f[ecmAt + i] as number) * k : 0;
    left = here;
    here = right;
  }
}
