/**
 * What every recurrent op shares, and the uniform cells (SimpleRNN, LSTM: every gate from one input
 * projection and one recurrent product) as a handful of kernel calls. Everything the time loop
 * touches is time-major and in processing order: x is swapped to (T, B, F) once (time reversed for
 * go_backwards), the mask to (T, B); the input projection of every step is one GEMM, the loop one
 * call (assembly/rnn/sequence.ts), and in backward the loop one call followed by the weight
 * gradients as single GEMMs over all B·T rows, and dx swapped back to (B, T, F).
 */
import type { Device } from '../backend/engine.js';
import { RnnFlags, type ActivationCode } from '../backend/activation-codes.js';
import { matmul, matmulTransposeB } from './matmul.js';
import { columnSums, swapLeadingAxes } from './elementwise.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';
import { distinctTokens, projectTokens, projectTokensBackward, type DistinctTokens, type TokenGradient } from './token-projection.js';

/** The sequence, its initial states and its mask, as a recurrent op takes them. */
export interface SequenceInputs {
  /** (B, T, F) as the model gives it. */
  x: DeviceTensor;
  /** One (B, u) tensor per state (h, and c for the LSTM), or null for zeros. */
  initialStates: readonly DeviceTensor[] | null;
  /** (B, T): 1 where the step is valid, 0 where it is masked; null without a mask. */
  mask: DeviceTensor | null;
  /**
   * Training with recurrent dropout (Keras 3, SPEC-LAYERS §1.7): one (B, u) mask per gate, as
   * (B, G·u), that h_{t−1} is multiplied by before each gate's recurrent product; null without.
   */
  recurrentMasks?: DeviceTensor | null;
  /**
   * Per-gate input dropout (Keras's implementation 1, forced by recurrent dropout): one (B, F) mask
   * per gate, as (B, G·F), that x is multiplied by before each gate's kernel; null when x reaches
   * every gate as given (the layer multiplies it by a shared mask itself).
   */
  inputMasks?: DeviceTensor | null;
}

/** What every recurrent op's loop needs to know besides its weights. */
export interface SequenceConfig {
  units: number;
  returnSequences: boolean;
  goBackwards: boolean;
  /** A masked step outputs zeros instead of the previous output (Bidirectional forces it with returnSequences). */
  zeroOutputForMask: boolean;
  recurrentActivation: ActivationCode;
  activation: ActivationCode;
}

/** A recurrent op's results: the output, the final states, and what backward needs (null for inference). */
export interface SequenceOutputs<Cache> {
  output: DeviceTensor;
  states: DeviceTensor[];
  cache: Cache | null;
}

/** Gradients a recurrent op's backward returns: the input's and each initial state's (null where not asked). */
export interface SequenceGradients {
  dx: DeviceTensor | null;
  /**
   * Instead of dx, for an input the projection read per distinct id (an Embedding's output): the
   * gradient of the table rows, for the layer to hand to the Embedding.
   */
  dTokens?: TokenGradient | null;
  dStates: (DeviceTensor | null)[];
}

/**
 * The layer's input as the input projection reads it: x time-major (T, B, F) in processing order,
 * or, for an Embedding's output without per-gate input masks, its distinct ids (token-projection.ts).
 */
export interface ProjectionInput {
  readonly steps: number;
  readonly batch: number;
  readonly xt: DeviceTensor | null;
  readonly tokens: DistinctTokens | null;
}

/** x (B, T, F) as the input projection will read it (see ProjectionInput). */
export function projectionInput(engine: Device, scratch: Scratch, x: DeviceTensor, goBackwards: boolean, inputMasks: DeviceTensor | null): ProjectionInput {
  const [batch, steps] = x.shape;
  const tokens = inputMasks ? null : distinctTokens(engine, scratch, x, goBackwards);
  return { steps, batch, tokens, xt: tokens ? null : timeMajor(engine, scratch, x, goBackwards) };
}

/** Byte offsets of the weights (or of their gradients): kernel (F, G·u), recurrent kernel (u, G·u), bias or 0. */
export interface CellPointers {
  kernel: number;
  recurrentKernel: number;
  bias: number;
}

/**
 * xproj (T·B, G·u) = x·W + bias; with per-gate input masks (B, G·F) gate g's columns are
 * (x ⊙ m_g)·W_g + bias_g. `kernel` is W (F, G·u); bias 0 or its G·u floats.
 */
