/**
 * TimeDistributed(layer): the inner layer applied to every timestep x[:, t]. Every layer here treats
 * samples independently, so this is the inner layer run once on (B·T, ...) — for Dense, one GEMM —
 * with the batch and time axes folded together and unfolded after. The weights are the inner
 * layer's, named after the wrapper (`time_distributed_1/kernel`), as Keras names them.
 */
import { ValueError } from '../errors.js';
import type { Shape } from '../shape.js';
import { reshape, type DeviceTensor } from '../ops/device-tensor.js';
import { checkArgKeys, BASE_ARG_KEYS, type LayerArgs } from './args.js';
import type { BackwardContext, ForwardContext } from './context.js';
import { Layer, type InputSpec } from './layer.js';
import type { LayerVariable } from './variable.js';

export interface TimeDistributedLayerArgs extends LayerArgs {
  /** The layer to apply at every timestep. */
  layer: Layer;
}

export class TimeDistributed extends Layer<unknown> {
  readonly className = 'TimeDistributed';
  readonly layer: Layer;

  constructor(args: TimeDistributedLayerArgs) {
    checkArgKeys('TimeDistributed', args, [...BASE_ARG_KEYS, 'layer']);
    super(args, 'time_distributed');
    if (!(args.layer instanceof Layer)) {
      throw new ValueError(`TimeDistributed: the layer argument must be a layer, e.g. wl.layers.dense({ units: 8 }). Received: layer=${String(args.layer)}`);
    }
    if (args.layer.built) throw new ValueError(`TimeDistributed: layer ${args.layer.name} is already built; wrap a fresh layer`);
    this.layer = args.layer;
    this.layer.weightScope = this.name;
  }

  protected override defaultInputSpec(): InputSpec {
    return { minNdim: 3 };
  }

  private innerShape(inputShape: Shape): Shape {
    return [inputShape[0], ...inputShape.slice(2)];
  }

  protected override build(inputShape: Shape): void {
    this.layer.buildFor(this.innerShape(inputShape));
  }

  computeOutputShape(inputShape: Shape): Shape {
    const inner = this.layer.computeOutputShape(this.innerShape(inputShape));
    return [inputShape[0], inputShape[1], ...inner.slice(1)];
  }

  override stepFloats([batch, steps, ...rest]: number[]): number {
    return this.layer.stepFloats([batch * steps, ...rest]);
  }

  override forwardFlops(inputShape: Shape): number {
    return (inputShape[1] ?? 1) * this.layer.forwardFlops(this.innerShape(inputShape));
  }

  override outputIsSoftmax(): boolean {
    return this.layer.outputIsSoftmax();
  }

  override get weights(): LayerVariable[] {
    return this.layer.weights;
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.layer.trainableWeights : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.layer.nonTrainableWeights : this.layer.weights;
  }

  override countParams(): number {
    return this.layer.countParams();
  }

  /** @internal */
  forward(x: DeviceTensor, ctx: ForwardContext): { y: DeviceTensor; cache: unknown } {
    const [batch, steps, ...rest] = x.shape;
    const { y, cache } = this.layer.forward(reshape(x, [batch * steps, ...rest]), ctx);
    return { y: reshape(y, [batch, steps, ...y.shape.slice(1)]), cache };
  }

  /** @internal */
  backward(dy: DeviceTensor, cache: unknown, ctx: BackwardContext): DeviceTensor | null {
    const [batch, steps, ...rest] = dy.shape;
    const dx = this.layer.backward(reshape(dy, [batch * steps, ...rest]), cache, ctx);
    return dx && reshape(dx, [batch, steps, ...dx.shape.slice(1)]);
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3 needs the nested layer's module; tfjs ignores it
    return { ...super.getConfig(), layer: { module: 'keras.layers', class_name: this.layer.className, config: this.layer.getConfig() } };
  }
}
