// Softmax over the last axis (row max → exp and sum → scale) and its backward. Row reductions stay
// in vector registers (shuffles, not lane extraction), which matters for the seed's rows of 8.

import { expArg, expFinish, expm1Reduced, ld, lane0, roundedLog2, splat, st, vexp, vmaxAll, vsumAll } from "./simd";

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
  const quads = rows & ~3;
  if (n <= 8) {
    softmaxQuads(quads, has1, src, dst);
    src += <usize>quads * bytes;
    dst += <usize>quads * bytes;
    rows -= quads;
  }
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

/**
 * Rows of 4 or 8 (has1) floats, four rows at a time, transposed so that each vector holds one
 * column of the four rows: the row maxima and sums are then lane-wise, with no horizontal
 * shuffles and one division per four rows, and the four rows' exponentials are independent work
 * (one row at a time was a chain of dependent steps: max, exp, sum, divide). The sums are added in
 * the order the one-row code adds them (columns j, 4 + j first, then (0 + 2) + (1 + 3)), so every
 * output is bit-identical to it. `rows` is a multiple of 4.
 */
// @ts-ignore: decorator
@inline function softmaxQuads(rows: i32, has1: bool, src: usize, dst: usize): void {
  const bytes: usize = has1 ? 32 : 16;
  const end = src + <usize>rows * bytes;
  for (; src < end; src += 4 * bytes, dst += 4 * bytes) {
    // columns 0…3 of the four rows, then 4…7
    let a0 = v128.load(src), a1 = v128.load(src + bytes), a2 = v128.load(src + 2 * bytes), a3 = v128.load(src + 3 * bytes);
    let c0 = transposeLane(a0, a1, a2, a3, 0), c1 = transposeLane(a0, a1, a2, a3, 1);
    let c2 = transposeLane(a0, a1, a2, a3, 2), c3 = transposeLane(a0, a1, a2, a3, 3);
    let c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    let m = f32x4.pmax(f32x4.pmax(c0, c1), f32x4.pmax(c2, c3));
    if (has1) {
      a0 = v128.load(src, 16); a1 = v128.load(src + bytes, 16); a2 = v128.load(src + 2 * bytes, 16); a3 = v128.load(src + 3 * bytes, 16);
      c4 = transposeLane(a0, a1, a2, a3, 0); c5 = transposeLane(a0, a1, a2, a3, 1);
      c6 = transposeLane(a0, a1, a2, a3, 2); c7 = transposeLane(a0, a1, a2, a3, 3);
      m = f32x4.pmax(m, f32x4.pmax(f32x4.pmax(c4, c5), f32x4.pmax(c6, c7)));
    }
    // vexp's stages over all the columns side by side (simd.ts: one chain at a time waits on latency)
    c0 = expArg(f32x4.sub(c0, m)); c1 = expArg(f32x4.sub(c1, m)); c2 = expArg(f32x4.sub(c2, m)); c3 = expArg(f32x4.sub(c3, m));
    if (has1) { c4 = expArg(f32x4.sub(c4, m)); c5 = expArg(f32x4.sub(c5, m)); c6 = expArg(f32x4.sub(c6, m)); c7 = expArg(f32x4.sub(c7, m)); }
    const n0 = roundedLog2(c0), n1 = roundedLog2(c1), n2 = roundedLog2(c2), n3 = roundedLog2(c3);
    const n4 = roundedLog2(c4), n5 = roundedLog2(c5), n6 = roundedLog2(c6), n7 = roundedLog2(c7);
    c0 = expm1Reduced(c0, n0); c1 = expm1Reduced(c1, n1); c2 = expm1Reduced(c2, n2); c3 = expm1Reduced(c3, n3);
    if (has1) { c4 = expm1Reduced(c4, n4); c5 = expm1Reduced(c5, n5); c6 = expm1Reduced(c6, n6); c7 = expm1Reduced(c7, n7); }
    c0 = expFinish(c0, n0); c1 = expFinish(c1, n1); c2 = expFinish(c2, n2); c3 = expFinish(c3, n3);
    let s0 = c0, s1 = c1, s2 = c2, s3 = c3;
    if (has1) {
      c4 = expFinish(c4, n4); c5 = expFinish(c5, n5); c6 = expFinish(c6, n6); c7 = expFinish(c7, n7);
      s0 = f32x4.add(s0, c4); s1 = f32x4.add(s1, c5); s2 = f32x4.add(s2, c6); s3 = f32x4.add(s3, c7);
    }
    const inv = f32x4.div(splat(1), f32x4.add(f32x4.add(s0, s2), f32x4.add(s1, s3)));
    c0 = f32x4.mul(c0, inv); c1 = f32x4.mul(c1, inv); c2 = f32x4.mul(c2, inv); c3 = f32x4.mul(c3, inv);
    v128.store(dst, transposeLane(c0, c1, c2, c3, 0));
    v128.store(dst + bytes, transposeLane(c0, c1, c2, c3, 1));
    v128.store(dst + 2 * bytes, transposeLane(c0, c1, c2, c3, 2));
    v128.store(dst + 3 * bytes, transposeLane(c0, c1, c2, c3, 3));
    if (has1) {
      c4 = f32x4.mul(c4, inv); c5 = f32x4.mul(c5, inv); c6 = f32x4.mul(c6, inv); c7 = f32x4.mul(c7, inv);
      v128.store(dst, transposeLane(c4, c5, c6, c7, 0), 16);
      v128.store(dst + bytes, transposeLane(c4, c5, c6, c7, 1), 16);
      v128.store(dst + 2 * bytes, transposeLane(c4, c5, c6, c7, 2), 16);
      v128.store(dst + 3 * bytes, transposeLane(c4, c5, c6, c7, 3), 16);
    }
  }
}

/** Lane `j` of each of v0…v3, as one vector: column j of the 4×4 block whose rows are v0…v3. */
// @ts-ignore: decorator
@inline function transposeLane(v0: v128, v1: v128, v2: v128, v3: v128, j: i32): v128 {
  if (j == 0) return i64x2.shuffle(i32x4.shuffle(v0, v1, 0, 4, 1, 5), i32x4.shuffle(v2, v3, 0, 4, 1, 5), 0, 2);
  if (j == 1) return i64x2.shuffle(i32x4.shuffle(v0, v1, 0, 4, 1, 5), i32x4.shuffle(v2, v3, 0, 4, 1, 5), 1, 3);
  if (j == 2) return i64x2.shuffle(i32x4.shuffle(v0, v1, 2, 6, 3, 7), i32x4.shuffle(v2, v3, 2, 6, 3, 7), 0, 2);
  return i64x2.shuffle(i32x4.shuffle(v0, v1, 2, 6, 3, 7), i32x4.shuffle(v2, v3, 2, 6, 3, 7), 1, 3);
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
