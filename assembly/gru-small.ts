// The GRU forward step for small hidden sizes (u a multiple of 4, at most SMALL_UNITS): the
// recurrent product is computed straight from the state rows and U's rows (3u·u floats, which stay
// in L1), four batch rows at a time (then single rows), with the gate math applied to the
// accumulators as they leave the registers. Nothing is packed and no pre-activation goes through
// memory; at u = 16 a step through the packed GEMM spent more on packing A and re-reading its
// output than on the product. Four rows give 8 accumulators (z and r), as many as V8 keeps in
// registers: three gates at once, or two partial sums each, spilled and ran slower. The training
// steps and the inference loop below share their shape but not their code: one step function
// taking either projection rows or x (more live pointers) measured 20% slower in both.
//
// Layouts as in gru.ts: xp (B, 3u) = this step's [x_z | x_r | x_h] rows, g (B, 3u) the kept gates
// [z | r | h~], ax (B, u) the kept u_h (reset_after) or r ⊙ h (not), hp/hn (B, u) the states, out
// rows at `out + b·outStride` (0: not written). Byte offsets throughout.

import { madd, splat, vact } from "./simd";

/** The largest hidden size the small path takes. */
export const SMALL_UNITS: i32 = 32;

/** Whether the small path takes `units`. */
// @ts-ignore: decorator
@inline export function smallUnits(units: i32): bool {
  return (units & 3) == 0 && units <= SMALL_UNITS;
}

/**
 * One step with reset_after: [a_z | a_r | u_h] = h·U + br, then z, r, h~ = act(x_h + r ⊙ u_h)
 * and h' = h~ + z ⊙ (h − h~). br is 0 without a bias.
 */
export function gruSmallStepResetAfter(
  batch: i32, u: i32, xp: usize, U: usize, br: usize, hp: usize, hn: usize, g: usize, ax: usize,
  out: usize, outStride: usize, recAct: i32, act: i32,
): void {
  const uB = <usize>u << 2, u3B = uB * 3;
  let b = 0;
  for (; b + 4 <= batch; b += 4) {
    // four rows at a time, z and r first (8 accumulators), then u_h (4): more would spill
    const h0 = hp + <usize>b * uB, h1 = h0 + uB, h2 = h1 + uB, h3 = h2 + uB;
    for (let jo: usize = 0; jo < uB; jo += 16) {
      let z0 = splat(0), r0 = splat(0);
      if (br) {
        z0 = v128.load(br + jo); r0 = v128.load(br + uB + jo);
      }
      let z1 = z0, r1 = r0, z2 = z0, r2 = r0, z3 = z0, r3 = r0;
      let pu = U + jo;
      for (let ko: usize = 0; ko < uB; ko += 4) {
        const wz = v128.load(pu), wr = v128.load(pu + uB);
        let a = v128.load32_splat(h0 + ko);
        z0 = madd(a, wz, z0); r0 = madd(a, wr, r0);
        a = v128.load32_splat(h1 + ko);
        z1 = madd(a, wz, z1); r1 = madd(a, wr, r1);
        a = v128.load32_splat(h2 + ko);
        z2 = madd(a, wz, z2); r2 = madd(a, wr, r2);
        a = v128.load32_splat(h3 + ko);
        z3 = madd(a, wz, z3); r3 = madd(a, wr, r3);
        pu += u3B;
      }
      gatesZR(b, jo, uB, xp, g, z0, r0, recAct);
      gatesZR(b + 1, jo, uB, xp, g, z1, r1, recAct);
      gatesZR(b + 2, jo, uB, xp, g, z2, r2, recAct);
      gatesZR(b + 3, jo, uB, xp, g, z3, r3, recAct);
      let c0 = br ? v128.load(br + 2 * uB + jo) : splat(0);
      let c1 = c0, c2 = c0, c3 = c0;
      pu = U + 2 * uB + jo;
      for (let ko: usize = 0; ko < uB; ko += 4) {
        const wh = v128.load(pu);
        c0 = madd(v128.load32_splat(h0 + ko), wh, c0);
        c1 = madd(v128.load32_splat(h1 + ko), wh, c1);
        c2 = madd(v128.load32_splat(h2 + ko), wh, c2);
        c3 = madd(v128.load32_splat(h3 + ko), wh, c3);
        pu += u3B;
      }
      candidateResetAfter(b, jo, uB, xp, g, ax, hp, hn, out, outStride, c0, act);
      candidateResetAfter(b + 1, jo, uB, xp, g, ax, hp, hn, out, outStride, c1, act);
      candidateResetAfter(b + 2, jo, uB, xp, g, ax, hp, hn, out, outStride, c2, act);
      candidateResetAfter(b + 3, jo, uB, xp, g, ax, hp, hn, out, outStride, c3, act);
    }
  }
  for (; b < batch; b++) {
    const h0 = hp + <usize>b * uB;
    for (let jo: usize = 0; jo < uB; jo += 16) {
      let z0 = splat(0), r0 = splat(0), c0 = splat(0);
      if (br) {
        z0 = v128.load(br + jo); r0 = v128.load(br + uB + jo); c0 = v128.load(br + 2 * uB + jo);
      }
      let pu = U + jo;
      for (let ko: usize = 0; ko < uB; ko += 4) {
        const a0 = v128.load32_splat(h0 + ko);
        z0 = madd(a0, v128.load(pu), z0); r0 = madd(a0, v128.load(pu + uB), r0); c0 = madd(a0, v128.load(pu + 2 * uB), c0);
        pu += u3B;
      }
      cellResetAfter(b, jo, uB, xp, g, ax, hp, hn, out, outStride, z0, r0, c0, recAct, act);
    }
  }
}