export function inputProjection(
  engine: Device, scratch: Scratch, input: ProjectionInput, kernel: number, bias: number, gates: number, gu: number, inputMasks: DeviceTensor | null, xproj: number,
): void {
  if (input.tokens) return projectTokens(engine, input.tokens, kernel, bias, gu, xproj);
  const xt = input.xt!;
  const [steps, batch, features] = xt.shape;
  const rows = steps * batch;
  if (!inputMasks) {
    matmul(engine, { m: rows, n: gu, k: features, a: xt.ptr, b: kernel, c: xproj, bias });
    return;
  }
  const u = gu / gates, xm = scratch.alloc(xt.shape);
  for (let g = 0; g < gates; g++) {
    engine.kernels.f32_rnn_masked_states(steps, batch, features, gates, g, xt.ptr, inputMasks.ptr, xm.ptr, 0);
    matmul(engine, { m: rows, n: u, k: features, a: xm.ptr, b: kernel + g * u * 4, ldb: gu, c: xproj + g * u * 4, ldc: gu, bias: bias ? bias + g * u * 4 : 0 });
  }
}

/**
 * The input projection's backward, last (it may consume dxproj): dW += xᵀ·dxproj (with per-gate
 * input masks, (x ⊙ m_g)ᵀ·dxproj_g per gate) and, when `needInput`, dL/dx (B, T, F): dxproj·Wᵀ,
 * or Σ_g (dxproj_g·W_gᵀ) ⊙ m_g — or for an input read per distinct id, the table rows' gradient.
 */
export function inputProjectionBackward(
  engine: Device, scratch: Scratch, input: ProjectionInput, kernel: number, gradKernel: number, gates: number, gu: number,
  inputMasks: DeviceTensor | null, dxproj: number, needInput: boolean, goBackwards: boolean,
): Pick<SequenceGradients, 'dx' | 'dTokens'> {
  if (input.tokens) return { dx: null, dTokens: projectTokensBackward(engine, scratch, input.tokens, kernel, gradKernel, gu, dxproj, needInput) };
  const dxt = dxTimeMajor(engine, scratch, input.xt!, kernel, gradKernel, gates, gu, inputMasks, dxproj, needInput);
  return { dx: dxt && batchMajor(engine, scratch, dxt, goBackwards) };
}

function dxTimeMajor(
  engine: Device, scratch: Scratch, xt: DeviceTensor, kernel: number, gradKernel: number, gates: number, gu: number,
  inputMasks: DeviceTensor | null, dxproj: number, needInput: boolean,
): DeviceTensor | null {
  const [steps, batch, features] = xt.shape;
  const rows = steps * batch;
  if (!inputMasks) {
    matmul(engine, { m: features, n: gu, k: rows, a: xt.ptr, transposeA: true, b: dxproj, c: gradKernel, accumulate: true });
    if (!needInput) return null;
    const dxt = scratch.alloc([steps, batch, features]);
    matmulTransposeB(engine, scratch, { m: rows, n: features, k: gu, a: dxproj, b: kernel, c: dxt.ptr });
    return dxt;
  }
  const u = gu / gates, xm = scratch.alloc(xt.shape);
  for (let g = 0; g < gates; g++) {
    engine.kernels.f32_rnn_masked_states(steps, batch, features, gates, g, xt.ptr, inputMasks.ptr, xm.ptr, 0);
    matmul(engine, { m: features, n: u, k: rows, a: xm.ptr, transposeA: true, b: dxproj + g * u * 4, ldb: gu, c: gradKernel + g * u * 4, ldc: gu, accumulate: true });
  }
  if (!needInput) return null;
  // Wᵀ (G·u, F): gate g's rows are W_gᵀ; xm takes each gate's dxproj_g·W_gᵀ in turn
  const wt = scratch.alloc([gu, features]), dxt = scratch.zeros([steps, batch, features]);
  engine.kernels.f32_transpose(features, gu, kernel, wt.ptr);
  for (let g = 0; g < gates; g++) {
    engine.kernels.f32_gemm(rows, features, u, dxproj + g * u * 4, gu, 1, wt.ptr + g * u * features * 4, features, xm.ptr, features, 0, 0, 0);
    engine.kernels.f32_rnn_masked_states(steps, batch, features, gates, g, xm.ptr, inputMasks.ptr, dxt.ptr, 1);
  }
  return dxt;
}

/** One gate's term of dU under recurrent dropout: the gate's pre-activation gradient d (row stride ld) over all B·T rows. */
export interface MaskedGateTerm {
  gate: number;
  d: number;
  ld: number;
}

