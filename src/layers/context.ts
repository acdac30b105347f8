/** What a layer's forward and backward get from the graph executor running them. */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor, Scratch } from '../ops/device-tensor.js';
import type { NoiseSource } from '../ops/dropout.js';
import type { LayerVariable } from './variable.js';

/** Byte offset of each variable's accumulator (gradients, or state-update sums). */
export type GradientMap = ReadonlyMap<LayerVariable, number>;

export interface ForwardContext {
  readonly engine: Device;
  readonly scratch: Scratch;
  /** Training mode: the caches returned will be used for backward. */
  readonly training: boolean;
  /** The inputs' masks (null where an input has none), as the layers before computed them. */
  readonly masks: readonly (DeviceTensor | null)[];
  /**
   * Training only: where a layer with state updates (moving statistics) adds this chunk's share of
   * each state variable's update sum; the pool reduces these like gradients, then the layer's
   * applyStateUpdate runs once. Null outside training.
   */
  readonly stateSums: GradientMap | null;
  /**
   * Training only: the seed of this step's noise for this layer call (the graph executor mixes the
   * node's index into the step's seed) and the chunk's first row in the whole batch, so dropout masks
   * depend on (seed, global row, element) and not on how the batch was split. Null outside training.
   */
  readonly noise: NoiseSource | null;
}

export interface BackwardContext {
  readonly engine: Device;
  readonly scratch: Scratch;
  /** Accumulators of the trainable variables' gradients (frozen variables are absent). */
  readonly gradients: GradientMap;
  /** Per input: whether its gradient is wanted (false for a model input, or an integer input). */
  readonly needInputGradients: readonly boolean[];
  /**
   * True when dOutputs[0] is already taken w.r.t. the logits of this layer's final softmax: the
   * model chose, when it was compiled, to fuse that softmax with a cross-entropy loss, so the layer
   * skips its softmax backward. Only the layer producing such an output ever sees true.
   */
  readonly logitsGradient: boolean;
}
