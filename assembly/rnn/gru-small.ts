// The GRU forward pass for small hidden sizes (u a multiple of 4, at most SMALL_UNITS), training and
// inference, in one call for the whole sequence (the backward step is gru-small-bwd.ts). Each step
// computes x·W and h·U straight from the rows of x, of the state and of W and U (3u·(F + u) floats,
// which stay in L1), four batch rows at a time, with the gate math applied to the accumulators as
// they leave the registers. Nothing is packed and no projection goes through memory: at u = 16 a
// step through the packed GEMM spent more on packing A and re-reading its output than on the
// product, and the separate (T, B, 3u) input projection cost a GEMM and a pass over 48 floats per
// row and step (the seed model3's epoch is ≈ 10% faster with it fused). Only the long activations
// (tanh, sigmoid) pass through the gates' slots, to run eight vectors side by side (simd.ts,
// activate8InPlace). Packing the operands like the GEMM's panels (one pointer per operand, no
// address arithmetic per load) was measured too: 1.01× for inference and 0.95× for training at the
// seed's sizes, so the rows are read in place. Four rows give 8 accumulators (z and r; tile.ts's
// tile4), as many as V8 keeps in registers: three gates at once, or two partial sums each,
// spilled and ran slower.
//
// Layouts as in gru.ts: hs (T+1, B, u) states, gates (T, B, 3u) = [z | r | h~], aux (T, B, u) =
// u_h (reset_after) or r ⊙ h (not); inference keeps one step of each. Byte offsets throughout.

import { ACT_HARD_SIGMOID, ACT_HARD_SIGMOID_KERAS3, ACT_LINEAR, ACT_SIGMOID, ACT_TANH, activate4InPlace, activate8InPlace, splat } from "../simd";
import { ADJACENT, NARROW, PARKED, SPLIT, tile4 } from "../tile";
import { RNN_GO_BACKWARDS, RNN_INFERENCE, RNN_RESET_AFTER, RNN_RETURN_SEQUENCES, RNN_ZERO_OUTPUT_FOR_MASK, RNN_ZERO_STATE } from "./flags";
import { maskForwardStep, writeStepOutput } from "./gru-mask";
import { forceGeneral } from "../variants";

/** The largest hidden size the small path takes. */
export const SMALL_UNITS: i32 = 32;

/** Whether the small path takes `units`. */
// @ts-ignore: decorator
@inline export function smallUnits(units: i32): bool {
  return (units & 3) == 0 && units <= SMALL_UNITS && !forceGeneral();
}

/**
 * A whole sequence with the input projection fused in: each step reads its rows of x (B, T, F)
 * (batch-major, as the model receives it) and multiplies them by the kernel W (F, 3u) in the same
 * accumulators as the recurrent product, so the (T, B, 3u) projection is never written (nor, for
 * inference, a time-major copy of x). bias: the input bias (3u), followed by the recurrent bias
 * (3u) with reset_after; 0 without. Training (flag 8 clear) keeps what backward reads, in
 * f32_gru_seq_fwd's layouts: hs (T+1, B, u) with hs[0] the initial state, gates (T, B, 3u) and
 * aux (T, B, u). Inference (flag 8) keeps nothing: hs (2, B, u) ping-pongs from hs[0], g (B, 3u)
 * and ax (B, u) hold one step. out: (B, T, u) with RNN_RETURN_SEQUENCES (processing order), else
 * the last output (B, u). Batch tails run as a block of four whose missing rows repeat the last row:
 * they compute and store the same values at the same places. mask: 0, or (T, B) in processing
 * order: after each step's rows, the masked rows carry their states and the step's outputs come
 * from `work`'s running output (B, u) (gru-mask.ts).
 */
export function gruSmallSeq(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32, recAct: i32, act: i32,
): void {
  // Keras's (2 and 3) and tfjs's activation pairs get copies of their own, where the activations are inlined
  // constants: with a code known only at run time, every vector of the gate math went through a
  // switch and the accumulators were spilled around it (the seed's steps ran 6-8% slower). Each copy
  // is a function of its own: inlined side by side into one, a fourth copy made the others' steps
  // 20-35% slower (V8 compiles a function that large less well)
  if (act == ACT_TANH && recAct == ACT_SIGMOID) {
    seqSigmoidTanh(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, mask, work, flags);
  } else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID) {
    seqHardSigmoidTanh(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, mask, work, flags);
  } else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID_KERAS3) {
    seqKeras3HardSigmoidTanh(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, mask, work, flags);
  } else {
    smallSeq(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, mask, work, flags, recAct, act);
  }
}

