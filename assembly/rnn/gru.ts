// GRU over a whole sequence: forward keeps what backward needs; backward runs through time.
//
// Layouts (f32, row-major), all time-major and in processing order (the caller reverses the input
// for go_backwards), so each step reads and writes contiguous rows (a batch-major xproj made every
// step gather 3 cache lines from each of B rows spread over the whole buffer — measured the main
// cost of the time loop at large batches): xproj and dxproj (T, B, 3u), hs (T+1, B, u) with hs[0]
// the initial state, gates (T, B, 3u) = [z | r | h~] after activation,
// aux (T, B, u) = u_h = h·U_h + br_h (reset_after) or r ⊙ h (not reset_after), duh (T, B, u) the
// gradient of u_h (reset_after). Outputs stay in processing order (Keras's go_backwards).
// Masks (gru-mask.ts, on mask.ts): a (T, B) f32 row of 1 (valid) / 0 (masked) per step, in processing order; a
// masked row carries its state and repeats its previous output (or outputs 0), and backward passes
// its state gradient through unchanged. Without a mask no step does any of that work.
// Recurrent dropout (recMask (B, 3u) = [m_z | m_r | m_h] per row, recWork; rec-dropout.ts, Keras 3's
// implementation 1): the gates' recurrent products read h ⊙ m_z, h ⊙ m_r, h ⊙ m_h (reset_before:
// r ⊙ (h ⊙ m_h)), the blend z ⊙ h reads h unmasked; those steps take a branch of their own.

import { f32_gemm, fewRows, gemmPrepacked } from "../gemm";
import { packB, packedBFloats } from "../gemm-packed";
import { ACT_HARD_SIGMOID, ACT_HARD_SIGMOID_KERAS3, ACT_LINEAR, ACT_SIGMOID, ACT_TANH, activate8InPlace, ld, st, vact } from "../simd";
import { gruSmallSeq, smallUnits } from "./gru-small";
import { RNN_INFERENCE, RNN_RESET_AFTER, RNN_RETURN_SEQUENCES, RNN_ZERO_OUTPUT_FOR_MASK, RNN_ZERO_STATE } from "./flags";
import { maskForwardStep, writeStepOutput } from "./gru-mask";
import { maskState, maskedGateProducts, maskedStateBuffer, packGateColumns, packedGate } from "./rec-dropout";

/** n rounded up to a multiple of 4 floats, so the regions after it stay 16-byte aligned. */
// @ts-ignore: decorator
@inline function round4(n: usize): usize {
  return (n + 3) & ~(<usize>3);
}

/**
 * Scratch floats f32_gru_seq_fwd and f32_gru_fwd_small need in `work`: the running output for masks
 * (round4(B·u)), then U packed (round8(2u)·u + round8(u)·u + round8(3u)·u; the large path only).
 */
export function gru_fwd_work_floats(batch: i32, units: i32): usize {
  return round4(<usize>batch * <usize>units) + packedBFloats(units, 2 * units) + packedBFloats(units, units) + packedBFloats(units, 3 * units);
}

/**
 * Forward pass over `steps` timesteps.
 * xproj (T,B,3u): x·W + input bias, in processing order. recKernel U (u,3u). recBias (3u) or 0: the recurrent bias,
 * used with reset_after only. hs (T+1,B,u): hs[0] is read as the initial state, hs[1..T] written.
 * gates, aux: written (see the file comment). With RNN_INFERENCE, hs is (2,B,u), gates (B,3u) and
 * aux (B,u): nothing is kept; the final state is hs[T & 1]. out: (B,T,u) with RNN_RETURN_SEQUENCES,
 * else (B,u) the last output; 0 to skip. mask: 0 or (T,B) (see the file comment; with
 * RNN_ZERO_OUTPUT_FOR_MASK a masked step outputs 0). work: gru_fwd_work_floats(batch, units) f32.
 * Without RNN_ZERO_STATE, hs[0] may hold any initial state. recAct and act are activation codes
 * (see simd.ts). recMask: 0, or the recurrent dropout masks (B, 3u) (training) with recWork
 * rec_dropout_work_floats(3, batch, units) f32.
 */
