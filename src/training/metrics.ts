/**
 * Metrics compile() accepts (shared/SPEC-LAYERS.md §19), in tfjs and Keras spellings, logged under
 * the name given (`accuracy`, `acc`, `val_mae`...). Each is a ratio of two sums over the epoch
 * (Keras's stateful metrics): matches / rows for the accuracies, Σ row means / rows for mse and mae,
 * true positives / predicted positives (precision) or / actual positives (recall), threshold 0.5.
 * With a mask on the output, only its unmasked steps count (Keras 3).
 *
 * 'accuracy' / 'acc' resolve per output as Keras 3 resolves them, by shapes: binary accuracy for an
 * output of one unit, sparse categorical for class-index targets, else categorical.
 * Keras-divergence (tfjs): tfjs also takes binary accuracy for binaryCrossentropy on several units,
 * and averages precision / recall over batches instead of over the epoch's counts.
 */
import { invalidArgument, unknownName } from '../errors.js';
import type { Loss } from './losses.js';

/** What a resolved metric computes. */
export type MetricKind =
  | 'binaryAccuracy' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy'
  | 'meanSquaredError' | 'meanAbsoluteError' | 'precision' | 'recall';

/** Names accepted by compile({metrics}). */
export type MetricIdentifier =
  | 'accuracy' | 'acc'
  | 'binaryAccuracy' | 'binary_accuracy' | 'categoricalAccuracy' | 'categorical_accuracy'
  | 'sparseCategoricalAccuracy' | 'sparse_categorical_accuracy'
  | 'mse' | 'MSE' | 'meanSquaredError' | 'mean_squared_error'
  | 'mae' | 'MAE' | 'meanAbsoluteError' | 'mean_absolute_error'
  | 'precision' | 'recall';

const KINDS: Record<MetricIdentifier, MetricKind | 'accuracy'> = {
  accuracy: 'accuracy', acc: 'accuracy',
  binaryAccuracy: 'binaryAccuracy', binary_accuracy: 'binaryAccuracy',
  categoricalAccuracy: 'categoricalAccuracy', categorical_accuracy: 'categoricalAccuracy',
  sparseCategoricalAccuracy: 'sparseCategoricalAccuracy', sparse_categorical_accuracy: 'sparseCategoricalAccuracy',
  mse: 'meanSquaredError', MSE: 'meanSquaredError', meanSquaredError: 'meanSquaredError', mean_squared_error: 'meanSquaredError',
  mae: 'meanAbsoluteError', MAE: 'meanAbsoluteError', meanAbsoluteError: 'meanAbsoluteError', mean_absolute_error: 'meanAbsoluteError',
  precision: 'precision', recall: 'recall',
};

/** Checks compile's `metrics` and returns the names (duplicates dropped, order kept). */
export function resolveMetrics(value: unknown): string[] {
  if (value == null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const m of list) {
    if (typeof m !== 'string') throw invalidArgument('compile', 'metrics', 'metric names such as "accuracy"', m);
    if (!Object.hasOwn(KINDS, m)) throw unknownName('metric', m, Object.keys(KINDS));
  }
  return [...new Set(list as string[])];
}

/** What metric `name` computes on an output of `outputShape` trained with `loss`. */
export function metricKindFor(name: string, outputShape: readonly (number | null)[], loss: Loss): MetricKind {
  const kind = KINDS[name as MetricIdentifier];
  if (kind === undefined) throw unknownName('metric', name, Object.keys(KINDS));
  if (kind !== 'accuracy') return kind;
  if (outputShape[outputShape.length - 1] === 1) return 'binaryAccuracy';
  return loss.sparse ? 'sparseCategoricalAccuracy' : 'categoricalAccuracy';
}

/** A metric's value from its two sums (0 when nothing was counted, as Keras's divide_no_nan). */
export function metricValue(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}
