// The uniform recurrent cells (SimpleRNN, LSTM) over a whole sequence: one time loop, written once,
// dispatching to the cell's fused pointwise step (simple-rnn-cell.ts, lstm-cell.ts) by cell code.
// Each step is the recurrent product h_prev·U (G·u columns; G = 1 SimpleRNN, 4 LSTM) into the
// step's pre-activation rows, then the cell's pass over them; backward, the cell's gradient pass
// then dh_prev = dz·Uᵀ. U is packed once per call (or read in place when the product is thin, where
// packing would cost more than it saves), as the GRU's large path does.
//
// Layouts (f32, row-major, time-major in processing order; the caller reverses time for
// go_backwards): xproj and dxproj (T, B, G·u); hs and cs (T+1, B, u) with [0] the initial states
// (cs: LSTM only); gates (T, B, 4u) = [i | f | g | o] after activation and aux (T, B, u) = φ(c)
// (LSTM only; SimpleRNN's h_t is hs[t+1]). Inference (RNN_INFERENCE) keeps nothing: hs, cs
// (2, B, u) ping-pong from [0], gates (B, 4u) and aux (B, u) hold one step; final states at [T & 1].
// Masks: mask.ts. Recurrent dropout (recMask, recWork): rec-dropout.ts.

import { f32_gemm, f32_transpose, fewRows, gemmPrepacked } from "../gemm";
import { gemmDirect } from "../gemm-direct";
import { forceGeneral } from "../variants";
import { packB, packedBFloats } from "../gemm-packed";
import { ACT_LINEAR } from "../simd";
import { addRow } from "../elementwise";
import { CELL_LSTM, RNN_INFERENCE, RNN_RETURN_SEQUENCES, RNN_ZERO_OUTPUT_FOR_MASK, RNN_ZERO_STATE } from "./flags";
import { lstmBackwardRows, lstmForwardRows } from "./lstm-cell";
import { lstmSmallSeq, lstmSmallUnits } from "./lstm-small";
import { lstmSmallBackStep } from "./lstm-small-bwd";
import { anyMasked, copyMaskedRows, maskedGradRows, maskedStepEnd, zeroMaskedRows, writeStepOutput } from "./mask";
import { addMaskedGateGradient, maskedGateProducts, packGateColumns, packGateRows } from "./rec-dropout";
import { simpleRnnBackwardRows, simpleRnnForwardRows } from "./simple-rnn-cell";
import { simpleRnnSmallSeq, simpleRnnSmallUnits } from "./simple-rnn-small";

/** Gate blocks of a cell: 4 for the LSTM, 1 for SimpleRNN. */
// @ts-ignore: decorator
@inline function gatesOf(cell: i32): i32 {
  return cell == CELL_LSTM ? 4 : 1;
}

/** n rounded up to a multiple of 4 floats, so the regions after it stay 16-byte aligned. */
// @ts-ignore: decorator
@inline function round4(n: usize): usize {
  return (n + 3) & ~(<usize>3);
}

/**
 * Whether a per-step product (m × n, k deep) reads its B in place (gemm-direct.ts's tile) rather
 * than packed: n a multiple of 8 up to 64 with k up to 64, where B stays in L1 and packing A every
 * step would cost more than the product (u ≤ 16 for the LSTM's forward, u ≤ 64 for SimpleRNN's).
 */
// @ts-ignore: decorator
@inline function thinProduct(n: i32, k: i32): bool {
  return (n & 7) == 0 && n <= 64 && k <= 64 && !forceGeneral();
}

/**
 * Scratch floats f32_rnn_seq_fwd needs in `work`: U packed (packedBFloats(u, G·u) = round8(G·u)·u)
 * and the running output for masks (round4(B·u)).
 */
export function rnn_fwd_work_floats(cell: i32, batch: i32, units: i32): usize {
  return packedBFloats(units, gatesOf(cell) * units) + round4(<usize>batch * <usize>units);
}

/**
 * Scratch floats f32_rnn_seq_bwd needs in `work`: Uᵀ packed (packedBFloats(G·u, u) = round8(u)·G·u),
 * the running gradients and their saved masked rows (dh, saved dh, dLast; the LSTM adds dc and
 * saved dc: (2·S + 1)·round4(B·u) with S states) and Uᵀ (G·u·u).
 */
export function rnn_bwd_work_floats(cell: i32, batch: i32, units: i32): usize {
  const gu = gatesOf(cell) * units, states: usize = cell == CELL_LSTM ? 2 : 1;
  return packedBFloats(gu, units) + (2 * states + 1) * round4(<usize>batch * <usize>units) + <usize>gu * <usize>units;
}