export function f32_gru_seq_fwd(
  batch: i32, steps: i32, units: i32,
  xproj: usize, recKernel: usize, recBias: usize,
  hs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize,
  flags: i32, recAct: i32, act: i32, recMask: usize, recWork: usize,
): void {
  const u = units, u3 = 3 * units;
  const uB = <usize>u << 2, u3B = <usize>u3 << 2;
  const stateBytes = <usize>batch * uB, gateBytes = <usize>batch * u3B;
  const returnSequences = (flags & RNN_RETURN_SEQUENCES) != 0;
  const keep = (flags & RNN_INFERENCE) == 0;
  const zeroState = (flags & RNN_ZERO_STATE) != 0, zeroOutput = (flags & RNN_ZERO_OUTPUT_FOR_MASK) != 0;
  // the running output (masks), then U packed once for all steps: whole (reset_after) or as its
  // [z | r] and h column blocks
  // (fewer than 4 rows: the steps read U as it is)
  const last = work, packedU = last + (round4(<usize>batch * <usize>u) << 2), packedUh = packedU + (packedBFloats(u, 2 * u) << 2);
  const rows = fewRows(batch);
  if (mask) memory.fill(last, 0, stateBytes);
  if (recMask) packGateColumns(0, 3, u, u3, recKernel, recWork);
  else if (rows) {
    // nothing to pack
  } else if (flags & RNN_RESET_AFTER) packB(u, u3, recKernel, u3, packedU);
  else {
    packB(u, 2 * u, recKernel, u3, packedU);
    packB(u, u, recKernel + (<usize>(2 * u) << 2), u3, packedUh);
  }
  for (let t = 0; t < steps; t++) {
    // training keeps every step for backward; inference reuses one step's buffers (they stay in cache)
    const hPrev = hs + <usize>(keep ? t : t & 1) * stateBytes;
    const hNext = hs + <usize>(keep ? t + 1 : (t + 1) & 1) * stateBytes;
    const g = gates + (keep ? <usize>t * gateBytes : 0);
    const ax = aux + (keep ? <usize>t * stateBytes : 0);
    // h0 = 0: h0·U is zero, so the step's recurrent projection is the recurrent bias alone
    const skip = zeroState && t == 0;
    if (flags & RNN_RESET_AFTER) {
      if (skip) fillRows(batch, u3, recBias, g);
      else if (recMask) maskedGateProducts(batch, u, u3, 0, 3, hPrev, recMask, recWork, g, u3, recBias, 3);
      else if (rows) f32_gemm(batch, u3, u, hPrev, u, 1, recKernel, u3, g, u3, 0, recBias, ACT_LINEAR);
      else gemmPrepacked(batch, u3, u, hPrev, u, 1, packedU, g, u3, 0, recBias, ACT_LINEAR);
      resetAfterPass(batch, uB, xproj + <usize>t * gateBytes, g, hPrev, hNext, ax, recAct, act);
    } else {
      if (skip) fillRows(batch, u3, 0, g);
      else if (recMask) maskedGateProducts(batch, u, u3, 0, 2, hPrev, recMask, recWork, g, u3, 0, 3);
      else if (rows) f32_gemm(batch, 2 * u, u, hPrev, u, 1, recKernel, u3, g, u3, 0, 0, ACT_LINEAR);
      else gemmPrepacked(batch, 2 * u, u, hPrev, u, 1, packedU, g, u3, 0, 0, ACT_LINEAR);
      if (recMask) {
        // aux = r ⊙ (h ⊙ m_h), the candidate product's input
        const hm = maskedStateBuffer(recWork, 3, u);
        maskState(batch, u, u3, 2, hPrev, recMask, hm);
        updateResetPass(batch, uB, xproj + <usize>t * gateBytes, g, hm, ax, recAct);
      } else {
        updateResetPass(batch, uB, xproj + <usize>t * gateBytes, g, hPrev, ax, recAct);
      }
      // (r ⊙ h0)·U_h is zero too (fillRows above cleared that block)
      if (skip) {
        // (r ⊙ h0)·U_h is zero
      } else if (rows && !recMask) f32_gemm(batch, u, u, ax, u, 1, recKernel + (<usize>(2 * u) << 2), u3, g + 2 * uB, u3, 0, 0, ACT_LINEAR);
      else gemmPrepacked(batch, u, u, ax, u, 1, recMask ? packedGate(recWork, 2, u) : packedUh, g + 2 * uB, u3, 0, 0, ACT_LINEAR);
      candidatePass(batch, uB, xproj + <usize>t * gateBytes, g, hPrev, hNext, act);
    }
    let output = hNext;
    if (mask) {
      output = last;
      maskForwardStep(batch, uB, mask + <usize>t * (<usize>batch << 2), hPrev, hNext, last, zeroOutput);
    }
    if (out && returnSequences) writeStepOutput(batch, uB, output, out, t, steps);
  }
  if (out && !returnSequences) memory.copy(out, mask ? last : hs + <usize>(keep ? steps : steps & 1) * stateBytes, stateBytes);
}

