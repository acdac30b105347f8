/** loadLayersModel(): models in the TF.js layers format, from this library, tfjs or Keras. */
import { getEngine } from '../backend/engine.js';
import { ValueError, checkConfigDepth, describe } from '../errors.js';
import { checkArgKeys } from '../layers/args.js';
import type { LayersModel } from './model.js';
import { modelFromConfig, type ModelConfig } from './serialization.js';
import { optimizerFromConfig } from '../training/optimizers.js';
import { decodeWeights, type ModelArtifacts } from '../io/artifacts.js';
import { resolveHandler, type IOHandler } from '../io/handlers.js';
import { kerasFileBytes } from '../io/keras/source.js';
import { fromKerasConfig } from '../io/keras/config.js';

/** Options of loadLayersModel. */
export interface LoadOptions {
  /** Accept weights holding NaN or ±Infinity (refused by default, naming the weight and the index). */
  allowNonFiniteWeights?: boolean;
  /**
   * Compile the model from the file's training config (a `.keras` file's `compile_config`, a TF.js
   * model's `trainingConfig`) and restore the optimizer's state saved with it; default true, as
   * Keras's `load_model(compile=True)`. false: the model alone, uncompiled.
   */
  compile?: boolean;
}

/**
 * Loads a model saved in the TF.js layers format (by this library, TensorFlow.js, or Keras through
 * tfjs's converter), or a Keras file: `.keras` (Keras 3) or legacy `.h5`, by a `file://` path or
 * URL ending in `.keras` / `.h5`, or as bytes (ArrayBuffer, Uint8Array, Blob). With a training
 * config (a TF.js model's trainingConfig, a `.keras` file's compile_config) the model comes back
 * compiled, with its optimizer's state when that was saved (`save(..., {includeOptimizer: true})`);
 * a legacy `.h5` file's model comes back uncompiled.
 * @example const model = await wl.loadLayersModel('file://./model/model.json');
 * @example const model = await wl.loadLayersModel('file://./model.keras');
 * The kernels load alongside (if they have not), so the model's synchronous predict works next,
 * also on a page's main thread, which cannot compile them synchronously.
 * @example const model = await wl.loadLayersModel(await (await fetch('/model.keras')).arrayBuffer());
 */
export async function loadLayersModel(source: string | IOHandler | ModelArtifacts | ArrayBuffer | ArrayBufferView | Blob, options: LoadOptions = {}): Promise<LayersModel> {
  // a failed start surfaces where the kernels are used, not here
  const kernels = getEngine().catch(() => null);
  const model = await loadModel(source, options);
  await kernels;
  return model;
}

async function loadModel(source: string | IOHandler | ModelArtifacts | ArrayBuffer | ArrayBufferView | Blob, options: LoadOptions): Promise<LayersModel> {
  checkArgKeys('loadLayersModel', options, ['allowNonFiniteWeights', 'compile']);
  if (options.compile !== undefined && typeof options.compile !== 'boolean') throw new ValueError(`loadLayersModel: compile must be true or false, got ${describe(options.compile)}`);
  const file = await kerasFileBytes(source);
  if (file) {
    // imported when used, so the zip and HDF5 readers stay out of bundles that never load Keras files
    const { loadKerasBytes } = await import('./keras-files.js');
    return loadKerasBytes(file.bytes, file.what, { allowNonFinite: options.allowNonFiniteWeights === true, compile: options.compile });
  }
  const artifacts = await resolveHandler(source as string | IOHandler | ModelArtifacts, 'load').load!();
  checkConfigDepth(artifacts.weightSpecs, 'The weights manifest');
  checkConfigDepth(artifacts.trainingConfig, 'The training config');
  let topology = artifacts.modelTopology as Record<string, unknown>;
  if (topology && typeof topology === 'object' && 'model_config' in topology) topology = topology.model_config as Record<string, unknown>;
  // this library's saves (and any Keras 3 writer) use the Keras 3 dialect: module, dtype policies, initializer objects
  checkConfigDepth(topology, 'The model config');
  const spec = topology && typeof topology === 'object' && 'module' in topology ? fromKerasConfig(topology, 'keras3') : (topology as unknown as ModelConfig);
  const weights = decodeWeights(artifacts.weightSpecs, artifacts.weightData, { allowNonFinite: options.allowNonFiniteWeights === true });
  // the model may not declare more weight values than the file holds: checked before allocating each
  const model = modelFromConfig(spec, { initialize: false, weightBudget: { floats: artifacts.weightData.byteLength / 4 } });
  const byName = new Map([...weights].map(([name, w]) => [name.replace(/:0$/, ''), w]));
  const missing: string[] = [];
  for (const v of model.weights) {
    const w = byName.get(v.name);
    if (!w || w.group === 'optimizer') {
      missing.push(v.name);
      continue;
    }
    if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i])) {
      throw new ValueError(`Saved weight ${v.name} has shape [${w.shape.join(', ')}], but the model's ${v.name} has shape [${v.shape.join(', ')}]`);
    }
    v.write(w.values);
  }
  if (missing.length) throw new ValueError(`The saved weights lack ${missing.join(', ')}; they hold ${[...byName.keys()].map((n) => describe(n)).join(', ') || 'nothing'}`);
  const used = new Set(model.weights.map((v) => v.name));
  const extra = [...byName.values()].filter((w) => w.group !== 'optimizer' && !used.has(w.name.replace(/:0$/, '')));
  if (extra.length) throw new ValueError(`The saved weights include ${extra.map((w) => w.name).join(', ')}, which the model does not have`);
  const training = artifacts.trainingConfig as Record<string, unknown> | undefined;
  if (options.compile !== false && training?.optimizer_config && training.loss) {
    const optimizer = optimizerFromConfig(training.optimizer_config);
    model.compile({ loss: training.loss as never, optimizer, metrics: (training.metrics as string[] | undefined) ?? [], ...(training.loss_weights ? { lossWeights: training.loss_weights as number[] } : {}) });
    const state = new Map([...weights].filter(([, w]) => w.group === 'optimizer'));
    if (state.size) optimizer.setWeights(model.trainableWeights, state);
  }
  return model;
}
