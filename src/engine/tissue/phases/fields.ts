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
 * Speed. This is most of a step, so it runs as WebAssembly with 128-bit SIMD,
 * two points at a time, and still gives the plain double loop's doubles bit for
 * bit: each lane does the same IEEE operations in the same order as the
 * reference (((left + right) + up) + down for the neighbours, then
 * keep m + r Σ + production, and 1 − (Γ1 c + Γ2 m)); WebAssembly's f64x2 add
 * and multiply round like JavaScript's numbers and never fuse into an FMA. The
 * two choices (`v < TINY ? 0 : v`, `k > 0 ? w k : 0`) become masks, so the loop
 * has no branch per point. Node and Chromium run the same V8, and the
 * browser tests compare their fields byte for byte.
 * - In place. MMP-2, ECM and the cell counts live in the run's WebAssembly
 *   memory (lattice.ts); m is overwritten row by row, the old values of the row
 *   above kept in a scratch row, so a 201 × 201 patch stays in a core's cache.
 * - Whole pairs. With an odd side the last pair of a row takes in the right ghost
 *   point; what is written there is scratch, mirrored again before it is read.
 */
import type { TissueContext } from '../context.ts';
import { mirrorEdges, type Patch } from '../lattice.ts';
import { assemble } from '../wasm.ts';

const TINY = 1e-250;

/**
 * The kernel: for each row, for each pair of points (x, x + 1) from x = 1.
 * $m, $w, $s, $c are byte offsets of MMP-2, ECM, the scratch row and the counts.
 */
const KERNEL = assemble({
  name: 'fields',
  params: {
    ...{ m: 'i32', w: 'i32', s: 'i32', c: 'i32', side: 'i32', stride: 'i32' },
    ...{ r: 'f64', keep: 'f64', prod: 'f64', g1: 'f64', g2: 'f64', tiny: 'f64' },
  },
  locals: {
    ...{ i: 'i32', last: 'i32', down: 'i32', pm: 'i32', pw: 'i32', ps: 'i32', pc: 'i32', rowEnd: 'i32' },
    ...{ vr: 'v128', vkeep: 'v128', vprod: 'v128', vg1: 'v128', vg2: 'v128', vtiny: 'v128' },
    ...{ one: 'v128', zero: 'v128', prev: 'v128', here: 'v128', cells: 'v128', k: 'v128' },
  },
  code: `
    local.get $r
    f64x2.splat
    local.set $vr
    local.get $keep
    f64x2.splat
    local.set $vkeep
    local.get $prod
    f64x2.splat
    local.set $vprod
    local.get $g1
    f64x2.splat
    local.set $vg1
    local.get $g2
    f64x2.splat
    local.set $vg2
    local.get $tiny
    f64x2.splat
    local.set $vtiny
    f64.const 1
    f64x2.splat
    local.set $one
    f64.const 0
    f64x2.splat
    local.set $zero
    ;; down: the stride in bytes. The scratch row starts as the top ghost row.
    local.get $stride
    i32.const 3
    i32.shl
    local.set $down
    local.get $s
    local.get $m
    local.get $down
    memory.copy
    ;; i: the index of the row's first point, from (1, 1) to (1, side).
    local.get $stride
    i32.const 1
    i32.add
    local.set $i
    local.get $side
    local.get $stride
    i32.mul
    i32.const 1
    i32.add
    local.set $last
    loop ;; rows
      local.get $i
      i32.const 3
      i32.shl
      local.get $m
      i32.add
      local.set $pm
      local.get $i
      i32.const 3
      i32.shl
      local.get $w
      i32.add
      local.set $pw
      local.get $i
      local.get $c
      i32.add
      local.set $pc
      local.get $s
      i32.const 8
      i32.add
      local.set $ps
      local.get $side
      i32.const 1
      i32.sub
      i32.const 3
      i32.shl
      local.get $pm
      i32.add
      local.set $rowEnd
      ;; The old value left of the row (its ghost) in the high lane of prev.
      local.get $pm
      i32.const 16
      i32.sub
      v128.load
      local.set $prev
      loop ;; pairs of points
        local.get $pm
        v128.load
        local.set $here
        ;; The pair's cell counts as doubles.
        local.get $pc
        v128.load8x8_u
        i32x4.extend_low_i16x8_u
        f64x2.convert_low_i32x4_s ;; one instruction on x64, unlike _u; counts are at most 255
        local.set $cells
        ;; m' = (keep m + r (((left + right) + up) + down)) + prod c, 0 below tiny.
        local.get $pm
        local.get $vkeep
        local.get $here
        f64x2.mul
        local.get $vr
        local.get $prev ;; left: the high lane of the previous pair and the low lane of this one
        local.get $here
        i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
        local.get $pm ;; right: not yet overwritten
        v128.load offset=8
        f64x2.add
        local.get $ps ;; up: the row above's old values
        v128.load
        f64x2.add
        local.get $pm ;; down
        local.get $down
        i32.add
        v128.load
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $vprod
        local.get $cells
        f64x2.mul
        f64x2.add
        local.tee $k
        local.get $k
        local.get $vtiny
        f64x2.lt
        v128.andnot
        v128.store
        ;; w' = w k where k = 1 - (g1 c + g2 m) is positive, else 0.
        local.get $pw
        local.get $pw
        v128.load
        local.get $one
        local.get $vg1
        local.get $cells
        f64x2.mul
        local.get $vg2
        local.get $here
        f64x2.mul
        f64x2.add
        f64x2.sub
        local.tee $k
        f64x2.mul
        local.get $k
        local.get $zero
        f64x2.gt
        v128.and
        v128.store
        ;; The old pair: up for the next row, left for the next pair.
        local.get $ps
        local.get $here
        v128.store
        local.get $here
        local.set $prev
        local.get $pw
        i32.const 16
        i32.add
        local.set $pw
        local.get $ps
        i32.const 16
        i32.add
        local.set $ps
        local.get $pc
        i32.const 2
        i32.add
        local.set $pc
        local.get $pm
        i32.const 16
        i32.add
        local.tee $pm
        local.get $rowEnd
        i32.le_u
        br_if 0
      end
      local.get $i
      local.get $stride
      i32.add
      local.tee $i
      local.get $last
      i32.le_u
      br_if 0
    end
  `,
});

