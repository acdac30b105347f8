/**
 * Layers from Keras configs ({class_name, config} with snake_case keys), as saved models and worker
 * replicas carry them. Keys with Keras's default values (null regularizers, no dropout...) are
 * accepted; any other key is refused by name rather than silently ignored.
 */
import { ValueError, describe, unknownName } from '../errors.js';
import { Activation } from './activation.js';
import type { LayerArgs } from './args.js';
import { Dense } from './dense.js';
import { GRU } from './gru.js';
import { InputLayer } from './input.js';
import { Deferred, resolveInitializer } from './initializers.js';
import type { Layer } from './layer.js';
import { TimeDistributed } from './time-distributed.js';

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

/** Keys whose value must be the Keras default to be accepted (features not supported here). */
const DEFAULTS_ONLY: Record<string, unknown[]> = {
  kernel_regularizer: [null], recurrent_regularizer: [null], bias_regularizer: [null], activity_regularizer: [null],
  kernel_constraint: [null], recurrent_constraint: [null], bias_constraint: [null],
  dropout: [0], recurrent_dropout: [0], return_state: [false], stateful: [false], unroll: [false, true],
  implementation: [0, 1, 2, null], time_major: [false], sparse: [false], ragged: [false], seed: [null],
  zero_output_for_mask: [false], use_cudnn: ['auto', true, false], input_dtype: ['float32'],
};

type Builder = (config: Record<string, unknown>, base: LayerArgs, options: FromConfigOptions, depth: number) => Layer;

/** The initializer a config names (Keras default when absent), not run when initialize is false. */
const init = (value: unknown, fallback: string, options: FromConfigOptions) => {
  const initializer = resolveInitializer(value ?? fallback, 'config', 'initializer');
  return options.initialize === false ? new Deferred(initializer, options.weightBudget) : initializer;
};

const BUILDERS: Record<string, { keys: string[]; build: Builder }> = {
  InputLayer: {
    keys: ['batch_input_shape', 'batch_shape'],
    build: (c, base) => new InputLayer({ ...base, batchInputShape: (c.batch_input_shape ?? c.batch_shape) as (number | null)[] }),
  },
  Dense: {
    keys: ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer'],
    build: (c, base, o) => new Dense({
      ...base, units: c.units as number, activation: c.activation as never, useBias: c.use_bias as boolean | undefined,
      kernelInitializer: init(c.kernel_initializer, 'glorotUniform', o), biasInitializer: init(c.bias_initializer, 'zeros', o),
    }),
  },
  GRU: {
    keys: ['units', 'activation', 'recurrent_activation', 'use_bias', 'return_sequences', 'go_backwards', 'reset_after',
      'kernel_initializer', 'recurrent_initializer', 'bias_initializer'],
    build: (c, base, o) => new GRU({
      ...base, units: c.units as number, activation: c.activation as never, recurrentActivation: c.recurrent_activation as never,
      useBias: c.use_bias as boolean | undefined, returnSequences: c.return_sequences as boolean | undefined,
      goBackwards: c.go_backwards as boolean | undefined, resetAfter: c.reset_after as boolean | undefined,
      kernelInitializer: init(c.kernel_initializer, 'glorotUniform', o), recurrentInitializer: init(c.recurrent_initializer, 'orthogonal', o),
      biasInitializer: init(c.bias_initializer, 'zeros', o),
    }),
  },
  Activation: {
    keys: ['activation'],
    build: (c, base) => new Activation({ ...base, activation: c.activation as never }),
  },
  TimeDistributed: {
    keys: ['layer'],
    build: (c, base, o, depth) => new TimeDistributed({ ...base, layer: layerFromConfig(c.layer as LayerConfig, o, depth + 1) }),
  },
};

/** Known layer class names. */
export const LAYER_CLASSES = Object.keys(BUILDERS);

/** A layer from its Keras config. */
export function layerFromConfig(spec: LayerConfig, options: FromConfigOptions = {}, depth = 0): Layer {
  if (depth > MAX_NESTING) throw new ValueError(`Layer configs are nested more than ${MAX_NESTING} deep`);
  if (spec == null || typeof spec !== 'object' || typeof spec.class_name !== 'string') {
    throw new ValueError(`A layer config must be {class_name, config}, got ${describe(spec)}`);
  }
  if (!Object.hasOwn(BUILDERS, spec.class_name)) throw unknownName('layer class', spec.class_name, LAYER_CLASSES);
  const { keys, build } = BUILDERS[spec.class_name];
  const config = spec.config ?? {};
  if (typeof config !== 'object') throw new ValueError(`The config of a ${spec.class_name} layer must be an object, got ${describe(config)}`);
  for (const [key, value] of Object.entries(config)) {
    if (keys.includes(key) || ['name', 'trainable', 'dtype', 'batch_input_shape', 'module', 'registered_name', 'build_config'].includes(key)) continue;
    if (Object.hasOwn(DEFAULTS_ONLY, key) && DEFAULTS_ONLY[key].some((d) => d === value)) continue;
    throw new ValueError(`${spec.class_name} config: ${key}=${describe(value)} is not supported`);
  }
  const dtype = config.dtype;
  if (dtype != null && dtype !== 'float32' && !(typeof dtype === 'object')) {
    throw new ValueError(`${spec.class_name} config: dtype=${describe(dtype)} is not supported (float32 only)`);
  }
  const base: LayerArgs = {
    name: config.name as string | undefined,
    trainable: config.trainable as boolean | undefined,
    batchInputShape: (config.batch_input_shape as (number | null)[] | undefined) ?? undefined,
  };
  return build(config, base, options, depth);
}
