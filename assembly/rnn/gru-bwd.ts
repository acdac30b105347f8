// The GRU's backward pass through time (gru.ts has the forward pass and the layouts both share):
// per step the gate gradients, then dh_prev from Uᵀ (packed once per call, or read in place by the
// small sizes' fused step, gru-small-bwd.ts); the caller forms dW, dU and the biases as single GEMMs.

import { f32_transpose, gemmPrepacked } from "../gemm";
import { packB, packedBFloats } from "../gemm-packed";
import { ACT_LINEAR, ld, st, splat, vactGrad } from "../simd";
import { smallUnits } from "./gru-small";
import { gruSmallBackStep } from "./gru-small-bwd";
import { RNN_RESET_AFTER, RNN_RETURN_SEQUENCES, RNN_ZERO_OUTPUT_FOR_MASK, RNN_ZERO_STATE } from "./flags";
import { maskBackwardAfter, maskBackwardBefore } from "./gru-mask";
import { addRow } from "../elementwise";
import { addMaskedGateGradient, maskState, packGateRows, packedGate } from "./rec-dropout";

/** n rounded up to a multiple of 4 floats, so the regions after it stay 16-byte aligned. */
// @ts-ignore: decorator
@inline function round4(n: usize): usize {
  return (n + 3) & ~(<usize>3);
}

/**
 * Scratch floats f32_gru_seq_bwd needs in `work`: the running dh, d(r⊙h), dLast and the masked
 * rows' saved dh (4·round4(B·u)), Uᵀ (3u·u), then Uᵀ packed as its [z | r] and h row blocks
 * (round8(u)·2u + round8(u)·u).
 */
export function gru_bwd_work_floats(batch: i32, units: i32): usize {
  return 4 * round4(<usize>batch * <usize>units) + <usize>(3 * units) * <usize>units + packedBFloats(2 * units, units) + packedBFloats(units, units);
}

/**
 * Backward through time, from what f32_gru_seq_fwd (or f32_gru_fwd_small) kept.
 * dOut: (B,T,u) with RNN_RETURN_SEQUENCES, else (B,u) the last output's gradient. dhT: 0 or (B,u),
 * the gradient arriving at the final state (return_state), added before step T−1. mask: 0 or the
 * forward's (T,B) (file comment; a masked row's step passes its state gradient through and its
 * gate gradients are 0). Writes dxproj (T,B,3u) = [da_z | da_r | da_h], the gradient of x·W +
 * input bias (it may be xproj's buffer: xproj is not read here), and with reset_after duh (T,B,u) =
 * da_h ⊙ r, the gradient of u_h (it may be aux's buffer: each step reads u_h before it writes du_h
 * in its place); the recurrent projection's gradient is [da_z | da_r | du_h] (reset_after) or
 * [da_z | da_r | da_h], so the caller forms dW, dU and the biases as single GEMMs over all B·T rows.
 * dh0: 0 or (B,u), receives dL/dh0 (meaningful without RNN_ZERO_STATE; with it and no dh0 the first
 * step's dh_prev is skipped). work: gru_bwd_work_floats(batch, units) f32: the running dh,
 * d(r⊙h), dLast and saved masked dh rows, Uᵀ, then Uᵀ packed as its [z | r] and h row blocks.
 * recMask, recWork: the forward's recurrent dropout masks (or 0) and rec_dropout_work_floats(3,
 * batch, units) f32; the caller's dU then reads the masked states (f32_rnn_masked_states).
 */
