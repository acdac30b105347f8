// Distinct tokens of an id sequence, for an input projection computed once per distinct token
// (src/ops/token-projection.ts): the time-major slot of every position, and in-place row moves
// between "one row per position" and "one row per distinct token" in a (positions, dim) buffer.

import { addRow, copyRow } from "./elementwise";
import { idAt } from "./embedding";

/**
 * Reads ids (batch, steps) time-major in processing order (time reversed with goBackwards) and gives
 * each distinct id a slot in order of first use: unique[slot] = id, and slots[t·batch + b] = the
 * slot of position (b, t). Returns the count. `seen` is `rows` i32 of zeros (slot + 1 per id once
 * seen); ids must be integers in [0, rows). A slot is never larger than the first position using
 * it, so slots[r] ≤ r for every r (the in-place moves below rely on it).
 */
export function distinct_ids(batch: i32, steps: i32, ids: usize, idsF32: i32, goBackwards: i32, seen: usize, unique: usize, slots: usize): i32 {
  let count = 0;
  let out = slots;
  for (let t = 0; t < steps; t++) {
    const step = goBackwards ? steps - 1 - t : t;
    for (let b = 0; b < batch; b++) {
      const id = idAt(ids, b * steps + step, idsF32);
      const p = seen + (<usize>id << 2);
      let slot = load<i32>(p) - 1;
      if (slot < 0) {
        slot = count++;
        store<i32>(p, slot + 1);
        store<i32>(unique + (<usize>slot << 2), id);
      }
      store<i32>(out, slot);
      out += 4;
    }
  }
  return count;
}

/**
 * rows (n, dim): row r = row slots[r] for every r, the distinct rows held in rows [0, count) on
 * entry. Descending, so a distinct row is read before its place is overwritten (slots[r] ≤ r).
 */
export function f32_rows_expand(n: i32, slots: usize, rows: usize, dim: i32): void {
  const bytes = <usize>dim << 2;
  for (let r = n - 1; r >= 0; r--) {
    const slot = load<i32>(slots + (<usize>r << 2));
    // distinct rows, so copyRow's overlapping last vector stays inside the row it writes
    if (slot != r) copyRow(rows + <usize>r * bytes, rows + <usize>slot * bytes, bytes);
  }
}

/**
 * rows (n, dim): on exit row s < count = the sum, in ascending r, of the entry rows r with
 * slots[r] = s (rows ≥ count are left undefined): the transpose of f32_rows_expand. Ascending, so
 * row r is added to its slot's sum before it starts holding slot r's sum (zeroed first unless r is
 * that slot's first position).
 */
export function f32_rows_fold(n: i32, slots: usize, count: i32, rows: usize, dim: i32): void {
  const bytes = <usize>dim << 2;
  for (let r = 0; r < n; r++) {
    const slot = load<i32>(slots + (<usize>r << 2));
    if (slot == r) continue;
    const src = rows + <usize>r * bytes;
    addRow(rows + <usize>slot * bytes, src, bytes);
    if (r < count) memory.fill(src, 0, bytes);
  }
}

