/**
 * Layer: weights created in build(inputShape), a forward over engine memory that returns what its
 * backward needs, a backward that accumulates weight gradients, and a Keras config.
 */
import { ValueError, StateError, pythonTuple } from '../errors.js';
import { MAX_MEMORY_BYTES, formatBytes } from '../backend/arena.js';
import type { Shape } from '../shape.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import { batchInputShapeOf, type LayerArgs } from './args.js';
import type { BackwardContext, ForwardContext } from './context.js';
import type { Initializer } from './initializers.js';
import { uniqueName } from './names.js';
import { Node, SymbolicTensor } from './symbolic.js';
import { LayerVariable } from './variable.js';

/** What a layer requires of its input (checked by apply, with Keras's message). */
export interface InputSpec {
  ndim?: number;
  minNdim?: number;
  /** axis (negative from the end) → required size */
  axes?: Record<number, number>;
}

export abstract class Layer<Cache = unknown> {
  /** Keras class name: 'GRU', 'Dense', 'TimeDistributed', 'Activation', 'InputLayer'. */
  abstract readonly className: string;
  readonly name: string;
  trainable: boolean;
  /** The input shape given at construction (with batch axis), if any. */
  readonly batchInputShape: Shape | null;
  /** @internal */
  readonly inboundNodes: Node[] = [];
  protected inputSpec: InputSpec | null = null;
  /** Weight names use this instead of the layer's own name (set by wrappers such as TimeDistributed). */
  weightScope: string | null = null;
  private builtFlag = false;
  private readonly variables: LayerVariable[] = [];

  protected constructor(args: LayerArgs, snakeName: string) {
    if (args.name != null && (typeof args.name !== 'string' || args.name.length === 0)) {
      throw new ValueError(`${this.constructor.name}: received an invalid value for name, expected a non-empty string. Received: name=${String(args.name)}`);
    }
    this.name = args.name ?? uniqueName(snakeName);
    this.trainable = args.trainable ?? true;
    this.batchInputShape = batchInputShapeOf(this.constructor.name, args);
  }

  get built(): boolean {
    return this.builtFlag;
  }

  /** Output shape (with batch axis) for an input shape; throws if the input does not fit. */
  abstract computeOutputShape(inputShape: Shape): Shape;

  /** Creates the weights for `inputShape`; called once, by apply(). */
  protected build(_inputShape: Shape): void {}

  /**
   * Computes the output on engine memory; the cache is what backward needs.
   * @internal
   */
  abstract forward(x: DeviceTensor, ctx: ForwardContext): { y: DeviceTensor; cache: Cache };

  /**
   * Accumulates weight gradients; returns dL/dx unless ctx.needInputGradient is false.
   * @internal
   */
  abstract backward(dy: DeviceTensor, cache: Cache, ctx: BackwardContext): DeviceTensor | null;

  /**
   * An upper bound of the floats one training step allocates in this layer (forward caches and
   * backward gradients) for a concrete input shape with its batch axis; checked against the engine's
   * memory before a step is tried.
   * @internal
   */
  stepFloats(inputShape: number[]): number {
    const out = this.computeOutputShape(inputShape) as number[];
    return 2 * out.reduce((a, b) => a * b, 1) + inputShape.reduce((a, b) => a * b, 1);
  }

  /** 2 × multiply-adds of the forward pass for one sample of `inputShape` (GEMMs only; sizes work for the pool). */
  forwardFlops(_inputShape: Shape): number {
    return 0;
  }

  /** True when the layer's last operation is a softmax over the last axis (fusable with cross-entropy). */
  outputIsSoftmax(): boolean {
    return false;
  }

  /** Keras config, snake_case keys. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return config;
  }

  /**
   * Calls the layer on a symbolic tensor (functional API): builds it on first call.
   * @example const y = wl.layers.dense({ units: 8 }).apply(x);
   */
  apply(input: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    const x = Array.isArray(input) ? input : [input];
    if (x.length !== 1 || !(x[0] instanceof SymbolicTensor)) {
      throw new ValueError(`Layer ${this.name} takes one symbolic tensor (from wl.input() or another layer's apply()), got ${Array.isArray(input) ? `${input.length} inputs` : String(input)}`);
    }
    const inputShape = x[0].shape;
    this.assertInputCompatible(inputShape);
    if (!this.builtFlag) {
      this.build(inputShape);
      this.builtFlag = true;
    }
    const node = new Node(this, x[0], this.computeOutputShape(inputShape));
    this.inboundNodes.push(node);
    return node.output;
  }