/** gruSmallSeq for (sigmoid, tanh): Keras 3's default pair. */
function seqSigmoidTanh(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32,
): void {
  smallSeq(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, mask, work, flags, ACT_SIGMOID, ACT_TANH);
}

/** gruSmallSeq for (hard sigmoid 0.2x + 0.5, tanh): Keras 2's and tfjs's pair. */
function seqHardSigmoidTanh(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32,
): void {
  smallSeq(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, mask, work, flags, ACT_HARD_SIGMOID, ACT_TANH);
}

/** gruSmallSeq for (Keras 3's hard sigmoid x/6 + 0.5, tanh). */
function seqKeras3HardSigmoidTanh(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32,
): void {
  smallSeq(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, mask, work, flags, ACT_HARD_SIGMOID_KERAS3, ACT_TANH);
}

/** gruSmallSeq's body, inlined into each activation pair's copy. */
// @ts-ignore: decorator
@inline function smallSeq(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize, flags: i32, recAct: i32, act: i32,
): void {
  const uB = <usize>u << 2, u3B = uB * 3, fB = <usize>features << 2;
  const stateBytes = <usize>batch * uB, gateBytes = <usize>batch * u3B;
  const resetAfter = (flags & RNN_RESET_AFTER) != 0, returnSequences = (flags & RNN_RETURN_SEQUENCES) != 0, backwards = (flags & RNN_GO_BACKWARDS) != 0;
  const keep = (flags & RNN_INFERENCE) == 0;
  const zeroState = (flags & RNN_ZERO_STATE) != 0, zeroOutput = (flags & RNN_ZERO_OUTPUT_FOR_MASK) != 0;
  // with a mask, the running output; the step's outputs are written after its rows (newState writes
  // them as it forms them without one)
  const lastOut = work;
  if (mask) memory.fill(lastOut, 0, stateBytes);
  const bi = bias, br = bias && resetAfter ? bias + u3B : 0;
  const last = batch - 1;
  for (let t = 0; t < steps; t++) {
    const xt = backwards ? steps - 1 - t : t;
    const hp = hs + <usize>(keep ? t : t & 1) * stateBytes, hn = hs + <usize>(keep ? t + 1 : (t + 1) & 1) * stateBytes;
    const g = keep ? gates + <usize>t * gateBytes : gates, ax = keep ? aux + <usize>t * stateBytes : aux;
    // the bytes of h the recurrent products read: none at step 0 when h0 = 0 (its products are zero)
    const hB: usize = zeroState && t == 0 ? 0 : uB;
    // the bytes of W and of U the products run over (B's rows are 3u floats apart)
    const wBytes = <usize>features * u3B, uBytes = (hB >> 2) * u3B;
    for (let b = 0; b < batch; b += 4) {
      const b1 = min(b + 1, last), b2 = min(b + 2, last), b3 = min(b + 3, last);
      const x0 = x + (<usize>b * <usize>steps + <usize>xt) * fB, x1 = x + (<usize>b1 * <usize>steps + <usize>xt) * fB;
      const x2 = x + (<usize>b2 * <usize>steps + <usize>xt) * fB, x3 = x + (<usize>b3 * <usize>steps + <usize>xt) * fB;
      const h0 = hp + <usize>b * uB, h1 = hp + <usize>b1 * uB, h2 = hp + <usize>b2 * uB, h3 = hp + <usize>b3 * uB;
      const ax0 = ax + <usize>b * uB, ax1 = ax + <usize>b1 * uB, ax2 = ax + <usize>b2 * uB, ax3 = ax + <usize>b3 * uB;
      // the block's other rows as offsets from its first: in x, and in the states (h or r ⊙ h)
      const xq1 = x1 - x0, xq2 = x2 - x0, xq3 = x3 - x0, hq1 = h1 - h0, hq2 = h2 - h0, hq3 = h3 - h0;
      // z and r of every unit group, r's columns uB after z's: x·W, then h·U, in the same sums, into
      // the gates; a long activation (the sigmoid) then runs in place on the four rows' z and r side
      // by side, a short one (the hard sigmoid) in registers
      for (let jo: usize = 0; jo < uB; jo += 16) {
        let z = splat(0), r = splat(0);
        if (bi) {
          z = v128.load(bi + jo); r = v128.load(bi + uB + jo);
          if (br) {
            z = f32x4.add(z, v128.load(br + jo)); r = f32x4.add(r, v128.load(br + uB + jo));
          }
        }
        const g0 = g + <usize>b * u3B + jo, g1 = g + <usize>b1 * u3B + jo, g2 = g + <usize>b2 * u3B + jo, g3 = g + <usize>b3 * u3B + jo;
        const w = W + jo, v = U + jo;
        tile4(
          0, z, r, z, r, z, r, z, r,
          x0, xq1, xq2, xq3, 4, w, u3B, w + wBytes,
          h0, hq1, hq2, hq3, v, v + uBytes,
          uB,
          g0, g1, g2, g3, 4, false, 0, false, 0, longActivation(recAct) ? ACT_LINEAR : recAct,
          false, 0, 0, 0, 0,
        );
        if (longActivation(recAct)) activate8InPlace(g0, g1, g2, g3, uB, recAct == ACT_TANH);
        resetState(b, jo, uB, g0, ax, hp);
        resetState(b1, jo, uB, g1, ax, hp);
        resetState(b2, jo, uB, g2, ax, hp);
        resetState(b3, jo, uB, g3, ax, hp);
      }
      // the candidate: x_h + (r ⊙ h)·U_h, or x_h + r ⊙ (h·U_h + br_h) with reset_after, whose x_h
      // waits in the gates' h~ slot while the sums take h·U_h + br_h (and training keeps that in ax)
      const s0 = resetAfter ? h0 : ax0;
      const outT = returnSequences && !mask ? out + <usize>t * uB : 0, outStride = <usize>steps * uB;
      const hAct = longActivation(act) ? ACT_LINEAR : act;
      let jo: usize = 0;
      for (; jo + 32 <= uB; jo += 32) {
        // two unit groups at once (8 sums): one group's 4 chains wait on their latency
        const c = bi ? v128.load(bi + 2 * uB + jo) : splat(0), e = bi ? v128.load(bi + 2 * uB + jo + 16) : splat(0);
        const h0 = g + <usize>b * u3B + 2 * uB + jo, h1 = g + <usize>b1 * u3B + 2 * uB + jo;
        const h2 = g + <usize>b2 * u3B + 2 * uB + jo, h3 = g + <usize>b3 * u3B + 2 * uB + jo;
        const w = W + 2 * uB + jo, v = U + 2 * uB + jo;
        if (resetAfter) {
          tile4(
            ADJACENT, c, e, c, e, c, e, c, e,
            x0, xq1, xq2, xq3, 4, w, u3B, w + wBytes, 0, 0, 0, 0, 0, 0, 0,
            h0, h1, h2, h3, 4, false, 0, false, 0, ACT_LINEAR, false, 0, 0, 0, 0,
          );
          const cr = br ? v128.load(br + 2 * uB + jo) : splat(0), er = br ? v128.load(br + 2 * uB + jo + 16) : splat(0);
          tile4(
            ADJACENT | PARKED, cr, er, cr, er, cr, er, cr, er,
            s0, hq1, hq2, hq3, 4, v, u3B, v + uBytes, 0, 0, 0, 0, 0, 0, 0,
            h0, h1, h2, h3, 4, true, <usize>0 - uB, false, 0, hAct, keep, ax0 + jo, ax1 + jo, ax2 + jo, ax3 + jo,
          );
        } else {
          // (r ⊙ h)·U_h adds to x_h in the same sums
          tile4(
            ADJACENT, c, e, c, e, c, e, c, e,
            x0, xq1, xq2, xq3, 4, w, u3B, w + wBytes, s0, hq1, hq2, hq3, v, v + uBytes, 0,
            h0, h1, h2, h3, 4, false, 0, false, 0, hAct, false, 0, 0, 0, 0,
          );
        }
        // a long activation runs on the pre-activations side by side: all eight are loaded before
        // any is stored, so tail rows (which repeat a row's addresses) are activated once
        if (longActivation(act)) activate8InPlace(h0, h1, h2, h3, 16, act == ACT_TANH);
        newState(b, jo, uB, g, hp, hn, outT, outStride);
        newState(b, jo + 16, uB, g, hp, hn, outT, outStride);
        newState(b1, jo, uB, g, hp, hn, outT, outStride);
        newState(b1, jo + 16, uB, g, hp, hn, outT, outStride);
        newState(b2, jo, uB, g, hp, hn, outT, outStride);
        newState(b2, jo + 16, uB, g, hp, hn, outT, outStride);
        newState(b3, jo, uB, g, hp, hn, outT, outStride);
        newState(b3, jo + 16, uB, g, hp, hn, outT, outStride);
      }
      for (; jo < uB; jo += 16) {
        // one unit group: x·W_h and the recurrent product summed apart (8 sums), then x_h + rec, or
        // x_h + r ⊙ rec with reset_after (training keeps rec = u_h in ax)
        const c = bi ? v128.load(bi + 2 * uB + jo) : splat(0), d = br ? v128.load(br + 2 * uB + jo) : splat(0);
        const h0 = g + <usize>b * u3B + 2 * uB + jo, h1 = g + <usize>b1 * u3B + 2 * uB + jo;
        const h2 = g + <usize>b2 * u3B + 2 * uB + jo, h3 = g + <usize>b3 * u3B + 2 * uB + jo;
        const w = W + 2 * uB + jo, v = U + 2 * uB + jo;
        tile4(
          NARROW | SPLIT, c, d, c, d, c, d, c, d,
          x0, xq1, xq2, xq3, 4, w, u3B, w + wBytes, s0, hq1, hq2, hq3, v, v + uBytes, 0,
          h0, h1, h2, h3, 4, resetAfter, <usize>0 - uB, false, 0, hAct,
          resetAfter && keep, ax0 + jo, ax1 + jo, ax2 + jo, ax3 + jo,
        );
        if (longActivation(act)) activate4InPlace(h0, h1, h2, h3, act);
        newState(b, jo, uB, g, hp, hn, outT, outStride);
        newState(b1, jo, uB, g, hp, hn, outT, outStride);
        newState(b2, jo, uB, g, hp, hn, outT, outStride);
        newState(b3, jo, uB, g, hp, hn, outT, outStride);
      }
    }
    if (mask) {
      maskForwardStep(batch, uB, mask + <usize>t * (<usize>batch << 2), hp, hn, lastOut, zeroOutput);
      if (returnSequences) writeStepOutput(batch, uB, lastOut, out, t, steps);
    }
  }
  if (!returnSequences) memory.copy(out, mask ? lastOut : hs + <usize>(keep ? steps : steps & 1) * stateBytes, stateBytes);
}

