/**
 * Layers from Keras configs ({class_name, config} with snake_case keys), as saved models and worker
 * replicas carry them: one registration per class. A class's schema reads its config, and refuses
 * any key it does not support by name rather than silently ignoring it.
 */
import { ValueError, describe, unknownName } from '../errors.js';
import { Activation } from './core/activation.js';
import { Dense } from './core/dense.js';
import { Dropout } from './core/dropout.js';
import { Embedding } from './core/embedding.js';
import { InputLayer } from './core/input.js';
import type { Layer, LayerClass } from './layer.js';
import { Masking } from './core/masking.js';
import { SpatialDropout1D } from './core/spatial-dropout1d.js';
import { GRU } from './recurrent/gru.js';
import { LSTM } from './recurrent/lstm.js';
import { SimpleRNN } from './recurrent/simple-rnn.js';
import { Bidirectional } from './wrappers/bidirectional.js';
import type { FromConfigContext } from './schema.js';
import { TimeDistributed } from './wrappers/time-distributed.js';
import { BatchNormalization } from './normalization/batch-normalization.js';
import { LayerNormalization } from './normalization/layer-normalization.js';
import { Flatten } from './reshaping/flatten.js';
import { Permute } from './reshaping/permute.js';
import { RepeatVector } from './reshaping/repeat-vector.js';
import { Reshape } from './reshaping/reshape.js';
import { Add } from './merging/add.js';
import { Average } from './merging/average.js';
import { Concatenate } from './merging/concatenate.js';
import { Dot } from './merging/dot.js';
import { Maximum } from './merging/maximum.js';
import { Minimum } from './merging/minimum.js';
import { Multiply } from './merging/multiply.js';
import { Subtract } from './merging/subtract.js';
import { Conv1D } from './convolutional/conv1d.js';
import { AveragePooling1D } from './pooling/average-pooling1d.js';
import { GlobalAveragePooling1D } from './pooling/global-average-pooling1d.js';
import { GlobalMaxPooling1D } from './pooling/global-max-pooling1d.js';
import { MaxPooling1D } from './pooling/max-pooling1d.js';

export interface LayerConfig {
  class_name: string;
  config: Record<string, unknown>;
}

export interface FromConfigOptions {
  /** false: skip the initializers (zeros), for replicas whose weights are set right after. */
  initialize?: boolean;
  /** With initialize false: the values the weights may take in all (a loaded file's). */
  weightBudget?: { floats: number };
}

/** Layer configs nested deeper than this (TimeDistributed in TimeDistributed...) are refused. */
export const MAX_NESTING = 16;

type Registered = LayerClass & { fromConfig(config: Record<string, unknown>, ctx: FromConfigContext): Layer };
const CLASSES = new Map<string, Registered>();
/** Classes that come with the library (worker replicas can build these; see isBuiltIn). */
const BUILT_IN = new Set<string>();

/**
 * Registers a layer class so configs naming it can be loaded (tfjs's serialization.registerClass):
 * it needs a static `className`, a static `schema`, and a constructor taking its arguments.
 * @example class Scale extends wl.Layer { static className = 'Scale'; static schema = ...; } wl.serialization.registerClass(Scale);
 */
export function registerLayer(cls: LayerClass): void {
  if (typeof cls !== 'function' || typeof cls.className !== 'string' || cls.className.length === 0 || cls.schema == null) {
    throw new ValueError(`registerClass: expected a Layer subclass with a static className and a static schema, got ${describe(cls)}`);
  }
  CLASSES.set(cls.className, cls as Registered);
}

for (const cls of [InputLayer, Dense, GRU, LSTM, SimpleRNN, Activation, TimeDistributed, Bidirectional, Masking, Dropout, SpatialDropout1D,
  LayerNormalization, BatchNormalization, Embedding,
  RepeatVector, Flatten, Reshape, Permute, Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot,
  Conv1D, MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D] as LayerClass[]) {
  registerLayer(cls);
  BUILT_IN.add(cls.className);
}

/** Known layer class names. */
export function layerClassNames(): string[] {
  return [...CLASSES.keys()];
}

/** Whether a class comes with the library (a pool worker can build it without the user's code). */
export function isBuiltInLayer(className: string): boolean {
  return BUILT_IN.has(className);
}

/** A layer from its Keras config. */
export function layerFromConfig(spec: LayerConfig, options: FromConfigOptions = {}, depth = 0): Layer {
  if (depth > MAX_NESTING) throw new ValueError(`Layer configs are nested more than ${MAX_NESTING} deep`);
  if (spec == null || typeof spec !== 'object' || typeof spec.class_name !== 'string') {
    throw new ValueError(`A layer config must be {class_name, config}, got ${describe(spec)}`);
  }
  const cls = CLASSES.get(spec.class_name);
  if (!cls) throw unknownName('layer class', spec.class_name, layerClassNames());
  const config = spec.config ?? {};
  if (typeof config !== 'object' || Array.isArray(config)) throw new ValueError(`The config of a ${spec.class_name} layer must be an object, got ${describe(config)}`);
  const dtype = config.dtype;
  if (spec.class_name !== 'InputLayer' && dtype != null && dtype !== 'float32' && !isFloat32Policy(dtype)) {
    throw new ValueError(`${spec.class_name} config: dtype=${describe(dtype)} is not supported (float32 only)`);
  }
  const ctx: FromConfigContext = {
    initialize: options.initialize !== false,
    weightBudget: options.weightBudget,
    layerFromConfig: (nested) => layerFromConfig(nested as LayerConfig, options, depth + 1),
  };
  return cls.fromConfig(config as Record<string, unknown>, ctx);
}

/** Keras 3's dtype policy object `{class_name: 'DTypePolicy', config: {name: 'float32'}}`. */
function isFloat32Policy(dtype: unknown): boolean {
  if (dtype == null || typeof dtype !== 'object') return false;
  const name = (dtype as { config?: { name?: unknown } }).config?.name;
  return name === 'float32';
}