/**
 * dU_g += (h_prev ⊙ m_g)ᵀ·d_g for each term (recurrent dropout): hs (T + 1, B, u) the states,
 * recurrentMasks (B, G·u); the first `skip` rows (a zero initial state's) are left out. dU (u, G·u).
 */
export function maskedRecurrentKernelGradient(
  engine: Device, scratch: Scratch, hs: DeviceTensor, steps: number, gates: number, recurrentMasks: DeviceTensor, skip: number,
  terms: readonly MaskedGateTerm[], dU: number,
): void {
  const [, batch, u] = hs.shape;
  const k = steps * batch - skip, hm = scratch.alloc([steps, batch, u]);
  for (const { gate, d, ld } of terms) {
    engine.kernels.f32_rnn_masked_states(steps, batch, u, gates, gate, hs.ptr, recurrentMasks.ptr, hm.ptr, 0);
    matmul(engine, { m: u, n: u, k, a: hm.ptr + skip * u * 4, transposeA: true, b: d + skip * ld * 4, ldb: ld, c: dU + gate * u * 4, ldc: gates * u, accumulate: true });
  }
}

/** The recurrent dropout work buffer of a kernel call (0 without recurrent dropout). */
export function recurrentDropoutWork(engine: Device, scratch: Scratch, masks: DeviceTensor | null | undefined, gates: number, batch: number, units: number): number {
  return masks ? scratch.alloc([engine.kernels.rec_dropout_work_floats(gates, batch, units)]).ptr : 0;
}

/** x (B, T, F) swapped to (T, B, F) in processing order (time reversed for go_backwards). */
export function timeMajor(engine: Device, scratch: Scratch, x: DeviceTensor, goBackwards: boolean): DeviceTensor {
  const [batch, steps, features] = x.shape;
  const xt = scratch.alloc([steps, batch, features]);
  swapLeadingAxes(engine, batch, steps, features, x.ptr, xt.ptr, goBackwards ? 'd1' : undefined);
  return xt;
}

/** The mask (B, T) as the kernels read it, (T, B) in processing order; null without one. */
export function timeMajorMask(engine: Device, scratch: Scratch, mask: DeviceTensor | null, goBackwards: boolean): DeviceTensor | null {
  if (!mask) return null;
  const [batch, steps] = mask.shape;
  const mt = scratch.alloc([steps, batch]);
  swapLeadingAxes(engine, batch, steps, 1, mask.ptr, mt.ptr, goBackwards ? 'd1' : undefined);
  return mt;
}

/** dL/dx time-major (T, B, F) in processing order, back to (B, T, F). */
export function batchMajor(engine: Device, scratch: Scratch, dxt: DeviceTensor, goBackwards: boolean): DeviceTensor {
  const [steps, batch, features] = dxt.shape;
  const dx = scratch.alloc([batch, steps, features]);
  swapLeadingAxes(engine, steps, batch, features, dxt.ptr, dx.ptr, goBackwards ? 'd0' : undefined);
  return dx;
}

/**
 * A state buffer (kept + 1, B, u) whose first slot holds the initial state (a copy of `initial`,
 * or zeros): training keeps every step's state, inference ping-pongs between two slots.
 */
export function stateBuffer(engine: Device, scratch: Scratch, kept: number, batch: number, units: number, initial: DeviceTensor | null): DeviceTensor {
  const buffer = scratch.alloc([kept + 1, batch, units]);
  if (initial) copyFloats(engine, batch * units, initial.ptr, buffer.ptr);
  else engine.zero(buffer.ptr, batch * units);
  return buffer;
}

/** Slot `index` (B, u) of a state buffer. */
export function stateAt(buffer: DeviceTensor, index: number): DeviceTensor {
  const [, batch, units] = buffer.shape;
  return { ptr: buffer.ptr + index * batch * units * 4, shape: [batch, units], size: batch * units };
}

/** The slot holding the final state: the last of T + 1 in training, T's parity slot in inference. */
export function finalSlot(steps: number, training: boolean): number {
  return training ? steps : steps & 1;
}

/** The kernels' flag bits for a run. */
export function sequenceFlags(cfg: SequenceConfig, training: boolean, zeroState: boolean): number {
  return (cfg.returnSequences ? RnnFlags.returnSequences : 0)
    | (training ? 0 : RnnFlags.inference)
    | (zeroState ? RnnFlags.zeroState : 0)
    | (cfg.zeroOutputForMask ? RnnFlags.zeroOutputForMask : 0);
}