/**
 * Forward pass over `steps` timesteps of cell `cell` (CELL_SIMPLE_RNN 0, CELL_LSTM 1).
 * xproj (T,B,G·u) = x·W + b in processing order; recKernel U (u, G·u); hs, cs, gates, aux as in the
 * file comment (cs, gates, aux 0 for SimpleRNN), hs[0] (cs[0]) read as the initial states.
 * out: (B,T,u) with RNN_RETURN_SEQUENCES, else (B,u) the last output; 0 to skip. mask: 0 or (T,B)
 * (mask.ts). work: rnn_fwd_work_floats(cell, batch, units) f32. flags: RNN_* (flags.ts);
 * RNN_ZERO_STATE skips step 0's h·U (zero). recAct: the LSTM's σ; act: φ (activation codes, simd.ts).
 * recMask: 0, or the recurrent dropout masks (B, G·u) (training; rec-dropout.ts) with recWork
 * rec_dropout_work_floats(G, batch, units) f32.
 */
export function f32_rnn_seq_fwd(
  cell: i32, batch: i32, steps: i32, units: i32,
  xproj: usize, recKernel: usize, hs: usize, cs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize,
  flags: i32, recAct: i32, act: i32, recMask: usize, recWork: usize,
): void {
  const lstm = cell == CELL_LSTM, u = units, gu = gatesOf(cell) * u;
  const uB = <usize>u << 2, stateBytes = <usize>batch * uB, stepBytes = stateBytes * <usize>gatesOf(cell);
  const returnSequences = (flags & RNN_RETURN_SEQUENCES) != 0;
  const keep = (flags & RNN_INFERENCE) == 0;
  const zeroState = (flags & RNN_ZERO_STATE) != 0, zeroOutput = (flags & RNN_ZERO_OUTPUT_FOR_MASK) != 0;
  const thin = thinProduct(gu, u), rows = fewRows(batch);
  const packedU = work, last = work + (packedBFloats(u, gu) << 2);
  if (recMask) packGateColumns(0, gatesOf(cell), u, gu, recKernel, recWork);
  else if (!thin && !rows) packB(u, gu, recKernel, gu, packedU);
  if (mask) memory.fill(last, 0, stateBytes);
  for (let t = 0; t < steps; t++) {
    // training keeps every step for backward; inference reuses one step's buffers (they stay in cache)
    const prev: usize = keep ? t : t & 1, next: usize = keep ? t + 1 : (t + 1) & 1;
    const hPrev = hs + prev * stateBytes, hNext = hs + next * stateBytes;
    // the step's pre-activation rows: the LSTM's gates, SimpleRNN's new state
    const z = lstm ? gates + (keep ? <usize>t * stepBytes : 0) : hNext;
    if (zeroState && t == 0) memory.fill(z, 0, stepBytes);
    else if (recMask) maskedGateProducts(batch, u, gu, 0, gatesOf(cell), hPrev, recMask, recWork, z, gu, 0, gatesOf(cell));
    else if (thin) gemmDirect(batch, gu, u, hPrev, u, 1, recKernel, gu, z, gu, false, 0, ACT_LINEAR);
    else if (rows) f32_gemm(batch, gu, u, hPrev, u, 1, recKernel, gu, z, gu, 0, 0, ACT_LINEAR);
    else gemmPrepacked(batch, gu, u, hPrev, u, 1, packedU, z, gu, 0, 0, ACT_LINEAR);
    const xp = xproj + <usize>t * stepBytes;
    const cPrev = lstm ? cs + prev * stateBytes : 0, cNext = lstm ? cs + next * stateBytes : 0;
    if (lstm) lstmForwardRows(batch, u, xp, z, cPrev, cNext, hNext, aux + (keep ? <usize>t * stateBytes : 0), recAct, act);
    else simpleRnnForwardRows(batch * u, xp, hNext, act);
    const seqOut = out && returnSequences ? out : 0;
    if (mask) maskedStepEnd(batch, uB, mask + <usize>t * (<usize>batch << 2), hPrev, hNext, cPrev, cNext, last, zeroOutput, seqOut, t, steps);
    else if (seqOut) writeStepOutput(batch, uB, hNext, seqOut, t, steps);
  }
  if (out && !returnSequences) memory.copy(out, mask ? last : hs + <usize>(keep ? steps : steps & 1) * stateBytes, stateBytes);
}

/** 1 when f32_lstm_fwd_small takes `units` (a multiple of 4, at most 32), else 0. */
export function lstm_small_units(units: i32): i32 {
  return lstmSmallUnits(units) ? 1 : 0;
}

