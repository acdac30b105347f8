// The multiply-add tile every product kernel is built from (the GEMM microkernels, the small GRU's
// fused forward step and its backward step): four rows of A, one element of each splatted per step,
// times one or two 4-float vectors of a row of B, summed into 4 or 8 accumulators — 8 is as many as
// V8 keeps in registers next to the operands.
//
// It is written once, here. AssemblyScript has no multi-value returns (and a struct would live in
// memory), so a tile cannot hand its accumulators back to its caller: tile4 runs all of it —
// initial sums in, one or two products, then the sums out through the epilogue its options choose —
// and is inlined, so the options are constants at most call sites and fold away.

import { madd, vact } from "./simd";

/** tile4's layout bits: A a packed micro-panel, a step's four elements adjacent (offsets 0, 4, 8, 12; r1…r3 unused). */
export const A_PACKED: i32 = 1;
/** layout: the second vector of B's rows, of the destination rows and of the bias is 16 bytes on (else `next` bytes). */
export const ADJACENT: i32 = 2;
/** layout: one vector of columns (4 sums), not two; the second vector's arguments are unused. */
export const NARROW: i32 = 4;
/**
 * layout: the destination holds a partial sum kept apart (parked), which the tile's sum s is added
 * to: dst + s, or dst + gate ⊙ s with `gated` (the gate at dst + gateOff: GRU reset_after's
 * candidate, x_h + r ⊙ u_h). All four rows are formed, every destination read before any is
 * written, so rows may repeat (a tail block repeating its last row).
 */
export const PARKED: i32 = 8;
/**
 * layout, with NARROW: the two products are summed apart, the second from the second vector's
 * initial sums (the registers NARROW leaves free), and the destination gets first + second, or
 * first + gate ⊙ second with `gated` (the gate at dst + gateOff). `keep` keeps the second sums.
 */
export const SPLIT: i32 = 16;

/**
 * A tile of 4 rows × 1 or 2 vectors: s[r][v] = i[r][v] + Σ_k A_r[k]·B[k][v] (+ Σ_k E_r[k]·F[k][v]),
 * then, for the first `rows` rows, dst_r[v] = act(s[r][v] [+ dst_r[v] with beta] [+ bias[v]]) (see
 * PARKED and SPLIT for the other forms; PARKED ignores rows, beta and bias); with `keep`, the sums
 * themselves go to k0…k3 too.
 *
 * A: rows at a, a + r1, a + r2, a + r3 (byte addresses of each row's first element), each element
 * aStep bytes after the last (A_PACKED: the rows' elements at a + 0, 4, 8, 12). B: a step's vectors
 * at b and b + `next` (or + 16, ADJACENT), each step bStep bytes on, until b reaches bEnd: the loop
 * ends on B's pointer, not a step counter (one scalar add fewer per step, and TurboFan keeps the
 * GEMM's loop tighter that way: 1.01–1.08× on the GEMM and GRU(256) shapes when it was measured).
 * The second product reads rows e + {0, q1, q2, q3} and f … fEnd the same way (fEnd = f: none).
 * Destination, keep and bias vectors: the first at the row's address, the second `next` (or 16) on.
 */
