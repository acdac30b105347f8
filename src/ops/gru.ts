/**
 * A GRU layer's whole sequence as a handful of kernel calls (the shared pieces are ops/rnn.ts's).
 * Everything the time loop touches is time-major and in processing order, so x is swapped to
 * (T, B, F) once (time reversed for go_backwards); then the input projection of every timestep is
 * one GEMM, the loop one call, and in backward the loop one call followed by the weight gradients
 * as single GEMMs over all B·T rows, and dx swapped back to (B, T, F). Small hidden sizes take one
 * forward kernel that fuses the input projection into every step (assembly/rnn/gru-small.ts),
 * except in training with recurrent or per-gate input dropout, which takes the general path.
 */
import type { Device } from '../backend/engine.js';
import { RnnFlags } from '../backend/activation-codes.js';
import { matmul } from './matmul.js';
import { columnSums } from './elementwise.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';
import {
  finalSlot, inputProjection, inputProjectionBackward, maskedRecurrentKernelGradient, projectionInput, recurrentDropoutWork,
  sequenceFlags, stateAt, stateBuffer, timeMajorMask, type CellPointers, type ProjectionInput, type MaskedGateTerm, type SequenceConfig, type SequenceGradients, type SequenceInputs, type SequenceOutputs,
} from './rnn.js';

export interface GruConfig extends SequenceConfig {
  resetAfter: boolean;
}

/** What forward keeps for backward. */
export interface GruCache {
  /** The input as the projection reads it (time-major, or per distinct id). */
  input: ProjectionInput;
  /** The input projection's buffer (unwritten for small hidden sizes), reused by backward for its gradient. */
  xproj: DeviceTensor;
  hs: DeviceTensor;
  gates: DeviceTensor;
  aux: DeviceTensor;
  mask: DeviceTensor | null;
  zeroState: boolean;
  recurrentMasks: DeviceTensor | null;
  inputMasks: DeviceTensor | null;
}

function gruFlags(cfg: GruConfig, training: boolean, zeroState: boolean): number {
  return sequenceFlags(cfg, training, zeroState) | (cfg.resetAfter ? RnnFlags.resetAfter : 0);
}

/**
 * x (B, T, F) → output (B, T, u) with returnSequences, else (B, u), and the final state. With
 * `training` false nothing is kept for backward (the loop reuses one step's buffers) and the cache
 * is null.
 */
export function gruForward(
  engine: Device, scratch: Scratch, input: SequenceInputs, w: CellPointers, cfg: GruConfig, training: boolean,
): SequenceOutputs<GruCache> {
  const { x } = input;
  const [batch, steps, features] = x.shape;
  const u = cfg.units, u3 = 3 * u;
  const kept = training ? steps : 1;
  const zeroState = input.initialStates == null;
  const hs = stateBuffer(engine, scratch, kept, batch, u, input.initialStates?.[0] ?? null);
  const gates = scratch.alloc([kept, batch, u3]);
  const aux = scratch.alloc([kept, batch, u]);
  const output = scratch.alloc(cfg.returnSequences ? [batch, steps, u] : [batch, u]);
  const mask = timeMajorMask(engine, scratch, input.mask, cfg.goBackwards);
  const work = scratch.alloc([engine.kernels.gru_fwd_work_floats(batch, u)]);
  const flags = gruFlags(cfg, training, zeroState);
  const inputMasks = input.inputMasks ?? null, recurrentMasks = input.recurrentMasks ?? null;
  let projected: ProjectionInput, xproj: DeviceTensor;
  if (batch > 0 && engine.kernels.gru_small_units(u) && !inputMasks && !recurrentMasks) {
    // the input projection is fused into each step: x is read as given, and training keeps x
    // time-major (for dW = xᵀ·dxproj over all B·T rows) and a buffer for dxproj
    engine.kernels.f32_gru_fwd_small(
      batch, steps, u, features, x.ptr, w.kernel, w.bias, w.recurrentKernel, hs.ptr, gates.ptr, aux.ptr, output.ptr,
      mask?.ptr ?? 0, work.ptr, flags | (cfg.goBackwards ? RnnFlags.goBackwards : 0), cfg.recurrentActivation, cfg.activation,
    );
    if (!training) return { output, states: [stateAt(hs, finalSlot(steps, false))], cache: null };
    projected = projectionInput(engine, scratch, x, cfg.goBackwards, null);
    xproj = scratch.alloc([steps, batch, u3]);
  } else {
    projected = projectionInput(engine, scratch, x, cfg.goBackwards, inputMasks);
    xproj = scratch.alloc([steps, batch, u3]);
    // input bias: the whole bias without reset_after, its first row with it
    inputProjection(engine, scratch, projected, w.kernel, w.bias, 3, u3, inputMasks, xproj.ptr);
    const recBias = cfg.resetAfter && w.bias ? w.bias + u3 * 4 : 0;
    engine.kernels.f32_gru_seq_fwd(
      batch, steps, u, xproj.ptr, w.recurrentKernel, recBias, hs.ptr, gates.ptr, aux.ptr, output.ptr,
      mask?.ptr ?? 0, work.ptr, flags, cfg.recurrentActivation, cfg.activation,
      recurrentMasks?.ptr ?? 0, recurrentDropoutWork(engine, scratch, recurrentMasks, 3, batch, u),
    );
  }
  const states = [stateAt(hs, finalSlot(steps, training))];
  return { output, states, cache: training ? { input: projected, xproj, hs, gates, aux, mask, zeroState, recurrentMasks, inputMasks } : null };
}

