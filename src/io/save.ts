/**
 * Saving in the TF.js layers format, loadable by TensorFlow.js, with the optimizer's state when
 * asked so training resumes exactly. Works on a small SavableModel interface: io/ never imports
 * models/.
 */
import type { LayerVariable } from '../layers/variable.js';
import type { Optimizer } from '../training/optimizers.js';
import { encodeWeights, type NamedValues } from './artifacts.js';
import { resolveHandler, type IOHandler, type SaveResult } from './handlers.js';

export interface SaveOptions {
  /** Also save the optimizer's state (slots and step count) and the training config. Default false. */
  includeOptimizer?: boolean;
}

/** What saving needs of a model. */
export interface SavableModel {
  readonly className: string;
  getConfig(): Record<string, unknown>;
  readonly weights: LayerVariable[];
  readonly trainableWeights: LayerVariable[];
  readonly optimizer: Optimizer | null;
  /** Keras loss name, or one per output. */
  readonly loss: string | string[] | null;
  readonly lossWeights: number[] | null;
  readonly metricNames: string[];
}

const VERSION = 'wasm-layers 0.1.0';

/**
 * Writes `model` through `target` (a `file://` / `http(s)://` URL or an IO handler); `topology` is
 * model.json's `{class_name, config, ...}` (default: the model's getConfig under its class name).
 */
export async function saveModel(model: SavableModel, target: string | IOHandler, options: SaveOptions = {}, topology?: Record<string, unknown>): Promise<SaveResult> {
  const handler = resolveHandler(target, 'save');
  const entries: NamedValues[] = model.weights.map((v) => ({ name: v.name, shape: [...v.shape], values: v.read() }));
  const optimizer = model.optimizer;
  let trainingConfig: Record<string, unknown> | undefined;
  if (options.includeOptimizer && optimizer) {
    for (const w of optimizer.getWeights(model.trainableWeights)) entries.push({ ...w, group: 'optimizer' });
    trainingConfig = {
      loss: model.loss,
      metrics: model.metricNames,
      ...(Array.isArray(model.loss) ? { loss_weights: model.lossWeights } : {}),
      optimizer_config: { class_name: optimizer.className, config: optimizer.getConfig() },
    };
  }
  const { weightSpecs, weightData } = encodeWeights(entries);
  return handler.save!({
    modelTopology: { ...(topology ?? { class_name: model.className, config: model.getConfig() }), keras_version: VERSION, backend: 'wasm-layers' },
    weightSpecs,
    weightData,
    format: 'layers-model',
    generatedBy: VERSION,
    convertedBy: null,
    trainingConfig,
  });
}
