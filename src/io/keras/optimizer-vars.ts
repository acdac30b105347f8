/**
 * An optimizer's state as Keras 3 keeps it in `model.weights.h5` (group `optimizer/vars`, datasets
 * `0..n-1`), and its `compile_config` entry in config.json. The layout is Keras 3.15's:
 * - keras/src/saving/saving_lib.py `_save_state` walks the model (`layers` first, then its
 *   attributes by name), so a compiled model's optimizer is saved at `optimizer`, through
 *   keras/src/optimizers/base_optimizer.py `save_own_variables`:
 *   `for i, variable in enumerate(self.variables): store[str(i)] = variable.numpy()`.
 * - `self.variables` is in creation order. `BaseOptimizer.__init__` creates `iteration`
 *   (`dtype="int"`: int64 under TensorFlow, int32 under JAX) then `learning_rate` (floatx, float32);
 *   `build(var_list)` then adds the slots through `add_optimizer_variables(var_list, names)`, which
 *   "Interleaves adding variables for backward-compatibility": for each model variable in turn, one
 *   slot per name. So:
 *   - rmsprop.py `build`: `velocity` for all, then `momentum` for all if `momentum > 0`, then
 *     `average_gradient` for all if `centered`;
 *   - adam.py `build`: `add_optimizer_variables(var_list, ["momentum", "velocity"])`, i.e.
 *     momentum₀, velocity₀, momentum₁, velocity₁, … (and `velocity_hat` for all if amsgrad);
 *   - sgd.py `build`: `momentum` for all if `momentum != 0`, else no slots.
 * - The slots hold the same quantities as this library's (each class's `update_step`): RMSprop's
 *   velocity is ρv + (1−ρ)g², its momentum momentum·m + lr·g/√(…), its average_gradient ρ·mg + (1−ρ)g;
 *   Adam's m and v; SGD's momentum momentum·m − lr·g.
 * - `var_list` is `model.trainable_variables` (trainers/trainer.py `compile_from_config`:
 *   `self.optimizer.build(self.trainable_variables)`), the layers' trainable weights in layer order.
 * - On load, `load_own_variables` skips the optimizer (a warning only) when the count differs, so a
 *   file must hold exactly these; here a mismatch is refused, naming the variable.
 * - trainers/trainer.py `compile`/`get_compile_config` store
 *   `{optimizer, loss, loss_weights, metrics, weighted_metrics, run_eagerly, steps_per_execution,
 *   jit_compile}`, each through `serialize_keras_object` (the optimizer as
 *   `{module: "keras.optimizers", class_name, config, registered_name: null}`, its config from
 *   base_optimizer.py `get_config` plus the class's own keys); saving/serialization_lib.py puts it
 *   at the model config's top level as `compile_config`, and `deserialize_keras_object` calls
 *   `compile_from_config` with it when `load_model(compile=True)`.
 */
import { ValueError, describe } from '../../errors.js';
import type { LayerVariable } from '../../layers/variable.js';
import { Adam, RMSprop, SGD, type Optimizer } from '../../training/optimizers.js';
import { kerasSnakeCase } from './weight-paths.js';

/** One variable of `optimizer/vars`, in Keras's order. */
export interface OptimizerVar {
  /** Keras's slot name (`iteration`, `learning_rate`, `velocity`, `momentum`, `average_gradient`). */
  kerasName: string;
  /** The model variable a slot belongs to (none for iteration and learning_rate). */
  variable?: LayerVariable;
  /** This library's slot name (`rms`, `m`, ...), for a slot. */
  slot?: string;
  shape: number[];
  dtype: 'int64' | 'float32';
}

/** Keras's slot names of this library's slots. */
const KERAS_SLOT: Record<string, Record<string, string>> = {
  RMSprop: { rms: 'velocity', momentum: 'momentum', mg: 'average_gradient' },
  Adam: { m: 'momentum', v: 'velocity' },
  SGD: { momentum: 'momentum' },
};

/** The slots `build()` adds, as groups interleaved per variable (see the file's comment). */
function slotGroups(optimizer: Optimizer): string[][] {
  if (optimizer instanceof RMSprop) return [['rms'], ...(optimizer.momentum > 0 ? [['momentum']] : []), ...(optimizer.centered ? [['mg']] : [])];
  if (optimizer instanceof Adam) return [['m', 'v']];
  if (optimizer instanceof SGD) return optimizer.momentum !== 0 ? [['momentum']] : [];
  throw new ValueError(`Optimizer ${describe((optimizer as Optimizer).className)} has no Keras 3 state layout`);
}