/**
 * The LSTM's forward pass for small hidden sizes (lstm_small_units) with the input projection fused
 * into each step (lstm-small.ts): x (B, T, F) as the model receives it (RNN_GO_BACKWARDS reads it
 * backwards), kernel (F, 4u), bias (4u) or 0, recKernel (u, 4u); hs[0] and cs[0] the initial
 * states, written by the caller (zeros with RNN_ZERO_STATE, where step 0 skips the h·U products).
 * Training (no RNN_INFERENCE) keeps hs, cs, gates and aux as f32_rnn_seq_fwd does, for
 * f32_rnn_seq_bwd; with RNN_INFERENCE hs and cs are (2, B, u) (the final states at [T & 1]), gates
 * (B, 4u) and aux (B, u) scratch. out, mask: as f32_rnn_seq_fwd's. work:
 * rnn_fwd_work_floats(CELL_LSTM, batch, units) f32 (read only with a mask).
 */
export function f32_lstm_fwd_small(
  batch: i32, steps: i32, units: i32, features: i32,
  x: usize, kernel: usize, bias: usize, recKernel: usize,
  hs: usize, cs: usize, gates: usize, aux: usize, out: usize, mask: usize, work: usize,
  flags: i32, recAct: i32, act: i32,
): void {
  if (!lstmSmallUnits(units) || batch <= 0) unreachable();
  lstmSmallSeq(batch, steps, units, features, x, kernel, bias, recKernel, hs, cs, gates, aux, out, mask, work + (packedBFloats(units, 4 * units) << 2), flags, recAct, act);
}

/** 1 when f32_simple_rnn_fwd_small takes `units` (a multiple of 4, at most 64), else 0. */
export function simple_rnn_small_units(units: i32): i32 {
  return simpleRnnSmallUnits(units) ? 1 : 0;
}

/**
 * SimpleRNN's forward pass for small hidden sizes (simple_rnn_small_units) with the input projection
 * fused into each step (simple-rnn-small.ts): x (B, T, F) as the model receives it (RNN_GO_BACKWARDS
 * reads it backwards), kernel (F, u), bias (u) or 0, recKernel (u, u); hs[0] the initial state,
 * written by the caller. Training keeps hs (T+1, B, u) for f32_rnn_seq_bwd; with RNN_INFERENCE hs
 * is (2, B, u) (the final state at [T & 1]). out, mask: as f32_rnn_seq_fwd's. work:
 * rnn_fwd_work_floats(CELL_SIMPLE_RNN, batch, units) f32 (read only with a mask).
 */
export function f32_simple_rnn_fwd_small(
  batch: i32, steps: i32, units: i32, features: i32,
  x: usize, kernel: usize, bias: usize, recKernel: usize, hs: usize, out: usize, mask: usize, work: usize,
  flags: i32, act: i32,
): void {
  if (!simpleRnnSmallUnits(units) || batch <= 0) unreachable();
  simpleRnnSmallSeq(batch, steps, units, features, x, kernel, bias, recKernel, hs, out, mask, work + (packedBFloats(units, units) << 2), flags, act);
}

/**
 * Backward through time from what f32_rnn_seq_fwd kept (training). dOut: (B,T,u) with
 * RNN_RETURN_SEQUENCES, else (B,u) the last output's gradient. dhT, dcT: 0 or (B,u), the gradients
 * of the final states (dcT: LSTM). Writes dxproj (T,B,G·u), the gradient of the pre-activations z
 * (the caller forms dW = xᵀ·dxproj, dU = h_prevᵀ·dxproj over all B·T rows and db from its column
 * sums), and dh0, dc0 (0 or (B,u)): dL/dh_0, dL/dc_0. With RNN_ZERO_STATE and no dh0 the last
 * product (dh_0 = dz_0·Uᵀ, unread) is skipped. work: rnn_bwd_work_floats(cell, batch, units) f32.
 * recMask, recWork: the forward's recurrent dropout masks (or 0) and rec_dropout_work_floats(G, batch,
 * units) f32; the caller's dU then reads the masked states (f32_rnn_masked_states).
 */
