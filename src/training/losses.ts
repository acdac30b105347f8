/**
 * Losses as Keras computes them: a value per sample (and per timestep for sequence outputs), then the
 * mean over all of them ("sum over batch size" reduction). Names in Keras and tfjs spelling
 * (shared/SPEC-LAYERS.md §17). What a target must look like for each loss is checked in targets.ts.
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import {
  binaryCrossEntropy, categoricalCrossEntropy, huber as huberOp, meanAbsoluteError as maeOp, meanSquaredError as mseOp, softmaxCrossEntropy,
  sparseCrossEntropy, sparseSoftmaxCrossEntropy,
} from '../ops/loss.js';
import { ValueError, unknownName } from '../errors.js';

/** The final activations whose logits a loss can take its gradient w.r.t. directly. */
export type FusableActivation = 'softmax' | 'sigmoid';

export type LossName =
  | 'categorical_crossentropy' | 'sparse_categorical_crossentropy' | 'binary_crossentropy'
  | 'mean_squared_error' | 'mean_absolute_error' | 'huber';

export interface Loss {
  /** Keras name, as written in training configs. */
  readonly name: LossName;
  /** The output activation whose logits can take this loss's gradient (fused), or null. */
  readonly fusesWith: FusableActivation | null;
  /** Targets are class indices, one per row of the output (stored as [..., 1] floats). */
  readonly sparse: boolean;
  /** Targets must lie in [0, 1] (probabilities). */
  readonly probabilityTargets: boolean;
  /** Number of loss values for an output of this shape (all axes but the last). */
  count(outputShape: readonly number[]): number;
  /**
   * Σ of the loss values; writes scale·dΣ/dyPred into `grad` (w.r.t. the logits of the final
   * activation when `fused`). grad has yPred's shape; yTrue too, or [..., 1] for a sparse loss.
   */
  compute(engine: Device, yPred: DeviceTensor, yTrue: DeviceTensor, grad: DeviceTensor, scale: number, fused: boolean): number;
}

const rowsOf = (shape: readonly number[]) => shape.slice(0, -1).reduce((a, b) => a * b, 1);

/** A loss whose target has the prediction's shape, not fusable. */
function elementwise(name: LossName, compute: Loss['compute'], probabilityTargets = false): Loss {
  return { name, fusesWith: null, sparse: false, probabilityTargets, count: rowsOf, compute };
}

/**
 * −Σ y·log(clip(p/Σp, 1e-7, 1−1e-7)) per row. Fused with a softmax output, the gradient w.r.t. the
 * logits is (p·Σy − y)·scale.
 * Keras-divergence: Keras's TF backend skips the clip entirely on its fused path; we clip the
 * reported value (as Keras's JAX backend does) and use the unclipped fused gradient.
 */
const categoricalCrossentropy: Loss = {
  name: 'categorical_crossentropy',
  fusesWith: 'softmax',
  sparse: false,
  probabilityTargets: false,
  count: rowsOf,
  compute: (engine, yPred, yTrue, grad, scale, fused) =>
    fused ? softmaxCrossEntropy(engine, yPred, yTrue, grad, scale) : categoricalCrossEntropy(engine, yPred, yTrue, grad, scale),
};

/**
 * −log(clip(p, ε, 1−ε)[k] / Σ clip(p, ε, 1−ε)) per row for the class index k. Fused with a softmax
 * output the gradient w.r.t. the logits is (p − onehot(k))·scale (as categoricalCrossentropy).
 */
const sparseCategoricalCrossentropy: Loss = {
  name: 'sparse_categorical_crossentropy',
  fusesWith: 'softmax',
  sparse: true,
  probabilityTargets: false,
  count: rowsOf,
  compute: (engine, yPred, yTrue, grad, scale, fused) =>
    fused ? sparseSoftmaxCrossEntropy(engine, yPred, yTrue, grad, scale) : sparseCrossEntropy(engine, yPred, yTrue, grad, scale),
};

/**
 * mean over the last axis of −[y·log c + (1−y)·log(1−c)], c = clip(p, 1e-7, 1−1e-7). Fused with a
 * sigmoid output the gradient w.r.t. the logits is (p − y)·scale/n (the same divergence as
 * categoricalCrossentropy: Keras's TF backend computes the fused value from logits, unclipped).
 */
const binaryCrossentropy: Loss = {
  name: 'binary_crossentropy',
  fusesWith: 'sigmoid',
  sparse: false,
  probabilityTargets: true,
  count: rowsOf,
  compute: (engine, yPred, yTrue, grad, scale, fused) => binaryCrossEntropy(engine, yPred, yTrue, grad, scale, fused),
};

/** mean over the last axis of (p − y)², per row. */
const meanSquaredError = elementwise('mean_squared_error', (engine, yPred, yTrue, grad, scale) => mseOp(engine, yPred, yTrue, grad, scale));

/** mean over the last axis of |p − y|, per row. */
const meanAbsoluteError = elementwise('mean_absolute_error', (engine, yPred, yTrue, grad, scale) => maeOp(engine, yPred, yTrue, grad, scale));

/** Keras's `huber` with its default delta 1: mean over the last axis of 0.5e² (|e| ≤ 1) or |e| − 0.5. */
const huber = elementwise('huber', (engine, yPred, yTrue, grad, scale) => huberOp(engine, yPred, yTrue, grad, scale, 1));

const BY_NAME: Record<string, Loss> = {
  categorical_crossentropy: categoricalCrossentropy,
  categoricalCrossentropy,
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropy,
  binary_crossentropy: binaryCrossentropy,
  binaryCrossentropy,
  mean_squared_error: meanSquaredError,
  meanSquaredError,
  mse: meanSquaredError,
  mean_absolute_error: meanAbsoluteError,
  meanAbsoluteError,
  mae: meanAbsoluteError,
  huber,
};

/** Names accepted by compile({loss}). */
export type LossIdentifier =
  | 'categoricalCrossentropy' | 'categorical_crossentropy'
  | 'sparseCategoricalCrossentropy' | 'sparse_categorical_crossentropy'
  | 'binaryCrossentropy' | 'binary_crossentropy'
  | 'meanSquaredError' | 'mean_squared_error' | 'mse'
  | 'meanAbsoluteError' | 'mean_absolute_error' | 'mae'
  | 'huber';

export function resolveLoss(value: unknown): Loss {
  if (typeof value === 'string' && Object.hasOwn(BY_NAME, value)) return BY_NAME[value];
  if (typeof value === 'function') {
    throw new ValueError(`A loss function of your own (${value.name || 'anonymous'}) is not supported yet: the tensor ops have no gradients to train through. Use one of: ${Object.keys(BY_NAME).join(', ')}`);
  }
  throw unknownName('loss', value, Object.keys(BY_NAME));
}
