// The GRU's masked steps, forward and backward, from mask.ts's row helpers (shared/SPEC-LAYERS.md
// §1.6): used by f32_gru_seq_fwd, f32_gru_fwd_small and f32_gru_seq_bwd only when a mask is given.
// A mask row is one step's (B) floats of the (T, B) mask, in processing order; 1 valid, 0 masked.

import { anyMasked, copyMaskedRows, maskedGradRows, maskedOutputRows, zeroMaskedRows } from "./mask";

/**
 * Forward, once a step's new states hn (B, u) are formed: masked rows carry their state from hp,
 * and `last` (B, u; zeroed before step 0) becomes the step's output: h where valid, the previous
 * output (or 0 with zeroOutput) where masked.
 */
export function maskForwardStep(batch: i32, uB: usize, maskRow: usize, hp: usize, hn: usize, last: usize, zeroOutput: bool): void {
  copyMaskedRows(batch, uB, maskRow, hp, hn);
  maskedOutputRows(batch, uB, maskRow, hn, last, zeroOutput);
}

export { writeStepOutput } from "./mask";

/**
 * Backward, before a step's cell gradient, once its output gradient is in dLast (B, u): valid rows
 * move dLast into dh, masked rows keep it (or drop it with zeroOutput). Returns whether any row is
 * masked; then their dh rows are saved in `saved` for maskBackwardAfter.
 */
export function maskBackwardBefore(batch: i32, uB: usize, maskRow: usize, dLast: usize, dh: usize, saved: usize, zeroOutput: bool): bool {
  maskedGradRows(batch, uB, maskRow, dLast, dh, zeroOutput);
  if (!anyMasked(batch, maskRow)) return false;
  copyMaskedRows(batch, uB, maskRow, dh, saved);
  return true;
}

/**
 * Backward, after a step's cell gradient (when maskBackwardBefore found masked rows): their step
 * is the identity on the state, so their gate gradients dx (B, 3u) and du (B, u; 0 for none) are
 * zeroed and their dh rows restored from `saved`.
 */
export function maskBackwardAfter(batch: i32, uB: usize, maskRow: usize, dx: usize, du: usize, dh: usize, saved: usize): void {
  zeroMaskedRows(batch, uB * 3, maskRow, dx);
  if (du) zeroMaskedRows(batch, uB, maskRow, du);
  copyMaskedRows(batch, uB, maskRow, saved, dh);
}
