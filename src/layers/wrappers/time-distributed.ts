/**
 * TimeDistributed(layer): the inner layer applied to every timestep x[:, t]. Every layer here treats
 * samples independently, so this is the inner layer run once on (B·T, ...) — for Dense, one GEMM —
 * with the batch and time axes folded together and unfolded after. The weights are the inner
 * layer's, named after the wrapper (`time_distributed_1/kernel`), as Keras names them.
 */
import { ValueError } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { reshape, type DeviceTensor } from '../../ops/device-tensor.js';
import type { Device } from '../../backend/engine.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { FusableActivation } from '../../training/losses.js';
import { Layer, type ForwardResult, type InputSpec } from '../layer.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';
import type { LayerVariable } from '../variable.js';

export interface TimeDistributedLayerArgs extends LayerArgs {
  /** The layer to apply at every timestep. */
  layer: Layer;
}

const SCHEMA = layerSchema<TimeDistributedLayerArgs>()('TimeDistributed', {
  layer: arg.layer(),
});

export class TimeDistributed extends Layer<unknown> {
  static readonly className = 'TimeDistributed';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  constructor(args: TimeDistributedLayerArgs) {
    super(args);
    if (this.layer.built) throw new ValueError(`TimeDistributed: layer ${this.layer.name} is already built; wrap a fresh layer`);
    this.layer.weightScope = this.name;
  }

  /** The wrapped layer. */
  get layer(): Layer {
    return this.options.layer;
  }

  protected override defaultInputSpec(): InputSpec {
    return { minNdim: 3 };
  }

  private innerShape(inputShape: Shape): Shape {
    return [inputShape[0], ...inputShape.slice(2)];
  }

  protected override build([inputShape]: Shape[]): void {
    this.layer.buildFor([this.innerShape(inputShape)]);
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    const [inner] = this.layer.computeOutputShapes([this.innerShape(inputShape)]);
    return [[inputShape[0], inputShape[1], ...inner.slice(1)]];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  override finalActivation(): FusableActivation | null {
    return this.layer.finalActivation();
  }

  override unsupportedInTraining(): string | null {
    return this.layer.unsupportedInTraining();
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

  override get noiseSeeds(): (number | null)[] {
    return this.layer.noiseSeeds;
  }

  override get stateVariables(): LayerVariable[] {
    return this.layer.stateVariables;
  }

  override applyStateUpdate(engine: Device, variable: LayerVariable, sumPtr: number, rows: number): void {
    this.layer.applyStateUpdate(engine, variable, sumPtr, rows);
  }

  override countParams(): number {
    return this.layer.countParams();
  }

  /** @internal */
  forward([x]: DeviceTensor[], ctx: ForwardContext): ForwardResult<unknown> {
    const [batch, steps, ...rest] = x.shape;
    // the inner layer's rows are (sample, step) pairs: sample r's start at row r·steps of the whole batch
    const noise = ctx.noise && { ...ctx.noise, firstRow: ctx.noise.firstRow * steps };
    const { outputs: [y], cache } = this.layer.forward([reshape(x, [batch * steps, ...rest])], { ...ctx, masks: [null], noise });
    return { outputs: [reshape(y, [batch, steps, ...y.shape.slice(1)])], cache };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], cache: unknown, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!dy) return [null];
    const [batch, steps, ...rest] = dy.shape;
    const [dx] = this.layer.backward([reshape(dy, [batch * steps, ...rest])], cache, ctx);
    return [dx && reshape(dx, [batch, steps, ...dx.shape.slice(1)])];
  }
}
