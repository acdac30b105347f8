// The LSTM forward pass for small hidden sizes (u a multiple of 4, at most LSTM_SMALL_UNITS),
// training and inference, in one call for the whole sequence (the backward step is
// lstm-small-bwd.ts), as gru-small.ts does for the GRU: each step computes x·W and h·U straight
// from the rows of x, of the state and of W and U (4u·(F + u) floats, which stay in L1), four
// batch rows at a time, so neither the (T, B, 4u) input projection nor a time-major copy of x for
// inference goes through memory. A unit group's [i | f] and [c | o] are one tile each (tile.ts's
// tile4: two vectors × four rows, 8 accumulators); then the block's gates are activated and its
// carries and states formed by lstm-cell.ts's lstmBlockCells, as the general path does.
//
// Layouts as in sequence.ts: hs and cs (T+1, B, u) states, gates (T, B, 4u) = [i | f | g | o]
// after activation, aux (T, B, u) = φ(c); inference keeps one step of each. Byte offsets throughout.

import { ACT_HARD_SIGMOID, ACT_HARD_SIGMOID_KERAS3, ACT_LINEAR, ACT_SIGMOID, ACT_TANH, splat } from "../simd";
import { tile4 } from "../tile";
import { RNN_GO_BACKWARDS, RNN_INFERENCE, RNN_RETURN_SEQUENCES, RNN_ZERO_OUTPUT_FOR_MASK, RNN_ZERO_STATE } from "./flags";
import { lstmBlockCells } from "./lstm-cell";
import { maskedStepEnd } from "./mask";
import { forceGeneral } from "../variants";

/** The largest hidden size the small path takes (by measurement: see lstm_small_units in sequence.ts). */
export const LSTM_SMALL_UNITS: i32 = 32;

/** Whether the small path takes `units`. */
// @ts-ignore: decorator
@inline export function lstmSmallUnits(units: i32): bool {
  return (units & 3) == 0 && units <= LSTM_SMALL_UNITS && !forceGeneral();
}

/**
 * A whole sequence with the input projection fused in: each step reads its rows of x (B, T, F)
 * (batch-major, as the model receives it; from its end with RNN_GO_BACKWARDS) and multiplies them by
 * the kernel W (F, 4u) in the same accumulators as the recurrent product h·U (U (u, 4u)). bias: 4u
 * floats or 0. Training (no RNN_INFERENCE) keeps hs, cs (T+1, B, u) (the initial states at [0]),
 * gates (T, B, 4u) and aux (T, B, u) as f32_rnn_seq_fwd does, for f32_rnn_seq_bwd; inference keeps
 * nothing: hs, cs (2, B, u) ping-pong from [0], gates (B, 4u) and aux (B, u) hold one step. out:
 * (B, T, u) with RNN_RETURN_SEQUENCES (processing order), else the last output (B, u). mask: 0 or
 * (T, B) in processing order (mask.ts), with `work`'s running output (B, u).
 */
export function lstmSmallSeq(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, cs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32, recAct: i32, act: i32,
): void {
  // Keras's (3 and 2) and tfjs's activation pairs get copies with the activations inlined, each a
  // function of its own (as gru-small.ts's, for the same reasons)
  if (act == ACT_TANH && recAct == ACT_SIGMOID) {
    seqSigmoidTanh(batch, steps, u, features, x, W, bias, U, hs, cs, gates, aux, out, mask, work, flags);
  } else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID) {
    seqHardSigmoidTanh(batch, steps, u, features, x, W, bias, U, hs, cs, gates, aux, out, mask, work, flags);
  } else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID_KERAS3) {
    seqKeras3HardSigmoidTanh(batch, steps, u, features, x, W, bias, U, hs, cs, gates, aux, out, mask, work, flags);
  } else {
    smallSeq(batch, steps, u, features, x, W, bias, U, hs, cs, gates, aux, out, mask, work, flags, recAct, act);
  }
}

/** lstmSmallSeq for (sigmoid, tanh): Keras 3's default pair. */
function seqSigmoidTanh(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, cs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32,
): void {
  smallSeq(batch, steps, u, features, x, W, bias, U, hs, cs, gates, aux, out, mask, work, flags, ACT_SIGMOID, ACT_TANH);
}

/** lstmSmallSeq for (hard sigmoid 0.2x + 0.5, tanh): Keras 2's and tfjs's pair. */
function seqHardSigmoidTanh(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, cs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32,
): void {
  smallSeq(batch, steps, u, features, x, W, bias, U, hs, cs, gates, aux, out, mask, work, flags, ACT_HARD_SIGMOID, ACT_TANH);
}

/** lstmSmallSeq for (Keras 3's hard sigmoid x/6 + 0.5, tanh). */
function seqKeras3HardSigmoidTanh(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, cs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32,
): void {
  smallSeq(batch, steps, u, features, x, W, bias, U, hs, cs, gates, aux, out, mask, work, flags, ACT_HARD_SIGMOID_KERAS3, ACT_TANH);
}

