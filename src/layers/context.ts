/** What a layer's forward and backward get from the model running them. */
import type { Engine } from '../backend/engine.js';
import type { Scratch } from '../ops/device-tensor.js';
import type { LayerVariable } from './variable.js';

export interface ForwardContext {
  readonly engine: Engine;
  readonly scratch: Scratch;
  /** Training mode: the caches returned will be used for backward. */
  readonly training: boolean;
}

/** Byte offset of each trainable variable's gradient accumulator. */
export type GradientMap = ReadonlyMap<LayerVariable, number>;

export interface BackwardContext {
  readonly engine: Engine;
  readonly scratch: Scratch;
  readonly gradients: GradientMap;
  /** False when the layer reads a model input: its input gradient is not computed. */
  readonly needInputGradient: boolean;
  /**
   * True when the incoming gradient is already taken w.r.t. the logits of this layer's final softmax
   * (softmax + cross-entropy fused by the loss), so the softmax backward is skipped.
   */
  readonly fromLogits: boolean;
}
