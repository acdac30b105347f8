/**
 * Metrics compile() accepts: the accuracy family, resolved per output as Keras resolves 'accuracy'
 * (runtime/program.ts accuracyFor): binary accuracy (prediction > 0.5 equals the target) for an
 * output of one unit, categorical accuracy (argmax of the prediction equals argmax of the target)
 * otherwise; averaged over samples and, for sequence outputs, timesteps. Logged under the name
 * given (`accuracy`, `acc`, `val_accuracy`).
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