// @ts-ignore: decorator
@inline function cellResetAfter(
  b: i32, jo: usize, uB: usize, xp: usize, g: usize, ax: usize, hp: usize, hn: usize,
  out: usize, outStride: usize, az: v128, ar: v128, uh: v128, recAct: i32, act: i32,
): void {
  const row = <usize>b * uB, rowG = row * 3;
  const x = xp + rowG + jo, gr = g + rowG + jo;
  const z = vact(f32x4.add(v128.load(x), az), recAct);
  const r = vact(f32x4.add(v128.load(x + uB), ar), recAct);
  const hh = vact(f32x4.add(v128.load(x + 2 * uB), f32x4.mul(r, uh)), act);
  const h = v128.load(hp + row + jo);
  const hNew = f32x4.add(hh, f32x4.mul(z, f32x4.sub(h, hh)));
  v128.store(gr, z);
  v128.store(gr + uB, r);
  v128.store(gr + 2 * uB, hh);
  v128.store(ax + row + jo, uh);
  v128.store(hn + row + jo, hNew);
  if (out) v128.store(out + <usize>b * outStride + jo, hNew);
}

/** reset_after, first half: z and r from their pre-activations, into the kept gates. */
// @ts-ignore: decorator
@inline function gatesZR(b: i32, jo: usize, uB: usize, xp: usize, g: usize, az: v128, ar: v128, recAct: i32): void {
  const rowG = <usize>b * uB * 3;
  const x = xp + rowG + jo, gr = g + rowG + jo;
  v128.store(gr, vact(f32x4.add(v128.load(x), az), recAct));
  v128.store(gr + uB, vact(f32x4.add(v128.load(x + uB), ar), recAct));
}

/** reset_after, second half: h~ = act(x_h + r ⊙ u_h) with z and r from the kept gates; the new state. */
// @ts-ignore: decorator
@inline function candidateResetAfter(
  b: i32, jo: usize, uB: usize, xp: usize, g: usize, ax: usize, hp: usize, hn: usize,
  out: usize, outStride: usize, uh: v128, act: i32,
): void {
  const row = <usize>b * uB, rowG = row * 3;
  const gr = g + rowG + jo;
  const z = v128.load(gr), r = v128.load(gr + uB);
  const hh = vact(f32x4.add(v128.load(xp + rowG + 2 * uB + jo), f32x4.mul(r, uh)), act);
  const h = v128.load(hp + row + jo);
  const hNew = f32x4.add(hh, f32x4.mul(z, f32x4.sub(h, hh)));
  v128.store(gr + 2 * uB, hh);
  v128.store(ax + row + jo, uh);
  v128.store(hn + row + jo, hNew);
  if (out) v128.store(out + <usize>b * outStride + jo, hNew);
}

