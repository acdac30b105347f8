// Mask scaffolding of the recurrent sequence kernels (Keras 3's masked steps, shared/SPEC-LAYERS.md
// §1.6), written once for every cell: the uniform cells' loop (sequence.ts) and the GRU kernels.
//
// A mask is (T, B) f32 in processing order, 1 = valid step, 0 = masked; each helper takes one
// step's row of it (`maskRow`, B floats: mask + t·B·4) and rows of any width (`rowBytes`, row b at
// base + b·rowBytes), so states (u floats), gate rows (G·u) and outputs go through the same code.
// What a masked step means:
//   forward   states_t = valid ? new : states_{t-1}      copyMaskedRows(prev → next) per state
//             out_t    = valid ? h_t : (zero ? 0 : out_{t-1}), out_{-1} = 0   maskedOutputRows
//   backward  dLast += dOut_t; valid: dh += dLast, dLast = 0; masked: zero ? dLast = 0 : kept
//                                                        maskedGradRows
//             a masked row's step is the identity on its states: save its dh (dc) rows before the
//             cell's backward (copyMaskedRows(dh → saved)), restore them after
//             (copyMaskedRows(saved → dh)) and zero its pre-activation gradient rows (zeroMaskedRows).
// Pointers are byte offsets; nothing is allocated.

import { addRow } from "../elementwise";

/** Whether row b of a step's mask is valid (any non-zero value). */
// @ts-ignore: decorator
@inline export function maskValid(maskRow: usize, b: i32): bool {
  return load<f32>(maskRow + (<usize>b << 2)) != 0;
}

/** Whether any of the step's `batch` rows is masked (the helpers below then have work to do). */
export function anyMasked(batch: i32, maskRow: usize): bool {
  for (let b = 0; b < batch; b++) if (!maskValid(maskRow, b)) return true;
  return false;
}

/**
 * Copies the masked rows of src to dst (rows of `rowBytes`, both (B, ·)); valid rows are untouched.
 * Forward: src = the previous state, dst = the new one (a masked row carries its state). Backward:
 * dh → saved before the cell's step, saved → dh after it (a masked row's gradient passes through).
 * Example: copyMaskedRows(batch, u << 2, mask + t * batch * 4, hPrev, hNext).
 */
export function copyMaskedRows(batch: i32, rowBytes: usize, maskRow: usize, src: usize, dst: usize): void {
  for (let b = 0; b < batch; b++) {
    if (!maskValid(maskRow, b)) memory.copy(dst + <usize>b * rowBytes, src + <usize>b * rowBytes, rowBytes);
  }
}

/** Zeroes the masked rows of dst (the gradient of a masked step's pre-activations). */
export function zeroMaskedRows(batch: i32, rowBytes: usize, maskRow: usize, dst: usize): void {
  for (let b = 0; b < batch; b++) {
    if (!maskValid(maskRow, b)) memory.fill(dst + <usize>b * rowBytes, 0, rowBytes);
  }
}

/**
 * Forward: the running output `last` (B, ·), zeroed by the caller before step 0, after a step
 * whose new state is h: valid rows take h's row, masked rows keep theirs (the previous output), or
 * are zeroed with `zeroOutput` (RNN_ZERO_OUTPUT_FOR_MASK). `last` is then the step's output
 * (out_t), and after the last step the layer's last output.
 */
export function maskedOutputRows(batch: i32, rowBytes: usize, maskRow: usize, h: usize, last: usize, zeroOutput: bool): void {
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * rowBytes;
    if (maskValid(maskRow, b)) memory.copy(last + row, h + row, rowBytes);
    else if (zeroOutput) memory.fill(last + row, 0, rowBytes);
  }
}

/**
 * Forward, the end of a step with a mask, once its new states are formed: masked rows carry h from
 * hp to hn (and c from cp to cn; cp 0 for a cell without a carry), `last` becomes the step's
 * output (maskedOutputRows), and goes into out's step t (out (B, T, u); 0 to skip).
 */
export function maskedStepEnd(
  batch: i32, uB: usize, maskRow: usize, hp: usize, hn: usize, cp: usize, cn: usize, last: usize, zeroOutput: bool,
  out: usize, t: i32, steps: i32,
): void {
  if (cp) copyMaskedRows(batch, uB, maskRow, cp, cn);
  copyMaskedRows(batch, uB, maskRow, hp, hn);
  maskedOutputRows(batch, uB, maskRow, hn, last, zeroOutput);
  if (out) writeStepOutput(batch, uB, last, out, t, steps);
}

/** out (B, T, u)[:, t] = src (B, u): a step's output rows into the sequence output. */
export function writeStepOutput(batch: i32, uB: usize, src: usize, out: usize, t: i32, steps: i32): void {
  for (let b = 0; b < batch; b++) memory.copy(out + (<usize>b * <usize>steps + <usize>t) * uB, src + <usize>b * uB, uB);
}

/**
 * Backward, the last-output chain of a step, after the caller added the step's output gradient to
 * dLast (B, ·): valid rows move dLast into dh (dh += dLast, dLast = 0); masked rows keep dLast for
 * earlier steps (their output is the previous one), or drop it with `zeroOutput`.
 */
export function maskedGradRows(batch: i32, rowBytes: usize, maskRow: usize, dLast: usize, dh: usize, zeroOutput: bool): void {
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * rowBytes;
    if (maskValid(maskRow, b)) {
      addRow(dh + row, dLast + row, rowBytes);
      memory.fill(dLast + row, 0, rowBytes);
    } else if (zeroOutput) {
      memory.fill(dLast + row, 0, rowBytes);
    }
  }
}