export function f32_gru_seq_bwd(
  batch: i32, steps: i32, units: i32,
  recKernel: usize, hs: usize, gates: usize, aux: usize, dOut: usize, dhT: usize, mask: usize,
  dxproj: usize, duh: usize, dh0: usize, work: usize,
  flags: i32, recAct: i32, act: i32, recMask: usize, recWork: usize,
): void {
  const u = units, u3 = 3 * units;
  const uB = <usize>u << 2, u3B = <usize>u3 << 2;
  const stateBytes = <usize>batch * uB, gateBytes = <usize>batch * u3B;
  const returnSequences = (flags & RNN_RETURN_SEQUENCES) != 0;
  const resetAfter = (flags & RNN_RESET_AFTER) != 0;
  const zeroState = (flags & RNN_ZERO_STATE) != 0, zeroOutput = (flags & RNN_ZERO_OUTPUT_FOR_MASK) != 0;
  const region = round4(<usize>batch * <usize>u) << 2;
  const dh = work, drh = dh + region, dLast = drh + region, savedH = dLast + region;
  const ut = savedH + region;
  const packedZR = ut + <usize>u3 * uB, packedH = packedZR + (packedBFloats(2 * u, u) << 2);
  const small = smallUnits(u);
  f32_transpose(u, u3, recKernel, ut);
  if (recMask) packGateRows(3, u, ut, recWork);
  else if (!small) {
    packB(2 * u, u, ut, u, packedZR);
    packB(u, u, ut + 2 * <usize>u * uB, u, packedH);
  }
  if (dhT) memory.copy(dh, dhT, stateBytes);
  else memory.fill(dh, 0, stateBytes);
  if (mask) memory.fill(dLast, 0, stateBytes);
  for (let t = steps - 1; t >= 0; t--) {
    const hPrev = hs + <usize>t * stateBytes;
    const g = gates + <usize>t * gateBytes;
    const ax = aux + <usize>t * stateBytes;
    const dx = dxproj + <usize>t * gateBytes;
    const du = duh + <usize>t * stateBytes;
    // the step's output gradient: into dh, or with a mask into the last-output chain (gru-mask.ts)
    const target = mask ? dLast : dh;
    if (returnSequences) {
      for (let b = 0; b < batch; b++) {
        addRow(target + <usize>b * uB, dOut + (<usize>b * <usize>steps + <usize>t) * uB, uB);
      }
    } else if (t == steps - 1) {
      addRow(target, dOut, stateBytes);
    }
    const maskRow = mask ? mask + <usize>t * (<usize>batch << 2) : 0;
    const masked = mask ? maskBackwardBefore(batch, uB, maskRow, dLast, dh, savedH, zeroOutput) : false;
    // with h0 = 0 and no dh0 wanted, the first step's dh_prev is not read: skipped
    const stateGrad = !(zeroState && t == 0 && !dh0);
    if (recMask) maskedBackStep(batch, u, g, hPrev, ax, dh, du, dx, drh, recMask, recWork, resetAfter, recAct, act, stateGrad);
    else if (small) gruSmallBackStep(batch, u, ut, g, hPrev, ax, dh, du, dx, drh, resetAfter, recAct, act, stateGrad);
    else packedBackStep(batch, u, g, hPrev, ax, dh, du, dx, drh, packedZR, packedH, resetAfter, recAct, act, stateGrad);
    if (masked) maskBackwardAfter(batch, uB, maskRow, dx, resetAfter ? du : 0, dh, savedH);
  }
  if (dh0) memory.copy(dh0, dh, stateBytes);
}

/**
 * One step of backward through time for the packed path: the gate gradients row by row, then
 * dh_prev from the products with Uᵀ packed (packedZR: its [z | r] rows, packedH: its h rows),
 * replacing dh. Without stateGrad (the first step when h0 = 0 and dL/dh0 is not wanted) dh_prev is
 * not formed, and without reset_after da_r = d(r⊙h0) ⊙ h0 ⊙ σ'(r) is zero.
 */
function packedBackStep(
  batch: i32, u: i32, g: usize, hPrev: usize, ax: usize, dh: usize, du: usize, dx: usize, drh: usize,
  packedZR: usize, packedH: usize, resetAfter: bool, recAct: i32, act: i32, stateGrad: bool,
): void {
  const uB = <usize>u << 2, u3 = 3 * u;
  if (!gateGradStep(batch, u, g, hPrev, ax, dh, du, dx, resetAfter, recAct, act, stateGrad)) return;
  if (resetAfter) {
    // dh_prev = dh ⊙ z (already in dh) + [da_z | da_r]·[U_z | U_r]ᵀ + du_h·U_hᵀ
    gemmPrepacked(batch, u, 2 * u, dx, u3, 1, packedZR, dh, u, 1, 0, ACT_LINEAR);
    gemmPrepacked(batch, u, u, du, u, 1, packedH, dh, u, 1, 0, ACT_LINEAR);
  } else {
    // d(r⊙h) = da_h·U_hᵀ, then da_r, then dh_prev = dh⊙z + d(r⊙h)⊙r + [da_z | da_r]·[U_z | U_r]ᵀ
    gemmPrepacked(batch, u, u, dx + 2 * uB, u3, 1, packedH, drh, u, 0, 0, ACT_LINEAR);
    resetGradRows(batch, u, g, hPrev, drh, dh, dx, recAct);
    gemmPrepacked(batch, u, 2 * u, dx, u3, 1, packedZR, dh, u, 1, 0, ACT_LINEAR);
  }
}