/**
 * One step without reset_after (Keras 2): z, r from h·[U_z | U_r], then h~ = act(x_h + (r ⊙ h)·U_h)
 * and h' = h~ + z ⊙ (h − h~). Each block of rows finishes its z, r and r ⊙ h for every unit before
 * its candidate product, which reads r ⊙ h across all units.
 */
export function gruSmallStepResetBefore(
  batch: i32, u: i32, xp: usize, U: usize, hp: usize, hn: usize, g: usize, ax: usize,
  out: usize, outStride: usize, recAct: i32, act: i32,
): void {
  const uB = <usize>u << 2, u3B = uB * 3;
  let b = 0;
  for (; b + 4 <= batch; b += 4) {
    // four rows at a time: 8 accumulators for z, r (4 for the candidate), as in a 4×8 GEMM tile
    const h0 = hp + <usize>b * uB, h1 = h0 + uB, h2 = h1 + uB, h3 = h2 + uB;
    for (let jo: usize = 0; jo < uB; jo += 16) {
      let z0 = splat(0), r0 = splat(0), z1 = splat(0), r1 = splat(0);
      let z2 = splat(0), r2 = splat(0), z3 = splat(0), r3 = splat(0);
      let pu = U + jo;
      for (let ko: usize = 0; ko < uB; ko += 4) {
        const wz = v128.load(pu), wr = v128.load(pu + uB);
        let a = v128.load32_splat(h0 + ko);
        z0 = madd(a, wz, z0); r0 = madd(a, wr, r0);
        a = v128.load32_splat(h1 + ko);
        z1 = madd(a, wz, z1); r1 = madd(a, wr, r1);
        a = v128.load32_splat(h2 + ko);
        z2 = madd(a, wz, z2); r2 = madd(a, wr, r2);
        a = v128.load32_splat(h3 + ko);
        z3 = madd(a, wz, z3); r3 = madd(a, wr, r3);
        pu += u3B;
      }
      updateAndReset(b, jo, uB, xp, g, ax, hp, z0, r0, recAct);
      updateAndReset(b + 1, jo, uB, xp, g, ax, hp, z1, r1, recAct);
      updateAndReset(b + 2, jo, uB, xp, g, ax, hp, z2, r2, recAct);
      updateAndReset(b + 3, jo, uB, xp, g, ax, hp, z3, r3, recAct);
    }
    const rh0 = ax + <usize>b * uB, rh1 = rh0 + uB, rh2 = rh1 + uB, rh3 = rh2 + uB;
    for (let jo: usize = 0; jo < uB; jo += 16) {
      let c0 = splat(0), c1 = splat(0), c2 = splat(0), c3 = splat(0);
      let pu = U + 2 * uB + jo;
      for (let ko: usize = 0; ko < uB; ko += 4) {
        const wh = v128.load(pu);
        c0 = madd(v128.load32_splat(rh0 + ko), wh, c0);
        c1 = madd(v128.load32_splat(rh1 + ko), wh, c1);
        c2 = madd(v128.load32_splat(rh2 + ko), wh, c2);
        c3 = madd(v128.load32_splat(rh3 + ko), wh, c3);
        pu += u3B;
      }
      candidate(b, jo, uB, xp, g, hp, hn, out, outStride, c0, act);
      candidate(b + 1, jo, uB, xp, g, hp, hn, out, outStride, c1, act);
      candidate(b + 2, jo, uB, xp, g, hp, hn, out, outStride, c2, act);
      candidate(b + 3, jo, uB, xp, g, hp, hn, out, outStride, c3, act);
    }
  }
  for (; b < batch; b++) {
    const h0 = hp + <usize>b * uB;
    for (let jo: usize = 0; jo < uB; jo += 16) {
      let z0 = splat(0), r0 = splat(0);
      let pu = U + jo;
      for (let ko: usize = 0; ko < uB; ko += 4) {
        const a0 = v128.load32_splat(h0 + ko);
        z0 = madd(a0, v128.load(pu), z0); r0 = madd(a0, v128.load(pu + uB), r0);
        pu += u3B;
      }
      updateAndReset(b, jo, uB, xp, g, ax, hp, z0, r0, recAct);
    }
    const rh0 = ax + <usize>b * uB;
    for (let jo: usize = 0; jo < uB; jo += 16) {
      let c0 = splat(0);
      let pu = U + 2 * uB + jo;
      for (let ko: usize = 0; ko < uB; ko += 4) {
        c0 = madd(v128.load32_splat(rh0 + ko), v128.load(pu), c0);
        pu += u3B;
      }
      candidate(b, jo, uB, xp, g, hp, hn, out, outStride, c0, act);
    }
  }
}

