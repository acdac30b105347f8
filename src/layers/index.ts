/** Layer factories, spelled as tfjs's `tf.layers.*`. */
import { Activation, type ActivationLayerArgs } from './core/activation.js';
import { Dense, type DenseLayerArgs } from './core/dense.js';
import { Dropout, type DropoutLayerArgs } from './core/dropout.js';
import { Embedding, type EmbeddingLayerArgs } from './core/embedding.js';
import { InputLayer, type InputLayerArgs } from './core/input.js';
import type { LayerArgs } from './args.js';
import { Masking, type MaskingLayerArgs } from './core/masking.js';
import { SpatialDropout1D, type SpatialDropout1DLayerArgs } from './core/spatial-dropout1d.js';
import { GRU, type GRULayerArgs } from './recurrent/gru.js';
import { LSTM, type LSTMLayerArgs } from './recurrent/lstm.js';
import type { RecurrentCallArgs, RecurrentLayerArgs } from './recurrent/recurrent.js';
import { SimpleRNN, type SimpleRNNLayerArgs } from './recurrent/simple-rnn.js';
import { Bidirectional, type BidirectionalLayerArgs, type MergeMode } from './wrappers/bidirectional.js';
import { TimeDistributed, type TimeDistributedLayerArgs } from './wrappers/time-distributed.js';
import { BatchNormalization, type BatchNormalizationLayerArgs } from './normalization/batch-normalization.js';
import { LayerNormalization, type LayerNormalizationLayerArgs } from './normalization/layer-normalization.js';
import { Flatten, type DataFormat, type FlattenLayerArgs } from './reshaping/flatten.js';
import { Permute, type PermuteLayerArgs } from './reshaping/permute.js';
import { RepeatVector, type RepeatVectorLayerArgs } from './reshaping/repeat-vector.js';
import { Reshape, type ReshapeLayerArgs } from './reshaping/reshape.js';
import { Add } from './merging/add.js';
import { Average } from './merging/average.js';
import { Concatenate, type ConcatenateLayerArgs } from './merging/concatenate.js';
import { Dot, type DotLayerArgs } from './merging/dot.js';
import { Maximum } from './merging/maximum.js';
import { Minimum } from './merging/minimum.js';
import { Multiply } from './merging/multiply.js';
import type { MergeLayerArgs } from './merging/merge.js';
import { Subtract } from './merging/subtract.js';
import { Conv1D, type Conv1DLayerArgs } from './convolutional/conv1d.js';
import { AveragePooling1D, type AveragePooling1DLayerArgs } from './pooling/average-pooling1d.js';
import { GlobalAveragePooling1D, type GlobalAveragePooling1DLayerArgs } from './pooling/global-average-pooling1d.js';
import { GlobalMaxPooling1D, type GlobalMaxPooling1DLayerArgs } from './pooling/global-max-pooling1d.js';
import { MaxPooling1D, type MaxPooling1DLayerArgs } from './pooling/max-pooling1d.js';
import { input } from './core/input.js';
import { tfjsNamespace } from '../not-implemented.js';

