// SimpleRNN's forward pass for small hidden sizes (u a multiple of 4, at most
// SIMPLE_RNN_SMALL_UNITS), training and inference, in one call for the whole sequence, as
// gru-small.ts and lstm-small.ts do for their cells: each step computes x·W + h·U straight from the
// rows of x, of the state and of W and U, four batch rows at a time into 8 accumulators (tile.ts's
// tile4), and the activation is applied as the sums leave the registers (a short one) or over the
// four rows side by side (tanh, the sigmoid). Backward is f32_rnn_seq_bwd's (its per-step product
// already reads U in place at these sizes).
//
// Layouts as in sequence.ts: hs (T+1, B, u) states (h_t is the step's output); inference keeps two.
// Byte offsets throughout.

import { ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH, activate4InPlace, activate8InPlace, splat } from "../simd";
import { ADJACENT, NARROW, tile4 } from "../tile";
import { RNN_GO_BACKWARDS, RNN_INFERENCE, RNN_RETURN_SEQUENCES, RNN_ZERO_OUTPUT_FOR_MASK, RNN_ZERO_STATE } from "./flags";
import { maskedStepEnd } from "./mask";
import { forceGeneral } from "../variants";

/** The largest hidden size the small path takes (by measurement: see sequence.ts's simple_rnn_small_units). */
export const SIMPLE_RNN_SMALL_UNITS: i32 = 64;

/** Whether the small path takes `units`. */
// @ts-ignore: decorator
@inline export function simpleRnnSmallUnits(units: i32): bool {
  return (units & 3) == 0 && units <= SIMPLE_RNN_SMALL_UNITS && !forceGeneral();
}

/**
 * A whole sequence with the input projection fused in: each step reads its rows of x (B, T, F) as
 * the model gives it (from its end with RNN_GO_BACKWARDS) and multiplies them by W (F, u) in the
 * same accumulators as h·U (U (u, u)); bias u floats or 0. Training (no RNN_INFERENCE) keeps hs
 * (T+1, B, u) (the initial state at [0]) for f32_rnn_seq_bwd; inference ping-pongs hs (2, B, u).
 * out: (B, T, u) with RNN_RETURN_SEQUENCES (processing order), else the last output (B, u). mask: 0
 * or (T, B) in processing order (mask.ts), with `work`'s running output (B, u).
 */
export function simpleRnnSmallSeq(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, out: usize, mask: usize, work: usize, flags: i32, act: i32,
): void {
  // tanh (Keras's default) and relu get copies with the activation inlined
  if (act == ACT_TANH) seqTanh(batch, steps, u, features, x, W, bias, U, hs, out, mask, work, flags);
  else if (act == ACT_RELU) seqRelu(batch, steps, u, features, x, W, bias, U, hs, out, mask, work, flags);
  else smallSeq(batch, steps, u, features, x, W, bias, U, hs, out, mask, work, flags, act);
}

function seqTanh(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, out: usize, mask: usize, work: usize, flags: i32,
): void {
  smallSeq(batch, steps, u, features, x, W, bias, U, hs, out, mask, work, flags, ACT_TANH);
}

function seqRelu(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, out: usize, mask: usize, work: usize, flags: i32,
): void {
  smallSeq(batch, steps, u, features, x, W, bias, U, hs, out, mask, work, flags, ACT_RELU);
}

/** simpleRnnSmallSeq's body, inlined into each activation's copy. */
// @ts-ignore: decorator
@inline function smallSeq(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, out: usize, mask: usize, work: usize, flags: i32, act: i32,
): void {
  const uB = <usize>u << 2, fB = <usize>features << 2;
  const stateBytes = <usize>batch * uB;
  const returnSequences = (flags & RNN_RETURN_SEQUENCES) != 0, backwards = (flags & RNN_GO_BACKWARDS) != 0;
  const keep = (flags & RNN_INFERENCE) == 0;
  const zeroState = (flags & RNN_ZERO_STATE) != 0, zeroOutput = (flags & RNN_ZERO_OUTPUT_FOR_MASK) != 0;
  const lastOut = work;
  if (mask) memory.fill(lastOut, 0, stateBytes);
  const long = act == ACT_TANH || act == ACT_SIGMOID, tileAct = long ? ACT_LINEAR : act;
  const last = batch - 1;
  const wBytes = <usize>features * uB, outStride = <usize>steps * uB;
  for (let t = 0; t < steps; t++) {
    const xt = backwards ? steps - 1 - t : t;
    const hp = hs + <usize>(keep ? t : t & 1) * stateBytes, hn = hs + <usize>(keep ? t + 1 : (t + 1) & 1) * stateBytes;
    // the bytes of U the recurrent products run over: none at step 0 when h0 = 0
    const uBytes: usize = zeroState && t == 0 ? 0 : <usize>u * uB;
    const outT = returnSequences && !mask ? out + <usize>t * uB : 0;
    for (let b = 0; b < batch; b += 4) {
      const b1 = min(b + 1, last), b2 = min(b + 2, last), b3 = min(b + 3, last);
      const x0 = x + (<usize>b * <usize>steps + <usize>xt) * fB;
      const xq1 = (<usize>(b1 - b) * <usize>steps) * fB, xq2 = (<usize>(b2 - b) * <usize>steps) * fB, xq3 = (<usize>(b3 - b) * <usize>steps) * fB;
      const h0 = hp + <usize>b * uB, hq1 = <usize>(b1 - b) * uB, hq2 = <usize>(b2 - b) * uB, hq3 = <usize>(b3 - b) * uB;
      const n0 = hn + <usize>b * uB, n1 = hn + <usize>b1 * uB, n2 = hn + <usize>b2 * uB, n3 = hn + <usize>b3 * uB;
      let jo: usize = 0;
      for (; jo + 32 <= uB; jo += 32) {
        const c = bias ? v128.load(bias + jo) : splat(0), e = bias ? v128.load(bias + jo + 16) : splat(0);
        tile4(
          ADJACENT, c, e, c, e, c, e, c, e,
          x0, xq1, xq2, xq3, 4, W + jo, uB, W + jo + wBytes, h0, hq1, hq2, hq3, U + jo, U + jo + uBytes, 0,
          n0 + jo, n1 + jo, n2 + jo, n3 + jo, 4, false, 0, false, 0, tileAct, false, 0, 0, 0, 0,
        );
        if (long) activate8InPlace(n0 + jo, n1 + jo, n2 + jo, n3 + jo, 16, act == ACT_TANH);
      }
      for (; jo < uB; jo += 16) {
        const c = bias ? v128.load(bias + jo) : splat(0);
        tile4(
          NARROW, c, c, c, c, c, c, c, c,
          x0, xq1, xq2, xq3, 4, W + jo, uB, W + jo + wBytes, h0, hq1, hq2, hq3, U + jo, U + jo + uBytes, 0,
          n0 + jo, n1 + jo, n2 + jo, n3 + jo, 4, false, 0, false, 0, tileAct, false, 0, 0, 0, 0,
        );
        if (long) activate4InPlace(n0 + jo, n1 + jo, n2 + jo, n3 + jo, act);
      }
      if (outT) for (let r = b; r < min(b + 4, batch); r++) memory.copy(outT + <usize>r * outStride, hn + <usize>r * uB, uB);
    }
    if (mask) maskedStepEnd(batch, uB, mask + <usize>t * (<usize>batch << 2), hp, hn, 0, 0, lastOut, zeroOutput, returnSequences ? out : 0, t, steps);
  }
  if (!returnSequences) memory.copy(out, mask ? lastOut : hs + <usize>(keep ? steps : steps & 1) * stateBytes, stateBytes);
}
