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
// seed's sizes, so the rows are read in place. Four rows give 8 accumulators (z and r), as many as
// V8 keeps in registers: three gates at once, or two partial sums each, spilled and ran slower.
//
// Layouts as in gru.ts: hs (T+1, B, u) states, gates (T, B, 3u) = [z | r | h~], aux (T, B, u) =
// u_h (reset_after) or r ⊙ h (not); inference keeps one step of each. Byte offsets throughout.

import { ACT_HARD_SIGMOID, ACT_SIGMOID, ACT_TANH, activate4InPlace, activate8InPlace, madd, splat, vact } from "./simd";

/** The largest hidden size the small path takes. */
export const SMALL_UNITS: i32 = 32;

/** Whether the small path takes `units`. */
// @ts-ignore: decorator
@inline export function smallUnits(units: i32): bool {
  return (units & 3) == 0 && units <= SMALL_UNITS;
}

/** Flag bit of gruSmallSeq: read x from its last timestep to its first (go_backwards). */
export const GRU_GO_BACKWARDS: i32 = 2;
/** Flag bit of gruSmallSeq: keep nothing for backward (as gru.ts's GRU_INFERENCE). */
const INFERENCE: i32 = 8;
/** Flag bit of gruSmallSeq: hs[0] is zero (as gru.ts's GRU_ZERO_STATE), so step 0 skips h·U. */
const ZERO_STATE: i32 = 16;

/**
 * A whole sequence with the input projection fused in: each step reads its rows of x (B, T, F)
 * (batch-major, as the model receives it) and multiplies them by the kernel W (F, 3u) in the same
 * accumulators as the recurrent product, so the (T, B, 3u) projection is never written (nor, for
 * inference, a time-major copy of x). bias: the input bias (3u), followed by the recurrent bias
 * (3u) with reset_after; 0 without. Training (flag 8 clear) keeps what backward reads, in
 * f32_gru_seq_fwd's layouts: hs (T+1, B, u) with hs[0] the initial state, gates (T, B, 3u) and
 * aux (T, B, u). Inference (flag 8) keeps nothing: hs (2, B, u) ping-pongs from hs[0], g (B, 3u)
 * and ax (B, u) hold one step. out: (B, T, u) with GRU_RETURN_SEQUENCES (processing order), else
 * the last state (B, u). Batch tails run as a block of four whose missing rows repeat the last row:
 * they compute and store the same values at the same places.
 */
export function gruSmallSeq(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, gates: usize, aux: usize, out: usize, flags: i32, recAct: i32, act: i32,
): void {
  // Keras's and tfjs's activation pairs get copies of their own, where the activations are inlined
  // constants: with a code known only at run time, every vector of the gate math went through a
  // switch and the accumulators were spilled around it (the seed's steps ran 6-8% slower)
  if (act == ACT_TANH && recAct == ACT_SIGMOID) {
    smallSeq(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, flags, ACT_SIGMOID, ACT_TANH);
  } else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID) {
    smallSeq(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, flags, ACT_HARD_SIGMOID, ACT_TANH);
  } else {
    smallSeq(batch, steps, u, features, x, W, bias, U, hs, gates, aux, out, flags, recAct, act);
  }
}

