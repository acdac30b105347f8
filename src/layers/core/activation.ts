/** Activation layer: an activation on its own (softmax over the last axis, or elementwise). */
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { activationBackward, activationForward } from '../../ops/activation.js';
import type { ActivationIdentifier } from '../activations.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { FusableActivation } from '../../training/losses.js';
import { Layer, type ForwardResult } from '../layer.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';
import { ValueError } from '../../errors.js';

export interface ActivationLayerArgs extends LayerArgs {
  activation: ActivationIdentifier;
}

const SCHEMA = layerSchema<ActivationLayerArgs>()('Activation', {
  activation: arg.activation('linear'),
});

export class Activation extends Layer<DeviceTensor> {
  static readonly className = 'Activation';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  constructor(args: ActivationLayerArgs) {
    super(args);
    if (args.activation == null) throw new ValueError('Activation: the activation argument is required, e.g. { activation: "softmax" }');
  }

  get activation() {
    return this.options.activation;
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    return [inputShapes[0]];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  override finalActivation(): FusableActivation | null {
    const name = this.activation.name;
    return name === 'softmax' || name === 'sigmoid' ? name : null;
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<DeviceTensor> {
    const y = scratch.alloc(x.shape);
    activationForward(engine, this.activation, x, y);
    return { outputs: [y], cache: y };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], y: DeviceTensor, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !ctx.needInputGradients[0]) return [null];
    return [ctx.logitsGradient ? dy : activationBackward(ctx.engine, ctx.scratch, this.activation, y, dy)];
  }
}