// @ts-ignore: decorator
@inline export function tile4(
  layout: i32,
  i00: v128, i01: v128, i10: v128, i11: v128, i20: v128, i21: v128, i30: v128, i31: v128,
  a: usize, r1: usize, r2: usize, r3: usize, aStep: usize, b: usize, bStep: usize, bEnd: usize,
  e: usize, q1: usize, q2: usize, q3: usize, f: usize, fEnd: usize,
  next: usize,
  d0: usize, d1: usize, d2: usize, d3: usize, rows: i32,
  gated: bool, gateOff: usize, beta: bool, bias: usize, act: i32,
  keep: bool, k0: usize, k1: usize, k2: usize, k3: usize,
): void {
  const wide = (layout & NARROW) == 0, packed = (layout & A_PACKED) != 0, adjacent = (layout & ADJACENT) != 0;
  const parked = (layout & PARKED) != 0, split = !wide && (layout & SPLIT) != 0;
  let c00 = i00, c01 = i01, c10 = i10, c11 = i11, c20 = i20, c21 = i21, c30 = i30, c31 = i31;
  // the two products as two loops, one after the other, the same body twice (one loop nested in a
  // loop over the products ran the small GRU's 1-vector tail 3-8% slower)
  let pa = a, pb = b;
  while (pb < bEnd) {
    const b0 = v128.load(pb);
    const b1 = wide ? second(pb, next, adjacent) : b0;
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    if (wide) c01 = madd(av, b1, c01);
    av = packed ? v128.load32_splat(pa, 4) : v128.load32_splat(pa + r1);
    c10 = madd(av, b0, c10);
    if (wide) c11 = madd(av, b1, c11);
    av = packed ? v128.load32_splat(pa, 8) : v128.load32_splat(pa + r2);
    c20 = madd(av, b0, c20);
    if (wide) c21 = madd(av, b1, c21);
    av = packed ? v128.load32_splat(pa, 12) : v128.load32_splat(pa + r3);
    c30 = madd(av, b0, c30);
    if (wide) c31 = madd(av, b1, c31);
    pa += aStep;
    pb += bStep;
  }
  if (split) {
    // the first product's sums wait in the second vector's registers
    let t = c00; c00 = c01; c01 = t;
    t = c10; c10 = c11; c11 = t;
    t = c20; c20 = c21; c21 = t;
    t = c30; c30 = c31; c31 = t;
  }
  pa = e;
  pb = f;
  while (pb < fEnd) {
    const b0 = v128.load(pb);
    const b1 = wide ? second(pb, next, adjacent) : b0;
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    if (wide) c01 = madd(av, b1, c01);
    av = packed ? v128.load32_splat(pa, 4) : v128.load32_splat(pa + q1);
    c10 = madd(av, b0, c10);
    if (wide) c11 = madd(av, b1, c11);
    av = packed ? v128.load32_splat(pa, 8) : v128.load32_splat(pa + q2);
    c20 = madd(av, b0, c20);
    if (wide) c21 = madd(av, b1, c21);
    av = packed ? v128.load32_splat(pa, 12) : v128.load32_splat(pa + q3);
    c30 = madd(av, b0, c30);
    if (wide) c31 = madd(av, b1, c31);
    pa += aStep;
    pb += bStep;
  }
  if (keep) {
    v128.store(k0, c00); v128.store(k1, c10); v128.store(k2, c20); v128.store(k3, c30);
    if (wide) {
      storeSecond(k0, c01, next, adjacent); storeSecond(k1, c11, next, adjacent);
      storeSecond(k2, c21, next, adjacent); storeSecond(k3, c31, next, adjacent);
    }
  }
  if (split) {
    c00 = combine(c01, c00, d0, false, next, adjacent, gated, gateOff);
    c10 = combine(c11, c10, d1, false, next, adjacent, gated, gateOff);
    c20 = combine(c21, c20, d2, false, next, adjacent, gated, gateOff);
    c30 = combine(c31, c30, d3, false, next, adjacent, gated, gateOff);
  }
  if (!parked) {
    // row by row (the tile writes nothing it reads)
    storeRow(d0, c00, c01, wide, next, adjacent, beta, bias, act);
    if (rows > 1) storeRow(d1, c10, c11, wide, next, adjacent, beta, bias, act);
    if (rows > 2) storeRow(d2, c20, c21, wide, next, adjacent, beta, bias, act);
    if (rows > 3) storeRow(d3, c30, c31, wide, next, adjacent, beta, bias, act);
    return;
  }
  // every row's parked sum is read before any destination is written (rows may repeat)
  c00 = finish(c00, d0, false, next, adjacent, gated, gateOff, act);
  c10 = finish(c10, d1, false, next, adjacent, gated, gateOff, act);
  c20 = finish(c20, d2, false, next, adjacent, gated, gateOff, act);
  c30 = finish(c30, d3, false, next, adjacent, gated, gateOff, act);
  if (wide) {
    c01 = finish(c01, d0, true, next, adjacent, gated, gateOff, act);
    c11 = finish(c11, d1, true, next, adjacent, gated, gateOff, act);
    c21 = finish(c21, d2, true, next, adjacent, gated, gateOff, act);
    c31 = finish(c31, d3, true, next, adjacent, gated, gateOff, act);
  }
  v128.store(d0, c00); v128.store(d1, c10); v128.store(d2, c20); v128.store(d3, c30);
  if (wide) {
    storeSecond(d0, c01, next, adjacent); storeSecond(d1, c11, next, adjacent);
    storeSecond(d2, c21, next, adjacent); storeSecond(d3, c31, next, adjacent);
  }
}

/** One destination row of a tile that is not PARKED, from its sums s0 (and s1, when `wide`). */
// @ts-ignore: decorator
@inline function storeRow(
  d: usize, s0: v128, s1: v128, wide: bool, next: usize, adjacent: bool, beta: bool, bias: usize, act: i32,
): void {
  if (beta) {
    s0 = f32x4.add(s0, v128.load(d));
    if (wide) s1 = f32x4.add(s1, second(d, next, adjacent));
  }
  if (bias) {
    s0 = f32x4.add(s0, v128.load(bias));
    if (wide) s1 = f32x4.add(s1, second(bias, next, adjacent));
  }
  v128.store(d, vact(s0, act));
  if (wide) storeSecond(d, vact(s1, act), next, adjacent);
}

/** The vector 16 bytes after p (a load offset) when `adjacent`, else `next` bytes after. */
// @ts-ignore: decorator
@inline function second(p: usize, next: usize, adjacent: bool): v128 {
  return adjacent ? v128.load(p, 16) : v128.load(p + next);
}

// @ts-ignore: decorator
@inline function storeSecond(p: usize, v: v128, next: usize, adjacent: bool): void {
  if (adjacent) v128.store(p, v, 16);
  else v128.store(p + next, v);
}

/** first + s, or first + gate ⊙ s with `gated` (the gate at d + gateOff, or its second vector). */
// @ts-ignore: decorator
@inline function combine(
  first: v128, s: v128, d: usize, isSecond: bool, next: usize, adjacent: bool, gated: bool, gateOff: usize,
): v128 {
  if (gated) s = f32x4.mul(isSecond ? second(d + gateOff, next, adjacent) : v128.load(d + gateOff), s);
  return f32x4.add(first, s);
}

/** A PARKED tile's destination vector from its sum s: the first vector of row d, or the second. */
// @ts-ignore: decorator
@inline function finish(
  s: v128, d: usize, isSecond: bool, next: usize, adjacent: bool, gated: bool, gateOff: usize, act: i32,
): v128 {
  return vact(combine(isSecond ? second(d, next, adjacent) : v128.load(d), s, d, isSecond, next, adjacent, gated, gateOff), act);
}
