// Softmax over the last axis (row max → exp and sum → scale) and its backward. Row reductions stay
// in vector registers (shuffles, not lane extraction), which matters for the seed's rows of 8.

import { ld, st, splat, vexp, vsumAll, vmaxAll, lane0 } from "./simd";

/** dst[r,:] = softmax(src[r,:]) for rows × n dense rows. dst may equal src. */
export function f32_softmax_rows(rows: i32, n: i32, src: usize, dst: usize): void {
  if (n == 8) {
    softmaxRows8(rows, src, dst);
    return;
  }
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

/** Rows of 8 (the seed's classes): each row stays in two registers from load to store. */
function softmaxRows8(rows: i32, src: usize, dst: usize): void {
  const end = src + (<usize>rows << 5);
  for (; src < end; src += 32, dst += 32) {
    const a = v128.load(src), b = v128.load(src, 16);
    const mx = vmaxAll(f32x4.pmax(a, b));
    const ea = vexp(f32x4.sub(a, mx)), eb = vexp(f32x4.sub(b, mx));
    const inv = f32x4.div(splat(1), vsumAll(f32x4.add(ea, eb)));
    v128.store(dst, f32x4.mul(ea, inv));
    v128.store(dst, f32x4.mul(eb, inv), 16);
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
