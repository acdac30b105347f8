/**
 * tfjs's `tf.train` optimizer factories, with tfjs's positional arguments and defaults, making this
 * library's optimizers (Keras 3 update rules). Where the two rules differ, docs/from-tfjs.md says how.
 */
import { invalidArgument } from '../errors.js';
import { tfjsNamespace } from '../not-implemented.js';
import { Adam, RMSprop, SGD } from './optimizers.js';

function learningRateOf(owner: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw invalidArgument(`train.${owner}`, 'learningRate', 'a positive number', value);
  return value;
}

/** tfjs's `epsilon = null`: the backend's epsilon, 1e-7 for float32. */
const orDefault = (epsilon: number | null | undefined) => epsilon ?? undefined;

/**
 * Plain SGD: p −= learningRate·g.
 * @example model.compile({ loss: 'meanSquaredError', optimizer: wl.train.sgd(0.1) });
 */
function sgd(learningRate: number): SGD {
  return new SGD({ learningRate: learningRateOf('sgd', learningRate) });
}

/**
 * SGD with momentum: accumulation = momentum·accumulation + g; p −= learningRate·accumulation
 * (useNesterov: p −= learningRate·(g + momentum·accumulation)).
 * @example wl.train.momentum(0.01, 0.9)
 */
function momentum(learningRate: number, momentum: number, useNesterov = false): SGD {
  return new SGD({ learningRate: learningRateOf('momentum', learningRate), momentum, nesterov: useNesterov });
}

/**
 * RMSprop: v = decay·v + (1 − decay)·g²; p −= learningRate·g / sqrt(v + ε) (momentum and centered as tfjs).
 * @example wl.train.rmsprop(0.01)
 */
function rmsprop(learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false): RMSprop {
  return new RMSprop({ learningRate: learningRateOf('rmsprop', learningRate), rho: decay, momentum, epsilon: orDefault(epsilon), centered });
}

/**
 * Adam with bias correction. Keras 3's form: ε is added to sqrt(v) before the bias correction of the
 * step size, so ε weighs sqrt(1 − β₂ᵗ) times what it does in tfjs (the same step wherever ε ≪ sqrt(v)).
 * @example wl.train.adam(0.001)
 */
function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): Adam {
  return new Adam({ learningRate: learningRateOf('adam', learningRate), beta1, beta2, epsilon: orDefault(epsilon) });
}

/** tfjs's `tf.train`: sgd, momentum, rmsprop and adam with tfjs's positional arguments. */
export const train = tfjsNamespace('train', { sgd, momentum, rmsprop, adam });
