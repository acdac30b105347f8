/** Dense: y = act(x·W + b) over the last axis of an input of any rank (one GEMM over all rows). */
import { ValueError } from '../errors.js';
import type { Shape } from '../shape.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import { matmul, matmulTransposeB } from '../ops/matmul.js';
import { resolveActivation, type Activation, type ActivationIdentifier } from './activations.js';
import { checkArgKeys, BASE_ARG_KEYS, positiveInteger, booleanArg, type LayerArgs } from './args.js';
import type { BackwardContext, ForwardContext } from './context.js';
import { resolveInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from './initializers.js';
import { Layer } from './layer.js';
import type { LayerVariable } from './variable.js';
import { activationBackward, activationForward } from './activation-ops.js';

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

const KEYS = [...BASE_ARG_KEYS, 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'inputDim'];

interface DenseCache {
  x: DeviceTensor;
  y: DeviceTensor;
}

export class Dense extends Layer<DenseCache> {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: DenseLayerArgs) {
    checkArgKeys('Dense', args, KEYS);
    const inputShape = args.inputShape ?? (args.inputDim != null ? [positiveInteger('Dense', 'inputDim', args.inputDim)] : undefined);
    super({ ...args, inputShape }, 'dense');
    this.units = positiveInteger('Dense', 'units', args.units);
    this.activation = resolveActivation(args.activation);
    this.useBias = booleanArg('Dense', 'useBias', args.useBias, true);
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? 'glorotUniform', 'Dense', 'kernelInitializer');
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', 'Dense', 'biasInitializer');
  }

  protected override defaultInputSpec() {
    return { minNdim: 2 };
  }

  protected override build(inputShape: Shape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputDim == null) throw new ValueError(`Dense ${this.name}: the last axis of the input must be known, got ${JSON.stringify(inputShape)}`);
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer);
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override forwardFlops(inputShape: Shape): number {
    const rows = inputShape.slice(1, -1).reduce<number>((n, d) => n * (d ?? 1), 1);
    return 2 * rows * (inputShape[inputShape.length - 1] ?? 0) * this.units;
  }

  override outputIsSoftmax(): boolean {
    return this.activation.code == null;
  }

  /** @internal */
  forward(x: DeviceTensor, { engine, scratch }: ForwardContext): { y: DeviceTensor; cache: DenseCache } {
    const inputDim = x.shape[x.shape.length - 1];
    const rows = x.size / inputDim;
    const y = scratch.alloc([...x.shape.slice(0, -1), this.units]);
    matmul(engine, {
      m: rows, n: this.units, k: inputDim, a: x.ptr, b: this.kernel!.ptrIn(engine), c: y.ptr,
      bias: this.bias ? this.bias.ptrIn(engine) : 0,
      activation: this.activation.code ?? undefined,
    });
    if (this.activation.code == null) activationForward(engine, this.activation, y, y);
    return { y, cache: { x, y } };
  }

  /** @internal */
  backward(dy: DeviceTensor, { x, y }: DenseCache, ctx: BackwardContext): DeviceTensor | null {
    const { engine, scratch } = ctx;
    const inputDim = x.shape[x.shape.length - 1];
    const rows = x.size / inputDim;
    const dz = ctx.fromLogits ? dy : activationBackward(engine, scratch, this.activation, y, dy);
    const kernel = this.kernel!;
    const gradKernel = ctx.gradients.get(kernel);
    if (gradKernel != null) {
      matmul(engine, { m: inputDim, n: this.units, k: rows, a: x.ptr, transposeA: true, b: dz.ptr, c: gradKernel, accumulate: true });
    }
    const gradBias = this.bias && ctx.gradients.get(this.bias);
    if (gradBias != null) engine.kernels.f32_colsum(rows, this.units, dz.ptr, this.units, gradBias, 1);
    if (!ctx.needInputGradient) return null;
    const dx = scratch.alloc(x.shape);
    matmulTransposeB(engine, scratch, { m: rows, n: inputDim, k: this.units, a: dz.ptr, b: kernel.ptrIn(engine), c: dx.ptr });
    return dx;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }
}
