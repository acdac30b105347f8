/**
 * The small interface the training loops see a model through (models/ implements it; training/
 * never imports models/): run forward, then backward from the loss gradient.
 */
import type { DeviceTensor } from '../ops/device-tensor.js';
import type { ForwardContext, GradientMap } from '../layers/context.js';
import type { LayerVariable } from '../layers/variable.js';
import type { Shape } from '../shape.js';

export interface ForwardPass {
  readonly y: DeviceTensor;
  /**
   * Runs the graph backward from dL/dy and accumulates into `gradients`. With `fromLogits`, dy is
   * the gradient w.r.t. the logits of the output's final softmax (fused softmax + cross-entropy).
   */
  backward(dy: DeviceTensor, gradients: GradientMap, fromLogits: boolean): void;
}

export interface TrainableGraph {
  /** Variables the optimizer updates, in Keras order. */
  readonly trainableVariables: readonly LayerVariable[];
  /** True when the output's last operation is a softmax over the last axis. */
  readonly outputIsSoftmax: boolean;
  /** Input and output shapes with the batch axis, and the names Keras's data checks use. */
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly inputName: string;
  readonly outputName: string;
  /**
   * Floats one sample takes in an inference forward pass (its input and every layer's output), or
   * null when a dimension is unknown (inference then runs a batch in one pass).
   */
  readonly sampleFloats: number | null;
  forward(x: DeviceTensor, ctx: ForwardContext): ForwardPass;
}
