/**
 * A `.keras` file's training state: `compile_config` in config.json and the optimizer's variables
 * under `optimizer/vars` in model.weights.h5 (layout and sources: io/keras/optimizer-vars.ts).
 * Written with `save(..., {includeOptimizer: true})`; read back into a compiled model whose next
 * step is the one the saved model would have taken, in this library or in Keras 3.
 */
import { ValueError, describe } from '../errors.js';
import { firstNonFinite, type DecodeOptions } from '../io/artifacts.js';
import type { Hdf5Reader } from '../io/keras/hdf5-read.js';
import type { H5GroupSpec } from '../io/keras/hdf5-write.js';
import { describeVar, kerasCompileConfig, kerasOptimizerName, optimizerVarValues, optimizerVarsLayout, readCompileConfig } from '../io/keras/optimizer-vars.js';
import type { Layer } from '../layers/layer.js';
import { optimizerFromConfig } from '../training/optimizers.js';
import type { LayersModel } from './model.js';

/** Keras's trainable_variables: each layer's trainable weights, in the model's Keras layer order. */
function trainableInKerasOrder(layers: readonly Layer[]) {
  return layers.flatMap((l) => l.trainableWeights);
}

/** The `compile_config` and the `optimizer` group of a compiled model's `.keras` file. */
export function kerasTrainingState(model: LayersModel, layers: readonly Layer[]): { compileConfig: Record<string, unknown>; optimizerGroup: H5GroupSpec } {
  const optimizer = model.optimizer!;
  const layout = optimizerVarsLayout(optimizer, trainableInKerasOrder(layers));
  const values = optimizerVarValues(optimizer, layout);
  const vars: H5GroupSpec = { attrs: { name: kerasOptimizerName(optimizer) }, members: new Map(values.map((data, i) => [String(i), { shape: layout[i].shape, data }])) };
  return { compileConfig: kerasCompileConfig(model), optimizerGroup: { members: new Map([['vars', vars]]) } };
}

/**
 * Compiles `model` from a Keras 3 `compile_config` and sets its optimizer's state from
 * `optimizer/vars` (when the file has that group): the count, each shape and dtype must be what
 * the optimizer keeps for this model, values finite, the step count a non-negative integer.
 */
export function restoreKerasTraining(model: LayersModel, compileConfig: unknown, h5: Hdf5Reader, layers: readonly Layer[], what: string, options: DecodeOptions): void {
  const args = readCompileConfig(compileConfig, what);
  const withHint = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ValueError) throw new ValueError(`${what}: compile_config: ${e.message}; load with {compile: false} to get the model without its training state`);
      throw e;
    }
  };
  const file = 'model.weights.h5';
  const names = h5.keys('optimizer/vars');
  const stored = names.length > 0;
  // learning_rate is a variable in Keras (a callback may have changed it): the stored one wins over the config's
  let learningRate: number | undefined;
  if (stored && h5.dtype('optimizer/vars/1') !== undefined) {
    const lr = h5.float32('optimizer/vars/1');
    if (lr.values.length !== 1 || !Number.isFinite(lr.values[0]) || lr.values[0] <= 0) throw new ValueError(`${file}: optimizer/vars/1 (learning_rate) must be one positive finite float32, got shape [${lr.shape.join(', ')}] starting ${lr.values[0]}`);
    const configured = args.optimizerConfig.config.learning_rate;
    learningRate = typeof configured === 'number' && Math.fround(configured) === lr.values[0] ? configured : lr.values[0];
  }
  const config = learningRate === undefined ? args.optimizerConfig.config : { ...args.optimizerConfig.config, learning_rate: learningRate };
  withHint(() => {
    const optimizer = optimizerFromConfig({ class_name: args.optimizerConfig.className, config });
    model.compile({ loss: args.loss as never, optimizer, metrics: args.metrics, ...(args.lossWeights ? { lossWeights: args.lossWeights } : {}) });
  });
  if (!stored) return;
  const optimizer = model.optimizer!;
  const trainable = trainableInKerasOrder(layers);
  const layout = optimizerVarsLayout(optimizer, trainable);
  if (names.length !== layout.length) {
    throw new ValueError(`${file}: optimizer/vars holds ${names.length} variables, but ${optimizer.className}(${describe(optimizer.getConfig())}) keeps ${layout.length} for this model (iteration, learning_rate, then ${layout.length - 2} slots for its ${trainable.length} trainable weights)`);
  }
  const state = new Map<string, { shape: number[]; values: Float32Array | Int32Array }>();
  layout.forEach((v, i) => {
    const path = `optimizer/vars/${i}`;
    const where = `${file}: ${path} (${describeVar(v)})`;
    const dtype = h5.dtype(path);
    if (dtype === undefined) throw new ValueError(`${file} has no dataset ${path} (${describeVar(v)}); it holds ${names.join(', ')}`);
    if (v.kerasName === 'iteration') {
      if (dtype !== '<i8' && dtype !== '<i4') throw new ValueError(`${where} holds ${describe(dtype)} values; the step count is an int64 (or int32) scalar`);
      const { values } = h5.integer(path);
      if (values.length !== 1 || !Number.isSafeInteger(values[0]) || values[0] < 0) throw new ValueError(`${where} must be one non-negative integer, got ${values.length} value(s) starting ${values[0]}`);
      state.set('iter', { shape: [], values: Int32Array.of(values[0]) });
      return;
    }
    if (dtype !== '<f4') throw new ValueError(`${where} holds ${describe(dtype)} values; optimizer state is float32 (<f4)`);
    const { shape, values } = h5.float32(path);
    if (v.kerasName === 'learning_rate') return;
    if (shape.length !== v.shape.length || shape.some((d, j) => d !== v.shape[j])) throw new ValueError(`${where} has shape [${shape.join(', ')}], but ${v.variable!.name} has shape [${v.shape.join(', ')}]`);
    const bad = options.allowNonFinite ? null : firstNonFinite(values, shape);
    if (bad) throw new ValueError(`${where} holds ${bad.value} at ${bad.at}; optimizer state must be finite (load with {allowNonFiniteWeights: true} to accept it)`);
    state.set(`${v.variable!.name}/${v.slot}`, { shape, values });
  });
  optimizer.setWeights(trainable, state);
}
