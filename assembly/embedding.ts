// Embedding kernels: id checks, the row gather (forward) and the sparse row scatter-add (backward).
// Ids are int32, or float32 holding integers (idsF32 = 1: a float input, as tfjs feeds Embedding).

import { addRow, copyRow } from "./elementwise";

// @ts-ignore: decorator
@inline export function idAt(ids: usize, i: i32, idsF32: i32): i32 {
  const p = ids + (<usize>i << 2);
  return idsF32 ? <i32>load<f32>(p) : load<i32>(p);
}

/**
 * 0 when each of the n ids is an integer in [0, rows); else 1 + the position of the first that is
 * not (NaN and ±Infinity are not). The gather and scatter kernels assume ids passed this check.
 */
export function embedding_bad_id(n: i32, ids: usize, idsF32: i32, rows: i32): i32 {
  if (idsF32) {
    const limit = <f64>rows;
    for (let i = 0; i < n; i++) {
      const v = <f64>load<f32>(ids + (<usize>i << 2));
      if (!(v >= 0 && v < limit && Math.floor(v) == v)) return i + 1;
    }
    return 0;
  }
  for (let i = 0; i < n; i++) {
    if (<u32>load<i32>(ids + (<usize>i << 2)) >= <u32>rows) return i + 1;
  }
  return 0;
}

/**
 * out (n, dim): row i = table row ids[i] (a vector copy). With mask ≠ 0, mask (n) = 1 where
 * ids[i] ≠ 0, else 0 (Keras's mask_zero). out must not overlap table.
 */
export function f32_embedding_gather(n: i32, ids: usize, idsF32: i32, table: usize, dim: i32, out: usize, mask: usize): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = idAt(ids, i, idsF32);
    copyRow(out + <usize>i * bytes, table + <usize>id * bytes, bytes);
    if (mask) store<f32>(mask + (<usize>i << 2), id != 0 ? 1 : 0);
  }
}

/**
 * grad row ids[i] += dOut row i, for i < n in order: repeated ids add up, and rows no id names are
 * neither read nor written (work is n·dim whatever the number of rows of grad).
 */
export function f32_embedding_scatter_add(n: i32, ids: usize, idsF32: i32, dOut: usize, dim: i32, grad: usize): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    addRow(grad + <usize>idAt(ids, i, idsF32) * bytes, dOut + <usize>i * bytes, bytes);
  }
}
