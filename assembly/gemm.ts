// f32 GEMM: C = act(C·[accumulate] + A·B + bias).
//
// A is read through two strides, so the same kernel computes A·B (rsa = lda, csa = 1) and Aᵀ·B
// (rsa = 1, csa = lda) without a transpose; A·Bᵀ is A·(transposed B): see f32_transpose.
// Large products go through the cache-blocked, packed path (gemm-packed.ts); small ones — the GRU's
// per-step products at small hidden sizes — run a direct 4×8 splat-A / vector-B tile, which costs
// no packing.

import { madd, splat, vact, ld, st } from "./simd";
import { gemmPacked, PACKED_WORKSPACE_BYTES } from "./gemm-packed";
import { workspace, workspaceBytes } from "./workspace";

/** Products with fewer multiply-adds than this run the direct kernel. */
const PACKED_MIN_WORK: i64 = 1 << 18;

/**
 * C[i,j] = act( (accumulate ? C[i,j] : 0) + Σ_p A[i·rsa + p·csa] · B[p·ldb + j] + (bias ? bias[j] : 0) )
 * for i < m, j < n.
 * Pointers are byte offsets of f32 data; strides are in elements. C must not overlap A or B.
 * m, n ≥ 0; k ≥ 0 (k = 0 gives act(C·accumulate + bias)).
 */
export function f32_gemm(
  m: i32, n: i32, k: i32,
  a: usize, rsa: i32, csa: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  accumulate: i32, bias: usize, act: i32,
): void {
  if (k > 0 && m > 0 && n > 0 && workspaceBytes() >= PACKED_WORKSPACE_BYTES && <i64>m * <i64>n * <i64>k >= PACKED_MIN_WORK) {
    gemmPacked(m, n, k, a, rsa, csa, b, ldb, c, ldc, accumulate != 0, bias, act, workspace());
    return;
  }
  const rsa4 = <usize>rsa << 2;
  const csa4 = <usize>csa << 2;
  const ldb4 = <usize>ldb << 2;
  const ldc4 = <usize>ldc << 2;
  const acc = accumulate != 0;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const bj = b + (<usize>j << 2);
    const cj = c + (<usize>j << 2);
    const biasj = bias ? bias + (<usize>j << 2) : 0;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      tile4x8(k, a + <usize>i * rsa4, rsa4, csa4, bj, ldb4, cj + <usize>i * ldc4, ldc4, acc, biasj, act);
    }
    for (; i < m; i++) {
      tile1x8(k, a + <usize>i * rsa4, csa4, bj, ldb4, cj + <usize>i * ldc4, acc, biasj, act);
    }
  }
  for (; j + 4 <= n; j += 4) {
    columns(m, k, a, rsa4, csa4, b + (<usize>j << 2), ldb4, c + (<usize>j << 2), ldc4, acc,
      bias ? bias + (<usize>j << 2) : 0, act, true);
  }
  for (; j < n; j++) {
    columns(m, k, a, rsa4, csa4, b + (<usize>j << 2), ldb4, c + (<usize>j << 2), ldc4, acc,
      bias ? bias + (<usize>j << 2) : 0, act, false);
  }
}

// @ts-ignore: decorator
@inline function finish(sum: v128, cp: usize, acc: bool, bias: usize, offset: usize, act: i32, vec: bool): void {
  if (acc) sum = f32x4.add(sum, ld(cp, vec));
  if (bias) sum = f32x4.add(sum, ld(bias + offset, vec));
  st(cp, vact(sum, act), vec);
}

