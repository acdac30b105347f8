// f32 GEMM: C = act(C·[accumulate] + A·B + bias). Thin products whose operands need no packing
// (n a multiple of 8 up to 64 with few rows of Aᵀ, or a K of at most 32: the weight gradients, the
// projections and Dense layers of small models) read A and B directly (gemm-direct.ts); the rest
// go through the cache-blocked packed path (gemm-packed.ts).
//
// A is read through two strides, so the same kernel computes A·B (rsa = lda, csa = 1) and Aᵀ·B
// (rsa = 1, csa = lda) without a transpose; A·Bᵀ is A·(transposed B): see f32_transpose.

import { splat, ld, st } from "./simd";
import { gemmPacked, MR, PACKED_WORKSPACE_BYTES } from "./gemm-packed";
import { forceGeneral } from "./variants";
import { directFits, gemmDirect } from "./gemm-direct";
import { workspace, workspaceBytes } from "./workspace";

/**
 * C[i,j] = act( (accumulate ? C[i,j] : 0) + Σ_p A[i·rsa + p·csa] · B[p·ldb + j] + (bias ? bias[j] : 0) )
 * for i < m, j < n.
 * Pointers are byte offsets of f32 data; strides are in elements. C must not overlap A or B.
 * m, n ≥ 0; k ≥ 0 (k = 0 gives act(C·accumulate + bias)). Needs the workspace (f32_set_workspace):
 * without it the call traps rather than write through address 0.
 */
export function f32_gemm(
  m: i32, n: i32, k: i32,
  a: usize, rsa: i32, csa: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  accumulate: i32, bias: usize, act: i32,
): void {
  if (m <= 0 || n <= 0) return;
  if (directFits(m, n, k, rsa)) {
    gemmDirect(m, n, k, a, rsa, csa, b, ldb, c, ldc, accumulate != 0, bias, act);
    return;
  }
  if (workspaceBytes() < PACKED_WORKSPACE_BYTES) unreachable();
  gemmPacked(m, n, k, a, rsa, csa, b, ldb, c, ldc, accumulate != 0, bias, act, workspace());
}

/**
 * Whether a product of m rows reads B as it is (fewer than 4 rows: gemm-packed.ts's rowsOnPanels), so
 * a recurrent layer's steps need not pack U first (a one-sample predict's per-step products).
 */
// @ts-ignore: decorator
@inline export function fewRows(m: i32): bool {
  return m < MR && !forceGeneral();
}

/** 1 when f32_gemm(m, n, k, ..., rsa, ...) takes the direct path, 0 when the packed one (for tests). */
export function gemm_takes_direct(m: i32, n: i32, k: i32, rsa: i32): i32 {
  return directFits(m, n, k, rsa) ? 1 : 0;
}

/** f32_gemm with B packed beforehand by packB() (see gemm-packed.ts); the GRU's per-step products. */
export function gemmPrepacked(
  m: i32, n: i32, k: i32, a: usize, rsa: i32, csa: i32, packedB: usize,
  c: usize, ldc: i32, accumulate: i32, bias: usize, act: i32,
): void {
  if (m <= 0 || n <= 0) return;
  if (workspaceBytes() < PACKED_WORKSPACE_BYTES) unreachable();
  gemmPacked(m, n, k, a, rsa, csa, packedB, 0, c, ldc, accumulate != 0, bias, act, workspace(), true);
}

/** dst (cols × rows) = srcᵀ for src (rows × cols), both dense row-major. dst must not overlap src. */
export function f32_transpose(rows: i32, cols: i32, src: usize, dst: usize): void {
  for (let i = 0; i < rows; i++) {
    const s = src + (<usize>i * <usize>cols << 2);
    for (let j = 0; j < cols; j++) {
      store<f32>(dst + ((<usize>j * <usize>rows + <usize>i) << 2), load<f32>(s + (<usize>j << 2)));
    }
  }
}

/**
 * dst[j] = (accumulate ? dst[j] : 0) + Σ_i src[i·ld + j] for j < cols: the bias gradient. Columns
 * go in blocks of 32 (eight accumulators) so each pass down the rows uses whole cache lines: a pass
 * per 4 columns fetched every line of a matrix larger than L2 four times.
 */
export function f32_colsum(rows: i32, cols: i32, src: usize, ld_: i32, dst: usize, accumulate: i32): void {
  const ld4 = <usize>ld_ << 2, acc = accumulate != 0;
  let j = 0;
  for (; j + 32 <= cols; j += 32) colsum32(rows, src + (<usize>j << 2), ld4, dst + (<usize>j << 2), acc);
  for (; j + 4 <= cols; j += 4) colsum(rows, src + (<usize>j << 2), ld4, dst + (<usize>j << 2), acc, true);
  for (; j < cols; j++) colsum(rows, src + (<usize>j << 2), ld4, dst + (<usize>j << 2), acc, false);
}

// @ts-ignore: decorator
@inline function colsum(rows: i32, src: usize, ld4: usize, dst: usize, acc: bool, vec: bool): void {
  let s = splat(0);
  let p = src;
  for (let i = 0; i < rows; i++) {
    s = f32x4.add(s, ld(p, vec));
    p += ld4;
  }
  if (acc) s = f32x4.add(s, ld(dst, vec));
  st(dst, s, vec);
}

// @ts-ignore: decorator
@inline function colsum32(rows: i32, src: usize, ld4: usize, dst: usize, acc: bool): void {
  let s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
  let s4 = splat(0), s5 = splat(0), s6 = splat(0), s7 = splat(0);
  let p = src;
  for (let i = 0; i < rows; i++) {
    s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
    s2 = f32x4.add(s2, v128.load(p, 32)); s3 = f32x4.add(s3, v128.load(p, 48));
    s4 = f32x4.add(s4, v128.load(p, 64)); s5 = f32x4.add(s5, v128.load(p, 80));
    s6 = f32x4.add(s6, v128.load(p, 96)); s7 = f32x4.add(s7, v128.load(p, 112));
    p += ld4;
  }
  if (acc) {
    s0 = f32x4.add(s0, v128.load(dst)); s1 = f32x4.add(s1, v128.load(dst, 16));
    s2 = f32x4.add(s2, v128.load(dst, 32)); s3 = f32x4.add(s3, v128.load(dst, 48));
    s4 = f32x4.add(s4, v128.load(dst, 64)); s5 = f32x4.add(s5, v128.load(dst, 80));
    s6 = f32x4.add(s6, v128.load(dst, 96)); s7 = f32x4.add(s7, v128.load(dst, 112));
  }
  v128.store(dst, s0); v128.store(dst, s1, 16); v128.store(dst, s2, 32); v128.store(dst, s3, 48);
  v128.store(dst, s4, 64); v128.store(dst, s5, 80); v128.store(dst, s6, 96); v128.store(dst, s7, 112);
}
