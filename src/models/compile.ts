/**
 * compile()'s arguments resolved against a model's outputs: one loss per output (a single loss for
 * all, a list in output order, or an object keyed by output name), the loss weights, the metrics.
 */
import { ValueError, describe, invalidArgument } from '../errors.js';
import { resolveLoss, type Loss, type LossIdentifier } from '../training/losses.js';
import { resolveMetrics, type MetricIdentifier } from '../training/metrics.js';
import { resolveOptimizer, type Optimizer } from '../training/optimizers.js';

export interface ModelCompileArgs {
  /**
   * The loss, tfjs or Keras spelling: categoricalCrossentropy, sparseCategoricalCrossentropy (class
   * indices as targets), binaryCrossentropy, meanSquaredError / mse, meanAbsoluteError / mae, huber;
   * for a model of several outputs one name for all, a list in output order, or an object keyed by
   * output name.
   */
  loss: LossIdentifier | LossIdentifier[] | Record<string, LossIdentifier>;
  /** 'rmsprop', 'adam', 'sgd' (Keras defaults) or wl.optimizers.rmsprop({...}). */
  optimizer: string | Optimizer;
  /**
   * Logged per epoch for every output, and returned by evaluate(): 'accuracy' / 'acc' (binary,
   * categorical or sparse categorical as Keras 3 resolves it), binaryAccuracy, categoricalAccuracy,
   * sparseCategoricalAccuracy, mse, mae, precision, recall (training/metrics.ts).
   */
  metrics?: MetricIdentifier[] | string[];
  /** Each output's weight in the total loss: a list in output order or an object keyed by output name; default 1 each. */
  lossWeights?: number[] | Record<string, number>;
}

export interface Compiled {
  losses: Loss[];
  lossWeights: number[];
  optimizer: Optimizer;
  metrics: string[];
}

/** One value per output from a single value, a list, or an object keyed by output name. */
function perOutput<T>(arg: string, value: T | T[] | Record<string, T>, outputNames: string[], single: (v: unknown) => boolean): unknown[] {
  if (Array.isArray(value)) {
    if (value.length !== outputNames.length) {
      throw new ValueError(`compile: ${arg} has ${value.length} entries, but the model has ${outputNames.length} outputs (${outputNames.join(', ')})`);
    }
    return value;
  }
  if (value != null && typeof value === 'object' && !single(value)) {
    const given = Object.keys(value);
    const unknown = given.filter((k) => !outputNames.includes(k));
    if (unknown.length) throw new ValueError(`compile: ${arg} names ${unknown.map(describe).join(', ')}, which ${unknown.length > 1 ? 'are not outputs' : 'is not an output'}; the outputs are: ${outputNames.join(', ')}`);
    return outputNames.map((n) => (value as Record<string, T>)[n]);
  }
  return outputNames.map(() => value);
}

export function resolveCompile(args: ModelCompileArgs, outputNames: string[]): Compiled {
  const lossList = perOutput('loss', args.loss, outputNames, (v) => typeof v === 'string');
  const missing = outputNames.filter((_, i) => lossList[i] == null);
  if (missing.length) throw new ValueError(`compile: no loss is given for output${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; give one loss per output`);
  const losses = lossList.map((l) => resolveLoss(l));
  const weights = args.lossWeights == null ? outputNames.map(() => 1) : perOutput('lossWeights', args.lossWeights, outputNames, () => false).map((w, i) => {
    if (w === undefined) return 1;
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw invalidArgument('compile', `lossWeights[${outputNames[i]}]`, 'a finite number ≥ 0', w);
    return w;
  });
  return { losses, lossWeights: weights, optimizer: resolveOptimizer(args.optimizer), metrics: resolveMetrics(args.metrics) };
}