/** The variables Keras 3 keeps for `optimizer` built on `trainable` (Keras's trainable_variables order). */
export function optimizerVarsLayout(optimizer: Optimizer, trainable: readonly LayerVariable[]): OptimizerVar[] {
  const out: OptimizerVar[] = [
    { kerasName: 'iteration', shape: [], dtype: 'int64' },
    { kerasName: 'learning_rate', shape: [], dtype: 'float32' },
  ];
  const names = KERAS_SLOT[optimizer.className];
  for (const group of slotGroups(optimizer)) {
    for (const variable of trainable) {
      for (const slot of group) out.push({ kerasName: names[slot], variable, slot, shape: [...variable.shape], dtype: 'float32' });
    }
  }
  return out;
}

/** What `optimizer/vars/i` holds, for messages: `iteration`, `velocity of gru/kernel`. */
export function describeVar(v: OptimizerVar): string {
  return v.variable ? `${v.kerasName} of ${v.variable.name}` : v.kerasName;
}

/** The values of `optimizer/vars` in order: the step count (int64), the learning rate, the slots (zeros for those not made yet). */
export function optimizerVarValues(optimizer: Optimizer, layout: readonly OptimizerVar[]): (Float32Array | BigInt64Array)[] {
  const state = new Map(optimizer.getWeights(layout.flatMap((v) => (v.variable ? [v.variable] : []))).map((w) => [w.name, w.values]));
  return layout.map((v) => {
    if (v.kerasName === 'iteration') return BigInt64Array.of(BigInt(optimizer.iterations));
    if (v.kerasName === 'learning_rate') return Float32Array.of(optimizer.learningRate);
    const values = state.get(`${v.variable!.name}/${v.slot}`);
    return values instanceof Float32Array ? values : new Float32Array(v.variable!.size);
  });
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v != null && typeof v === 'object' && !Array.isArray(v);

/** The base optimizer's get_config keys at the values this library's update rules assume. */
const BASE_DEFAULTS: Json = {
  weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null, use_ema: false, ema_momentum: 0.99,
  ema_overwrite_frequency: null, loss_scale_factor: null, gradient_accumulation_steps: null,
};

/** Keras's default name of an optimizer: base_optimizer.py `auto_name(self.__class__.__name__)` (to_snake_case: RMSprop → rm_sprop). */
export function kerasOptimizerName(optimizer: Optimizer): string {
  return kerasSnakeCase(optimizer.className);
}

/**
 * A number Python's json must read as a float even when it is whole (`0.0`, not `0`): Keras's
 * base_optimizer.py refuses a learning_rate that is not a float ("Argument `learning_rate` should
 * be float"), sgd.py a momentum that is not ("`momentum` must be a float between [0, 1]").
 */
class PythonFloat {
  constructor(readonly value: number) {}
  toJSON(): string {
    return `${FLOAT_MARK}${Number.isInteger(this.value) ? this.value.toFixed(1) : String(this.value)}`;
  }
}
const FLOAT_MARK = '__python_float__:';

/** JSON text of `value` with its PythonFloats written as float literals. */
export function kerasJson(value: unknown): string {
  return JSON.stringify(value).replace(new RegExp(`"${FLOAT_MARK}([^"]+)"`, 'g'), '$1');
}

/** `{module: "keras.optimizers", class_name, config, registered_name}` of `optimizer`, as Keras 3.15 writes it (write it with kerasJson). */
export function kerasOptimizerConfig(optimizer: Optimizer): Json {
  const own = Object.fromEntries(Object.entries(optimizer.getConfig()).map(([k, v]) => [k, typeof v === 'number' ? new PythonFloat(v) : v]));
  const { learning_rate: learningRate, ...rest } = own;
  const config = { name: kerasOptimizerName(optimizer), learning_rate: learningRate, ...BASE_DEFAULTS, ema_momentum: new PythonFloat(0.99), ...rest };
  return { module: 'keras.optimizers', class_name: optimizer.className, config, registered_name: null };
}

/** Keras 3 metric names of this library's metric names (metrics/__init__.py ALL_OBJECTS_DICT: snake_case class names). */
const KERAS_METRIC: Record<string, string> = {
  binaryAccuracy: 'binary_accuracy', categoricalAccuracy: 'categorical_accuracy', sparseCategoricalAccuracy: 'sparse_categorical_accuracy',
  meanSquaredError: 'mean_squared_error', meanAbsoluteError: 'mean_absolute_error',
};

/** What compile_config needs of a model. */
export interface CompiledModel {
  readonly optimizer: Optimizer | null;
  readonly loss: string | string[] | null;
  readonly lossWeights: number[] | null;
  readonly metricNames: string[];
}

/** The `compile_config` of a compiled model (Keras 3 trainer.py `_compile_config`). */
export function kerasCompileConfig(model: CompiledModel): Json {
  const weights = model.lossWeights;
  return {
    optimizer: kerasOptimizerConfig(model.optimizer!),
    loss: model.loss,
    loss_weights: weights && weights.some((w) => w !== 1) ? weights : null,
    metrics: model.metricNames.length ? model.metricNames.map((m) => KERAS_METRIC[m] ?? m) : null,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    // "auto" lets Keras choose XLA where the model supports it (trainer.py `_resolve_auto_jit_compile`)
    jit_compile: 'auto',
  };
}

/** compile()'s arguments read from a Keras 3 `compile_config`. */
export interface KerasCompileArgs {
  optimizerConfig: { className: string; config: Json };
  loss: string | string[] | Record<string, string>;
  lossWeights?: number[] | Record<string, number>;
  metrics: string[];
}

const COMPILE_KEYS = ['optimizer', 'loss', 'loss_weights', 'metrics', 'weighted_metrics', 'run_eagerly', 'steps_per_execution', 'jit_compile'];
/** The optimizer config keys each class has beyond the base ones, at any value this library supports. */
const OWN_KEYS: Record<string, string[]> = {
  RMSprop: ['rho', 'momentum', 'epsilon', 'centered'],
  Adam: ['beta_1', 'beta_2', 'epsilon', 'amsgrad'],
  SGD: ['momentum', 'nesterov'],
};

/**
 * A Keras 3 `compile_config` checked and read: string losses and metrics, an RMSprop / Adam / SGD
 * whose options this library has. Anything else is refused by name (never compiled without it),
 * with the way out: load with `{compile: false}`, as Keras's `load_model(compile=False)`.
 */
export function readCompileConfig(value: unknown, what: string): KerasCompileArgs {
  const refuse = (why: string) => new ValueError(`${what}: compile_config ${why}; load with {compile: false} to get the model without its training state`);
  if (!isObject(value)) throw refuse(`must be an object, got ${describe(value)}`);
  const unknown = Object.keys(value).filter((k) => !COMPILE_KEYS.includes(k));
  if (unknown.length) throw refuse(`has ${unknown.map((k) => describe(k)).join(', ')}, which this library does not read`);
  if (value.weighted_metrics != null && !(Array.isArray(value.weighted_metrics) && value.weighted_metrics.length === 0)) throw refuse(`has weighted_metrics ${describe(value.weighted_metrics)}, which this library does not support`);
  if (value.steps_per_execution != null && value.steps_per_execution !== 1) throw refuse(`has steps_per_execution ${describe(value.steps_per_execution)}; only 1 is supported`);
  const loss = value.loss;
  const isName = (l: unknown) => typeof l === 'string';
  const lossOk = isName(loss) || (Array.isArray(loss) && loss.every(isName)) || (isObject(loss) && !('class_name' in loss) && Object.values(loss).every(isName));
  if (!lossOk) throw refuse(`has loss ${describe(isObject(loss) && 'class_name' in loss ? loss.class_name : loss)}: only loss names (such as "mean_squared_error") are read, not loss objects`);
  const metrics = value.metrics ?? [];
  if (!Array.isArray(metrics) || !metrics.every(isName)) throw refuse(`has metrics ${describe(metrics)}: only a list of metric names is read`);
  const weights = value.loss_weights;
  if (weights != null && !Array.isArray(weights) && !isObject(weights)) throw refuse(`has loss_weights ${describe(weights)}`);
  const optimizer = value.optimizer;
  if (typeof optimizer === 'string') return { optimizerConfig: { className: optimizer, config: {} }, loss: loss as string, metrics: metrics as string[], ...(weights != null ? { lossWeights: weights as number[] } : {}) };
  if (!isObject(optimizer) || typeof optimizer.class_name !== 'string' || !isObject(optimizer.config)) throw refuse(`has optimizer ${describe(optimizer)}: expected {class_name, config}`);
  const className = optimizer.class_name;
  const own = OWN_KEYS[className];
  if (!own) throw refuse(`has optimizer ${describe(className)}: this library has RMSprop, Adam and SGD`);
  const config = optimizer.config;
  for (const [k, v] of Object.entries(config)) {
    if (k === 'name' || own.includes(k)) continue;
    if (k === 'learning_rate') {
      if (typeof v !== 'number') throw refuse(`has ${className} learning_rate ${describe(isObject(v) ? v.class_name : v)}: only a constant learning rate is supported (not a schedule)`);
      continue;
    }
    if (!(k in BASE_DEFAULTS)) throw refuse(`has ${className} option ${k}, which this library does not have`);
    if (v !== BASE_DEFAULTS[k] && !(k === 'use_ema' && v == null) && !(k === 'ema_momentum' && config.use_ema !== true)) {
      throw refuse(`has ${className} ${k}=${describe(v)}, which this library does not support (its update rule would differ)`);
    }
  }
  if (className === 'Adam' && config.amsgrad === true) throw refuse('has Adam amsgrad=true, which this library does not support');
  return { optimizerConfig: { className, config }, loss: loss as string, metrics: metrics as string[], ...(weights != null ? { lossWeights: weights as number[] } : {}) };
}
