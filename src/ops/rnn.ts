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

/** The sequence, its initial states and its mask, as a recurrent op takes them. */
export interface SequenceInputs {
  /** (B, T, F) as the model gives it. */
  x: DeviceTensor;
  /** One (B, u) tensor per state (h, and c for the LSTM), or null for zeros. */
  initialStates: readonly DeviceTensor[] | null;
  /** (B, T): 1 where the step is valid, 0 where it is masked; null without a mask. */
  mask: DeviceTensor | null;
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
  dStates: (DeviceTensor | null)[];
}

/** Byte offsets of the weights (or of their gradients): kernel (F, G·u), recurrent kernel (u, G·u), bias or 0. */
export interface CellPointers {
  kernel: number;
  recurrentKernel: number;
  bias: number;
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
  /** The input, time-major in processing order (T, B, F). */
  xt: DeviceTensor;
  /** The input projection (T, B, G·u), reused by backward for its gradient. */
  xproj: DeviceTensor;
  hs: DeviceTensor;
  cs: DeviceTensor | null;
  gates: DeviceTensor | null;
  aux: DeviceTensor | null;
  mask: DeviceTensor | null;
  zeroState: boolean;
}

/**
 * x (B, T, F) → output (B, T, u) with returnSequences, else (B, u), and the final states. With
 * `training` false nothing is kept for backward and the cache is null.
 */
export function uniformCellForward(
  engine: Device, scratch: Scratch, cell: UniformCell, input: SequenceInputs, w: CellPointers, cfg: SequenceConfig, training: boolean,
): SequenceOutputs<UniformCache> {
  const [batch, steps, features] = input.x.shape;
  const u = cfg.units, gu = cell.gates * u;
  const xt = timeMajor(engine, scratch, input.x, cfg.goBackwards);
  const xproj = scratch.alloc([steps, batch, gu]);
  matmul(engine, { m: steps * batch, n: gu, k: features, a: xt.ptr, b: w.kernel, c: xproj.ptr, bias: w.bias });
  const kept = training ? steps : 1;
  const zeroState = input.initialStates == null;
  const hs = stateBuffer(engine, scratch, kept, batch, u, input.initialStates?.[0] ?? null);
  const cs = cell.carry ? stateBuffer(engine, scratch, kept, batch, u, input.initialStates?.[1] ?? null) : null;
  const gates = cell.carry ? scratch.alloc([kept, batch, gu]) : null;
  const aux = cell.carry ? scratch.alloc([kept, batch, u]) : null;
  const output = scratch.alloc(cfg.returnSequences ? [batch, steps, u] : [batch, u]);
  const mask = timeMajorMask(engine, scratch, input.mask, cfg.goBackwards);
  const work = scratch.alloc([engine.kernels.rnn_fwd_work_floats(cell.code, batch, u)]);
  engine.kernels.f32_rnn_seq_fwd(
    cell.code, batch, steps, u, xproj.ptr, w.recurrentKernel, hs.ptr, cs?.ptr ?? 0, gates?.ptr ?? 0, aux?.ptr ?? 0,
    output.ptr, mask?.ptr ?? 0, work.ptr, sequenceFlags(cfg, training, zeroState), cfg.recurrentActivation, cfg.activation,
  );
  const last = finalSlot(steps, training);
  const states = cs ? [stateAt(hs, last), stateAt(cs, last)] : [stateAt(hs, last)];
  return { output, states, cache: training ? { xt, xproj, hs, cs, gates, aux, mask, zeroState } : null };
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
  const [steps, batch, features] = cache.xt.shape;
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
  );
  // dW += xᵀ·dxproj over all B·T rows
  matmul(engine, { m: features, n: gu, k: rows, a: cache.xt.ptr, transposeA: true, b: dxproj.ptr, c: grads.kernel, accumulate: true });
  // dU += h_prevᵀ·dxproj: hs[0..T) are the states each step read; a zero initial state adds nothing
  const skip = cache.zeroState ? Math.min(batch, rows) : 0;
  matmul(engine, {
    m: u, n: gu, k: rows - skip, a: cache.hs.ptr + skip * u * 4, transposeA: true, b: dxproj.ptr + skip * gu * 4, c: grads.recurrentKernel, accumulate: true,
  });
  if (grads.bias) columnSums(engine, rows, gu, dxproj.ptr, gu, grads.bias);
  // a zero initial state is no input of the layer: nothing asks for its gradient
  const initialGradients = cell.carry ? [dh0, dc0] : [dh0];
  if (!needInput) return { dx: null, dStates: initialGradients };
  const dxt = scratch.alloc([steps, batch, features]);
  matmulTransposeB(engine, scratch, { m: rows, n: features, k: gu, a: dxproj.ptr, b: w.kernel, c: dxt.ptr });
  return { dx: batchMajor(engine, scratch, dxt, cfg.goBackwards), dStates: initialGradients };
}