// @ts-ignore: decorator
@inline function updateAndReset(
  b: i32, jo: usize, uB: usize, xp: usize, g: usize, ax: usize, hp: usize,
  az: v128, ar: v128, recAct: i32,
): void {
  const row = <usize>b * uB, rowG = row * 3;
  const x = xp + rowG + jo, gr = g + rowG + jo;
  const z = vact(f32x4.add(v128.load(x), az), recAct);
  const r = vact(f32x4.add(v128.load(x + uB), ar), recAct);
  v128.store(gr, z);
  v128.store(gr + uB, r);
  v128.store(ax + row + jo, f32x4.mul(r, v128.load(hp + row + jo)));
}

// @ts-ignore: decorator
@inline function candidate(
  b: i32, jo: usize, uB: usize, xp: usize, g: usize, hp: usize, hn: usize,
  out: usize, outStride: usize, ah: v128, act: i32,
): void {
  const row = <usize>b * uB, rowG = row * 3;
  const gr = g + rowG + jo;
  const hh = vact(f32x4.add(v128.load(xp + rowG + 2 * uB + jo), ah), act);
  const z = v128.load(gr);
  const h = v128.load(hp + row + jo);
  const hNew = f32x4.add(hh, f32x4.mul(z, f32x4.sub(h, hh)));
  v128.store(gr + 2 * uB, hh);
  v128.store(hn + row + jo, hNew);
  if (out) v128.store(out + <usize>b * outStride + jo, hNew);
}

/** Flag bit of gruSmallInfer: read x from its last timestep to its first (go_backwards). */
export const GRU_GO_BACKWARDS: i32 = 2;

/**
 * Inference over a whole sequence with the input projection fused in: each step reads its rows of
 * x (B, T, F) (batch-major, as the model receives it) and multiplies them by the kernel W (F, 3u)
 * in the same accumulators as the recurrent product, so neither the time-major copy of x nor the
 * (T, B, 3u) projection is written. bias: the input bias (3u), followed by the recurrent bias (3u)
 * with reset_after; 0 without. hs (2, B, u): hs[0] is the initial state, the rest ping-pongs.
 * g (B, 3u) and ax (B, u): one step's z, r and r ⊙ h. out: (B, T, u) with GRU_RETURN_SEQUENCES
 * (processing order), else the last state (B, u). Flags as f32_gru_seq_fwd's plus GRU_GO_BACKWARDS.
 * Batch tails run as a block of four whose missing rows repeat the last row: they compute and
 * store the same values at the same places.
 */
