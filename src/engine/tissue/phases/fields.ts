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
  const { side, stride, mesenchymal: cm, ecm } = patch;
  const m = patch.mmp;
  const next = patch.mmpNext;
  mirrorEdges(patch, m);
  for (let y = 1; y <= side; y++) {
    const row = y * stride;
    // The left and right neighbours roll along the row in registers.
    let left = m[row] as number;
    let here = m[row + 1] as number;
    for (let i = row + 1; i <= row + side; i++) {
      const right = m[i + 1] as number;
      const cells = cm[i] as number;
      const value =
        keep * here +
        r * (left + right + (m[i - stride] as number) + (m[i + stride] as number)) +
        prod * cells;
      next[i] = value < TINY ? 0 : value;
      const keepEcm = 1 - (g1 * cells + g2 * here);
      ecm[i] = keepEcm > 0 ? (ecm[i] as number) * keepEcm : 0;
      left = here;
      here = right;
    }
  }
  patch.mmp = next;
  patch.mmpNext = m;
  mirrorEdges(patch, ecm);
}
