/**
 * tfjs-layers' `tf.metrics`: metric values of (yTrue, yPred) tensors, with tfjs's math (most give one
 * value per sample, reducing the last axis; precision, recall and r2Score give one scalar). For
 * reporting and custom evaluation; `compile({metrics})` computes the training metrics itself.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { tfjsNamespace } from '../not-implemented.js';
import { input, shapeText, type TensorInput } from './core.js';
import { abs, add, clipByValue, div, log, maximum, mul, neg, sqrt, square, sub } from './elementwise.js';
import { cast } from './dtype.js';
import { equal, greater, logicalAnd, where } from './compare.js';
import { argMax, mean, sum } from './reduction.js';
import { squeeze } from './shape.js';
import { tidy } from './memory.js';

/** Keras's backend epsilon, as tfjs-layers' metrics use it. */
const EPSILON = 1e-7;

function pair(op: string, yTrue: TensorInput, yPred: TensorInput, sameShape = true): [Tensor, Tensor] {
  const t = input(`metrics.${op}`, yTrue, 'yTrue');
  const p = input(`metrics.${op}`, yPred, 'yPred');
  if (sameShape && (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))) {
    throw new ValueError(`metrics.${op}: yTrue and yPred must have the same shape, got ${shapeText(t.shape)} and ${shapeText(p.shape)}`);
  }
  return [t, p];
}

/** 1 where yPred > 0.5 equals yTrue, averaged over the last axis. @example wl.metrics.binaryAccuracy([[1, 0]], [[0.7, 0.6]]) // [0.5] */
function binaryAccuracy(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('binaryAccuracy', yTrue, yPred);
  return tidy(() => mean(equal(t, cast(greater(p, 0.5), t.dtype)), -1));
}

/** 1 where the argmax of yTrue and yPred agree (one value per row). @example wl.metrics.categoricalAccuracy([[0, 1]], [[0.2, 0.8]]) // [1] */
function categoricalAccuracy(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('categoricalAccuracy', yTrue, yPred);
  return tidy(() => cast(equal(argMax(t, -1), argMax(p, -1)), 'float32'));
}

/**
 * 1 where the argmax of yPred equals the class index in yTrue (a trailing axis of 1 in yTrue is
 * dropped). @example wl.metrics.sparseCategoricalAccuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]]) // [1, 0]
 */
function sparseCategoricalAccuracy(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('sparseCategoricalAccuracy', yTrue, yPred, false);
  return tidy(() => {
    const labels = t.rank === p.rank ? squeeze(t, [t.rank - 1]) : t;
    const predicted = cast(argMax(p, -1), labels.dtype);
    return cast(equal(labels, predicted), 'float32');
  });
}

/** Counts of (yTrue, yPred) pairs equal to (truth, prediction) exactly, as float32. */
function countWhere(t: Tensor, p: Tensor, truth: number, prediction: number): Tensor {
  return cast(sum(logicalAnd(equal(t, truth), equal(p, prediction))), 'float32');
}

/** true positives / (true positives + false positives), 0 when there is no positive prediction; predictions are compared to 1 exactly, as tfjs does. @example wl.metrics.precision([1, 0, 1], [1, 1, 0]) // 0.5 */
function precision(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('precision', yTrue, yPred);
  return tidy(() => {
    const tp = countWhere(t, p, 1, 1);
    const denominator = add(tp, countWhere(t, p, 0, 1));
    return cast(where(greater(denominator, 0), div(tp, denominator), 0), 'float32');
  });
}

/** true positives / (true positives + false negatives), 0 when there is no positive; exact comparisons with 0 and 1, as tfjs does. @example wl.metrics.recall([1, 0, 1], [1, 1, 0]) // 0.5 */
function recall(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('recall', yTrue, yPred);
  return tidy(() => {
    const tp = countWhere(t, p, 1, 1);
    const denominator = add(tp, countWhere(t, p, 1, 0));
    return cast(where(greater(denominator, 0), div(tp, denominator), 0), 'float32');
  });
}

/** mean((yPred − yTrue)²) over the last axis. @example wl.metrics.meanSquaredError([[0, 1]], [[0.5, 1]]) // [0.125] */
function meanSquaredError(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('meanSquaredError', yTrue, yPred);
  return tidy(() => mean(square(sub(p, t)), -1));
}

/** mean(|yPred − yTrue|) over the last axis. @example wl.metrics.meanAbsoluteError([[0, 1]], [[0.5, 1]]) // [0.25] */
function meanAbsoluteError(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('meanAbsoluteError', yTrue, yPred);
  return tidy(() => mean(abs(sub(p, t)), -1));
}

/** 100·mean(|(yTrue − yPred) / max(|yTrue|, ε)|) over the last axis. @example wl.metrics.meanAbsolutePercentageError([[2, 4]], [[1, 4]]) // [25] */
function meanAbsolutePercentageError(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('meanAbsolutePercentageError', yTrue, yPred);
  return tidy(() => mul(100, mean(abs(div(sub(t, p), clipByValue(abs(t), EPSILON, Number.MAX_VALUE))), -1)));
}

/** The binary cross-entropy of probabilities (clipped to [ε, 1 − ε]), averaged over the last axis. @example wl.metrics.binaryCrossentropy([[1, 0]], [[0.9, 0.2]]) */
function binaryCrossentropy(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('binaryCrossentropy', yTrue, yPred);
  return tidy(() => {
    const clipped = clipByValue(p, EPSILON, 1 - EPSILON);
    return neg(mean(add(mul(t, log(clipped)), mul(sub(1, t), log(sub(1, clipped)))), -1));
  });
}

/** −Σ yTrue·log(yPred / Σ yPred) over the last axis, probabilities clipped to [ε, 1 − ε]. @example wl.metrics.categoricalCrossentropy([[0, 1]], [[0.2, 0.8]]) */
function categoricalCrossentropy(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('categoricalCrossentropy', yTrue, yPred);
  return tidy(() => {
    const probabilities = clipByValue(div(p, sum(p, -1, true)), EPSILON, 1 - EPSILON);
    return neg(sum(mul(cast(t, 'float32'), log(probabilities)), -1));
  });
}

/** −(yTrue · yPred) of the two L2-normalised along the last axis (norms floored at sqrt ε). @example wl.metrics.cosineProximity([[0, 1]], [[0, 2]]) // [-1] */
function cosineProximity(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('cosineProximity', yTrue, yPred);
  const normalised = (x: Tensor) => div(x, sqrt(maximum(sum(square(x), -1, true), EPSILON)));
  return tidy(() => neg(sum(mul(normalised(t), normalised(p)), -1)));
}

/** 1 − Σ(yTrue − yPred)² / Σ(yTrue − mean(yTrue))², over all elements. @example wl.metrics.r2Score([1, 2, 3], [1, 2, 4]) // 0.5 */
function r2Score(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const [t, p] = pair('r2Score', yTrue, yPred);
  return tidy(() => sub(1, div(sum(square(sub(t, p))), sum(square(sub(t, mean(t)))))));
}

/** tfjs-layers' `tf.metrics`, with its aliases (MSE, mse, MAPE, mape). */
export const metrics = tfjsNamespace('metrics', {
  binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, precision, recall,
  binaryCrossentropy, categoricalCrossentropy, cosineProximity, r2Score,
  meanSquaredError, MSE: meanSquaredError, mse: meanSquaredError,
  meanAbsoluteError, meanAbsolutePercentageError, MAPE: meanAbsolutePercentageError, mape: meanAbsolutePercentageError,
});
