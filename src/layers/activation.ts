/** Activation layer: an activation on its own (softmax over the last axis, or elementwise). */
import type { Shape } from '../shape.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import { resolveActivation, type Activation as ActivationFn, type ActivationIdentifier } from './activations.js';
import { activationBackward, activationForward } from './activation-ops.js';
import { checkArgKeys, BASE_ARG_KEYS, type LayerArgs } from './args.js';
import type { BackwardContext, ForwardContext } from './context.js';
import { Layer } from './layer.js';
import { ValueError } from '../errors.js';

export interface ActivationLayerArgs extends LayerArgs {
  activation: ActivationIdentifier;
}

export class Activation extends Layer<DeviceTensor> {
  readonly className = 'Activation';
  readonly activation: ActivationFn;

  constructor(args: ActivationLayerArgs) {
    checkArgKeys('Activation', args, [...BASE_ARG_KEYS, 'activation']);
    super(args, 'activation');
    if (args.activation == null) throw new ValueError('Activation: the activation argument is required, e.g. { activation: "softmax" }');
    this.activation = resolveActivation(args.activation);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override outputIsSoftmax(): boolean {
    return this.activation.code == null;
  }

  /** @internal */
  forward(x: DeviceTensor, { engine, scratch }: ForwardContext): { y: DeviceTensor; cache: DeviceTensor } {
    const y = scratch.alloc(x.shape);
    activationForward(engine, this.activation, x, y);
    return { y, cache: y };
  }

  /** @internal */
  backward(dy: DeviceTensor, y: DeviceTensor, ctx: BackwardContext): DeviceTensor | null {
    if (!ctx.needInputGradient) return null;
    return ctx.fromLogits ? dy : activationBackward(ctx.engine, ctx.scratch, this.activation, y, dy);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }
}
