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
import { ValueError, invalidArgument } from '../errors.js';
import type { Shape } from '../shape.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import { gruBackward, gruForward, type GruCache, type GruOpConfig } from '../ops/gru.js';
import { resolveActivation, type Activation, type ActivationIdentifier } from './activations.js';
import { checkArgKeys, BASE_ARG_KEYS, positiveInteger, booleanArg, type LayerArgs } from './args.js';
import type { BackwardContext, ForwardContext } from './context.js';
import { resolveInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from './initializers.js';
import { Layer, type InputSpec } from './layer.js';
import type { LayerVariable } from './variable.js';

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

const KEYS = [
  ...BASE_ARG_KEYS, 'units', 'activation', 'recurrentActivation', 'useBias', 'returnSequences', 'goBackwards', 'resetAfter',
  'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'dropout', 'recurrentDropout', 'returnState', 'stateful',
  'unroll', 'implementation',
];

export class GRU extends Layer<GruCache | null> {
  readonly className = 'GRU';
  readonly units: number;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly resetAfter: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  private kernel: LayerVariable | null = null;
  private recurrentKernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: GRULayerArgs) {
    checkArgKeys('GRU', args, KEYS);
    super(args, 'gru');
    this.units = positiveInteger('GRU', 'units', args.units);
    this.activation = elementwise('activation', args.activation ?? 'tanh');
    this.recurrentActivation = elementwise('recurrentActivation', args.recurrentActivation ?? 'sigmoid');
    this.useBias = booleanArg('GRU', 'useBias', args.useBias, true);
    this.returnSequences = booleanArg('GRU', 'returnSequences', args.returnSequences, false);
    this.goBackwards = booleanArg('GRU', 'goBackwards', args.goBackwards, false);
    this.resetAfter = booleanArg('GRU', 'resetAfter', args.resetAfter, true);
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? 'glorotUniform', 'GRU', 'kernelInitializer');
    this.recurrentInitializer = resolveInitializer(args.recurrentInitializer ?? 'orthogonal', 'GRU', 'recurrentInitializer');
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', 'GRU', 'biasInitializer');
    for (const arg of ['dropout', 'recurrentDropout'] as const) {
      if (args[arg] != null && args[arg] !== 0) throw invalidArgument('GRU', arg, '0 (dropout is not supported yet)', args[arg]);
    }
    for (const arg of ['returnState', 'stateful'] as const) {
      if (args[arg] != null && args[arg] !== false) throw invalidArgument('GRU', arg, 'false (not supported yet)', args[arg]);
    }
    booleanArg('GRU', 'unroll', args.unroll, false);
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 3 };
  }

  protected override build(inputShape: Shape): void {
    const features = inputShape[2];
    if (features == null) throw new ValueError(`GRU ${this.name}: the feature axis of the input must be known, got ${JSON.stringify(inputShape)}`);
    const u3 = 3 * this.units;
    this.kernel = this.addWeight('kernel', [features, u3], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, u3], this.recurrentInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', this.resetAfter ? [2, u3] : [u3], this.biasInitializer);
    this.inputSpec = { ndim: 3, axes: { [-1]: features } };
  }

  computeOutputShape(inputShape: Shape): Shape {
    return this.returnSequences ? [inputShape[0], inputShape[1], this.units] : [inputShape[0], this.units];
  }

  override stepFloats([batch, steps, features]: number[]): number {
    const u = this.units, rows = batch * steps;
    // forward: xproj, gates (3u each), aux, out, states; backward: dxproj, grec, dx, work, dU/dW temps
    return rows * (3 * u + 3 * u + u + u + u) + batch * u + rows * (3 * u + 3 * u + features) + 3 * u * (u + features) + 2 * batch * u;
  }

  override forwardFlops(inputShape: Shape): number {
    const [, steps, features] = inputShape;
    return 2 * (steps ?? 1) * ((features ?? 0) + this.units) * 3 * this.units;
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

  /** @internal */
  forward(x: DeviceTensor, { engine, scratch, training }: ForwardContext): { y: DeviceTensor; cache: GruCache | null } {
    const w = {
      kernel: this.kernel!.ptrIn(engine),
      recurrentKernel: this.recurrentKernel!.ptrIn(engine),
      bias: this.bias ? this.bias.ptrIn(engine) : 0,
    };
    return gruForward(engine, scratch, x, w, this.opConfig(), training);
  }

  /** @internal */
  backward(dy: DeviceTensor, cache: GruCache | null, ctx: BackwardContext): DeviceTensor | null {
    if (!cache) throw new Error(`GRU ${this.name}: backward needs a training forward pass (this one ran for inference)`);
    const { engine, scratch, gradients } = ctx;
    const w = {
      kernel: this.kernel!.ptrIn(engine),
      recurrentKernel: this.recurrentKernel!.ptrIn(engine),
      bias: this.bias ? this.bias.ptrIn(engine) : 0,
    };
    const own = [this.kernel!, this.recurrentKernel!, ...(this.bias ? [this.bias] : [])];
    if (!ctx.needInputGradient && own.every((v) => !gradients.has(v))) return null;
    // a frozen weight's gradient goes to a scratch accumulator that is dropped
    const gradOf = (v: LayerVariable) => gradients.get(v) ?? scratch.alloc(v.shape).ptr;
    const grads = {
      kernel: gradOf(this.kernel!),
      recurrentKernel: gradOf(this.recurrentKernel!),
      bias: this.bias ? gradOf(this.bias) : 0,
    };
    return gruBackward(engine, scratch, cache, dy, w, grads, this.opConfig(), ctx.needInputGradient);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      recurrent_activation: this.recurrentActivation.name,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: 0,
      recurrent_dropout: 0,
      return_sequences: this.returnSequences,
      return_state: false,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: false,
      reset_after: this.resetAfter,
    };
  }
}

function elementwise(arg: string, value: unknown): Activation {
  const act = resolveActivation(value);
  if (act.code == null) throw invalidArgument('GRU', arg, 'an elementwise activation (tanh, sigmoid, hard_sigmoid, relu, linear)', value);
  return act;
}