/** lstmSmallSeq's body, inlined into each activation pair's copy. */
// @ts-ignore: decorator
@inline function smallSeq(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, cs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32, recAct: i32, act: i32,
): void {
  const uB = <usize>u << 2, u4B = uB << 2, fB = <usize>features << 2;
  const stateBytes = <usize>batch * uB, gateBytes = <usize>batch * u4B;
  const returnSequences = (flags & RNN_RETURN_SEQUENCES) != 0, backwards = (flags & RNN_GO_BACKWARDS) != 0;
  const keep = (flags & RNN_INFERENCE) == 0;
  const zeroState = (flags & RNN_ZERO_STATE) != 0, zeroOutput = (flags & RNN_ZERO_OUTPUT_FOR_MASK) != 0;
  // with a mask, the running output; the step's outputs are written after its rows (lstmBlockCells
  // writes them as it forms them without one)
  const lastOut = work;
  if (mask) memory.fill(lastOut, 0, stateBytes);
  // a short recurrent activation (the hard sigmoids) is applied to [i | f] as they leave the registers
  const ifAct = shortActivation(recAct) ? recAct : ACT_LINEAR;
  const last = batch - 1;
  // the bytes of W the products run over (B's rows are 4u floats apart)
  const wBytes = <usize>features * u4B;
  for (let t = 0; t < steps; t++) {
    const xt = backwards ? steps - 1 - t : t;
    const prev = <usize>(keep ? t : t & 1), next = <usize>(keep ? t + 1 : (t + 1) & 1);
    const hp = hs + prev * stateBytes, hn = hs + next * stateBytes, cp = cs + prev * stateBytes, cn = cs + next * stateBytes;
    const g = keep ? gates + <usize>t * gateBytes : gates, ax = keep ? aux + <usize>t * stateBytes : aux;
    // the bytes of U the recurrent products run over: none at step 0 when h0 = 0 (they are zero)
    const uBytes: usize = zeroState && t == 0 ? 0 : <usize>u * u4B;
    const outT = returnSequences && !mask ? out + <usize>t * uB : 0, outStride = <usize>steps * uB;
    for (let b = 0; b < batch; b += 4) {
      const b1 = min(b + 1, last), b2 = min(b + 2, last), b3 = min(b + 3, last);
      const x0 = x + (<usize>b * <usize>steps + <usize>xt) * fB;
      const xq1 = (<usize>(b1 - b) * <usize>steps) * fB, xq2 = (<usize>(b2 - b) * <usize>steps) * fB, xq3 = (<usize>(b3 - b) * <usize>steps) * fB;
      const h0 = hp + <usize>b * uB, hq1 = <usize>(b1 - b) * uB, hq2 = <usize>(b2 - b) * uB, hq3 = <usize>(b3 - b) * uB;
      const g0 = g + <usize>b * u4B, g1 = g + <usize>b1 * u4B, g2 = g + <usize>b2 * u4B, g3 = g + <usize>b3 * u4B;
      for (let jo: usize = 0; jo < uB; jo += 16) {
        // [i | f], then [c | o], of the unit group at jo: the bias as the initial sums, then x·W and
        // h·U in the same sums, into the gates (second vectors uB on)
        for (let k: usize = 0; k < 4; k += 2) {
          const off = k * uB + jo;
          const first = bias ? v128.load(bias + off) : splat(0), second = bias ? v128.load(bias + off + uB) : splat(0);
          tile4(
            0, first, second, first, second, first, second, first, second,
            x0, xq1, xq2, xq3, 4, W + off, u4B, W + off + wBytes,
            h0, hq1, hq2, hq3, U + off, U + off + uBytes,
            uB,
            g0 + off, g1 + off, g2 + off, g3 + off, 4, false, 0, false, 0, k == 0 ? ifAct : ACT_LINEAR,
            false, 0, 0, 0, 0,
          );
        }
      }
      lstmBlockCells(b, batch, uB, g, cp, cn, hn, ax, outT, outStride, recAct, act, ifAct != ACT_LINEAR);
    }
    if (mask) maskedStepEnd(batch, uB, mask + <usize>t * (<usize>batch << 2), hp, hn, cp, cn, lastOut, zeroOutput, returnSequences ? out : 0, t, steps);
  }
  if (!returnSequences) memory.copy(out, mask ? lastOut : hs + <usize>(keep ? steps : steps & 1) * stateBytes, stateBytes);
}

/** Whether `act` is cheap enough to apply in registers as a tile's sums are stored (not tanh, the sigmoid). */
// @ts-ignore: decorator
@inline function shortActivation(act: i32): bool {
  return act != ACT_TANH && act != ACT_SIGMOID;
}