export const layers = tfjsNamespace('layers', {
  /**
   * GRU over a (batch, time, features) input, Keras 3 defaults.
   * @example wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15] })
   */
  gru: (args: GRULayerArgs) => new GRU(args),
  /**
   * LSTM over a (batch, time, features) input, Keras 3 defaults (sigmoid gates, forget bias 1).
   * @example wl.layers.lstm({ units: 128, returnSequences: true, inputShape: [40, 57] })
   */
  lstm: (args: LSTMLayerArgs) => new LSTM(args),
  /**
   * Fully connected recurrent layer: h = activation(x·W + b + h·U).
   * @example wl.layers.simpleRNN({ units: 32, activation: 'relu' })
   */
  simpleRNN: (args: SimpleRNNLayerArgs) => new SimpleRNN(args),
  /**
   * A recurrent layer run forward and backward over the sequence, outputs merged.
   * @example wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 32, returnSequences: true }), mergeMode: 'concat' })
   */
  bidirectional: (args: BidirectionalLayerArgs) => new Bidirectional(args),
  /**
   * Masks the timesteps whose features all equal maskValue, for the recurrent layers after it.
   * @example wl.layers.masking({ maskValue: 0, inputShape: [20, 8] })
   */
  masking: (args: MaskingLayerArgs = {}) => new Masking(args),
  /**
   * Drops a fraction `rate` of its input's elements in training, scaling the rest by 1/(1 − rate);
   * the identity in predict and evaluate. Masks depend only on the step's seed and the sample, so a
   * seeded fit gives the same weights on any number of workers.
   * @example wl.layers.dropout({ rate: 0.2 })
   * @example wl.layers.dropout({ rate: 0.5, noiseShape: [null, 1, null], seed: 7 })
   */
  dropout: (args: DropoutLayerArgs) => new Dropout(args),
  /**
   * Dropout of whole channels of a (batch, time, channels) input: a dropped channel is zero at every
   * timestep of that sample (mask shape (batch, 1, channels)); the identity outside training.
   * @example wl.layers.spatialDropout1d({ rate: 0.3 })
   */
  spatialDropout1d: (args: SpatialDropout1DLayerArgs) => new SpatialDropout1D(args),
  /**
   * Densely connected layer on the last axis of an input of any rank.
   * @example wl.layers.dense({ units: 8, activation: 'softmax' })
   */
  dense: (args: DenseLayerArgs) => new Dense(args),
  /**
   * Applies a layer to every timestep.
   * @example wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) })
   */
  timeDistributed: (args: TimeDistributedLayerArgs) => new TimeDistributed(args),
  /**
   * An activation on its own: softmax (last axis), tanh, sigmoid, hard_sigmoid, relu, linear.
   * @example wl.layers.activation({ activation: 'softmax' })
   */
  activation: (args: ActivationLayerArgs) => new Activation(args),
  /** An explicit input layer for a Sequential model. */
  inputLayer: (args: InputLayerArgs) => new InputLayer(args),
  /**
   * Normalizes each sample over its last axis (or trailing axes): (x − mean)/√(var + ε)·gamma + beta.
   * @example wl.layers.layerNormalization({ epsilon: 1e-5 })
   */
  layerNormalization: (args: LayerNormalizationLayerArgs = {}) => new LayerNormalization(args),
  /**
   * Normalizes each channel with the batch's statistics in training (keeping moving averages of
   * them) and with the moving averages in predict and evaluate.
   * @example wl.layers.batchNormalization({ momentum: 0.9 })
   */
  batchNormalization: (args: BatchNormalizationLayerArgs = {}) => new BatchNormalization(args),
  /**
   * Integer ids (int32, or float32 holding integers) to rows of a trainable (inputDim, outputDim)
   * table; maskZero masks id 0 for the recurrent layers after it.
   * @example wl.layers.embedding({ inputDim: 10000, outputDim: 64, maskZero: true })
   */
  embedding: (args: EmbeddingLayerArgs) => new Embedding(args),
  /**
   * Repeats a (batch, features) input n times: (batch, n, features).
   * @example wl.layers.repeatVector({ n: 10 })
   */
  repeatVector: (args: RepeatVectorLayerArgs) => new RepeatVector(args),
  /**
   * Flattens each sample: (batch, d1, …, dk) → (batch, d1·…·dk).
   * @example wl.layers.flatten()
   */
  flatten: (args: FlattenLayerArgs = {}) => new Flatten(args),
  /**
   * Reshapes each sample to targetShape (batch axis excluded; one −1 inferred).
   * @example wl.layers.reshape({ targetShape: [4, -1] })
   */
  reshape: (args: ReshapeLayerArgs) => new Reshape(args),
  /**
   * Reorders the non-batch axes; dims is 1-based.
   * @example wl.layers.permute({ dims: [2, 1] })
   */
  permute: (args: PermuteLayerArgs) => new Permute(args),
  /**
   * Joins its inputs along axis (default −1).
   * @example wl.layers.concatenate().apply([a, b])
   */
  concatenate: (args: ConcatenateLayerArgs = {}) => new Concatenate(args),
  /**
   * The elementwise sum of its inputs (shapes broadcast as Keras's).
   * @example wl.layers.add().apply([a, b])
   */
  add: (args: MergeLayerArgs = {}) => new Add(args),
  /**
   * The elementwise difference of its two inputs.
   * @example wl.layers.subtract().apply([a, b])
   */
  subtract: (args: MergeLayerArgs = {}) => new Subtract(args),
  /**
   * The elementwise product of its inputs.
   * @example wl.layers.multiply().apply([a, b])
   */
  multiply: (args: MergeLayerArgs = {}) => new Multiply(args),
  /**
   * The elementwise mean of its inputs.
   * @example wl.layers.average().apply([a, b])
   */
  average: (args: MergeLayerArgs = {}) => new Average(args),
  /**
   * The elementwise maximum of its inputs.
   * @example wl.layers.maximum().apply([a, b])
   */
  maximum: (args: MergeLayerArgs = {}) => new Maximum(args),
  /**
   * The elementwise minimum of its inputs.
   * @example wl.layers.minimum().apply([a, b])
   */
  minimum: (args: MergeLayerArgs = {}) => new Minimum(args),
  /**
   * Per-sample dot product along one axis of each input (Luong attention scores, cosine similarity).
   * @example wl.layers.dot({ axes: [2, 2] }).apply([decoded, encoded])
   */
  dot: (args: DotLayerArgs) => new Dot(args),
  /**
   * 1-D convolution over a (batch, steps, channels) input: padding 'valid', 'same' or 'causal',
   * strides, dilationRate; kernel (kernelSize, channels, filters) as Keras.
   * @example wl.layers.conv1d({ filters: 250, kernelSize: 3, activation: 'relu', inputShape: [500, 50] })
   */
  conv1d: (args: Conv1DLayerArgs) => new Conv1D(args),
  /**
   * The maximum of each window of poolSize steps (default 2), every strides steps (default poolSize).
   * @example wl.layers.maxPooling1d({ poolSize: 2 })
   */
  maxPooling1d: (args: MaxPooling1DLayerArgs = {}) => new MaxPooling1D(args),
  /**
   * The mean of each window of poolSize steps (required, as Keras 3), every strides steps (default poolSize).
   * @example wl.layers.averagePooling1d({ poolSize: 2 })
   */
  averagePooling1d: (args: AveragePooling1DLayerArgs) => new AveragePooling1D(args),
  /** tfjs's alias of averagePooling1d. @example wl.layers.avgPool1d({ poolSize: 2 }) */
  avgPool1d: (args: AveragePooling1DLayerArgs) => new AveragePooling1D(args),
  /** tfjs's alias of averagePooling1d. @example wl.layers.avgPooling1d({ poolSize: 2 }) */
  avgPooling1d: (args: AveragePooling1DLayerArgs) => new AveragePooling1D(args),
  /**
   * The maximum over all steps: (batch, channels), or (batch, 1, channels) with keepdims. Masks are dropped (Keras 3).
   * @example wl.layers.globalMaxPooling1d()
   */
  globalMaxPooling1d: (args: GlobalMaxPooling1DLayerArgs = {}) => new GlobalMaxPooling1D(args),
  /**
   * The mean over all steps (over the unmasked ones when a mask arrives, as Keras 3): (batch, channels), or (batch, 1, channels) with keepdims.
   * @example wl.layers.globalAveragePooling1d()
   */
  globalAveragePooling1d: (args: GlobalAveragePooling1DLayerArgs = {}) => new GlobalAveragePooling1D(args),
  /** tfjs's alias of maxPooling1d. @example wl.layers.maxPool1d({ poolSize: 2 }) */
  maxPool1d: (args: MaxPooling1DLayerArgs = {}) => new MaxPooling1D(args),
  /** tfjs's alias of globalMaxPooling1d. @example wl.layers.globalMaxPool1d() */
  globalMaxPool1d: (args: GlobalMaxPooling1DLayerArgs = {}) => new GlobalMaxPooling1D(args),
  /** tfjs's `tf.layers.input`: the same as `wl.input`. @example const x = wl.layers.input({ shape: [10, 3] }) */
  input,
});

