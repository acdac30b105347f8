// Metrics over rows of the last axis.

/**
 * Categorical accuracy: how many rows have argmax(pred) == argmax(target) (first maximum wins, as
 * numpy's argmax). pred, target: rows × n.
 */
export function f32_argmax_matches(rows: i32, n: i32, pred: usize, target: usize): i32 {
  const bytes = <usize>n << 2;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const p = pred + <usize>r * bytes, t = target + <usize>r * bytes;
    let bp = 0, bt = 0;
    let vp = load<f32>(p), vt = load<f32>(t);
    for (let j = 1; j < n; j++) {
      const o = <usize>j << 2;
      const xp = load<f32>(p + o), xt = load<f32>(t + o);
      if (xp > vp) { vp = xp; bp = j; }
      if (xt > vt) { vt = xt; bt = j; }
    }
    if (bp == bt) hits++;
  }
  return hits;
}

/**
 * Sparse categorical accuracy: how many rows have argmax(pred) == the target's class index (stored
 * as f32; first maximum wins). pred: rows × n; target: rows.
 */
export function f32_sparse_argmax_matches(rows: i32, n: i32, pred: usize, target: usize): i32 {
  const bytes = <usize>n << 2;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const p = pred + <usize>r * bytes;
    let best = 0;
    let v = load<f32>(p);
    for (let j = 1; j < n; j++) {
      const x = load<f32>(p + (<usize>j << 2));
      if (x > v) { v = x; best = j; }
    }
    if (<f32>best == load<f32>(target + (<usize>r << 2))) hits++;
  }
  return hits;
}
