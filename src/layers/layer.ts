/**
 * The layer contract every kind implements:
 * - `build(inputShapes)` creates the weights, once, from the shapes of the first call;
 * - `computeOutputShapes(inputShapes)` gives the output shapes (and refuses inputs that do not fit);
 * - `forward(inputs, ctx)` computes the outputs on engine memory and returns what backward needs;
 * - `backward(dOutputs, cache, ctx)` accumulates the weight gradients and returns each input's
 *   gradient (null where ctx says it is not needed);
 * - `computeMask` passes or makes masks; `applyStateUpdate` applies non-gradient updates (moving
 *   statistics) whose sums the pool reduced like gradients.
 * A layer's arguments are declared once in its schema (schema.ts), which gives the checks, the
 * config and fromConfig. What a step costs (FLOPs, scratch bytes) is measured by running forward and
 * backward on the planning device (backend/planning-device.ts), so it cannot drift from the code.
 */
import { ValueError, StateError, pythonTuple, describe } from '../errors.js';
import { MAX_MEMORY_BYTES, formatBytes } from '../backend/arena.js';
import type { Device } from '../backend/engine.js';
import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import { batchInputShapeOf, type LayerArgs } from './args.js';
import type { BackwardContext, ForwardContext } from './context.js';
import type { Initializer } from './initializers.js';
import type { FusableActivation } from '../training/losses.js';
import { uniqueName } from './names.js';
import type { FromConfigContext, LayerSchema } from './schema.js';
import { Node, SymbolicTensor } from './symbolic.js';
import { LayerVariable } from './variable.js';

/** What a layer requires of its input (checked by apply, with Keras's message). */
export interface InputSpec {
  ndim?: number;
  minNdim?: number;
  /** axis (negative from the end) → required size */
  axes?: Record<number, number>;
}

/** Options of a call on symbolic tensors (tfjs's kwargs). */
export interface CallArgs {
  /** Recurrent layers: the initial states ([h], or [h, c] for an LSTM; Bidirectional: forward's then backward's). */
  initialState?: SymbolicTensor | SymbolicTensor[];
}

/** What forward returns: the outputs, and what backward will need. */
export interface ForwardResult<Cache> {
  outputs: DeviceTensor[];
  cache: Cache;
  /** The outputs' masks, from a layer that makes them while computing (Masking); else computeMask gives them. */
  masks?: (DeviceTensor | null)[];
}

/** A layer class as the registry knows it: its Keras class name, its schema, its constructor. */
export interface LayerClass {
  readonly className: string;
  /** The prefix of default names (`<prefix>_<n>`), when not the class name in snake_case. */
  readonly namePrefix?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly schema: LayerSchema<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  new (args: any): Layer;
}

let trainableChanges = 0;

/** Changes whenever any layer's `trainable` flag does (programs built for the old flags are stale). */
export function trainableVersion(): number {
  return trainableChanges;
}

