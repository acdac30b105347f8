// Softmax over the last axis (row max → exp and sum → scale) and its backward. Row reductions stay
// in vector registers (shuffles, not lane extraction), which matters for the seed's rows of 8.

import { ld, st, splat, vexp, vsumAll, vmaxAll, lane0 } from "./simd";

/** dst[r,:] = softmax(src[r,:]) for rows × n dense rows. dst may equal src. */
export function f32_softmax_rows(rows: i32, n: i32, src: usize, dst: usize): void {
  // one body, inlined per width so each gets straight-line code (a shared loop measured 20% slower)
  if (n == 8) return softmaxRowsInRegisters(rows, 8, src, dst);
  if (n == 4) return softmaxRowsInRegisters(rows, 4, src, dst);
  if (n == 12) return softmaxRowsInRegisters(rows, 12, src, dst);
  if (n == 16) return softmaxRowsInRegisters(rows, 16, src, dst);
  const bytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * bytes, d = dst + <usize>r * bytes;
    let mv = splat(-Infinity);
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) mv = f32x4.pmax(mv, v128.load(s + o));
    for (; o < bytes; o += 4) mv = f32x4.pmax(mv, ld(s + o, false));
    const mx = vmaxAll(mv);
    let sv = splat(0);
    o = 0;
    for (; o + 16 <= bytes; o += 16) {
      const e = vexp(f32x4.sub(v128.load(s + o), mx));
      v128.store(d + o, e);
      sv = f32x4.add(sv, e);
    }
    for (; o < bytes; o += 4) {
      const e = vexp(f32x4.sub(ld(s + o, false), mx));
      st(d + o, e, false);
      sv = f32x4.add(sv, lane0(e));
    }
    const inv = f32x4.div(splat(1), vsumAll(sv));
    o = 0;
    for (; o + 16 <= bytes; o += 16) v128.store(d + o, f32x4.mul(v128.load(d + o), inv));
    for (; o < bytes; o += 4) st(d + o, f32x4.mul(ld(d + o, false), inv), false);
  }
}

/**
 * Rows of 4, 8, 12 or 16 floats (the seed's 8 classes among them): each row stays in up to four
 * registers from load to store, without the general loop's tails and its store-and-reload of the
 * exponentials.
 */
// @ts-ignore: decorator
@inline function softmaxRowsInRegisters(rows: i32, n: i32, src: usize, dst: usize): void {
  const bytes = <usize>n << 2;
  const has1 = n > 4, has2 = n > 8, has3 = n > 12;
  const end = src + <usize>rows * bytes;
  for (; src < end; src += bytes, dst += bytes) {
    let a = v128.load(src), b = a, c = a, d = a;
    let m = a;
    if (has1) m = f32x4.pmax(m, b = v128.load(src, 16));
    if (has2) m = f32x4.pmax(m, c = v128.load(src, 32));
    if (has3) m = f32x4.pmax(m, d = v128.load(src, 48));
    const mx = vmaxAll(m);
    a = vexp(f32x4.sub(a, mx));
    let sum = a;
    if (has1) sum = f32x4.add(sum, b = vexp(f32x4.sub(b, mx)));
    if (has2) sum = f32x4.add(sum, c = vexp(f32x4.sub(c, mx)));
    if (has3) sum = f32x4.add(sum, d = vexp(f32x4.sub(d, mx)));
    const inv = f32x4.div(splat(1), vsumAll(sum));
    v128.store(dst, f32x4.mul(a, inv));
    if (has1) v128.store(dst, f32x4.mul(b, inv), 16);
    if (has2) v128.store(dst, f32x4.mul(c, inv), 32);
    if (has3) v128.store(dst, f32x4.mul(d, inv), 48);
  }
}

/** dx = y ⊙ (dy − Σ dy⊙y) per row, from the softmax output y. dx may equal dy. */
export function f32_softmax_rows_bwd(rows: i32, n: i32, y: usize, dy: usize, dx: usize): void {
  const bytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r * bytes;
    let sv = splat(0);
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) sv = f32x4.add(sv, f32x4.mul(v128.load(dy + ro + o), v128.load(y + ro + o)));
    for (; o < bytes; o += 4) sv = f32x4.add(sv, lane0(f32x4.mul(ld(dy + ro + o, false), ld(y + ro + o, false))));
    const dot = vsumAll(sv);
    o = 0;
    for (; o + 16 <= bytes; o += 16) {
      v128.store(dx + ro + o, f32x4.mul(v128.load(y + ro + o), f32x4.sub(v128.load(dy + ro + o), dot)));
    }
    for (; o < bytes; o += 4) {
      st(dx + ro + o, f32x4.mul(ld(y + ro + o, false), f32x4.sub(ld(dy + ro + o, false), dot)), false);
    }
  }
}