/** Each of `rows` rows of `cols` floats at dst set to bias (cols floats), or zeroed when bias is 0. */
function fillRows(rows: i32, cols: i32, bias: usize, dst: usize): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const row = dst + <usize>r * bytes;
    if (bias) memory.copy(row, bias, bytes);
    else memory.fill(row, 0, bytes);
  }
}

/** 1 when f32_gru_fwd_small takes `units` (a multiple of 4, at most 32), else 0. */
export function gru_small_units(units: i32): i32 {
  return smallUnits(units) ? 1 : 0;
}

/**
 * The forward pass for small hidden sizes (gru_small_units) with the input projection fused into
 * each step: x (B, T, F) as the model receives it (RNN_GO_BACKWARDS reads it backwards), kernel
 * (F, 3u), bias (3u, or 2·3u with reset_after; 0 without), recKernel (u, 3u); hs[0] the initial
 * state, written by the caller (zeros with RNN_ZERO_STATE, where step 0 skips the h·U products).
 * Training (no RNN_INFERENCE) keeps hs (T+1, B, u), gates (T, B, 3u) and aux (T, B, u) as
 * f32_gru_seq_fwd does, for f32_gru_seq_bwd; with RNN_INFERENCE hs is (2, B, u) (the final state
 * at hs[T & 1]), gates (B, 3u) and aux (B, u) scratch. out: (B, T, u) with RNN_RETURN_SEQUENCES,
 * else (B, u) the last output. mask: 0 or (T, B) in processing order (as f32_gru_seq_fwd's).
 * work: gru_fwd_work_floats(batch, units) f32 (read only with a mask).
 */
export function f32_gru_fwd_small(
  batch: i32, steps: i32, units: i32, features: i32,
  x: usize, kernel: usize, bias: usize, recKernel: usize,
  hs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize,
  flags: i32, recAct: i32, act: i32,
): void {
  if (!smallUnits(units) || batch <= 0) unreachable();
  gruSmallSeq(batch, steps, units, features, x, kernel, bias, recKernel, hs, gates, aux, out, mask, work, flags, recAct, act);
}

/**
 * One step's gate passes over its batch rows (xp, g: the step's (B, 3u) projections; hp, hn, ax:
 * (B, u)). The activation pairs of Keras (2 and 3: sigmoid or either hard sigmoid, with tanh) get
 * copies of their own with the activations inlined, where the long ones (tanh, sigmoid) run eight
 * vectors side by side; other pairs, one at a time
 * (1.10× forward for Keras's pair at u = 256, 1.02× for tfjs's; the rest of the step is GEMMs).
 */
function resetAfterPass(batch: i32, uB: usize, xp: usize, g: usize, hp: usize, hn: usize, ax: usize, recAct: i32, act: i32): void {
  if (act == ACT_TANH && recAct == ACT_SIGMOID) gateRows(PASS_RESET_AFTER, batch, uB, xp, g, hp, hn, ax, ACT_SIGMOID, ACT_TANH, true);
  else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID) gateRows(PASS_RESET_AFTER, batch, uB, xp, g, hp, hn, ax, ACT_HARD_SIGMOID, ACT_TANH, true);
  else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID_KERAS3) gateRows(PASS_RESET_AFTER, batch, uB, xp, g, hp, hn, ax, ACT_HARD_SIGMOID_KERAS3, ACT_TANH, true);
  else gateRows(PASS_RESET_AFTER, batch, uB, xp, g, hp, hn, ax, recAct, act, false);
}

