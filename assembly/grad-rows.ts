// Row-sparse gradients (src/ops/grad-rows.ts): the rows of a (rows, dim) gradient that may be
// non-zero are recorded as a set — one flag byte per row and the list of the rows flagged, in the
// order first marked — and the bookkeeping (zero, finite check, scale, plain SGD) runs over the
// listed rows only, each row with the dense kernel's own code, so a row computes bit for bit as it
// would in a dense pass.

import { idAt } from "./embedding";
import { f32_all_finite } from "./elementwise";
import { f32_sgd } from "./optimizers";

/**
 * Flags the rows of the n ids (int32, or float32 holding integers) not flagged yet and appends them
 * to list, which holds `count` rows; returns the new count. The ids must have passed embedding_bad_id.
 */
export function rows_mark(n: i32, ids: usize, idsF32: i32, flags: usize, list: usize, count: i32): i32 {
  for (let i = 0; i < n; i++) {
    const id = idAt(ids, i, idsF32);
    if (load<u8>(flags + <usize>id) == 0) {
      store<u8>(flags + <usize>id, 1);
      store<i32>(list + (<usize>count << 2), id);
      count++;
    }
  }
  return count;
}

/** Zeroes the `count` listed rows of x (rows, dim) and clears their flags. */
export function f32_rows_clear(count: i32, list: usize, flags: usize, dim: i32, x: usize): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < count; i++) {
    const row = <usize>load<i32>(list + (<usize>i << 2));
    memory.fill(x + row * bytes, 0, bytes);
    store<u8>(flags + row, 0);
  }
}

/** 1 when every value of the `count` listed rows of x (rows, dim) is finite, else 0. */
export function f32_rows_all_finite(count: i32, list: usize, dim: i32, x: usize): i32 {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < count; i++) {
    if (!f32_all_finite(dim, x + <usize>load<i32>(list + (<usize>i << 2)) * bytes)) return 0;
  }
  return 1;
}

/**
 * x[i] = f32(x[i]·factor) with the product taken in f64: what `x[i] *= factor` gives on a
 * Float32Array in JS (the f64 product rounded to f32), for any f64 factor.
 */
export function f32_scale(n: i32, x: usize, factor: f64): void {
  const f = f64x2.splat(factor);
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const v = v128.load(x + o);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), f));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), f));
    v128.store(x + o, v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
  }
  for (; o < bytes; o += 4) store<f32>(x + o, <f32>(<f64>load<f32>(x + o) * factor));
}

/** f32_scale over the `count` listed rows of x (rows, dim). */
export function f32_rows_scale(count: i32, list: usize, dim: i32, x: usize, factor: f64): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < count; i++) f32_scale(dim, x + <usize>load<i32>(list + (<usize>i << 2)) * bytes, factor);
}

/** Plain SGD (p −= lr·g, f32_sgd without momentum) over the `count` listed rows of p and g (rows, dim). */
export function f32_rows_sgd(count: i32, list: usize, dim: i32, p: usize, g: usize, lr: f32): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < count; i++) {
    const o = <usize>load<i32>(list + (<usize>i << 2)) * bytes;
    f32_sgd(dim, p + o, g + o, 0, lr, 0, 0);
  }
}
