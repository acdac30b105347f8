/**
 * Losses as Keras computes them: a value per sample (and per timestep for sequence outputs), then the
 * mean over all of them ("sum over batch size" reduction). Names in Keras and tfjs spelling.
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import { categoricalCrossEntropy, meanSquaredError as mseOp, softmaxCrossEntropy } from '../ops/loss.js';
import { unknownName } from '../errors.js';

export interface Loss {
  /** Keras name, as written in training configs. */
  readonly name: 'categorical_crossentropy' | 'mean_squared_error';
  /** Whether the gradient can be taken w.r.t. the logits of a final softmax. */
  readonly fusesWithSoftmax: boolean;
  /** Number of loss values in a target of this shape (all axes but the last). */
  count(shape: readonly number[]): number;
  /**
   * Σ of the loss values; writes scale·dΣ/dyPred into `grad` (w.r.t. the softmax logits when
   * `fused`). yPred, yTrue and grad have the same shape.
   */
  compute(engine: Device, yPred: DeviceTensor, yTrue: DeviceTensor, grad: DeviceTensor, scale: number, fused: boolean): number;
}

const rowsOf = (shape: readonly number[]) => shape.slice(0, -1).reduce((a, b) => a * b, 1);

/**
 * −Σ y·log(clip(p/Σp, 1e-7, 1−1e-7)) per row. Fused with a softmax output, the gradient w.r.t. the
 * logits is (p·Σy − y)·scale.
 * Keras-divergence: Keras's TF backend skips the clip entirely on its fused path; we clip the
 * reported value (as Keras's JAX backend does) and use the unclipped fused gradient.
 */
const categoricalCrossentropy: Loss = {
  name: 'categorical_crossentropy',
  fusesWithSoftmax: true,
  count: rowsOf,
  compute: (engine, yPred, yTrue, grad, scale, fused) =>
    fused ? softmaxCrossEntropy(engine, yPred, yTrue, grad, scale) : categoricalCrossEntropy(engine, yPred, yTrue, grad, scale),
};

/** mean over the last axis of (p − y)², per row. */
const meanSquaredError: Loss = {
  name: 'mean_squared_error',
  fusesWithSoftmax: false,
  count: rowsOf,
  compute: (engine, yPred, yTrue, grad, scale) => mseOp(engine, yPred, yTrue, grad, scale),
};

const BY_NAME: Record<string, Loss> = {
  categorical_crossentropy: categoricalCrossentropy,
  categoricalCrossentropy,
  mean_squared_error: meanSquaredError,
  meanSquaredError,
  mse: meanSquaredError,
};

/** Names accepted by compile({loss}). */
export type LossIdentifier = 'categoricalCrossentropy' | 'categorical_crossentropy' | 'meanSquaredError' | 'mean_squared_error' | 'mse';

export function resolveLoss(value: unknown): Loss {
  if (typeof value === 'string' && Object.hasOwn(BY_NAME, value)) return BY_NAME[value];
  throw unknownName('loss', value, Object.keys(BY_NAME));
}