/** reset_before, first pass: z and r, and r ⊙ h (see resetAfterPass). */
function updateResetPass(batch: i32, uB: usize, xp: usize, g: usize, hp: usize, ax: usize, recAct: i32): void {
  if (recAct == ACT_SIGMOID) gateRows(PASS_UPDATE_RESET, batch, uB, xp, g, hp, 0, ax, ACT_SIGMOID, ACT_LINEAR, true);
  else if (recAct == ACT_HARD_SIGMOID) gateRows(PASS_UPDATE_RESET, batch, uB, xp, g, hp, 0, ax, ACT_HARD_SIGMOID, ACT_LINEAR, true);
  else if (recAct == ACT_HARD_SIGMOID_KERAS3) gateRows(PASS_UPDATE_RESET, batch, uB, xp, g, hp, 0, ax, ACT_HARD_SIGMOID_KERAS3, ACT_LINEAR, true);
  else gateRows(PASS_UPDATE_RESET, batch, uB, xp, g, hp, 0, ax, recAct, ACT_LINEAR, false);
}

/** reset_before, second pass: the candidate and the new state (see resetAfterPass). */
function candidatePass(batch: i32, uB: usize, xp: usize, g: usize, hp: usize, hn: usize, act: i32): void {
  if (act == ACT_TANH) gateRows(PASS_CANDIDATE, batch, uB, xp, g, hp, hn, 0, ACT_LINEAR, ACT_TANH, true);
  else gateRows(PASS_CANDIDATE, batch, uB, xp, g, hp, hn, 0, ACT_LINEAR, act, false);
}

const PASS_RESET_AFTER = 0, PASS_UPDATE_RESET = 1, PASS_CANDIDATE = 2;

/** The rows of one gate pass (`pass`, a constant): eight vectors at a time when `wide`, then one, then single floats. */
// @ts-ignore: decorator
@inline function gateRows(
  pass: i32, batch: i32, uB: usize, xp: usize, g: usize, hp: usize, hn: usize, ax: usize, recAct: i32, act: i32, wide: bool,
): void {
  for (let b = 0; b < batch; b++) {
    const rowG = <usize>b * uB * 3, row = <usize>b * uB;
    const x = xp + rowG, gr = g + rowG, h = hp + row, n = hn + row, a = ax + row;
    let o: usize = 0;
    if (wide) {
      for (; o + 128 <= uB; o += 128) {
        if (pass == PASS_RESET_AFTER) cellsResetAfter8(o, uB, x, gr, h, n, a, recAct, act);
        else if (pass == PASS_UPDATE_RESET) updateAndReset8(o, uB, x, gr, h, a, recAct);
        else candidates8(o, uB, x, gr, h, n, act);
      }
    }
    for (; o + 16 <= uB; o += 16) {
      if (pass == PASS_RESET_AFTER) cellResetAfter(o, uB, x, gr, h, n, a, recAct, act, true);
      else if (pass == PASS_UPDATE_RESET) updateAndReset(o, uB, x, gr, h, a, recAct, true);
      else candidate(o, uB, x, gr, h, n, act, true);
    }
    for (; o < uB; o += 4) {
      if (pass == PASS_RESET_AFTER) cellResetAfter(o, uB, x, gr, h, n, a, recAct, act, false);
      else if (pass == PASS_UPDATE_RESET) updateAndReset(o, uB, x, gr, h, a, recAct, false);
      else candidate(o, uB, x, gr, h, n, act, false);
    }
  }
}

/**
 * Eight vectors at p (128 bytes) activated in place: tanh and the sigmoid as eight chains side by
 * side (simd.ts, activate8InPlace), short activations one vector at a time.
 */
// @ts-ignore: decorator
@inline function activateRun8(p: usize, act: i32): void {
  if (act == ACT_TANH || act == ACT_SIGMOID) activate8InPlace(p, p + 16, p + 32, p + 48, 64, act == ACT_TANH);
  else for (let i: usize = 0; i < 128; i += 16) v128.store(p + i, vact(v128.load(p + i), act));
}

/** `dst` (8 vectors) = `a` + `b`, elementwise. */
// @ts-ignore: decorator
@inline function addRun8(dst: usize, a: usize, b: usize): void {
  for (let i: usize = 0; i < 128; i += 16) v128.store(dst + i, f32x4.add(v128.load(a + i), v128.load(b + i)));
}

/** cellResetAfter over eight vectors (o … o + 127): each gate's pre-activations, then its activation run. */
// @ts-ignore: decorator
@inline function cellsResetAfter8(
  o: usize, uB: usize, xp: usize, g: usize, hp: usize, hn: usize, ax: usize, recAct: i32, act: i32,
): void {
  const gz = g + o, gr = g + uB + o, gh = g + 2 * uB + o;
  addRun8(gz, xp + o, gz);
  addRun8(gr, xp + uB + o, gr);
  activateRun8(gz, recAct);
  activateRun8(gr, recAct);
  for (let i: usize = 0; i < 128; i += 16) {
    const uh = v128.load(gh + i);
    v128.store(ax + o + i, uh);
    v128.store(gh + i, f32x4.add(v128.load(xp + 2 * uB + o + i), f32x4.mul(v128.load(gr + i), uh)));
  }
  activateRun8(gh, act);
  newStates8(gz, gh, hp + o, hn + o);
}

