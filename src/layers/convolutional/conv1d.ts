/**
 * Conv1D (shared/SPEC-LAYERS.md §10): y[b, t, f] = act(bias[f] + Σ_k Σ_c xp[b, t·s + k·d, c] ·
 * kernel[k, c, f]) over a (batch, steps, channels) input, xp padded for 'same' (TensorFlow's split,
 * the extra zero after) or 'causal' (d·(K − 1) zeros before). Kernel (K, C, filters), bias
 * (filters), as Keras. The products are GEMMs over each sample read in place (ops/conv1d.ts). Masks
 * are not supported (dropped, as Keras).
 */
import { ValueError, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { ActivationCode } from '../../backend/activation-codes.js';
import { activationBackward, activationForward } from '../../ops/activation.js';
import { conv1dBackward, conv1dForward, conv1dGeometry, type Conv1DGeometry, type Conv1DPadding, type Conv1DWeights } from '../../ops/conv1d.js';
import type { ActivationIdentifier } from '../activations.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { InitializerIdentifier } from '../initializers.js';
import { Layer, type ForwardResult, type InputSpec } from '../layer.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';
import { WEIGHT_OPTIONS_AT_DEFAULT } from '../unsupported.js';
import type { LayerVariable } from '../variable.js';
import type { FusableActivation } from '../../training/losses.js';
import { dataFormat, size1d, type Size1D } from './conv-args.js';

export interface Conv1DLayerArgs extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Taps of the kernel. */
  kernelSize: Size1D;
  /** Default 1. */
  strides?: Size1D;
  /** 'valid' (default), 'same' or 'causal'. */
  padding?: Conv1DPadding;
  /** 'channelsLast' only (default). */
  dataFormat?: 'channelsLast' | 'channels_last';
  /** Default 1; above 1 only with strides 1. */
  dilationRate?: Size1D;
  /** Default linear. */
  activation?: ActivationIdentifier | null;
  /** Default true. */
  useBias?: boolean;
  /** Default glorotUniform (Keras 3; tfjs: glorotNormal). */
  kernelInitializer?: InitializerIdentifier;
  /** Default zeros. */
  biasInitializer?: InitializerIdentifier;
}

const SCHEMA = layerSchema<Conv1DLayerArgs>()('Conv1D', {
  filters: arg.positiveInt(),
  kernelSize: size1d(),
  strides: size1d(1),
  padding: arg.oneOf<Conv1DPadding>(['valid', 'same', 'causal']),
  dataFormat: dataFormat(),
  dilationRate: size1d(1),
  groups: { ...arg.onlyDefault([1], 'grouped convolutions are not supported'), omitFromConfig: true },
  activation: arg.activation('linear'),
  useBias: arg.bool(true),
  kernelInitializer: arg.initializer('glorotUniform'),
  biasInitializer: arg.initializer('zeros'),
  ...WEIGHT_OPTIONS_AT_DEFAULT,
});

interface Conv1DCache {
  x: DeviceTensor;
  y: DeviceTensor;
  geometry: Conv1DGeometry;
}

export class Conv1D extends Layer<Conv1DCache> {
  static readonly className = 'Conv1D';
  static readonly namePrefix = 'conv1d';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  /**
   * @example wl.layers.conv1d({ filters: 250, kernelSize: 3, activation: 'relu' })
   * @throws ValueError for a non-positive size, an unknown padding, channels_first, groups ≠ 1, or
   *   strides > 1 together with dilationRate > 1 (as Keras)
   */
  constructor(args: Conv1DLayerArgs) {
    super(args);
    const { strides, dilationRate } = this.options;
    if (strides > 1 && dilationRate > 1) {
      throw new ValueError(`Conv1D: strides > 1 is not supported together with dilationRate > 1. Received: strides=${strides} and dilationRate=${dilationRate}`);
    }
  }

  get filters(): number {
    return this.options.filters;
  }

  get kernelSize(): number {
    return this.options.kernelSize;
  }

  get activation() {
    return this.options.activation;
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 3 };
  }

  protected override build([inputShape]: Shape[]): void {
    const channels = inputShape[2];
    if (channels == null) throw new ValueError(`Conv1D ${this.name}: the channels axis of the input must be known, got ${pythonTuple(inputShape)}`);
    this.kernel = this.addWeight('kernel', [this.kernelSize, channels, this.filters], this.options.kernelInitializer);
    if (this.options.useBias) this.bias = this.addWeight('bias', [this.filters], this.options.biasInitializer);
    this.inputSpec = { ndim: 3, axes: { [-1]: channels } };
  }

  /** The window's geometry over `steps`; throws when the kernel does not fit an unpadded sequence. */
  private geometry(steps: number, inputShape: readonly (number | null)[]): Conv1DGeometry {
    const { kernelSize: K, strides, dilationRate: d, padding } = this.options;
    const g = conv1dGeometry(steps, K, strides, d, padding);
    if (g.outSteps <= 0) {
      const span = d * (K - 1) + 1;
      throw new ValueError(
        `Conv1D ${this.name}: the kernel spans ${span} steps (kernelSize ${K}${d > 1 ? `, dilationRate ${d}` : ''}), more than the ${steps} steps of its input ` +
        `with padding 'valid'. Expected an input of at least ${span} steps, received shape ${pythonTuple(inputShape)}`,
      );
    }
    return g;
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    const [batch, steps] = inputShape;
    return [[batch, steps == null ? null : this.geometry(steps, inputShape).outSteps, this.filters]];
  }

  override finalActivation(): FusableActivation | null {
    const name = this.activation.name;
    return name === 'softmax' || name === 'sigmoid' ? name : null;
  }

  private weightsOn(engine: ForwardContext['engine'], channels: number): Conv1DWeights {
    return {
      channels, filters: this.filters, kernel: engine.place(this.kernel!), bias: this.bias ? engine.place(this.bias) : 0,
      activation: this.activation.code ?? ActivationCode.linear,
    };
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<Conv1DCache> {
    const geometry = this.geometry(x.shape[1], [null, ...x.shape.slice(1)]);
    const y = conv1dForward(engine, scratch, x, geometry, this.weightsOn(engine, x.shape[2]));
    if (this.activation.code == null) activationForward(engine, this.activation, y, y);
    return { outputs: [y], cache: { x, y, geometry } };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], { x, y, geometry }: Conv1DCache, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!dy) return [null];
    const { engine, scratch } = ctx;
    // an elementwise activation is differentiated inside conv1dBackward, one sample at a time
    const elementwise = !ctx.logitsGradient && this.activation.code != null;
    const dz = elementwise || ctx.logitsGradient ? dy : activationBackward(engine, scratch, this.activation, y, dy);
    const dx = conv1dBackward(engine, scratch, x, { y, dy: dz, activation: elementwise ? this.activation.code! : ActivationCode.linear }, geometry, this.weightsOn(engine, x.shape[2]), {
      kernel: ctx.gradients.get(this.kernel!) ?? 0,
      bias: (this.bias && ctx.gradients.get(this.bias)) ?? 0,
      input: ctx.needInputGradients[0],
    });
    return [dx];
  }
}