export function gruSmallInfer(
  batch: i32, steps: i32, u: i32, features: i32, x: usize, W: usize, bias: usize, U: usize,
  hs: usize, g: usize, ax: usize, out: usize, flags: i32, recAct: i32, act: i32,
): void {
  const uB = <usize>u << 2, u3B = uB * 3, fB = <usize>features << 2;
  const stateBytes = <usize>batch * uB;
  const resetAfter = (flags & 4) != 0, returnSequences = (flags & 1) != 0, backwards = (flags & GRU_GO_BACKWARDS) != 0;
  const bi = bias, br = bias && resetAfter ? bias + u3B : 0;
  const last = batch - 1;
  for (let t = 0; t < steps; t++) {
    const xt = backwards ? steps - 1 - t : t;
    const hp = hs + <usize>(t & 1) * stateBytes, hn = hs + <usize>((t + 1) & 1) * stateBytes;
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
        for (let ko: usize = 0; ko < uB; ko += 4) {
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
        inferZR(b, jo, uB, g, ax, hp, z0, r0, recAct);
        inferZR(b1, jo, uB, g, ax, hp, z1, r1, recAct);
        inferZR(b2, jo, uB, g, ax, hp, z2, r2, recAct);
        inferZR(b3, jo, uB, g, ax, hp, z3, r3, recAct);
      }
      // the candidate: x_h + (r ⊙ h)·U_h, or x_h + r ⊙ (h·U_h + br_h) with reset_after
      const s0 = resetAfter ? h0 : ax + <usize>b * uB, s1 = resetAfter ? h1 : ax + <usize>b1 * uB;
      const s2 = resetAfter ? h2 : ax + <usize>b2 * uB, s3 = resetAfter ? h3 : ax + <usize>b3 * uB;
      for (let jo: usize = 0; jo < uB; jo += 16) {
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
        for (let ko: usize = 0; ko < uB; ko += 4) {
          const wh = v128.load(pw);
          d0 = madd(v128.load32_splat(s0 + ko), wh, d0);
          d1 = madd(v128.load32_splat(s1 + ko), wh, d1);
          d2 = madd(v128.load32_splat(s2 + ko), wh, d2);
          d3 = madd(v128.load32_splat(s3 + ko), wh, d3);
          pw += u3B;
        }
        const outT = returnSequences ? out + <usize>t * uB : 0, outStride = <usize>steps * uB;
        inferState(b, jo, uB, g, hp, hn, outT, outStride, c0, d0, resetAfter, act);
        inferState(b1, jo, uB, g, hp, hn, outT, outStride, c1, d1, resetAfter, act);
        inferState(b2, jo, uB, g, hp, hn, outT, outStride, c2, d2, resetAfter, act);
        inferState(b3, jo, uB, g, hp, hn, outT, outStride, c3, d3, resetAfter, act);
      }
    }
  }
  if (!returnSequences) memory.copy(out, hs + <usize>(steps & 1) * stateBytes, stateBytes);
}

/** z and r into g; r ⊙ h into ax (what the candidate's product reads without reset_after). */
// @ts-ignore: decorator
@inline function inferZR(b: i32, jo: usize, uB: usize, g: usize, ax: usize, hp: usize, az: v128, ar: v128, recAct: i32): void {
  const row = <usize>b * uB, gr = g + row * 3 + jo;
  const r = vact(ar, recAct);
  v128.store(gr, vact(az, recAct));
  v128.store(gr + uB, r);
  v128.store(ax + row + jo, f32x4.mul(r, v128.load(hp + row + jo)));
}

/** h~ = act(x_h + rec) or act(x_h + r ⊙ rec) (reset_after), then h' = h~ + z ⊙ (h − h~). */
// @ts-ignore: decorator
@inline function inferState(
  b: i32, jo: usize, uB: usize, g: usize, hp: usize, hn: usize, out: usize, outStride: usize,
  xh: v128, rec: v128, resetAfter: bool, act: i32,
): void {
  const row = <usize>b * uB, gr = g + row * 3 + jo;
  const hh = vact(f32x4.add(xh, resetAfter ? f32x4.mul(v128.load(gr + uB), rec) : rec), act);
  const h = v128.load(hp + row + jo);
  const hNew = f32x4.add(hh, f32x4.mul(v128.load(gr), f32x4.sub(h, hh)));
  v128.store(hn + row + jo, hNew);
  if (out) v128.store(out + <usize>b * outStride + jo, hNew);
}