/** updateAndReset over eight vectors (o … o + 127). */
// @ts-ignore: decorator
@inline function updateAndReset8(o: usize, uB: usize, xp: usize, g: usize, hp: usize, ax: usize, recAct: i32): void {
  const gz = g + o, gr = g + uB + o;
  addRun8(gz, xp + o, gz);
  addRun8(gr, xp + uB + o, gr);
  activateRun8(gz, recAct);
  activateRun8(gr, recAct);
  for (let i: usize = 0; i < 128; i += 16) v128.store(ax + o + i, f32x4.mul(v128.load(gr + i), v128.load(hp + o + i)));
}

/** candidate over eight vectors (o … o + 127). */
// @ts-ignore: decorator
@inline function candidates8(o: usize, uB: usize, xp: usize, g: usize, hp: usize, hn: usize, act: i32): void {
  const gh = g + 2 * uB + o;
  addRun8(gh, xp + 2 * uB + o, gh);
  activateRun8(gh, act);
  newStates8(g + o, gh, hp + o, hn + o);
}

/** h' = h~ + z ⊙ (h − h~) for eight vectors: z at gz, h~ at gh, h at hp, h' to hn. */
// @ts-ignore: decorator
@inline function newStates8(gz: usize, gh: usize, hp: usize, hn: usize): void {
  for (let i: usize = 0; i < 128; i += 16) {
    const hh = v128.load(gh + i);
    v128.store(hn + i, f32x4.add(hh, f32x4.mul(v128.load(gz + i), f32x4.sub(v128.load(hp + i), hh))));
  }
}

/** reset_after: gates from x-projection xp and recurrent projection g (= h·U + br), in place. */
// @ts-ignore: decorator
@inline function cellResetAfter(
  o: usize, uB: usize, xp: usize, g: usize, hp: usize, hn: usize, ax: usize,
  recAct: i32, act: i32, vec: bool,
): void {
  const uh = ld(g + 2 * uB + o, vec);
  const z = vact(f32x4.add(ld(xp + o, vec), ld(g + o, vec)), recAct);
  const r = vact(f32x4.add(ld(xp + uB + o, vec), ld(g + uB + o, vec)), recAct);
  const hh = vact(f32x4.add(ld(xp + 2 * uB + o, vec), f32x4.mul(r, uh)), act);
  const h = ld(hp + o, vec);
  st(ax + o, uh, vec);
  st(g + o, z, vec);
  st(g + uB + o, r, vec);
  st(g + 2 * uB + o, hh, vec);
  st(hn + o, f32x4.add(hh, f32x4.mul(z, f32x4.sub(h, hh))), vec);
}

/** reset_before, first half: z and r in place; ax = r ⊙ h for the candidate's projection. */
// @ts-ignore: decorator
@inline function updateAndReset(
  o: usize, uB: usize, xp: usize, g: usize, hp: usize, ax: usize, recAct: i32, vec: bool,
): void {
  const z = vact(f32x4.add(ld(xp + o, vec), ld(g + o, vec)), recAct);
  const r = vact(f32x4.add(ld(xp + uB + o, vec), ld(g + uB + o, vec)), recAct);
  st(g + o, z, vec);
  st(g + uB + o, r, vec);
  st(ax + o, f32x4.mul(r, ld(hp + o, vec)), vec);
}

/** reset_before, second half: h~ from xp and g's (r⊙h)·U_h block, in place; the new state. */
// @ts-ignore: decorator
@inline function candidate(
  o: usize, uB: usize, xp: usize, g: usize, hp: usize, hn: usize, act: i32, vec: bool,
): void {
  const hh = vact(f32x4.add(ld(xp + 2 * uB + o, vec), ld(g + 2 * uB + o, vec)), act);
  const z = ld(g + o, vec);
  const h = ld(hp + o, vec);
  st(g + 2 * uB + o, hh, vec);
  st(hn + o, f32x4.add(hh, f32x4.mul(z, f32x4.sub(h, hh))), vec);
}
