/**
 * A GRU layer's whole sequence as a handful of kernel calls. Everything the time loop touches is
 * time-major and in processing order, so x is swapped to (T, B, F) once (time reversed for
 * go_backwards); then the input projection of every timestep is one GEMM, the loop one call, and in
 * backward the loop one call followed by the weight gradients as single GEMMs over all B·T rows, and
 * dx swapped back to (B, T, F).
 */
import type { Device } from '../backend/engine.js';
import { RnnFlags, type ActivationCode } from '../backend/activation-codes.js';
import { matmul, matmulTransposeB } from './matmul.js';
import { columnSums, swapLeadingAxes } from './elementwise.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';

export interface GruOpConfig {
  units: number;
  resetAfter: boolean;
  returnSequences: boolean;
  goBackwards: boolean;
  recurrentActivation: ActivationCode;
  activation: ActivationCode;
}

/** Byte offsets of the weights (or of their gradients): kernel (F,3u), recurrent (u,3u), bias or 0. */
export interface GruPointers {
  kernel: number;
  recurrentKernel: number;
  bias: number;
}

/** What forward keeps for backward. */
export interface GruCache {
  /** The input, time-major in processing order (T, B, F). */
  xt: DeviceTensor;
  /** The input projection's buffer (unwritten for small hidden sizes), reused by backward for its gradient. */
  xproj: DeviceTensor;
  hs: DeviceTensor;
  gates: DeviceTensor;
  aux: DeviceTensor;
}

/** The sequence kernels' flags; the layer has no initial-state input, so hs[0] is always zero. */
function kernelFlags(cfg: GruOpConfig): number {
  return (cfg.returnSequences ? RnnFlags.returnSequences : 0) | (cfg.resetAfter ? RnnFlags.resetAfter : 0) | RnnFlags.zeroState;
}

/**
 * x (B, T, F) → (B, T, u) with returnSequences, else (B, u). With `training` false nothing is kept
 * for backward (the loop reuses one step's buffers) and the cache is null. Small hidden sizes take
 * one kernel that fuses the input projection into every step (gruForwardSmall).
 */
export function gruForward(
  engine: Device, scratch: Scratch, x: DeviceTensor, w: GruPointers, cfg: GruOpConfig, training: false,
): { y: DeviceTensor; cache: null };
export function gruForward(
  engine: Device, scratch: Scratch, x: DeviceTensor, w: GruPointers, cfg: GruOpConfig, training?: true,
): { y: DeviceTensor; cache: GruCache };
export function gruForward(
  engine: Device, scratch: Scratch, x: DeviceTensor, w: GruPointers, cfg: GruOpConfig, training?: boolean,
): { y: DeviceTensor; cache: GruCache | null };
export function gruForward(
  engine: Device, scratch: Scratch, x: DeviceTensor, w: GruPointers, cfg: GruOpConfig, training = true,
): { y: DeviceTensor; cache: GruCache | null } {
  const [batch, steps, features] = x.shape;
  const u = cfg.units, u3 = 3 * u;
  if (batch > 0 && engine.kernels.gru_small_units(u)) return gruForwardSmall(engine, scratch, x, w, cfg, training);
  const xt = timeMajor(engine, scratch, x, cfg);
  const xproj = scratch.alloc([steps, batch, u3]);
  // input bias: the whole bias without reset_after, its first row with it
  matmul(engine, { m: steps * batch, n: u3, k: features, a: xt.ptr, b: w.kernel, c: xproj.ptr, bias: w.bias });
  const { hs, gates, aux, y } = loopBuffers(engine, scratch, batch, steps, cfg, training);
  const recBias = cfg.resetAfter && w.bias ? w.bias + u3 * 4 : 0;
  const work = scratch.alloc([engine.kernels.gru_fwd_work_floats(batch, u)]);
  engine.kernels.f32_gru_seq_fwd(
    batch, steps, u, xproj.ptr, w.recurrentKernel, recBias, hs.ptr, gates.ptr, aux.ptr, y.ptr, 0, work.ptr,
    kernelFlags(cfg) | (training ? 0 : RnnFlags.inference), cfg.recurrentActivation, cfg.activation,
  );
  return { y, cache: training ? { xt, xproj, hs, gates, aux } : null };
}

/**
 * Small hidden sizes: one kernel runs the sequence with the input projection fused into each step,
 * so the (T, B, 3u) projection is never computed as a GEMM nor read back. Training keeps what
 * backward reads, plus x time-major (for dW = xᵀ·dxproj over all B·T rows) and a buffer for dxproj.
 */
function gruForwardSmall(
  engine: Device, scratch: Scratch, x: DeviceTensor, w: GruPointers, cfg: GruOpConfig, training: boolean,
): { y: DeviceTensor; cache: GruCache | null } {
  const [batch, steps, features] = x.shape;
  const u = cfg.units;
  const { hs, gates, aux, y } = loopBuffers(engine, scratch, batch, steps, cfg, training);
  // the work area holds the running output of masks only: none without a mask
  engine.kernels.f32_gru_fwd_small(
    batch, steps, u, features, x.ptr, w.kernel, w.bias, w.recurrentKernel, hs.ptr, gates.ptr, aux.ptr, y.ptr, 0, 0,
    kernelFlags(cfg) | (cfg.goBackwards ? RnnFlags.goBackwards : 0) | (training ? 0 : RnnFlags.inference),
    cfg.recurrentActivation, cfg.activation,
  );
  if (!training) return { y, cache: null };
  return { y, cache: { xt: timeMajor(engine, scratch, x, cfg), xproj: scratch.alloc([steps, batch, 3 * u]), hs, gates, aux } };
}

