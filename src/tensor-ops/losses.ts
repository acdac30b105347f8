/**
 * tfjs-core's `tf.losses`: loss values of tensors, each reduced by `computeWeightedLoss` (default
 * SUM_BY_NONZERO_WEIGHTS: the weighted sum over the count of non-zero weights). The math and the
 * defaults are tfjs's, written with this library's tensor ops; these are values for reporting and
 * custom evaluation (a model trains on the losses `compile` names).
 */
import { ValueError } from '../errors.js';
import { ones } from '../tensor-creation.js';
import { valuesOf, type Tensor } from '../tensor.js';
import { tfjsNamespace } from '../not-implemented.js';
import { input, result, shapeText, type TensorInput } from './core.js';
import { abs, add, div, log, minimum, mul, neg, relu, square, sub } from './elementwise.js';
import { cast } from './dtype.js';
import { notEqual } from './compare.js';
import { logSumExp, mean, sum } from './reduction.js';
import { tidy } from './memory.js';

/** How computeWeightedLoss reduces the weighted losses (tfjs's `tf.Reduction`). */
export const Reduction = { NONE: 0, MEAN: 1, SUM: 2, SUM_BY_NONZERO_WEIGHTS: 3 } as const;
/** One of the Reduction values. */
export type Reduction = (typeof Reduction)[keyof typeof Reduction];

const DEFAULT_REDUCTION = Reduction.SUM_BY_NONZERO_WEIGHTS;

/**
 * The weighted losses reduced: NONE keeps them, SUM adds them, MEAN divides the sum by the sum of the
 * weights (times the broadcast factor), SUM_BY_NONZERO_WEIGHTS by the number of non-zero weights.
 * @example wl.losses.computeWeightedLoss(wl.tensor([1, 2, 3]), wl.tensor([1, 0, 1])) // (1 + 3) / 2 = 2
 */
function computeWeightedLoss(losses: TensorInput, weights?: TensorInput | null, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const l = input('losses.computeWeightedLoss', losses, 'losses');
  const w = weights == null ? null : input('losses.computeWeightedLoss', weights, 'weights');
  return tidy(() => {
    const weighted = w ? mul(l, w) : l;
    switch (reduction) {
      case Reduction.NONE:
        return weighted;
      case Reduction.SUM:
        return sum(weighted);
      case Reduction.MEAN: {
        if (!w) return mean(weighted);
        const ratio = div(sum(weighted), sum(w));
        const broadcastFactor = l.size / w.size;
        return broadcastFactor > 1 ? div(ratio, broadcastFactor) : ratio;
      }
      case Reduction.SUM_BY_NONZERO_WEIGHTS: {
        if (!w) return div(sum(weighted), l.size);
        const nonZero = cast(sum(notEqual(mul(w, ones(l.shape)), 0)), 'float32');
        return div(sum(weighted), nonZero);
      }
      default:
        throw new ValueError(`losses.computeWeightedLoss: reduction must be one of wl.Reduction's values (0 to 3), got ${String(reduction)}`);
    }
  });
}

/** labels and predictions as tensors of one shape, for loss `op`. */
function pair(op: string, labels: TensorInput, predictions: TensorInput, names = ['labels', 'predictions']): [Tensor, Tensor] {
  const y = input(`losses.${op}`, labels, names[0]);
  const p = input(`losses.${op}`, predictions, names[1]);
  if (y.shape.length !== p.shape.length || y.shape.some((d, i) => d !== p.shape[i])) {
    throw new ValueError(`losses.${op}: ${names[0]} and ${names[1]} must have the same shape, got ${shapeText(y.shape)} and ${shapeText(p.shape)}`);
  }
  return [y, p];
}

const weighted = (losses: () => Tensor, weights: TensorInput | null | undefined, reduction: Reduction) =>
  tidy(() => computeWeightedLoss(losses(), weights, reduction));

/** |labels − predictions|, reduced. @example wl.losses.absoluteDifference([1, 2], [1.5, 1]) // 0.75 */
function absoluteDifference(labels: TensorInput, predictions: TensorInput, weights?: TensorInput | null, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const [y, p] = pair('absoluteDifference', labels, predictions);
  return weighted(() => abs(sub(y, p)), weights, reduction);
}

/** (labels − predictions)², reduced. @example wl.losses.meanSquaredError([1, 2], [1.5, 1]) // 0.625 */
function meanSquaredError(labels: TensorInput, predictions: TensorInput, weights?: TensorInput | null, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const [y, p] = pair('meanSquaredError', labels, predictions);
  return weighted(() => square(sub(y, p)), weights, reduction);
}

