// Element-wise kernels: activations forward and backward, and accumulation.

import { ld, st, vact, vactGrad } from "./simd";

/** dst[i] = act(src[i]) for i < n, `act` any activation code of simd.ts (0 … 5). dst may equal src. */
export function f32_activation(n: i32, src: usize, dst: usize, act: i32): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) st(dst + o, vact(ld(src + o, true), act), true);
  for (; o < bytes; o += 4) st(dst + o, vact(ld(src + o, false), act), false);
}

/** dx[i] = dy[i]·act'(x[i]), with the derivative taken from the output y = act(x). dx may equal dy. */
export function f32_activation_bwd(n: i32, y: usize, dy: usize, dx: usize, act: i32): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) st(dx + o, f32x4.mul(ld(dy + o, true), vactGrad(ld(y + o, true), act)), true);
  for (; o < bytes; o += 4) st(dx + o, f32x4.mul(ld(dy + o, false), vactGrad(ld(y + o, false), act)), false);
}

/** dst[i] += src[i] for i < n (gradients of a tensor used twice). */
export function f32_add_inplace(n: i32, dst: usize, src: usize): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) st(dst + o, f32x4.add(ld(dst + o, true), ld(src + o, true)), true);
  for (; o < bytes; o += 4) st(dst + o, f32x4.add(ld(dst + o, false), ld(src + o, false)), false);
}

/** 1 when every one of the n values is finite, else 0 (x − x is 0 exactly for finite x). */
export function f32_all_finite(n: i32, src: usize): i32 {
  const bytes = <usize>n << 2;
  let bad = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const v = v128.load(src + o);
    bad = v128.or(bad, f32x4.ne(f32x4.sub(v, v), f32x4.splat(0)));
  }
  if (v128.any_true(bad)) return 0;
  for (; o < bytes; o += 4) {
    const v = load<f32>(src + o);
    if (v - v != 0) return 0;
  }
  return 1;
}

/**
 * dst (d1, d0, inner) = src (d0, d1, inner) with the first two axes swapped: batch-major ↔
 * time-major sequences. flags bit 0 reverses axis d0, bit 1 axis d1 (go_backwards reverses time).
 * dst must not overlap src.
 */
export function f32_swap_axes01(d0: i32, d1: i32, inner: i32, src: usize, dst: usize, flags: i32): void {
  const bytes = <usize>inner << 2;
  const stride = <usize>d0 * bytes;
  for (let i = 0; i < d0; i++) {
    const iOut = flags & 1 ? d0 - 1 - i : i;
    let s = src + <usize>i * <usize>d1 * bytes;
    for (let j = 0; j < d1; j++) {
      const jOut = flags & 2 ? d1 - 1 - j : j;
      copyRow(dst + <usize>jOut * stride + <usize>iOut * bytes, s, bytes);
      s += bytes;
    }
  }
}

/**
 * Copies a short row with vector moves (memory.copy costs a call per row): rows of ≥ 4 floats end
 * with a vector that overlaps the previous one, which is harmless as dst and src do not overlap.
 */
// @ts-ignore: decorator
@inline export function copyRow(dst: usize, src: usize, bytes: usize): void {
  if (bytes < 16) {
    for (let o: usize = 0; o < bytes; o += 4) store<f32>(dst + o, load<f32>(src + o));
    return;
  }
  let o: usize = 0;
  for (; o + 16 < bytes; o += 16) v128.store(dst + o, v128.load(src + o));
  v128.store(dst + bytes - 16, v128.load(src + bytes - 16));
}

/** dst += src over `bytes` (a multiple of 4). */
// @ts-ignore: decorator
@inline export function addRow(dst: usize, src: usize, bytes: usize): void {
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  for (; o < bytes; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
}