  /** Builds the layer for `inputShape` outside a model (as a wrapper does for its inner layer). */
  buildFor(inputShape: Shape): void {
    this.assertInputCompatible(inputShape);
    if (!this.builtFlag) {
      this.build(inputShape);
      this.builtFlag = true;
    }
  }

  protected addWeight(name: string, shape: readonly number[], initializer: Initializer, trainable = true): LayerVariable {
    const size = sizeOf(shape);
    if (size * 4 > MAX_MEMORY_BYTES) {
      throw new ValueError(`Weight ${this.weightScope ?? this.name}/${name} of shape [${shape.join(', ')}] needs ${formatBytes(size * 4)}, more than the engine's limit of ${formatBytes(MAX_MEMORY_BYTES)}`);
    }
    const values = initializer.generate(shape);
    const variable = new LayerVariable(`${this.weightScope ?? this.name}/${name}`, shape, values, trainable);
    this.variables.push(variable);
    return variable;
  }

  /** Weights in Keras order. */
  get weights(): LayerVariable[] {
    return [...this.variables];
  }

  get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.variables.filter((v) => v.trainable) : [];
  }

  get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.variables.filter((v) => !v.trainable) : [...this.variables];
  }

  countParams(): number {
    if (!this.builtFlag) throw new StateError(`countParams: layer ${this.name} is not built yet; call it on an input first`);
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Weight values as tensors, Keras order and shapes. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => new Tensor(v.read(), v.shape));
  }

  /** Sets weight values; the count and every shape must match getWeights(). */
  setWeights(weights: Tensor[]): void {
    const variables = this.weights;
    if (!Array.isArray(weights) || weights.length !== variables.length) {
      throw new ValueError(`Layer ${this.name} expects ${variables.length} weight arrays, but received ${Array.isArray(weights) ? weights.length : String(weights)}`);
    }
    weights.forEach((w, i) => checkWeightShape(variables[i], w));
    weights.forEach((w, i) => variables[i].write(w.dataSync()));
  }

  /** Frees the weights' memory. */
  dispose(): void {
    for (const v of this.weights) v.dispose();
  }

  /** Keras's input compatibility check (InputSpec), with its message. */
  protected assertInputCompatible(shape: Shape): void {
    const spec = this.inputSpec ?? this.defaultInputSpec();
    if (!spec) return;
    const prefix = `Input 0 of layer "${this.name}" is incompatible with the layer:`;
    if (spec.ndim != null && shape.length !== spec.ndim) {
      throw new ValueError(`${prefix} expected ndim=${spec.ndim}, found ndim=${shape.length}. Full shape received: ${pythonTuple(shape)}`);
    }
    if (spec.minNdim != null && shape.length < spec.minNdim) {
      throw new ValueError(`${prefix} expected min_ndim=${spec.minNdim}, found ndim=${shape.length}. Full shape received: ${pythonTuple(shape)}`);
    }
    for (const [axisText, size] of Object.entries(spec.axes ?? {})) {
      const axis = Number(axisText);
      const dim = shape[axis < 0 ? shape.length + axis : axis];
      if (dim != null && dim !== size) {
        throw new ValueError(`${prefix} expected axis ${axis} of input shape to have value ${size}, but received input with shape ${pythonTuple(shape)}`);
      }
    }
  }

  /** The spec before build (e.g. the GRU's ndim 3). */
  protected defaultInputSpec(): InputSpec | null {
    return null;
  }
}

export function checkWeightShape(variable: LayerVariable, w: unknown): void {
  if (!(w instanceof Tensor)) throw new ValueError(`Weight ${variable.name}: expected a Tensor of shape [${variable.shape.join(', ')}], got ${String(w)}`);
  if (w.shape.length !== variable.shape.length || w.shape.some((d, i) => d !== variable.shape[i])) {
    throw new ValueError(
      `Weight ${variable.name} has shape [${variable.shape.join(', ')}], but the value given has shape [${w.shape.join(', ')}]`,
    );
  }
  if (w.size !== sizeOf(variable.shape)) throw new ValueError(`Weight ${variable.name}: size mismatch`);
}