/** Huber: ½e² where |e| ≤ delta, delta·(|e| − ½delta) beyond, reduced. @example wl.losses.huberLoss([0, 0], [0.5, 3]) // (0.125 + 2.5) / 2 */
function huberLoss(labels: TensorInput, predictions: TensorInput, weights?: TensorInput | null, delta = 1, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const [y, p] = pair('huberLoss', labels, predictions);
  return weighted(() => {
    const error = abs(sub(p, y));
    const quadratic = minimum(error, delta);
    return add(mul(0.5, square(quadratic)), mul(delta, sub(error, quadratic)));
  }, weights, reduction);
}

/** −y·log(p + ε) − (1 − y)·log(1 − p + ε), reduced. @example wl.losses.logLoss([1, 0], [0.9, 0.2]) */
function logLoss(labels: TensorInput, predictions: TensorInput, weights?: TensorInput | null, epsilon = 1e-7, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const [y, p] = pair('logLoss', labels, predictions);
  return weighted(() => sub(neg(mul(y, log(add(p, epsilon)))), mul(sub(1, y), log(add(sub(1, p), epsilon)))), weights, reduction);
}

/** max(1 − (2y − 1)·p, 0) for labels in {0, 1}, reduced. @example wl.losses.hingeLoss([1, 0], [0.3, -2]) // 0.35 */
function hingeLoss(labels: TensorInput, predictions: TensorInput, weights?: TensorInput | null, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const [y, p] = pair('hingeLoss', labels, predictions);
  return weighted(() => relu(sub(1, mul(sub(mul(2, y), 1), p))), weights, reduction);
}

/** 1 − Σ labels·predictions along axis (inputs expected unit-normalised), reduced. @example wl.losses.cosineDistance([[0, 1]], [[0.6, 0.8]], 1) */
function cosineDistance(labels: TensorInput, predictions: TensorInput, axis: number, weights?: TensorInput | null, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const [y, p] = pair('cosineDistance', labels, predictions);
  return weighted(() => sub(1, sum(mul(y, p), axis, true)), weights, reduction);
}

/** max(x, 0) − x·z + log1p(exp(−|x|)): the sigmoid cross-entropy of logits x, stable for any x. */
function sigmoidCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor {
  const z = valuesOf(cast(labels, 'float32'));
  const x = valuesOf(cast(logits, 'float32'));
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(x[i], 0) - x[i] * z[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
  return result(out, logits.shape, 'float32');
}

/** Labels smoothed towards `toward` by `smoothing` (tfjs: ½ for sigmoid, 1/classes for softmax). */
function smoothed(labels: Tensor, smoothing: number, toward: number): Tensor {
  return smoothing > 0 ? add(mul(labels, 1 - smoothing), smoothing * toward) : labels;
}

/**
 * The sigmoid cross-entropy of logits against labels in [0, 1] (labelSmoothing moves them towards ½), reduced.
 * @example wl.losses.sigmoidCrossEntropy([1, 0], [2, -1])
 */
function sigmoidCrossEntropy(multiClassLabels: TensorInput, logits: TensorInput, weights?: TensorInput | null, labelSmoothing = 0, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const [y, x] = pair('sigmoidCrossEntropy', multiClassLabels, logits, ['multiClassLabels', 'logits']);
  return weighted(() => sigmoidCrossEntropyWithLogits(smoothed(y, labelSmoothing, 0.5), x), weights, reduction);
}

/**
 * The softmax cross-entropy of logits (last axis) against one-hot labels (labelSmoothing moves them
 * towards 1/classes, classes being the labels' second dimension as in tfjs), one loss per row, reduced.
 * @example wl.losses.softmaxCrossEntropy([[0, 1]], [[1, 3]])
 */
function softmaxCrossEntropy(onehotLabels: TensorInput, logits: TensorInput, weights?: TensorInput | null, labelSmoothing = 0, reduction: Reduction = DEFAULT_REDUCTION): Tensor {
  const [y, x] = pair('softmaxCrossEntropy', onehotLabels, logits, ['onehotLabels', 'logits']);
  return weighted(() => {
    const labels = smoothed(y, labelSmoothing, 1 / y.shape[1]);
    const logProbabilities = sub(x, logSumExp(x, -1, true));
    return neg(sum(mul(logProbabilities, labels), -1));
  }, weights, reduction);
}

/** tfjs's `tf.losses`. */
export const losses = tfjsNamespace('losses', {
  computeWeightedLoss, absoluteDifference, meanSquaredError, huberLoss, logLoss, hingeLoss, cosineDistance, sigmoidCrossEntropy, softmaxCrossEntropy,
});