/** `count` floats from src to dst (JS copy through the device's views; a planning device has none). */
export function copyFloats(engine: Device, count: number, src: number, dst: number): void {
  const from = engine.f32(src, count);
  if (from.length) engine.f32(dst, count).set(from);
}

/** A uniform cell: its kernel code (assembly/rnn/flags.ts), gate count, and whether it has a carry state. */
export interface UniformCell {
  readonly code: number;
  readonly gates: number;
  readonly carry: boolean;
}

export const SIMPLE_RNN_CELL: UniformCell = { code: 0, gates: 1, carry: false };
export const LSTM_CELL: UniformCell = { code: 1, gates: 4, carry: true };

/** What a uniform cell's forward keeps for backward. */
export interface UniformCache {
  /** The input as the projection reads it (time-major, or per distinct id). */
  input: ProjectionInput;
  /** The input projection (T, B, G·u), reused by backward for its gradient. */
  xproj: DeviceTensor;
  hs: DeviceTensor;
  cs: DeviceTensor | null;
  gates: DeviceTensor | null;
  aux: DeviceTensor | null;
  mask: DeviceTensor | null;
  zeroState: boolean;
  recurrentMasks: DeviceTensor | null;
  inputMasks: DeviceTensor | null;
}

/**
 * x (B, T, F) → output (B, T, u) with returnSequences, else (B, u), and the final states. With
 * `training` false nothing is kept for backward and the cache is null. Small hidden sizes take the
 * cell's kernel that fuses the input projection into every step (assembly/rnn/lstm-small.ts,
 * simple-rnn-small.ts), except in training with recurrent or per-gate input dropout.
 */
export function uniformCellForward(
  engine: Device, scratch: Scratch, cell: UniformCell, input: SequenceInputs, w: CellPointers, cfg: SequenceConfig, training: boolean,
): SequenceOutputs<UniformCache> {
  const [batch, steps, features] = input.x.shape;
  const u = cfg.units, gu = cell.gates * u;
  const inputMasks = input.inputMasks ?? null, recurrentMasks = input.recurrentMasks ?? null;
  const kept = training ? steps : 1;
  const zeroState = input.initialStates == null;
  const hs = stateBuffer(engine, scratch, kept, batch, u, input.initialStates?.[0] ?? null);
  const cs = cell.carry ? stateBuffer(engine, scratch, kept, batch, u, input.initialStates?.[1] ?? null) : null;
  const gates = cell.carry ? scratch.alloc([kept, batch, gu]) : null;
  const aux = cell.carry ? scratch.alloc([kept, batch, u]) : null;
  const output = scratch.alloc(cfg.returnSequences ? [batch, steps, u] : [batch, u]);
  const mask = timeMajorMask(engine, scratch, input.mask, cfg.goBackwards);
  const work = scratch.alloc([engine.kernels.rnn_fwd_work_floats(cell.code, batch, u)]);
  const flags = sequenceFlags(cfg, training, zeroState);
  let projected: ProjectionInput, xproj: DeviceTensor;
  const k = engine.kernels, lstm = cell.code === LSTM_CELL.code;
  if (batch > 0 && (lstm ? k.lstm_small_units(u) : k.simple_rnn_small_units(u)) && !inputMasks && !recurrentMasks) {
    // the input projection is fused into each step: x is read as given, and training keeps x
    // time-major (for dW = xᵀ·dxproj over all B·T rows) and a buffer for dxproj
    const smallFlags = flags | (cfg.goBackwards ? RnnFlags.goBackwards : 0), maskPtr = mask?.ptr ?? 0;
    if (lstm) {
      k.f32_lstm_fwd_small(
        batch, steps, u, features, input.x.ptr, w.kernel, w.bias, w.recurrentKernel, hs.ptr, cs!.ptr, gates!.ptr, aux!.ptr,
        output.ptr, maskPtr, work.ptr, smallFlags, cfg.recurrentActivation, cfg.activation,
      );
    } else {
      k.f32_simple_rnn_fwd_small(batch, steps, u, features, input.x.ptr, w.kernel, w.bias, w.recurrentKernel, hs.ptr, output.ptr, maskPtr, work.ptr, smallFlags, cfg.activation);
    }
    if (!training) {
      const last = finalSlot(steps, false);
      return { output, states: cs ? [stateAt(hs, last), stateAt(cs, last)] : [stateAt(hs, last)], cache: null };
    }
    projected = projectionInput(engine, scratch, input.x, cfg.goBackwards, null);
    xproj = scratch.alloc([steps, batch, gu]);
  } else {
    projected = projectionInput(engine, scratch, input.x, cfg.goBackwards, inputMasks);
    xproj = scratch.alloc([steps, batch, gu]);
    inputProjection(engine, scratch, projected, w.kernel, w.bias, cell.gates, gu, inputMasks, xproj.ptr);
    engine.kernels.f32_rnn_seq_fwd(
      cell.code, batch, steps, u, xproj.ptr, w.recurrentKernel, hs.ptr, cs?.ptr ?? 0, gates?.ptr ?? 0, aux?.ptr ?? 0,
      output.ptr, mask?.ptr ?? 0, work.ptr, flags, cfg.recurrentActivation, cfg.activation,
      recurrentMasks?.ptr ?? 0, recurrentDropoutWork(engine, scratch, recurrentMasks, cell.gates, batch, u),
    );
  }
  const last = finalSlot(steps, training);
  const states = cs ? [stateAt(hs, last), stateAt(cs, last)] : [stateAt(hs, last)];
  return { output, states, cache: training ? { input: projected, xproj, hs, cs, gates, aux, mask, zeroState, recurrentMasks, inputMasks } : null };
}

