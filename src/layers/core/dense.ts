/** Dense: y = act(x·W + b) over the last axis of an input of any rank (one GEMM over all rows). */
import { ValueError } from '../../errors.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { matmul, matmulTransposeB } from '../../ops/matmul.js';
import { columnSums } from '../../ops/elementwise.js';
import { activationBackward, activationForward } from '../../ops/activation.js';
import type { ActivationIdentifier } from '../activations.js';
import { positiveInteger, type LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { InitializerIdentifier } from '../initializers.js';
import type { FusableActivation } from '../../training/losses.js';
import { Layer, type ForwardResult } from '../layer.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';
import { WEIGHT_OPTIONS_AT_DEFAULT } from '../unsupported.js';
import type { LayerVariable } from '../variable.js';

export interface DenseLayerArgs extends LayerArgs {
  /** Output size. */
  units: number;
  /** Default linear. */
  activation?: ActivationIdentifier | null;
  /** Default true. */
  useBias?: boolean;
  /** Default glorotUniform. */
  kernelInitializer?: InitializerIdentifier;
  /** Default zeros. */
  biasInitializer?: InitializerIdentifier;
  /** Keras 2's input_dim: shorthand for inputShape: [inputDim]. */
  inputDim?: number;
}

const SCHEMA = layerSchema<DenseLayerArgs>()('Dense', {
  units: arg.positiveInt(),
  activation: arg.activation('linear'),
  useBias: arg.bool(true),
  kernelInitializer: arg.initializer('glorotUniform'),
  biasInitializer: arg.initializer('zeros'),
  inputDim: { ...arg.ignored('number', undefined), omitFromConfig: true },
  ...WEIGHT_OPTIONS_AT_DEFAULT,
});

interface DenseCache {
  x: DeviceTensor;
  y: DeviceTensor;
}

export class Dense extends Layer<DenseCache> {
  static readonly className = 'Dense';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: DenseLayerArgs) {
    const inputDim = args?.inputDim;
    super(inputDim != null && args.inputShape == null ? { ...args, inputShape: [positiveInteger('Dense', 'inputDim', inputDim)] } : args);
  }

  get units(): number {
    return this.options.units;
  }

  get activation() {
    return this.options.activation;
  }

  get useBias(): boolean {
    return this.options.useBias;
  }

  protected override defaultInputSpec() {
    return { minNdim: 2 };
  }

  protected override build([inputShape]: Shape[]): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputDim == null) throw new ValueError(`Dense ${this.name}: the last axis of the input must be known, got ${JSON.stringify(inputShape)}`);
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.options.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.options.biasInitializer);
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    return [[...inputShape.slice(0, -1), this.units]];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  override finalActivation(): FusableActivation | null {
    const name = this.activation.name;
    return name === 'softmax' || name === 'sigmoid' ? name : null;
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<DenseCache> {
    const inputDim = x.shape[x.shape.length - 1];
    const rows = x.size / inputDim;
    const y = scratch.alloc([...x.shape.slice(0, -1), this.units]);
    matmul(engine, {
      m: rows, n: this.units, k: inputDim, a: x.ptr, b: engine.place(this.kernel!), c: y.ptr,
      bias: this.bias ? engine.place(this.bias) : 0,
      activation: this.activation.code ?? undefined,
    });
    if (this.activation.code == null) activationForward(engine, this.activation, y, y);
    return { outputs: [y], cache: { x, y } };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], { x, y }: DenseCache, ctx: BackwardContext): (DeviceTensor | null)[] {
    const { engine, scratch } = ctx;
    if (!dy) return [null];
    const inputDim = x.shape[x.shape.length - 1];
    const rows = x.size / inputDim;
    const dz = ctx.logitsGradient ? dy : activationBackward(engine, scratch, this.activation, y, dy);
    const kernel = this.kernel!;
    const gradKernel = ctx.gradients.get(kernel);
    if (gradKernel != null) {
      matmul(engine, { m: inputDim, n: this.units, k: rows, a: x.ptr, transposeA: true, b: dz.ptr, c: gradKernel, accumulate: true });
    }
    const gradBias = this.bias && ctx.gradients.get(this.bias);
    if (gradBias != null) columnSums(engine, rows, this.units, dz.ptr, this.units, gradBias);
    if (!ctx.needInputGradients[0]) return [null];
    const dx = scratch.alloc(x.shape);
    matmulTransposeB(engine, scratch, { m: rows, n: inputDim, k: this.units, a: dz.ptr, b: engine.place(kernel), c: dx.ptr });
    return [dx];
  }
}
