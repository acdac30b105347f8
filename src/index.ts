/**
 * wasm-layers: Keras-style sequence models (GRU, Dense, TimeDistributed, softmax) trained on
 * WebAssembly SIMD kernels, in Node, browsers and Deno.
 *
 * @example
 * import * as wl from 'wasm-layers';
 * const model = wl.sequential();
 * model.add(wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15] }));
 * model.add(wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }));
 * model.add(wl.layers.activation({ activation: 'softmax' }));
 * model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
 * await model.fit(x, y, { batchSize: 128, epochs: 1 });
 */
import { getEngine, shutdownEngine, type EngineOptions } from './backend/engine.js';
import { shutdownPool } from './parallel/pool-registry.js';
import { StateError } from './errors.js';
import { registerLayer } from './layers/registry.js';
import type { KernelVariant } from './backend/wasm-source.js';
import { tfjsNamespace } from './not-implemented.js';
import * as ioMembers from './io/public.js';

export { Tensor, type NestedArray } from './tensor.js';
export type { DType, DataTypeMap, HostArray } from './dtype.js';
export type { Shape } from './shape.js';
export type { ActivationIdentifier } from './layers/activations.js';
export { tensor, tensor1d, tensor2d, tensor3d, tensor4d, zeros, ones, randomUniform, randomNormal, oneHot, type TensorLike, type NestedBoolArray } from './tensor-creation.js';
export * from './tensor-ops/index.js';
export { layers, GRU, LSTM, SimpleRNN, Bidirectional, Masking, Dense, Dropout, SpatialDropout1D, TimeDistributed, Activation, InputLayer } from './layers/index.js';
export type {
  ActivationLayerArgs, BidirectionalLayerArgs, DenseLayerArgs, DropoutLayerArgs, GRULayerArgs, InputLayerArgs, LayerArgs, LSTMLayerArgs, MaskingLayerArgs,
  SpatialDropout1DLayerArgs,
  MergeMode, RecurrentCallArgs, RecurrentLayerArgs, SimpleRNNLayerArgs, TimeDistributedLayerArgs,
} from './layers/index.js';
export { Embedding, type EmbeddingLayerArgs } from './layers/index.js';
export { Add, Average, Concatenate, Dot, Flatten, Maximum, Minimum, Multiply, Permute, RepeatVector, Reshape, Subtract } from './layers/index.js';
export type {
  ConcatenateLayerArgs, DataFormat, DotLayerArgs, FlattenLayerArgs, MergeLayerArgs, PermuteLayerArgs, RepeatVectorLayerArgs, ReshapeLayerArgs,
} from './layers/index.js';
export { Conv1D, MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D } from './layers/index.js';
export type {
  Conv1DLayerArgs, MaxPooling1DLayerArgs, AveragePooling1DLayerArgs, GlobalMaxPooling1DLayerArgs, GlobalAveragePooling1DLayerArgs,
  Pooling1DLayerArgs, GlobalPooling1DLayerArgs, Size1D, Conv1DPadding, Pool1DPadding,
} from './layers/index.js';
export { Recurrent } from './layers/recurrent/recurrent.js';
export { BatchNormalization, LayerNormalization, type BatchNormalizationLayerArgs, type LayerNormalizationLayerArgs } from './layers/index.js';
export { Layer, type CallArgs, type ForwardResult, type InputSpec, type LayerClass } from './layers/layer.js';
export type { ForwardContext, BackwardContext, GradientMap } from './layers/context.js';
export { arg, layerSchema, LayerSchema, type ArgSpec, type ArgsOf, type Resolved, type Specs, type FromConfigContext } from './layers/schema.js';
export type { DeviceTensor, Scratch } from './ops/device-tensor.js';
export type { NoiseSource } from './ops/dropout.js';
export type { Device, Placeable } from './backend/engine.js';
export type { Kernels } from './backend/kernels.js';
/** tfjs's tf.serialization: `registerClass(cls)` lets configs naming a layer class of one's own load. */
export const serialization = { registerClass: registerLayer };
export { LayerVariable } from './layers/variable.js';
export { SymbolicTensor } from './layers/symbolic.js';
export { input, type InputArgs } from './layers/core/input.js';
export {
  initializers, Initializer, Zeros, Ones, Constant, RandomUniform, RandomNormal, GlorotUniform, GlorotNormal, HeUniform, Orthogonal,
  HeNormal, LecunNormal, LecunUniform, TruncatedNormal, Identity,
  VarianceScaling, type SeedArgs, type VarianceScalingArgs, type InitializerIdentifier,
} from './layers/initializers.js';
export { clearSession } from './layers/names.js';
export { LayersModel, model, type ModelArgs, type ModelCompileArgs, type ModelEvaluateArgs, type ModelPredictArgs } from './models/model.js';
export type { ModelEvaluateAsyncArgs, ModelPredictAsyncArgs } from './models/model.js';
export { Sequential, sequential, type SequentialArgs } from './models/sequential.js';
export type { SummaryOptions } from './models/summary.js';
export { optimizers, Optimizer, RMSprop, Adam, SGD, type RMSpropArgs, type AdamArgs, type SGDArgs } from './training/optimizers.js';
export type { LossIdentifier, FusableActivation } from './training/losses.js';
export type { LoadOptions } from './models/load.js';
export type { MetricIdentifier } from './training/metrics.js';
export type { ModelFitArgs, WorkersOption } from './training/fit.js';
export { History, type FitParams } from './training/history.js';
export { callbacks, EarlyStopping, TerminateOnNaN, type CustomCallbackArgs, type CallbackModel, type EarlyStoppingArgs, type Logs } from './training/callbacks.js';
export { loadLayersModel } from './models/load.js';
export type { SaveOptions } from './io/save.js';
/** tfjs's `tf.io`: save and load handlers (file://, http(s)://, indexeddb://, localstorage://, downloads://, in memory) and model management. */
export const io = tfjsNamespace('io', { ...ioMembers });
export type { IOHandler, SaveResult, AtomicFs, ModelArtifacts, ModelJSON, WeightSpec, BrowserStores, ModelArtifactsInfo } from './io/public.js';
// the types wl.io names, as `export * as io` gave them
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace io {
  export type IOHandler = ioMembers.IOHandler;
  export type SaveResult = ioMembers.SaveResult;
  export type AtomicFs = ioMembers.AtomicFs;
  export type ModelArtifacts = ioMembers.ModelArtifacts;
  export type ModelJSON = ioMembers.ModelJSON;
  export type WeightSpec = ioMembers.WeightSpec;
  export type BrowserStores = ioMembers.BrowserStores;
  export type ModelArtifactsInfo = ioMembers.ModelArtifactsInfo;
}
export type { ModelData, ArrayData, ForeignTensor } from './training/data.js';
export { setSeed } from './random.js';
export { setPoolOptions, poolInfo, type PoolOptions, type PoolInfo } from './parallel/pool-registry.js';
export { ValueError, StateError, WorkerError, NotImplementedError } from './errors.js';
export { train } from './training/train.js';
export { losses, Reduction } from './tensor-ops/losses.js';
export { metrics } from './tensor-ops/metric-functions.js';
/** tfjs's `tf.regularizers`: none is implemented yet (layers take regularizers at their default, none); each tfjs name says so. */
export const regularizers = tfjsNamespace('regularizers', {});
/** tfjs's `tf.constraints`: none is implemented yet (layers take constraints at their default, none); each tfjs name says so. */
export const constraints = tfjsNamespace('constraints', {});
export type { WasmSources, WasmInput, KernelVariant, KernelChoice } from './backend/wasm-source.js';