export { AveragePooling1D, Conv1D, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D };
export type { AveragePooling1DLayerArgs, Conv1DLayerArgs, GlobalAveragePooling1DLayerArgs, GlobalMaxPooling1DLayerArgs, MaxPooling1DLayerArgs };
export type { GlobalPooling1DLayerArgs, Pooling1DLayerArgs } from './pooling/pooling1d.js';
export type { Size1D } from './convolutional/conv-args.js';
export type { Conv1DPadding } from '../ops/conv1d.js';
export type { Pool1DPadding } from '../ops/pooling.js';
export { Activation, Bidirectional, Dense, Dropout, GRU, InputLayer, LSTM, Masking, SimpleRNN, SpatialDropout1D, TimeDistributed };
export { BatchNormalization, LayerNormalization };
export type { BatchNormalizationLayerArgs, LayerNormalizationLayerArgs };
export { Embedding };
export type { EmbeddingLayerArgs };
export { Add, Average, Concatenate, Dot, Flatten, Maximum, Minimum, Multiply, Permute, RepeatVector, Reshape, Subtract };
export type {
  ActivationLayerArgs, BidirectionalLayerArgs, DenseLayerArgs, DropoutLayerArgs, GRULayerArgs, InputLayerArgs, LayerArgs, LSTMLayerArgs, MaskingLayerArgs,
  SpatialDropout1DLayerArgs,
  MergeMode, RecurrentCallArgs, RecurrentLayerArgs, SimpleRNNLayerArgs, TimeDistributedLayerArgs,
};
export type {
  ConcatenateLayerArgs, DataFormat, DotLayerArgs, FlattenLayerArgs, MergeLayerArgs, PermuteLayerArgs, RepeatVectorLayerArgs, ReshapeLayerArgs,
};