/**
 * Accumulates the weight gradients into `grads` and returns dL/dx (B, T, F) (null unless
 * `needInput`) and dL/d(initial state) for each state asked in `needStates`. `dOutput` is null when
 * only the state outputs feed the loss; `dStates` are the gradients arriving at the final states.
 */
export function uniformCellBackward(
  engine: Device, scratch: Scratch, cell: UniformCell, cache: UniformCache, dOutput: DeviceTensor | null,
  dStates: readonly (DeviceTensor | null)[], w: CellPointers, grads: CellPointers, cfg: SequenceConfig,
  needInput: boolean, needStates: readonly boolean[],
): SequenceGradients {
  const { steps, batch } = cache.input;
  const u = cfg.units, gu = cell.gates * u, rows = batch * steps;
  const dOut = dOutput ?? scratch.zeros(cfg.returnSequences ? [batch, steps, u] : [batch, u]);
  const stateGrad = (i: number) => (needStates[i] && !cache.zeroState ? scratch.alloc([batch, u]) : null);
  const dh0 = stateGrad(0), dc0 = cell.carry ? stateGrad(1) : null;
  const dxproj = cache.xproj;
  const work = scratch.alloc([engine.kernels.rnn_bwd_work_floats(cell.code, batch, u)]);
  engine.kernels.f32_rnn_seq_bwd(
    cell.code, batch, steps, u, w.recurrentKernel, cache.hs.ptr, cache.cs?.ptr ?? 0, cache.gates?.ptr ?? 0, cache.aux?.ptr ?? 0,
    dOut.ptr, dStates[0]?.ptr ?? 0, dStates[1]?.ptr ?? 0, cache.mask?.ptr ?? 0, dxproj.ptr, dh0?.ptr ?? 0, dc0?.ptr ?? 0, work.ptr,
    sequenceFlags(cfg, true, cache.zeroState), cfg.recurrentActivation, cfg.activation,
    cache.recurrentMasks?.ptr ?? 0, recurrentDropoutWork(engine, scratch, cache.recurrentMasks, cell.gates, batch, u),
  );
  // dU += h_prevᵀ·dxproj: hs[0..T) are the states each step read; a zero initial state adds nothing
  const skip = cache.zeroState ? Math.min(batch, rows) : 0;
  if (cache.recurrentMasks) {
    const terms = Array.from({ length: cell.gates }, (_, gate) => ({ gate, d: dxproj.ptr + gate * u * 4, ld: gu }));
    maskedRecurrentKernelGradient(engine, scratch, cache.hs, steps, cell.gates, cache.recurrentMasks, skip, terms, grads.recurrentKernel);
  } else {
    matmul(engine, {
      m: u, n: gu, k: rows - skip, a: cache.hs.ptr + skip * u * 4, transposeA: true, b: dxproj.ptr + skip * gu * 4, c: grads.recurrentKernel, accumulate: true,
    });
  }
  if (grads.bias) columnSums(engine, rows, gu, dxproj.ptr, gu, grads.bias);
  // dW += xᵀ·dxproj over all B·T rows, and dx
  const dInput = inputProjectionBackward(engine, scratch, cache.input, w.kernel, grads.kernel, cell.gates, gu, cache.inputMasks, dxproj.ptr, needInput, cfg.goBackwards);
  // a zero initial state is no input of the layer: nothing asks for its gradient
  return { ...dInput, dStates: cell.carry ? [dh0, dc0] : [dh0] };
}