/** gruSmallSeq's body, inlined into each activation pair's copy. */
// @ts-ignore: decorator
@inline function smallSeq(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, gates: usize, aux: usize, out: usize, flags: i32, recAct: i32, act: i32,
): void {
  const uB = <usize>u << 2, u3B = uB * 3, fB = <usize>features << 2;
  const stateBytes = <usize>batch * uB, gateBytes = <usize>batch * u3B;
  const resetAfter = (flags & 4) != 0, returnSequences = (flags & 1) != 0, backwards = (flags & GRU_GO_BACKWARDS) != 0;
  const keep = (flags & INFERENCE) == 0;
  const zeroState = (flags & ZERO_STATE) != 0;
  const bi = bias, br = bias && resetAfter ? bias + u3B : 0;
  const last = batch - 1;
  for (let t = 0; t < steps; t++) {
    const xt = backwards ? steps - 1 - t : t;
    const hp = hs + <usize>(keep ? t : t & 1) * stateBytes, hn = hs + <usize>(keep ? t + 1 : (t + 1) & 1) * stateBytes;
    const g = keep ? gates + <usize>t * gateBytes : gates, ax = keep ? aux + <usize>t * stateBytes : aux;
    // the bytes of h the recurrent products read: none at step 0 when h0 = 0 (its products are zero)
    const hB: usize = zeroState && t == 0 ? 0 : uB;
    for (let b = 0; b < batch; b += 4) {
      const b1 = min(b + 1, last), b2 = min(b + 2, last), b3 = min(b + 3, last);
      const x0 = x + (<usize>b * <usize>steps + <usize>xt) * fB, x1 = x + (<usize>b1 * <usize>steps + <usize>xt) * fB;
      const x2 = x + (<usize>b2 * <usize>steps + <usize>xt) * fB, x3 = x + (<usize>b3 * <usize>steps + <usize>xt) * fB;
      const h0 = hp + <usize>b * uB, h1 = hp + <usize>b1 * uB, h2 = hp + <usize>b2 * uB, h3 = hp + <usize>b3 * uB;
      // z and r of every unit group
      for (let jo: usize = 0; jo < uB; jo += 16) {
        let z0 = splat(0), r0 = splat(0);
        if (bi) {
          z0 = v128.load(bi + jo); r0 = v128.load(bi + uB + jo);
          if (br) {
            z0 = f32x4.add(z0, v128.load(br + jo)); r0 = f32x4.add(r0, v128.load(br + uB + jo));
          }
        }
        let z1 = z0, r1 = r0, z2 = z0, r2 = r0, z3 = z0, r3 = r0;
        let pw = W + jo;
        for (let ko: usize = 0; ko < fB; ko += 4) {
          const wz = v128.load(pw), wr = v128.load(pw + uB);
          let a = v128.load32_splat(x0 + ko);
          z0 = madd(a, wz, z0); r0 = madd(a, wr, r0);
          a = v128.load32_splat(x1 + ko);
          z1 = madd(a, wz, z1); r1 = madd(a, wr, r1);
          a = v128.load32_splat(x2 + ko);
          z2 = madd(a, wz, z2); r2 = madd(a, wr, r2);
          a = v128.load32_splat(x3 + ko);
          z3 = madd(a, wz, z3); r3 = madd(a, wr, r3);
          pw += u3B;
        }
        pw = U + jo;
        for (let ko: usize = 0; ko < hB; ko += 4) {
          const wz = v128.load(pw), wr = v128.load(pw + uB);
          let a = v128.load32_splat(h0 + ko);
          z0 = madd(a, wz, z0); r0 = madd(a, wr, r0);
          a = v128.load32_splat(h1 + ko);
          z1 = madd(a, wz, z1); r1 = madd(a, wr, r1);
          a = v128.load32_splat(h2 + ko);
          z2 = madd(a, wz, z2); r2 = madd(a, wr, r2);
          a = v128.load32_splat(h3 + ko);
          z3 = madd(a, wz, z3); r3 = madd(a, wr, r3);
          pw += u3B;
        }
        // z and r into the gates, then r ⊙ h into ax; a long activation (the sigmoid) runs in place
        // on the four rows' z and r side by side, a short one (the hard sigmoid) in registers
        const g0 = g + <usize>b * u3B + jo, g1 = g + <usize>b1 * u3B + jo, g2 = g + <usize>b2 * u3B + jo, g3 = g + <usize>b3 * u3B + jo;
        if (longActivation(recAct)) {
          v128.store(g0, z0); v128.store(g1, z1); v128.store(g2, z2); v128.store(g3, z3);
          v128.store(g0 + uB, r0); v128.store(g1 + uB, r1); v128.store(g2 + uB, r2); v128.store(g3 + uB, r3);
          activate8InPlace(g0, g1, g2, g3, uB, recAct == ACT_TANH);
        } else {
          v128.store(g0, vact(z0, recAct)); v128.store(g1, vact(z1, recAct)); v128.store(g2, vact(z2, recAct)); v128.store(g3, vact(z3, recAct));
          v128.store(g0 + uB, vact(r0, recAct)); v128.store(g1 + uB, vact(r1, recAct));
          v128.store(g2 + uB, vact(r2, recAct)); v128.store(g3 + uB, vact(r3, recAct));
        }
        resetState(b, jo, uB, g0, ax, hp);
        resetState(b1, jo, uB, g1, ax, hp);
        resetState(b2, jo, uB, g2, ax, hp);
        resetState(b3, jo, uB, g3, ax, hp);
      }
      // the candidate: x_h + (r ⊙ h)·U_h, or x_h + r ⊙ (h·U_h + br_h) with reset_after
      const s0 = resetAfter ? h0 : ax + <usize>b * uB, s1 = resetAfter ? h1 : ax + <usize>b1 * uB;
      const s2 = resetAfter ? h2 : ax + <usize>b2 * uB, s3 = resetAfter ? h3 : ax + <usize>b3 * uB;
      const outT = returnSequences ? out + <usize>t * uB : 0, outStride = <usize>steps * uB;
      let jo: usize = 0;
      for (; jo + 32 <= uB; jo += 32) {
        // two unit groups at once (8 accumulators): one group's 4 chains wait on their latency
        let c0 = bi ? v128.load(bi + 2 * uB + jo) : splat(0), e0 = bi ? v128.load(bi + 2 * uB + jo + 16) : splat(0);
        let c1 = c0, c2 = c0, c3 = c0, e1 = e0, e2 = e0, e3 = e0;
        let pw = W + 2 * uB + jo;
        for (let ko: usize = 0; ko < fB; ko += 4) {
          const w0 = v128.load(pw), w1 = v128.load(pw, 16);
          let a = v128.load32_splat(x0 + ko);
          c0 = madd(a, w0, c0); e0 = madd(a, w1, e0);
          a = v128.load32_splat(x1 + ko);
          c1 = madd(a, w0, c1); e1 = madd(a, w1, e1);
          a = v128.load32_splat(x2 + ko);
          c2 = madd(a, w0, c2); e2 = madd(a, w1, e2);
          a = v128.load32_splat(x3 + ko);
          c3 = madd(a, w0, c3); e3 = madd(a, w1, e3);
          pw += u3B;
        }
        if (resetAfter) {
          // x_h waits in the gates' h~ slot while the accumulators take h·U_h + br_h
          const xh = g + 2 * uB + jo;
          v128.store(xh + <usize>b * u3B, c0); v128.store(xh + <usize>b * u3B, e0, 16);
          v128.store(xh + <usize>b1 * u3B, c1); v128.store(xh + <usize>b1 * u3B, e1, 16);
          v128.store(xh + <usize>b2 * u3B, c2); v128.store(xh + <usize>b2 * u3B, e2, 16);
          v128.store(xh + <usize>b3 * u3B, c3); v128.store(xh + <usize>b3 * u3B, e3, 16);
          c0 = br ? v128.load(br + 2 * uB + jo) : splat(0); e0 = br ? v128.load(br + 2 * uB + jo + 16) : splat(0);
          c1 = c0; c2 = c0; c3 = c0; e1 = e0; e2 = e0; e3 = e0;
        }
        // without reset_after, (r ⊙ h)·U_h adds to x_h in the same accumulators
        pw = U + 2 * uB + jo;
        for (let ko: usize = 0; ko < hB; ko += 4) {
          const w0 = v128.load(pw), w1 = v128.load(pw, 16);
          let a = v128.load32_splat(s0 + ko);
          c0 = madd(a, w0, c0); e0 = madd(a, w1, e0);
          a = v128.load32_splat(s1 + ko);
          c1 = madd(a, w0, c1); e1 = madd(a, w1, e1);
          a = v128.load32_splat(s2 + ko);
          c2 = madd(a, w0, c2); e2 = madd(a, w1, e2);
          a = v128.load32_splat(s3 + ko);
          c3 = madd(a, w0, c3); e3 = madd(a, w1, e3);
          pw += u3B;
        }
        if (resetAfter) {
          // every row's x_h is read before any h~ replaces it (tail rows repeat a row)
          c0 = resetCandidate(b, jo, uB, g, ax, c0, keep); e0 = resetCandidate(b, jo + 16, uB, g, ax, e0, keep);
          c1 = resetCandidate(b1, jo, uB, g, ax, c1, keep); e1 = resetCandidate(b1, jo + 16, uB, g, ax, e1, keep);
          c2 = resetCandidate(b2, jo, uB, g, ax, c2, keep); e2 = resetCandidate(b2, jo + 16, uB, g, ax, e2, keep);
          c3 = resetCandidate(b3, jo, uB, g, ax, c3, keep); e3 = resetCandidate(b3, jo + 16, uB, g, ax, e3, keep);
        }
        // h~ = act(pre) in the gates' h~ slots (the pre-activations side by side), then the states
        const h0 = g + <usize>b * u3B + 2 * uB + jo, h1 = g + <usize>b1 * u3B + 2 * uB + jo;
        const h2 = g + <usize>b2 * u3B + 2 * uB + jo, h3 = g + <usize>b3 * u3B + 2 * uB + jo;
        if (longActivation(act)) {
          v128.store(h0, c0); v128.store(h0, e0, 16); v128.store(h1, c1); v128.store(h1, e1, 16);
          v128.store(h2, c2); v128.store(h2, e2, 16); v128.store(h3, c3); v128.store(h3, e3, 16);
          // all eight are loaded before any is stored, so tail rows (which repeat a row's addresses)
          // are activated once
          activate8InPlace(h0, h1, h2, h3, 16, act == ACT_TANH);
        } else {
          v128.store(h0, vact(c0, act)); v128.store(h0, vact(e0, act), 16); v128.store(h1, vact(c1, act)); v128.store(h1, vact(e1, act), 16);
          v128.store(h2, vact(c2, act)); v128.store(h2, vact(e2, act), 16); v128.store(h3, vact(c3, act)); v128.store(h3, vact(e3, act), 16);
        }
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
        let c0 = bi ? v128.load(bi + 2 * uB + jo) : splat(0);
        let c1 = c0, c2 = c0, c3 = c0;
        let pw = W + 2 * uB + jo;
        for (let ko: usize = 0; ko < fB; ko += 4) {
          const wh = v128.load(pw);
          c0 = madd(v128.load32_splat(x0 + ko), wh, c0);
          c1 = madd(v128.load32_splat(x1 + ko), wh, c1);
          c2 = madd(v128.load32_splat(x2 + ko), wh, c2);
          c3 = madd(v128.load32_splat(x3 + ko), wh, c3);
          pw += u3B;
        }
        let d0 = br ? v128.load(br + 2 * uB + jo) : splat(0);
        let d1 = d0, d2 = d0, d3 = d0;
        pw = U + 2 * uB + jo;
        for (let ko: usize = 0; ko < hB; ko += 4) {
          const wh = v128.load(pw);
          d0 = madd(v128.load32_splat(s0 + ko), wh, d0);
          d1 = madd(v128.load32_splat(s1 + ko), wh, d1);
          d2 = madd(v128.load32_splat(s2 + ko), wh, d2);
          d3 = madd(v128.load32_splat(s3 + ko), wh, d3);
          pw += u3B;
        }
        // every row's pre-activation is formed before any h~ slot is written (tail rows repeat a row)
        c0 = candidatePre(b, jo, uB, g, ax, c0, d0, resetAfter, keep);
        c1 = candidatePre(b1, jo, uB, g, ax, c1, d1, resetAfter, keep);
        c2 = candidatePre(b2, jo, uB, g, ax, c2, d2, resetAfter, keep);
        c3 = candidatePre(b3, jo, uB, g, ax, c3, d3, resetAfter, keep);
        const h0 = g + <usize>b * u3B + 2 * uB + jo, h1 = g + <usize>b1 * u3B + 2 * uB + jo;
        const h2 = g + <usize>b2 * u3B + 2 * uB + jo, h3 = g + <usize>b3 * u3B + 2 * uB + jo;
        if (longActivation(act)) {
          v128.store(h0, c0); v128.store(h1, c1); v128.store(h2, c2); v128.store(h3, c3);
          activate4InPlace(h0, h1, h2, h3, act);
        } else {
          v128.store(h0, vact(c0, act)); v128.store(h1, vact(c1, act)); v128.store(h2, vact(c2, act)); v128.store(h3, vact(c3, act));
        }
        newState(b, jo, uB, g, hp, hn, outT, outStride);
        newState(b1, jo, uB, g, hp, hn, outT, outStride);
        newState(b2, jo, uB, g, hp, hn, outT, outStride);
        newState(b3, jo, uB, g, hp, hn, outT, outStride);
      }
    }
  }
  if (!returnSequences) memory.copy(out, hs + <usize>(keep ? steps : steps & 1) * stateBytes, stateBytes);
}

