/**
 * GRU (Cho et al. 2014) with Keras semantics (shared/SPEC.md §2): weights kernel (F, 3u),
 * recurrent_kernel (u, 3u), bias (3u) or (2, 3u) with reset_after, gate blocks [z | r | h].
 * The whole sequence is one kernel call forward and one backward (src/ops/gru.ts).
 *
 * Defaults are Keras 3's: activation tanh, recurrentActivation sigmoid, resetAfter true,
 * glorotUniform / orthogonal / zeros. The seed's Keras 2 layer is
 * `{ resetAfter: false, recurrentActivation: 'hard_sigmoid' }`.
 * Not supported (rejected with an error): dropout, recurrentDropout, returnState, stateful.
 */
import { ValueError } from '../../errors.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { gruBackward, gruForward, type GruCache, type GruOpConfig } from '../../ops/gru.js';
import type { ActivationIdentifier } from '../activations.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { InitializerIdentifier } from '../initializers.js';
import { Layer, type ForwardResult, type InputSpec } from '../layer.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';
import { RECURRENT_OPTIONS_AT_DEFAULT, WEIGHT_OPTIONS_AT_DEFAULT } from '../unsupported.js';
import type { LayerVariable } from '../variable.js';

export interface GRULayerArgs extends LayerArgs {
  units: number;
  /** Default tanh. */
  activation?: ActivationIdentifier;
  /** Default sigmoid (Keras 3); Keras 2.0–2.2 and tfjs used hard_sigmoid. */
  recurrentActivation?: ActivationIdentifier;
  useBias?: boolean;
  /** Default false: the output is the last state (B, u); true gives every state (B, T, u). */
  returnSequences?: boolean;
  /** Process the sequence from its end; outputs stay in processing order (Keras). */
  goBackwards?: boolean;
  /** Default true (Keras 3, cuDNN-compatible); false is Keras 2 / tfjs. */
  resetAfter?: boolean;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** Only 0. */
  dropout?: number;
  /** Only 0. */
  recurrentDropout?: number;
  /** Only false. */
  returnState?: boolean;
  /** Only false. */
  stateful?: boolean;
  /** Accepted for compatibility; the kernel always runs the loop itself. */
  unroll?: boolean;
  /** Accepted for compatibility (Keras 2's implementation 1/2); no effect. */
  implementation?: number;
}

const NOT_YET = 'not supported yet';

const SCHEMA = layerSchema<GRULayerArgs>()('GRU', {
  units: arg.positiveInt(),
  activation: arg.activation('tanh', { elementwise: true }),
  recurrentActivation: arg.activation('sigmoid', { elementwise: true }),
  useBias: arg.bool(true),
  kernelInitializer: arg.initializer('glorotUniform'),
  recurrentInitializer: arg.initializer('orthogonal'),
  biasInitializer: arg.initializer('zeros'),
  ...WEIGHT_OPTIONS_AT_DEFAULT,
  ...RECURRENT_OPTIONS_AT_DEFAULT,
  dropout: arg.onlyDefault([0], 'dropout is not supported yet'),
  recurrentDropout: arg.onlyDefault([0], 'dropout is not supported yet'),
  returnSequences: arg.bool(false),
  returnState: arg.onlyDefault([false], NOT_YET),
  goBackwards: arg.bool(false),
  stateful: arg.onlyDefault([false], NOT_YET),
  unroll: arg.ignored('boolean', false),
  resetAfter: arg.bool(true),
  implementation: { ...arg.ignored('number', null), omitFromConfig: true },
  timeMajor: { ...arg.onlyDefault([false], NOT_YET), omitFromConfig: true },
  seed: { ...arg.onlyDefault([null], NOT_YET), omitFromConfig: true },
  zeroOutputForMask: { ...arg.onlyDefault([false], NOT_YET), omitFromConfig: true },
  useCudnn: { ...arg.onlyDefault(['auto', true, false]), omitFromConfig: true },
});

export class GRU extends Layer<GruCache | null> {
  static readonly className = 'GRU';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;
  private kernel: LayerVariable | null = null;
  private recurrentKernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: GRULayerArgs) {
    super(args);
  }

  get units(): number {
    return this.options.units;
  }

  get activation() {
    return this.options.activation;
  }

  get recurrentActivation() {
    return this.options.recurrentActivation;
  }

  get useBias(): boolean {
    return this.options.useBias;
  }

  get returnSequences(): boolean {
    return this.options.returnSequences;
  }

  get goBackwards(): boolean {
    return this.options.goBackwards;
  }

  get resetAfter(): boolean {
    return this.options.resetAfter;
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 3 };
  }

  protected override build([inputShape]: Shape[]): void {
    const features = inputShape[2];
    if (features == null) throw new ValueError(`GRU ${this.name}: the feature axis of the input must be known, got ${JSON.stringify(inputShape)}`);
    const u3 = 3 * this.units;
    this.kernel = this.addWeight('kernel', [features, u3], this.options.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, u3], this.options.recurrentInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', this.resetAfter ? [2, u3] : [u3], this.options.biasInitializer);
    this.inputSpec = { ndim: 3, axes: { [-1]: features } };
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    return [this.returnSequences ? [inputShape[0], inputShape[1], this.units] : [inputShape[0], this.units]];
  }

  private opConfig(): GruOpConfig {
    return {
      units: this.units,
      resetAfter: this.resetAfter,
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      recurrentActivation: this.recurrentActivation.code!,
      activation: this.activation.code!,
    };
  }

  /** The weights' byte offsets in the device's memory. */
  private pointers(engine: ForwardContext['engine']) {
    return {
      kernel: engine.place(this.kernel!),
      recurrentKernel: engine.place(this.recurrentKernel!),
      bias: this.bias ? engine.place(this.bias) : 0,
    };
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch, training }: ForwardContext): ForwardResult<GruCache | null> {
    const { y, cache } = gruForward(engine, scratch, x, this.pointers(engine), this.opConfig(), training);
    return { outputs: [y], cache };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], cache: GruCache | null, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!cache) throw new Error(`GRU ${this.name}: backward needs a training forward pass (this one ran for inference)`);
    const { engine, scratch, gradients } = ctx;
    const own = [this.kernel!, this.recurrentKernel!, ...(this.bias ? [this.bias] : [])];
    const needInput = ctx.needInputGradients[0];
    if (!dy || (!needInput && own.every((v) => !gradients.has(v)))) return [null];
    // a frozen weight's gradient goes to a scratch accumulator that is dropped
    const gradOf = (v: LayerVariable) => gradients.get(v) ?? scratch.alloc(v.shape).ptr;
    const grads = {
      kernel: gradOf(this.kernel!),
      recurrentKernel: gradOf(this.recurrentKernel!),
      bias: this.bias ? gradOf(this.bias) : 0,
    };
    return [gruBackward(engine, scratch, cache, dy, this.pointers(engine), grads, this.opConfig(), needInput)];
  }
}