/**
 * packedBackStep with recurrent dropout: the same gate gradients (the blend's h is unmasked), then
 * dh_prev = dh ⊙ z + Σ_g m_g ⊙ (d_g·U_gᵀ) with d = [da_z | da_r | du_h] (reset_after), or with
 * reset_before d(r⊙h̃) = da_h·U_hᵀ masked by m_h first (h̃ = h ⊙ m_h: then da_r and the h path
 * read the unmasked h as resetGrad does) and [da_z | da_r] through their masks.
 */
function maskedBackStep(
  batch: i32, u: i32, g: usize, hPrev: usize, ax: usize, dh: usize, du: usize, dx: usize, drh: usize,
  recMask: usize, recWork: usize, resetAfter: bool, recAct: i32, act: i32, stateGrad: bool,
): void {
  const uB = <usize>u << 2, u3 = 3 * u;
  if (!gateGradStep(batch, u, g, hPrev, ax, dh, du, dx, resetAfter, recAct, act, stateGrad)) return;
  if (!resetAfter) {
    gemmPrepacked(batch, u, u, dx + 2 * uB, u3, 1, packedGate(recWork, 2, u), drh, u, 0, 0, ACT_LINEAR);
    maskState(batch, u, u3, 2, drh, recMask, drh);
    resetGradRows(batch, u, g, hPrev, drh, dh, dx, recAct);
  }
  addMaskedGateGradient(batch, u, u3, 0, dx, u3, recMask, recWork, dh, 3);
  addMaskedGateGradient(batch, u, u3, 1, dx + uB, u3, recMask, recWork, dh, 3);
  if (resetAfter) addMaskedGateGradient(batch, u, u3, 2, du, u, recMask, recWork, dh, 3);
}

/**
 * The step's gate gradients (gateGradRows); false when dh_prev is not wanted (stateGrad false), where
 * reset_before's da_r = d(r⊙h0) ⊙ h0 ⊙ σ'(r) is zero and written so.
 */
// @ts-ignore: decorator
@inline function gateGradStep(
  batch: i32, u: i32, g: usize, hPrev: usize, ax: usize, dh: usize, du: usize, dx: usize, resetAfter: bool, recAct: i32, act: i32, stateGrad: bool,
): bool {
  gateGradRows(batch, u, g, hPrev, ax, dh, du, dx, resetAfter, recAct, act);
  if (!stateGrad && !resetAfter) {
    const uB = <usize>u << 2, u3B = uB * 3;
    for (let b = 0; b < batch; b++) memory.fill(dx + <usize>b * u3B + uB, 0, uB);
  }
  return stateGrad;
}

/** The gate gradients of one step's rows (reset_after: all of them; reset_before: da_z and da_h). */
// @ts-ignore: decorator
@inline function gateGradRows(
  batch: i32, u: i32, g: usize, hPrev: usize, ax: usize, dh: usize, du: usize, dx: usize, resetAfter: bool, recAct: i32, act: i32,
): void {
  const uB = <usize>u << 2, u3B = uB * 3;
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * uB, rowG = <usize>b * u3B;
    let o: usize = 0;
    if (resetAfter) {
      for (; o + 16 <= uB; o += 16) cellGradResetAfter(o, uB, g + rowG, hPrev + row, ax + row, dh + row, du + row, dx + rowG, recAct, act, true);
      for (; o < uB; o += 4) cellGradResetAfter(o, uB, g + rowG, hPrev + row, ax + row, dh + row, du + row, dx + rowG, recAct, act, false);
    } else {
      for (; o + 16 <= uB; o += 16) updateAndCandidateGrad(o, uB, g + rowG, hPrev + row, dh + row, dx + rowG, recAct, act, true);
      for (; o < uB; o += 4) updateAndCandidateGrad(o, uB, g + rowG, hPrev + row, dh + row, dx + rowG, recAct, act, false);
    }
  }
}

