// The device side of the uniform cells' kernel tests (simple-rnn.test.ts, lstm.test.ts): what the
// caller hands f32_rnn_seq_fwd / f32_rnn_seq_bwd, the buffers they fill, and the tolerances their
// results are held to.
import { ActivationCode, RnnFlags as Flag } from '../../src/backend/activation-codes.js';
import type { Engine } from '../../src/backend/engine.js';
import type { DeviceTensor, Scratch } from '../../src/ops/device-tensor.js';
import type { RefActivationK3 as RefActivation } from '../reference/activations.js';
import type { RefWeights } from '../reference/sequence-common.js';
import { sumTolerance } from '../helpers/compare.js';
import { dropoutMasks, type RnnCase } from './rnn-kernel-cases.js';

/** The kernels' activation codes, by the reference's names. */
export const activationCodes: Record<RefActivation, number> = {
  linear: ActivationCode.linear, relu: ActivationCode.relu, sigmoid: ActivationCode.sigmoid,
  hardSigmoid: ActivationCode.hardSigmoid, tanh: ActivationCode.tanh, keras3HardSigmoid: ActivationCode.keras3HardSigmoid,
};

/**
 * What the caller hands the kernels, on the device in `scratch`: the input projection x·W + b
 * (T, B, cols) and the mask (T, B), both time-major in processing order (maskPtr 0 without a mask),
 * the recurrent kernel U (u, cols); with the case's flags and output shape.
 */
export function kernelInputs(
  scratch: Scratch, c: RnnCase, x: Float64Array, w: RefWeights, cols: number, mask: Float64Array | null,
): { xp: number; U: number; maskPtr: number; flags: number; outShape: number[] } {
  const { batch, steps, features } = c;
  const xproj = new Float64Array(steps * batch * cols);
  const maskT = new Float64Array(steps * batch);
  for (let t = 0; t < steps; t++) for (let b = 0; b < batch; b++) {
    const tIn = c.goBackwards ? steps - 1 - t : t;
    for (let j = 0; j < cols; j++) {
      let s = w.bias![j];
      for (let k = 0; k < features; k++) s += x[(b * steps + tIn) * features + k] * w.kernel[k * cols + j];
      xproj[(t * batch + b) * cols + j] = s;
    }
    if (mask) maskT[t * batch + b] = mask[b * steps + tIn];
  }
  return {
    xp: scratch.from(xproj, [steps, batch, cols]).ptr,
    U: scratch.from(w.recurrentKernel, [c.units, cols]).ptr,
    maskPtr: mask ? scratch.from(maskT, [steps, batch]).ptr : 0,
    flags: caseFlags(c),
    outShape: outputShape(c),
  };
}

/** The case's RNN_RETURN_SEQUENCES, RNN_ZERO_STATE and RNN_ZERO_OUTPUT_FOR_MASK flags. */
function caseFlags(c: RnnCase): number {
  return (c.returnSequences ? Flag.returnSequences : 0) | (c.initial ? 0 : Flag.zeroState) |
    (c.mask === 'zeroOutput' ? Flag.zeroOutputForMask : 0);
}

/** The output's shape: (B, T, u) with returnSequences, else (B, u). */
function outputShape(c: RnnCase): number[] {
  return c.returnSequences ? [c.batch, c.steps, c.units] : [c.batch, c.units];
}

/** A tensor filled with NaN: whatever the kernels leave unwritten shows. */
export function nanTensor(engine: Engine, scratch: Scratch, shape: number[]): DeviceTensor {
  const t = scratch.alloc(shape);
  engine.f32(t.ptr, t.size).fill(Number.NaN);
  return t;
}

/** A state history (kept + 1, B, u) with the initial state (zeros without one) in its first row. */
export function stateRows(engine: Engine, scratch: Scratch, c: RnnCase, kept: number, initial: Float64Array | null | undefined): DeviceTensor {
  const t = scratch.zeros([kept + 1, c.batch, c.units]);
  if (initial) engine.write(t.ptr, initial);
  return t;
}

/** Row `row` (B, u) of a state history. */
export function readStateRow(engine: Engine, c: RnnCase, states: DeviceTensor, row: number): Float32Array {
  return engine.read(states.ptr + row * c.batch * c.units * 4, c.batch * c.units);
}

/**
 * The case's recurrent dropout on the device: masks (B, G·u) drawn from `rng` (null, 0, 0 without
 * recDropout) and the kernels' recWork.
 */
export function recurrentDropoutInputs(
  engine: Engine, scratch: Scratch, c: RnnCase, gates: number, rng: () => number,
): { masks: Float64Array | null; recMask: number; recWork: number } {
  if (!c.recDropout) return { masks: null, recMask: 0, recWork: 0 };
  const masks = dropoutMasks(rng, c.batch, gates, c.units);
  return {
    masks,
    recMask: scratch.from(masks, [c.batch, gates * c.units]).ptr,
    recWork: scratch.alloc([engine.kernels.rec_dropout_work_floats(gates, c.batch, c.units)]).ptr,
  };
}

/** The tolerance of the forward outputs. */
export const forwardTol = { tol: 1e-5, scale: 1 };

/**
 * The tolerance of the backward outputs over `steps` steps of K = `k` products: gradients are sums of
 * terms as large as the largest gradient (they grow through U as they go back).
 */
export function gradientTol(steps: number, k: number): (expected: Float64Array, label: string) => { tol: number; scale: number; label: string } {
  const tol = sumTolerance(steps * k);
  return (expected, label) => ({ tol, scale: Math.max(1, ...expected.map(Math.abs)), label });
}