// @ts-ignore: decorator
@inline function tile4x8(
  k: i32, a: usize, rsa4: usize, csa4: usize, b: usize, ldb4: usize,
  c: usize, ldc4: usize, acc: bool, bias: usize, act: i32,
): void {
  let c00 = splat(0), c01 = splat(0), c10 = splat(0), c11 = splat(0);
  let c20 = splat(0), c21 = splat(0), c30 = splat(0), c31 = splat(0);
  const a1 = a + rsa4, a2 = a1 + rsa4, a3 = a2 + rsa4;
  let off: usize = 0;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = f32x4.splat(load<f32>(a + off));
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = f32x4.splat(load<f32>(a1 + off));
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = f32x4.splat(load<f32>(a2 + off));
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = f32x4.splat(load<f32>(a3 + off));
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    off += csa4;
    pb += ldb4;
  }
  finish(c00, c, acc, bias, 0, act, true); finish(c01, c + 16, acc, bias, 16, act, true);
  c += ldc4;
  finish(c10, c, acc, bias, 0, act, true); finish(c11, c + 16, acc, bias, 16, act, true);
  c += ldc4;
  finish(c20, c, acc, bias, 0, act, true); finish(c21, c + 16, acc, bias, 16, act, true);
  c += ldc4;
  finish(c30, c, acc, bias, 0, act, true); finish(c31, c + 16, acc, bias, 16, act, true);
}

// @ts-ignore: decorator
@inline function tile1x8(
  k: i32, a: usize, csa4: usize, b: usize, ldb4: usize,
  c: usize, acc: bool, bias: usize, act: i32,
): void {
  let c0 = splat(0), c1 = splat(0);
  let pa = a, pb = b;
  for (let p = 0; p < k; p++) {
    const av = f32x4.splat(load<f32>(pa));
    c0 = madd(av, v128.load(pb), c0);
    c1 = madd(av, v128.load(pb, 16), c1);
    pa += csa4;
    pb += ldb4;
  }
  finish(c0, c, acc, bias, 0, act, true);
  finish(c1, c + 16, acc, bias, 16, act, true);
}

/** A column block of width 4 (vec) or 1 (scalar lane), all rows, in steps of 4 rows. */
// @ts-ignore: decorator
@inline function columns(
  m: i32, k: i32, a: usize, rsa4: usize, csa4: usize, b: usize, ldb4: usize,
  c: usize, ldc4: usize, acc: bool, bias: usize, act: i32, vec: bool,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * rsa4, a1 = a0 + rsa4, a2 = a1 + rsa4, a3 = a2 + rsa4;
    let c0 = splat(0), c1 = splat(0), c2 = splat(0), c3 = splat(0);
    let off: usize = 0;
    let pb = b;
    for (let p = 0; p < k; p++) {
      const bv = ld(pb, vec);
      c0 = madd(f32x4.splat(load<f32>(a0 + off)), bv, c0);
      c1 = madd(f32x4.splat(load<f32>(a1 + off)), bv, c1);
      c2 = madd(f32x4.splat(load<f32>(a2 + off)), bv, c2);
      c3 = madd(f32x4.splat(load<f32>(a3 + off)), bv, c3);
      off += csa4;
      pb += ldb4;
    }
    const ci = c + <usize>i * ldc4;
    finish(c0, ci, acc, bias, 0, act, vec);
    finish(c1, ci + ldc4, acc, bias, 0, act, vec);
    finish(c2, ci + 2 * ldc4, acc, bias, 0, act, vec);
    finish(c3, ci + 3 * ldc4, acc, bias, 0, act, vec);
  }
  for (; i < m; i++) {
    let c0 = splat(0);
    let pa = a + <usize>i * rsa4, pb = b;
    for (let p = 0; p < k; p++) {
      c0 = madd(f32x4.splat(load<f32>(pa)), ld(pb, vec), c0);
      pa += csa4;
      pb += ldb4;
    }
    finish(c0, c + <usize>i * ldc4, acc, bias, 0, act, vec);
  }
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

/** dst[j] = (accumulate ? dst[j] : 0) + Σ_i src[i·ld + j] for j < cols: the bias gradient. */
export function f32_colsum(rows: i32, cols: i32, src: usize, ld_: i32, dst: usize, accumulate: i32): void {
  const ld4 = <usize>ld_ << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) colsum(rows, src + (<usize>j << 2), ld4, dst + (<usize>j << 2), accumulate != 0, true);
  for (; j < cols; j++) colsum(rows, src + (<usize>j << 2), ld4, dst + (<usize>j << 2), accumulate != 0, false);
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