/**
 * Whether `act` is one of the long chains (tanh, sigmoid) that run eight vectors side by side through
 * memory; a short one (hard sigmoid, relu, linear) costs less than that round trip, so it is applied
 * in registers.
 */
// @ts-ignore: decorator
@inline function longActivation(act: i32): bool {
  return act == ACT_TANH || act == ACT_SIGMOID;
}

/** h' = h~ + z ⊙ (h − h~), from h~ and z in the gates; into the next state and the output. */
// @ts-ignore: decorator
@inline function newState(b: i32, jo: usize, uB: usize, g: usize, hp: usize, hn: usize, out: usize, outStride: usize): void {
  const row = <usize>b * uB, gr = g + row * 3 + jo;
  const hh = v128.load(gr + 2 * uB);
  const hNew = f32x4.add(hh, f32x4.mul(v128.load(gr), f32x4.sub(v128.load(hp + row + jo), hh)));
  v128.store(hn + row + jo, hNew);
  if (out) v128.store(out + <usize>b * outStride + jo, hNew);
}

/** r ⊙ h into ax (what the candidate's product reads without reset_after), from r in the gates at gr. */
// @ts-ignore: decorator
@inline function resetState(b: i32, jo: usize, uB: usize, gr: usize, ax: usize, hp: usize): void {
  const row = <usize>b * uB;
  v128.store(ax + row + jo, f32x4.mul(v128.load(gr + uB), v128.load(hp + row + jo)));
}
