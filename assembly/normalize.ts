// L2 normalisation of rows (Keras 3's normalize(x, axis=-1, order=2) with epsilon 1e-7, the Dot
// layer's `normalize`): y = x · s with s = 1 / max(‖x‖, ε), and its gradient.

import { ld, st, splat } from "./simd";

const EPSILON: f32 = 1e-7;

/** Σ x² over a row of n floats (four lanes, then the tail). */
// @ts-ignore: decorator
@inline function sumSquares(p: usize, bytes: usize): f32 {
  let acc = splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const v = v128.load(p + o);
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; o < bytes; o += 4) {
    const v = load<f32>(p + o);
    s += v * v;
  }
  return s;
}

/**
 * y (rows, n) = each row of x scaled by s = 1 / max(‖row‖, 1e-7); scales[r] = s, negated where the
 * floor applied (the scale is then a constant for the gradient). y may equal x.
 */
export function f32_l2norm_rows(rows: i32, n: i32, x: usize, y: usize, scales: usize): void {
  const bytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * bytes;
    const norm = Mathf.sqrt(sumSquares(x + off, bytes));
    const floored = !(norm > EPSILON);
    const s: f32 = floored ? 1 / EPSILON : 1 / norm;
    store<f32>(scales + (<usize>r << 2), floored ? -s : s);
    const vs = splat(s);
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) st(y + off + o, f32x4.mul(ld(x + off + o, true), vs), true);
    for (; o < bytes; o += 4) st(y + off + o, f32x4.mul(ld(x + off + o, false), vs), false);
  }
}

/**
 * dx (rows, n) of f32_l2norm_rows from its output y and scales: s·(dy − y·(y·dy)) for a row that was
 * normalised, s·dy where the floor applied. dx may equal dy.
 */
export function f32_l2norm_rows_bwd(rows: i32, n: i32, y: usize, scales: usize, dy: usize, dx: usize): void {
  const bytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * bytes;
    const s = load<f32>(scales + (<usize>r << 2));
    let projection: f32 = 0;
    if (s > 0) {
      let acc = splat(0);
      let o: usize = 0;
      for (; o + 16 <= bytes; o += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(y + off + o), v128.load(dy + off + o)));
      projection = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      for (; o < bytes; o += 4) projection += load<f32>(y + off + o) * load<f32>(dy + off + o);
    }
    const vs = splat(Mathf.abs(s)), vp = splat(projection);
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) {
      st(dx + off + o, f32x4.mul(vs, f32x4.sub(ld(dy + off + o, true), f32x4.mul(ld(y + off + o, true), vp))), true);
    }
    for (; o < bytes; o += 4) {
      st(dx + off + o, f32x4.mul(vs, f32x4.sub(ld(dy + off + o, false), f32x4.mul(ld(y + off + o, false), vp))), false);
    }
  }
}