/** reset_before: da_r and dh = dh⊙z + d(r⊙h)⊙r over the step's rows (resetGrad). */
// @ts-ignore: decorator
@inline function resetGradRows(batch: i32, u: i32, g: usize, hPrev: usize, drh: usize, dh: usize, dx: usize, recAct: i32): void {
  const uB = <usize>u << 2, u3B = uB * 3;
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * uB, rowG = <usize>b * u3B;
    let o: usize = 0;
    for (; o + 16 <= uB; o += 16) resetGrad(o, uB, g + rowG, hPrev + row, drh + row, dh + row, dx + rowG, recAct, true);
    for (; o < uB; o += 4) resetGrad(o, uB, g + rowG, hPrev + row, drh + row, dh + row, dx + rowG, recAct, false);
  }
}

/** reset_after: every gate gradient of one step; dh becomes dh ⊙ z (the direct path). */
// @ts-ignore: decorator
@inline function cellGradResetAfter(
  o: usize, uB: usize, g: usize, hp: usize, ax: usize, dhp: usize, du: usize, dx: usize,
  recAct: i32, act: i32, vec: bool,
): void {
  const dh = ld(dhp + o, vec);
  const z = ld(g + o, vec), r = ld(g + uB + o, vec), hh = ld(g + 2 * uB + o, vec);
  const h = ld(hp + o, vec), uh = ld(ax + o, vec);
  const daH = f32x4.mul(f32x4.mul(dh, f32x4.sub(splat(1), z)), vactGrad(hh, act));
  const daZ = f32x4.mul(f32x4.mul(dh, f32x4.sub(h, hh)), vactGrad(z, recAct));
  const daR = f32x4.mul(f32x4.mul(daH, uh), vactGrad(r, recAct));
  st(du + o, f32x4.mul(daH, r), vec);
  st(dx + o, daZ, vec);
  st(dx + uB + o, daR, vec);
  st(dx + 2 * uB + o, daH, vec);
  st(dhp + o, f32x4.mul(dh, z), vec);
}

/** reset_before, first half: da_z and da_h (the reset gate needs d(r⊙h) from a GEMM first). */
// @ts-ignore: decorator
@inline function updateAndCandidateGrad(
  o: usize, uB: usize, g: usize, hp: usize, dhp: usize, dx: usize,
  recAct: i32, act: i32, vec: bool,
): void {
  const dh = ld(dhp + o, vec);
  const z = ld(g + o, vec), hh = ld(g + 2 * uB + o, vec);
  const h = ld(hp + o, vec);
  const daH = f32x4.mul(f32x4.mul(dh, f32x4.sub(splat(1), z)), vactGrad(hh, act));
  const daZ = f32x4.mul(f32x4.mul(dh, f32x4.sub(h, hh)), vactGrad(z, recAct));
  st(dx + o, daZ, vec);
  st(dx + 2 * uB + o, daH, vec);
}

/** reset_before, second half: da_r = d(r⊙h) ⊙ h ⊙ σ'(r); dh becomes dh⊙z + d(r⊙h)⊙r. */
// @ts-ignore: decorator
@inline function resetGrad(
  o: usize, uB: usize, g: usize, hp: usize, drhp: usize, dhp: usize, dx: usize,
  recAct: i32, vec: bool,
): void {
  const drh = ld(drhp + o, vec);
  const z = ld(g + o, vec), r = ld(g + uB + o, vec);
  const daR = f32x4.mul(f32x4.mul(drh, ld(hp + o, vec)), vactGrad(r, recAct));
  st(dx + uB + o, daR, vec);
  st(dhp + o, f32x4.add(f32x4.mul(ld(dhp + o, vec), z), f32x4.mul(drh, r)), vec);
}