/**
 * Accumulates the weight gradients into `grads` and returns dL/dx (B, T, F) (null unless
 * `needInput`) and dL/dh0 when `needStates[0]` (an initial state given as an input).
 */
export function gruBackward(
  engine: Device, scratch: Scratch, cache: GruCache, dOutput: DeviceTensor | null, dStates: readonly (DeviceTensor | null)[],
  w: CellPointers, grads: CellPointers, cfg: GruConfig, needInput: boolean, needStates: readonly boolean[],
): SequenceGradients {
  const { steps, batch } = cache.input;
  const u = cfg.units, u3 = 3 * u;
  const rows = batch * steps;
  const dOut = dOutput ?? scratch.zeros(cfg.returnSequences ? [batch, steps, u] : [batch, u]);
  const dh0 = needStates[0] && !cache.zeroState ? scratch.alloc([batch, u]) : null;
  // the projection is not needed any more: its buffer takes its gradient [da_z | da_r | da_h]
  const dxproj = cache.xproj;
  // with reset_after, du_h replaces u_h in aux (each step reads u_h before writing du_h there)
  const duh = cfg.resetAfter ? cache.aux : null;
  const work = scratch.alloc([engine.kernels.gru_bwd_work_floats(batch, u)]);
  engine.kernels.f32_gru_seq_bwd(
    batch, steps, u, w.recurrentKernel, cache.hs.ptr, cache.gates.ptr, cache.aux.ptr, dOut.ptr, dStates[0]?.ptr ?? 0,
    cache.mask?.ptr ?? 0, dxproj.ptr, duh?.ptr ?? 0, dh0?.ptr ?? 0, work.ptr,
    gruFlags(cfg, true, cache.zeroState), cfg.recurrentActivation, cfg.activation,
    cache.recurrentMasks?.ptr ?? 0, recurrentDropoutWork(engine, scratch, cache.recurrentMasks, 3, batch, u),
  );
  // dU += h_prevᵀ·[da_z | da_r | ·]: hs[0..T) are the states each step read. With a zero initial
  // state the first step's rows add nothing (h0 = 0, and so r ⊙ h0 = 0), so the sums start at step 1.
  const skip = cache.zeroState ? Math.min(batch, rows) : 0, k = rows - skip;
  const hPrev = cache.hs.ptr + skip * u * 4;
  if (cache.recurrentMasks) {
    // recurrent dropout: each gate's product read h_prev ⊙ m_g (reset_before: aux = r ⊙ (h_prev ⊙ m_h), below)
    const terms: MaskedGateTerm[] = [{ gate: 0, d: dxproj.ptr, ld: u3 }, { gate: 1, d: dxproj.ptr + u * 4, ld: u3 }];
    if (duh) terms.push({ gate: 2, d: duh.ptr, ld: u });
    maskedRecurrentKernelGradient(engine, scratch, cache.hs, steps, 3, cache.recurrentMasks, skip, terms, grads.recurrentKernel);
  } else {
    matmul(engine, { m: u, n: 2 * u, k, a: hPrev, transposeA: true, b: dxproj.ptr + skip * u3 * 4, ldb: u3, c: grads.recurrentKernel, ldc: u3, accumulate: true });
  }
  // the candidate's columns: h_prevᵀ·du_h (reset_after), or (r ⊙ h_prev)ᵀ·da_h (kept in aux)
  if (!(cache.recurrentMasks && duh)) matmul(engine, {
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
  // dW += xᵀ·dxproj over all B·T rows, and dx
  const dInput = inputProjectionBackward(engine, scratch, cache.input, w.kernel, grads.kernel, 3, u3, cache.inputMasks, dxproj.ptr, needInput, cfg.goBackwards);
  return { ...dInput, dStates: [dh0] };
}