/** What ready() reports about the engine. */
export interface EngineInfo {
  /** The kernel build in use. */
  variant: KernelVariant;
}

/**
 * Loads the kernels now (they otherwise load on first use) and reports which build runs.
 * Options (where the .wasm files are, which build) apply when the engine starts; asking for a build
 * other than the one already running is an error until `shutdown()`.
 * @example const { variant } = await wl.ready(); // 'simd' or 'relaxed-simd'
 * @example await wl.ready({ variant: 'simd' }); // no fused multiply-add, whatever the runtime
 * @example await wl.ready({ enableRelaxedSimdFlag: true }); // the FMA build on Node 20 too
 */
export async function ready(options?: EngineOptions): Promise<EngineInfo> {
  const engine = await getEngine(options);
  const requested = options?.variant ?? 'auto';
  if (requested !== 'auto' && requested !== engine.variant) {
    throw new StateError(
      `ready(): the engine already runs the '${engine.variant}' kernel build, expected '${requested}'; call shutdown() before asking for another build`,
    );
  }
  return { variant: engine.variant };
}

/**
 * Releases everything the engine holds: the worker pool's threads and the WebAssembly memory. Models
 * stay usable: their weights are copied out first and move into a new engine on next use.
 */
export async function shutdown(): Promise<void> {
  await shutdownPool();
  await shutdownEngine();
}

export type { EngineOptions };
export { data, Dataset, type Batched } from './data/dataset.js';
export type { DatasetBatch, ModelFitDatasetArgs } from './training/fit-dataset.js';
export type { YieldEveryOption } from './training/yield-every.js';