/** x (B, T, F) swapped to (T, B, F) in processing order (time reversed for go_backwards). */
function timeMajor(engine: Device, scratch: Scratch, x: DeviceTensor, cfg: GruOpConfig): DeviceTensor {
  const [batch, steps, features] = x.shape;
  const xt = scratch.alloc([steps, batch, features]);
  swapLeadingAxes(engine, batch, steps, features, x.ptr, xt.ptr, cfg.goBackwards ? 'd1' : undefined);
  return xt;
}

/**
 * What the time loop writes: states hs (kept + 1, B, u) with hs[0] zeroed, gates (kept, B, 3u),
 * aux (kept, B, u) and the output y; training keeps every step, inference one.
 */
function loopBuffers(engine: Device, scratch: Scratch, batch: number, steps: number, cfg: GruOpConfig, training: boolean) {
  const u = cfg.units, kept = training ? steps : 1;
  const hs = scratch.alloc([kept + 1, batch, u]);
  engine.zero(hs.ptr, batch * u);
  return {
    hs,
    gates: scratch.alloc([kept, batch, 3 * u]),
    aux: scratch.alloc([kept, batch, u]),
    y: scratch.alloc(cfg.returnSequences ? [batch, steps, u] : [batch, u]),
  };
}

/**
 * Accumulates the weight gradients into `grads` and returns dL/dx (B, T, F), or null when
 * `needInputGradient` is false (the GRU reads the model's input).
 */
export function gruBackward(
  engine: Device, scratch: Scratch, cache: GruCache, dy: DeviceTensor,
  w: GruPointers, grads: GruPointers, cfg: GruOpConfig, needInputGradient: boolean,
): DeviceTensor | null {
  const [steps, batch, features] = cache.xt.shape;
  const u = cfg.units, u3 = 3 * u;
  const rows = batch * steps;
  // the projection is not needed any more: its buffer takes its gradient [da_z | da_r | da_h]
  const dxproj = cache.xproj;
  // with reset_after, du_h replaces u_h in aux (each step reads u_h before writing du_h there)
  const duh = cfg.resetAfter ? cache.aux : null;
  const work = scratch.alloc([engine.kernels.gru_bwd_work_floats(batch, u)]);
  engine.kernels.f32_gru_seq_bwd(
    batch, steps, u, w.recurrentKernel, cache.hs.ptr, cache.gates.ptr, cache.aux.ptr, dy.ptr, 0, 0,
    dxproj.ptr, duh?.ptr ?? 0, 0, work.ptr, kernelFlags(cfg), cfg.recurrentActivation, cfg.activation,
  );
  // dW += xᵀ·dxproj over all B·T rows
  matmul(engine, { m: features, n: u3, k: rows, a: cache.xt.ptr, transposeA: true, b: dxproj.ptr, c: grads.kernel, accumulate: true });
  // dU += h_prevᵀ·[da_z | da_r | ·]: hs[0..T) are the states each step read. The first step's rows
  // add nothing (h0 = 0, and so r ⊙ h0 = 0), so the sums start at step 1.
  const skip = Math.min(batch, rows), k = rows - skip;
  const hPrev = cache.hs.ptr + skip * u * 4;
  matmul(engine, { m: u, n: 2 * u, k, a: hPrev, transposeA: true, b: dxproj.ptr + skip * u3 * 4, ldb: u3, c: grads.recurrentKernel, ldc: u3, accumulate: true });
  // the candidate's columns: h_prevᵀ·du_h (reset_after), or (r ⊙ h_prev)ᵀ·da_h (kept in aux)
  matmul(engine, {
    m: u, n: u, k, transposeA: true, c: grads.recurrentKernel + 2 * u * 4, ldc: u3, accumulate: true,
    ...(duh
      ? { a: hPrev, b: duh.ptr + skip * u * 4 }
      : { a: cache.aux.ptr + skip * u * 4, b: dxproj.ptr + skip * u3 * 4 + 2 * u * 4, ldb: u3 }),
  });
  if (grads.bias) {
    columnSums(engine, rows, u3, dxproj.ptr, u3, grads.bias);
    if (duh) {
      // the recurrent bias row: [da_z | da_r | du_h]
      columnSums(engine, rows, 2 * u, dxproj.ptr, u3, grads.bias + u3 * 4);
      columnSums(engine, rows, u, duh.ptr, u, grads.bias + (u3 + 2 * u) * 4);
    }
  }
  if (!needInputGradient) return null;
  const dxt = scratch.alloc([steps, batch, features]);
  matmulTransposeB(engine, scratch, { m: rows, n: features, k: u3, a: dxproj.ptr, b: w.kernel, c: dxt.ptr });
  const dx = scratch.alloc([batch, steps, features]);
  swapLeadingAxes(engine, steps, batch, features, dxt.ptr, dx.ptr, cfg.goBackwards ? 'd0' : undefined);
  return dx;
}
