/** Layer factories, spelled as tfjs's `tf.layers.*`. */
import { Activation, type ActivationLayerArgs } from './core/activation.js';
import { Dense, type DenseLayerArgs } from './core/dense.js';
import { InputLayer, type InputLayerArgs } from './core/input.js';
import type { LayerArgs } from './args.js';
import { GRU, type GRULayerArgs } from './recurrent/gru.js';
import { TimeDistributed, type TimeDistributedLayerArgs } from './wrappers/time-distributed.js';

export const layers = {
  /**
   * GRU over a (batch, time, features) input, Keras 3 defaults.
   * @example wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15] })
   */
  gru: (args: GRULayerArgs) => new GRU(args),
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
};

export { Activation, Dense, GRU, InputLayer, TimeDistributed };
export type { ActivationLayerArgs, DenseLayerArgs, GRULayerArgs, InputLayerArgs, LayerArgs, TimeDistributedLayerArgs };