export function f32_rnn_seq_bwd(
  cell: i32, batch: i32, steps: i32, units: i32,
  recKernel: usize, hs: usize, cs: usize, gates: usize, aux: usize, dOut: usize, dhT: usize, dcT: usize, mask: usize,
  dxproj: usize, dh0: usize, dc0: usize, work: usize,
  flags: i32, recAct: i32, act: i32, recMask: usize, recWork: usize,
): void {
  const lstm = cell == CELL_LSTM, u = units, gu = gatesOf(cell) * u;
  const uB = <usize>u << 2, stateBytes = <usize>batch * uB, stepBytes = stateBytes * <usize>gatesOf(cell);
  const returnSequences = (flags & RNN_RETURN_SEQUENCES) != 0;
  const zeroState = (flags & RNN_ZERO_STATE) != 0, zeroOutput = (flags & RNN_ZERO_OUTPUT_FOR_MASK) != 0;
  const region = round4(<usize>batch * <usize>u) << 2;
  const packedUt = work;
  const dh = packedUt + (packedBFloats(gu, u) << 2), dLast = dh + region, savedH = dLast + region;
  const dc = savedH + region, savedC = dc + region;
  const ut = lstm ? savedC + region : dc;
  const thin = thinProduct(u, gu);
  // the LSTM's small path reads Uᵀ in place (lstm-small-bwd.ts)
  const small = lstm && !recMask && lstmSmallUnits(u);
  f32_transpose(u, gu, recKernel, ut);
  if (recMask) packGateRows(gatesOf(cell), u, ut, recWork);
  else if (!thin && !small) packB(gu, u, ut, u, packedUt);
  startGradient(dh, dhT, stateBytes);
  if (lstm) startGradient(dc, dcT, stateBytes);
  if (mask) memory.fill(dLast, 0, stateBytes);
  for (let t = steps - 1; t >= 0; t--) {
    const dx = dxproj + <usize>t * stepBytes;
    const maskRow = mask ? mask + <usize>t * (<usize>batch << 2) : 0;
    // the step's output gradient: straight into dh, or through the last-output chain with a mask
    const target = mask ? dLast : dh;
    if (returnSequences) addStepGradient(batch, uB, dOut, t, steps, target);
    else if (t == steps - 1) addRow(target, dOut, stateBytes);
    const masked = mask ? anyMasked(batch, maskRow) : false;
    if (mask) maskedGradRows(batch, uB, maskRow, dLast, dh, zeroOutput);
    if (masked) {
      copyMaskedRows(batch, uB, maskRow, dh, savedH);
      if (lstm) copyMaskedRows(batch, uB, maskRow, dc, savedC);
    }
    // with h0 = 0 and no dh0 wanted, the first step's dh_prev is not read: skipped
    const stateGrad = !(zeroState && t == 0 && !dh0);
    const ts = <usize>t * stateBytes;
    // the small path forms dh_prev block by block with the gate gradients (a masked row's is restored below)
    if (small) lstmSmallBackStep(batch, u, ut, gates + <usize>t * stepBytes, aux + ts, cs + ts, dh, dc, dx, recAct, act, stateGrad);
    else if (lstm) lstmBackwardRows(batch, u, gates + <usize>t * stepBytes, aux + ts, cs + ts, dh, dc, dx, recAct, act);
    else simpleRnnBackwardRows(batch * u, hs + <usize>(t + 1) * stateBytes, dh, dx, act);
    if (masked) zeroMaskedRows(batch, <usize>gu << 2, maskRow, dx);
    // dh_prev = dz·Uᵀ (h_prev reaches the step through z only); with recurrent dropout Σ_g m_g ⊙ dz_g·U_gᵀ
    if (stateGrad && !small) {
      if (recMask) {
        memory.fill(dh, 0, stateBytes);
        for (let g = 0; g < gatesOf(cell); g++) addMaskedGateGradient(batch, u, gu, g, dx + (<usize>(g * u) << 2), gu, recMask, recWork, dh, gatesOf(cell));
      } else if (thin) gemmDirect(batch, u, gu, dx, gu, 1, ut, u, dh, u, false, 0, ACT_LINEAR);
      else gemmPrepacked(batch, u, gu, dx, gu, 1, packedUt, dh, u, 0, 0, ACT_LINEAR);
    }
    if (masked) {
      copyMaskedRows(batch, uB, maskRow, savedH, dh);
      if (lstm) copyMaskedRows(batch, uB, maskRow, savedC, dc);
    }
  }
  if (dh0) memory.copy(dh0, dh, stateBytes);
  if (lstm && dc0) memory.copy(dc0, dc, stateBytes);
}

/** A running gradient's start: a copy of `from` (B, u), or zeros when it is 0. */
// @ts-ignore: decorator
@inline function startGradient(dst: usize, from: usize, bytes: usize): void {
  if (from) memory.copy(dst, from, bytes);
  else memory.fill(dst, 0, bytes);
}

/** dst (B, u) += dOut (B, T, u)[:, t]: a step's output gradient. */
export function addStepGradient(batch: i32, uB: usize, dOut: usize, t: i32, steps: i32, dst: usize): void {
  for (let b = 0; b < batch; b++) addRow(dst + <usize>b * uB, dOut + (<usize>b * <usize>steps + <usize>t) * uB, uB);
}