/**
 * reset_after: the candidate's pre-activation x_h + r ⊙ u_h from u_h = h·U_h + br_h (`uh`) and
 * x_h, which waits in the gates' h~ slot; training keeps u_h in ax.
 */
// @ts-ignore: decorator
@inline function resetCandidate(b: i32, jo: usize, uB: usize, g: usize, ax: usize, uh: v128, keep: bool): v128 {
  const row = <usize>b * uB, gr = g + row * 3 + jo;
  if (keep) v128.store(ax + row + jo, uh);
  return f32x4.add(v128.load(gr + 2 * uB), f32x4.mul(v128.load(gr + uB), uh));
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

/**
 * The candidate's pre-activation x_h + rec, or x_h + r ⊙ rec with reset_after, where training
 * (keep) also keeps u_h = rec in ax.
 */
// @ts-ignore: decorator
@inline function candidatePre(b: i32, jo: usize, uB: usize, g: usize, ax: usize, xh: v128, rec: v128, resetAfter: bool, keep: bool): v128 {
  const row = <usize>b * uB;
  if (!resetAfter) return f32x4.add(xh, rec);
  if (keep) v128.store(ax + row + jo, rec);
  return f32x4.add(xh, f32x4.mul(v128.load(g + row * 3 + uB + jo), rec));
}