type Kernel = (...args: number[]) => void;

/** The smallest module with a SIMD instruction: validated, it says whether the engine has SIMD. */
const SIMD_PROBE = assemble({
  name: 'probe',
  params: {},
  locals: { v: 'v128' },
  code: 'f64.const 0\nf64x2.splat\nlocal.set $v',
});

let compiled: WebAssembly.Module | undefined;

/**
 * Refuses, in one message, an engine that cannot run the kernel, before a run
 * starts: otherwise the first field update fails with a compiler's message
 * ("Wasm SIMD unsupported") or a missing global. The versions are the first with
 * fixed-width SIMD on by default.
 */
export function requireFieldKernel(): void {
  if (compiled) return;
  const missing =
    typeof WebAssembly !== 'object'
      ? 'this JavaScript engine has no WebAssembly'
      : WebAssembly.validate(SIMD_PROBE)
        ? undefined
        : "this JavaScript engine's WebAssembly has no SIMD";
  if (missing)
    throw new Error(
      `the tissue scale needs WebAssembly with SIMD (Node ≥ 16.4, Chromium ≥ 91, Firefox ≥ 89, Safari ≥ 16.4): ${missing}`,
    );
  compiled = new WebAssembly.Module(KERNEL);
}
const kernels = new WeakMap<WebAssembly.Memory, Kernel>();

/** The kernel bound to a run's memory, instantiated on first use. */
function kernelOf(memory: WebAssembly.Memory): Kernel {
  let kernel = kernels.get(memory);
  if (!kernel) {
    compiled ??= new WebAssembly.Module(KERNEL);
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    kernel = instance.exports.fields as Kernel;
    kernels.set(memory, kernel);
  }
  return kernel;
}

export function updateFields(ctx: TissueContext): void {
  for (const patch of ctx.state.patches) {
    if (patch.fieldsActive) updatePatch(ctx, patch);
  }
}

function updatePatch(ctx: TissueContext, patch: Patch): void {
  const k = ctx.k;
  mirrorEdges(patch, patch.mmp);
  kernelOf(patch.memory)(
    patch.mmp.byteOffset,
    patch.ecm.byteOffset,
    patch.scratch.byteOffset,
    patch.mesenchymal.byteOffset,
    patch.side,
    patch.stride,
    k.mmpSpread,
    k.mmpKeep,
    k.mmpProduction,
    k.ecmByCells,
    k.ecmByMmp,
    TINY,
  );
  mirrorEdges(patch, patch.ecm);
}
