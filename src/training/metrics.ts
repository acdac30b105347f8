/**
 * Metrics compile() accepts: the accuracy family, which for categorical outputs is Keras's
 * categorical accuracy (argmax of the prediction equals argmax of the target), averaged over samples
 * and, for sequence outputs, timesteps. Logged under the name given (`accuracy`, `val_accuracy`).
 */
import { invalidArgument, unknownName } from '../errors.js';

const ACCURACY = ['accuracy', 'acc', 'categoricalAccuracy', 'categorical_accuracy'];

export function resolveMetrics(value: unknown): string[] {
  if (value == null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const m of list) {
    if (typeof m !== 'string') throw invalidArgument('compile', 'metrics', 'metric names such as "accuracy"', m);
    if (!ACCURACY.includes(m)) throw unknownName('metric', m, ACCURACY);
  }
  return [...new Set(list as string[])];
}