/** The default snake_case name prefix of a class: `TimeDistributed` → `time_distributed`. */
function snakePrefix(className: string): string {
  return className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export abstract class Layer<Cache = unknown> {
  /** The layer's name: given, or `<snake_class>_<n>` (Keras 2 / tfjs naming). */
  readonly name: string;
  private trainableFlag = true;
  /** The input shape given at construction (with batch axis), if any. */
  readonly batchInputShape: Shape | null;
  /** The calls of this layer, in order (a shared layer has several). @internal */
  readonly inboundNodes: Node[] = [];
  /** Weight names use this instead of the layer's own name (set by wrappers such as TimeDistributed). */
  weightScope: string | null = null;
  /**
   * The arguments as the schema resolved them; a subclass narrows the type with
   * `declare protected readonly options: ArgsOf<typeof SCHEMA>`.
   */
  protected readonly options: Record<string, unknown>;
  protected inputSpec: InputSpec | null = null;
  private builtFlag = false;
  private readonly variables: LayerVariable[] = [];

  constructor(args: LayerArgs) {
    const cls = this.constructor as unknown as LayerClass;
    this.options = cls.schema.resolve(args ?? {});
    if (args.name != null && (typeof args.name !== 'string' || args.name.length === 0)) {
      throw new ValueError(`${cls.className}: received an invalid value for name, expected a non-empty string. Received: name=${describe(args.name)}`);
    }
    if (args.dtype != null && args.dtype !== 'float32') {
      throw new ValueError(`${cls.className}: received an invalid value for dtype, expected 'float32' (a layer computes in float32). Received: dtype=${describe(args.dtype)}`);
    }
    this.name = args.name ?? uniqueName(cls.namePrefix ?? snakePrefix(cls.className));
    if (args.trainable != null && typeof args.trainable !== 'boolean') throw new ValueError(`${cls.className}: received an invalid value for trainable, expected true or false. Received: trainable=${describe(args.trainable)}`);
    this.trainable = args.trainable ?? true;
    this.batchInputShape = batchInputShapeOf(cls.className, args);
  }

  /** Keras class name: 'GRU', 'Dense', 'TimeDistributed', 'Activation', 'InputLayer'... */
  /** Whether the layer's weights are updated by training (setting it changes what a step computes). */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    if (value !== this.trainableFlag) trainableChanges++;
    this.trainableFlag = value;
  }

  get className(): string {
    return (this.constructor as unknown as LayerClass).className;
  }

  get built(): boolean {
    return this.builtFlag;
  }

  // ---- the contract ----

  /** Output shapes (with batch axis) for the input shapes; throws if the inputs do not fit. */
  abstract computeOutputShapes(inputShapes: Shape[]): Shape[];

  /** Creates the weights for `inputShapes`; called once, by apply(). */
  protected build(_inputShapes: Shape[]): void {}

  /**
   * Computes the outputs on engine memory; the cache is what backward needs.
   * @internal
   */
  abstract forward(inputs: DeviceTensor[], ctx: ForwardContext): ForwardResult<Cache>;

  /**
   * Accumulates weight gradients into ctx.gradients and returns dL/d(input) per input (null where
   * ctx.needInputGradients says it is not wanted). A dOutput is null when that output feeds nothing
   * that needs a gradient.
   * @internal
   */
  abstract backward(dOutputs: (DeviceTensor | null)[], cache: Cache, ctx: BackwardContext): (DeviceTensor | null)[];

  /** How many inputs a call takes: [fewest, most]. */
  protected inputCountRange(): [number, number] {
    return [1, 1];
  }

  /** Whether input `index` may have `dtype` (default: float32 only). */
  protected acceptsInputDType(_index: number, dtype: DType): boolean {
    return dtype === 'float32';
  }

  /** The dtypes of the outputs (default: float32). */
  protected outputDTypes(_inputDTypes: DType[], outputCount: number): DType[] {
    return Array.from({ length: outputCount }, (): DType => 'float32');
  }

  /** Whether masks pass through this layer (Keras's supports_masking). */
  get supportsMasking(): boolean {
    return false;
  }

  /**
   * The outputs' masks from the inputs' masks: the first input's mask for each output when the
   * layer supports masking, else none. Layers that make or change masks override it.
   * @internal
   */
  computeMask(_inputs: DeviceTensor[], masks: readonly (DeviceTensor | null)[], outputCount: number): (DeviceTensor | null)[] {
    const mask = this.supportsMasking ? masks[0] ?? null : null;
    return Array.from({ length: outputCount }, () => mask);
  }

  /**
   * Checks the values of a model input this layer reads directly (input `index` of its call) before
   * fit, evaluate or predict start any work; throws a ValueError naming a bad value and its position
   * (Embedding: ids outside [0, inputDim)). Default: nothing to check.
   */
  checkInputValues(_index: number, _values: Tensor): void {}

  /** Why this layer cannot be trained as configured (checked before fit starts), or null. */
  unsupportedInTraining(): string | null {
    return null;
  }

  /**
   * Whether output `index` can carry a mask when the inputs flagged in `inputsMasked` can (a static
   * view of computeMask, for the loss: a mask that reaches an output weights its loss).
   */
  outputMayBeMasked(inputsMasked: readonly boolean[], _index: number): boolean {
    return this.supportsMasking && inputsMasked[0] === true;
  }

  /**
   * Whether the layer reads input 0, when it is an Embedding's output, once per distinct id of the
   * chunk (a recurrent layer's input projection, ops/token-projection.ts): its work then shrinks as
   * the chunk's ids repeat, so larger chunks pay.
   * @internal
   */
  readsInputPerDistinctId(): boolean {
    return false;
  }

  /**
   * State variables (non-trainable, e.g. moving statistics) this layer updates in training through
   * ctx.stateSums; each gets an accumulator laid out like a gradient.
   */
  get stateVariables(): LayerVariable[] {
    return [];
  }

  /**
   * Applies a state variable's update from its reduced sum over the whole batch (`rows` samples).
   * @internal
   */
  applyStateUpdate(_engine: Device, _variable: LayerVariable, _sumPtr: number, _rows: number): void {}

  /**
   * The seeds of the training noise this layer draws (dropout): one entry per source, its `seed`
   * argument or null when none was given; empty for a layer that draws none (the default). fit
   * derives its steps' noise seeds from these when every entry is set (random-noise.ts).
   */
  get noiseSeeds(): (number | null)[] {
    return [];
  }

  /**
   * The layer's last operation when it is a softmax over the last axis or a sigmoid whose backward
   * honours ctx.logitsGradient (a cross-entropy loss then takes its gradient w.r.t. the logits), or null.
   */
  finalActivation(): FusableActivation | null {
    return null;
  }

  /** The layer's own config entries beyond the base ones (default: its schema's). */
  protected ownConfig(): Record<string, unknown> {
    const cls = this.constructor as unknown as LayerClass;
    return cls.schema.toConfig(this.options as never);
  }

  /** The class name configs use (tfjs's Serializable.getClassName). @example wl.layers.lstm({ units: 4 }).getClassName() // 'LSTM' */
  getClassName(): string {
    return this.className;
  }

  /** Keras config, snake_case keys. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return { ...config, ...this.ownConfig() };
  }

  /** A layer of this class from its Keras config (the registry calls it). */
  static fromConfig(this: LayerClass, config: Record<string, unknown>, ctx: FromConfigContext): Layer {
    const base: LayerArgs = {
      name: config.name as string | undefined,
      trainable: config.trainable as boolean | undefined,
      batchInputShape: (config.batch_input_shape as (number | null)[] | undefined) ?? undefined,
    };
    return new this({ ...this.schema.argsFromConfig(config, ctx), ...base });
  }

  // ---- calling ----

  /** Output shape(s) for input shape(s): one shape in, one out; a list in, a list out. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const list = Array.isArray(inputShape[0]) || inputShape.length === 0 ? (inputShape as Shape[]) : [inputShape as Shape];
    const out = this.computeOutputShapes(list);
    return Array.isArray(inputShape[0]) ? out : out.length === 1 ? out[0] : out;
  }

  /**
   * Calls the layer on symbolic tensors (functional API): builds it on first call. A layer of one
   * output returns one tensor; a layer of several returns a list.
   * @example const y = wl.layers.dense({ units: 8 }).apply(x);
   * @example const sum = wl.layers.add().apply([a, b]);
   */
  apply(input: SymbolicTensor, kwargs?: CallArgs): SymbolicTensor;
  apply(inputs: SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor | SymbolicTensor[];
  apply(input: SymbolicTensor | SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor | SymbolicTensor[];
  apply(input: SymbolicTensor | SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor | SymbolicTensor[] {
    const inputs = this.callInputs(Array.isArray(input) ? input : [input], kwargs);
    const [fewest, most] = this.inputCountRange();
    const bad = inputs.find((t) => !(t instanceof SymbolicTensor));
    if (bad !== undefined || inputs.length === 0) {
      throw new ValueError(`Layer ${this.name} is called on symbolic tensors (from wl.input() or another layer's apply()), but received ${bad === undefined ? 'an empty list' : describe(bad)}`);
    }
    if (inputs.length < fewest || inputs.length > most) {
      const expected = fewest === most ? `${fewest} input${fewest === 1 ? '' : 's'}` : `${fewest} to ${most === Infinity ? 'any number of' : most} inputs`;
      throw new ValueError(`Layer ${this.name} (${this.className}) takes ${expected}, but it was called on ${inputs.length}: ${inputs.map((t) => `${t.name} ${pythonTuple(t.shape)}`).join(', ')}`);
    }
    inputs.forEach((t, i) => {
      if (!this.acceptsInputDType(i, t.dtype)) {
        throw new ValueError(`Input ${i} of layer "${this.name}" (${this.className}) must be float32, but ${t.name} is ${t.dtype}`);
      }
    });
    const shapes = inputs.map((t) => t.shape);
    this.buildFor(shapes);
    const outputShapes = this.computeOutputShapes(shapes);
    const node = new Node(this, inputs, outputShapes, this.outputDTypes(inputs.map((t) => t.dtype), outputShapes.length));
    this.inboundNodes.push(node);
    return node.outputs.length === 1 ? node.outputs[0] : [...node.outputs];
  }

  /**
   * The node's inputs for a call's inputs and options: none are taken by default; recurrent layers
   * append `initialState` to the inputs.
   */
  protected callInputs(inputs: SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor[] {
    if (kwargs != null && (typeof kwargs !== 'object' || Object.keys(kwargs).some((k) => (kwargs as Record<string, unknown>)[k] !== undefined))) {
      throw new ValueError(`Layer ${this.name} (${this.className}) takes no call options, but received ${describe(kwargs)}`);
    }
    return inputs;
  }

  /** Builds the layer for `inputShapes` (as apply does, or a wrapper for its inner layer). */
  buildFor(inputShapes: Shape[]): void {
    inputShapes.forEach((shape, i) => this.assertInputCompatible(shape, i));
    if (!this.builtFlag) {
      this.build(inputShapes);
      this.builtFlag = true;
    }
  }

  // ---- weights ----

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
    return this.trainable ? this.weights.filter((v) => v.trainable) : [];
  }

  get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.weights.filter((v) => !v.trainable) : this.weights;
  }

  countParams(): number {
    if (!this.builtFlag) throw new StateError(`countParams: layer ${this.name} is not built yet; call it on an input first`);
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Weight values as tensors, Keras order and shapes. */
  getWeights(): Tensor<'float32'>[] {
    return this.weights.map((v) => new Tensor(v.read(), v.shape));
  }

  /** Sets weight values; the count and every shape must match getWeights(). */
  setWeights(weights: Tensor[]): void {
    const variables = this.weights;
    if (!Array.isArray(weights) || weights.length !== variables.length) {
      throw new ValueError(`Layer ${this.name} expects ${variables.length} weight arrays, but received ${Array.isArray(weights) ? weights.length : describe(weights)}`);
    }
    weights.forEach((w, i) => checkWeightShape(variables[i], w));
    weights.forEach((w, i) => variables[i].write(w.dataSync()));
  }

  /** Frees the weights' memory. */
  dispose(): void {
    for (const v of this.weights) v.dispose();
  }

  /** Keras's input compatibility check (InputSpec), with its message. */
  protected assertInputCompatible(shape: Shape, index = 0): void {
    const spec = this.inputSpec ?? this.defaultInputSpec();
    if (!spec) return;
    const prefix = `Input ${index} of layer "${this.name}" is incompatible with the layer:`;
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
  if (!(w instanceof Tensor)) throw new ValueError(`Weight ${variable.name}: expected a Tensor of shape [${variable.shape.join(', ')}], got ${describe(w)}`);
  if (w.dtype !== 'float32') throw new ValueError(`Weight ${variable.name}: expected a float32 Tensor, got ${w.dtype}`);
  if (w.shape.length !== variable.shape.length || w.shape.some((d, i) => d !== variable.shape[i])) {
    throw new ValueError(
      `Weight ${variable.name} has shape [${variable.shape.join(', ')}], but the value given has shape [${w.shape.join(', ')}]`,
    );
  }
}
