/**
 * The recurrent layers' base (Keras's RNN, shared/SPEC-LAYERS.md §1): everything but the cell.
 * Inputs are [x, ...initialStates] (tfjs's `apply([x, h0, c0])`, or `apply(x, {initialState})`);
 * outputs [output, ...finalStates] with returnState. A mask on x (Masking, Embedding(maskZero))
 * is consumed: masked steps carry the states and repeat the previous output (Keras 3). In training,
 * dropout and recurrentDropout draw their masks once per call (Keras 3, SPEC-LAYERS §1.7). Stateful
 * layers keep their final states in non-trainable variables (not weights) for the next call.
 * The subclasses (GRU, LSTM, SimpleRNN) declare their schema and say which cell they run.
 */
import { ValueError, describe, pythonTuple } from '../../errors.js';
import type { Device } from '../../backend/engine.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor, Scratch } from '../../ops/device-tensor.js';
import { dropoutMask, multiplyBroadcast, type NoiseSource } from '../../ops/dropout.js';
import { mixSeed } from '../../random-noise.js';
import { copyFloats, type CellPointers, type SequenceConfig } from '../../ops/rnn.js';
import type { Activation, ActivationIdentifier } from '../activations.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { Initializer, InitializerIdentifier } from '../initializers.js';
import { Layer, type CallArgs, type ForwardResult, type InputSpec } from '../layer.js';
import { arg } from '../schema.js';
import type { SymbolicTensor } from '../symbolic.js';
import { RECURRENT_OPTIONS_AT_DEFAULT, WEIGHT_OPTIONS_AT_DEFAULT } from '../unsupported.js';
import { LayerVariable } from '../variable.js';
import type { RecurrentCell } from './cell.js';

/** Arguments every recurrent layer takes (tfjs spelling, Keras 3 defaults). */
export interface RecurrentLayerArgs extends LayerArgs {
  units: number;
  /** Default tanh. */
  activation?: ActivationIdentifier;
  useBias?: boolean;
  /** Default glorotUniform (Keras 3; tfjs uses glorotNormal). */
  kernelInitializer?: InitializerIdentifier;
  /** Default orthogonal. */
  recurrentInitializer?: InitializerIdentifier;
  /** Default zeros. */
  biasInitializer?: InitializerIdentifier;
  /** Default false: the output is the last output (B, u); true gives every step's (B, T, u). */
  returnSequences?: boolean;
  /** Also output the final states: [output, h] (GRU, SimpleRNN), [output, h, c] (LSTM). */
  returnState?: boolean;
  /** Process the sequence from its end; outputs stay in processing order (Keras). */
  goBackwards?: boolean;
  /** Each call starts from the previous call's final states (needs a fixed batch size); resetStates() zeroes them. */
  stateful?: boolean;
  /**
   * Input dropout rate in [0, 1), default 0: in training x is multiplied by a (batch, features)
   * mask, 0 or 1/(1 − rate), the same at every timestep: one mask for every gate (Keras's
   * implementation 2), or with recurrentDropout one independent mask per gate (Keras forces
   * implementation 1 then; SimpleRNN has one gate).
   */
  dropout?: number;
  /**
   * Recurrent dropout rate in [0, 1), default 0: in training the previous state h is multiplied by a
   * (batch, units) mask before each gate's recurrent product, one independent mask per gate (GRU 3,
   * LSTM 4, SimpleRNN 1), drawn once per call (Keras 3). The LSTM's carry c and the GRU's
   * z ⊙ h_{t−1} term read h unmasked. Inference uses no masks.
   */
  recurrentDropout?: number;
  /** Accepted for compatibility; the kernels always run the loop themselves. */
  unroll?: boolean;
  /** Seeds the dropout masks (Keras 3): a fit whose noise layers all have seeds repeats by itself. */
  seed?: number | null;
  /**
   * Accepted for compatibility (Keras's implementation 1/2); no effect of its own: input dropout shares
   * one mask between the gates (implementation 2) unless recurrentDropout is set (implementation 1).
   */
  implementation?: number;
  /** Keras 3: a masked step outputs zeros instead of the previous output (default false). */
  zeroOutputForMask?: boolean;
}

/** Options of a call on symbolic tensors (tfjs's `apply(x, kwargs)`). */
export type RecurrentCallArgs = CallArgs;

/** The initial states a call gives in its options (checked), or null when it gives none there. */
export function initialStatesOf(layer: Layer, inputs: SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor[] | null {
  if (kwargs == null) return null;
  if (typeof kwargs !== 'object') throw new ValueError(`Layer ${layer.name}: the call options must be an object like { initialState: [h] }, got ${describe(kwargs)}`);
  const unknown = Object.keys(kwargs).filter((k) => k !== 'initialState' && (kwargs as Record<string, unknown>)[k] !== undefined);
  if (unknown.length) throw new ValueError(`Layer ${layer.name}: unknown call option ${unknown.join(', ')}; the one supported is initialState`);
  if (kwargs.initialState == null) return null;
  if (inputs.length !== 1) throw new ValueError(`Layer ${layer.name}: give the initial states either in the input list or as initialState, not both`);
  return Array.isArray(kwargs.initialState) ? kwargs.initialState : [kwargs.initialState];
}

const NOT_YET = 'not supported yet';

/** The specs every recurrent layer's schema spreads in (its own add recurrentActivation etc.). */
export const RECURRENT_SPECS = {
  units: arg.positiveInt(),
  activation: arg.activation('tanh', { elementwise: true }),
  useBias: arg.bool(true),
  kernelInitializer: arg.initializer('glorotUniform'),
  recurrentInitializer: arg.initializer('orthogonal'),
  biasInitializer: arg.initializer('zeros'),
  ...WEIGHT_OPTIONS_AT_DEFAULT,
  ...RECURRENT_OPTIONS_AT_DEFAULT,
  dropout: arg.rate(),
  recurrentDropout: arg.rate(),
  returnSequences: arg.bool(false),
  returnState: arg.bool(false),
  goBackwards: arg.bool(false),
  stateful: arg.bool(false),
  unroll: arg.ignored('boolean', false),
  implementation: { ...arg.ignored('number', null), omitFromConfig: true },
  zeroOutputForMask: { ...arg.bool(false), omitFromConfig: true },
  timeMajor: { ...arg.onlyDefault([false], NOT_YET), omitFromConfig: true },
  seed: arg.seed(),
  useCudnn: { ...arg.onlyDefault(['auto', true, false]), omitFromConfig: true },
};

/** The resolved options the base reads. */
interface RecurrentOptions {
  units: number;
  activation: Activation;
  recurrentActivation?: Activation;
  useBias: boolean;
  kernelInitializer: Initializer;
  recurrentInitializer: Initializer;
  biasInitializer: Initializer;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  zeroOutputForMask: boolean;
  dropout: number;
  recurrentDropout: number;
  seed: number | null;
}

/** The salt of the recurrent dropout masks' stream (the input masks use the call's seed itself). */
const RECURRENT_DROPOUT_STREAM = 2;

/** A layer call's dropout masks (training). */
interface RecurrentDropout {
  /** The (batch, 1, features) mask x is multiplied by for every gate (Keras's implementation 2), or null. */
  shared: DeviceTensor | null;
  /** One (batch, features) mask per gate, as (batch, G·features) (implementation 1), or null. */
  input: DeviceTensor | null;
  /** One (batch, units) mask per gate, as (batch, G·units), or null. */
  recurrent: DeviceTensor | null;
}

interface RecurrentCache {
  cell: unknown;
  /** Training with input dropout shared by the gates: the (batch, 1, features) mask x was multiplied by. */
  dropoutMask: DeviceTensor | null;
  /** Whether the initial states came in as inputs (their gradients are wanted then). */
  statesGiven: boolean;
}

export abstract class Recurrent extends Layer<RecurrentCache | null> {
  declare protected readonly options: RecurrentOptions & Record<string, unknown>;
  private cellWeights: LayerVariable[] = [];
  private cellInstance: RecurrentCell | null = null;
  /** Stateful layers: the states carried between calls, (batch, units) each. */
  private carried: LayerVariable[] = [];
  /** Set by Bidirectional: masked steps output zeros (Keras forces zero_output_for_mask there). */
  zeroOutputForMaskOverride = false;

  constructor(args: RecurrentLayerArgs) {
    super(args);
  }

  /** The cell this layer runs, from its options. */
  protected abstract makeCell(): RecurrentCell;

  /** The cell (made on first use). @internal */
  get cell(): RecurrentCell {
    this.cellInstance ??= this.makeCell();
    return this.cellInstance;
  }

  get units(): number {
    return this.options.units;
  }

  get activation(): Activation {
    return this.options.activation;
  }

  get useBias(): boolean {
    return this.options.useBias;
  }

  /** Whether masked steps output zeros (Keras's zero_output_for_mask; not in the tfjs config). */
  get zeroOutputForMask(): boolean {
    return this.options.zeroOutputForMask;
  }

  get returnSequences(): boolean {
    return this.options.returnSequences;
  }

  get returnState(): boolean {
    return this.options.returnState;
  }

  get goBackwards(): boolean {
    return this.options.goBackwards;
  }

  get stateful(): boolean {
    return this.options.stateful;
  }

  override get noiseSeeds(): (number | null)[] {
    return this.options.dropout > 0 || this.options.recurrentDropout > 0 ? [this.options.seed] : [];
  }

  /** A stateful layer's fixed batch size (null before build, or when not stateful). */
  get statefulBatchSize(): number | null {
    return this.carried[0]?.shape[0] ?? null;
  }

  /** How many states the cell carries (1, or 2 for the LSTM). */
  get stateCount(): number {
    return this.cell.stateNames.length;
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 3 };
  }

  /** The input spec is x's; initial states are checked against (batch, units) in computeOutputShapes. */
  protected override assertInputCompatible(shape: Shape, index = 0): void {
    if (index === 0) super.assertInputCompatible(shape, 0);
  }

  protected override inputCountRange(): [number, number] {
    return [1, 1 + this.stateCount];
  }

  /**
   * `apply(x, {initialState})` (or `apply([x, ...states])`) starts the sequence from the given
   * states instead of zeros, and gradients flow into them.
   * @example const [out, h, c] = wl.layers.lstm({ units: 8, returnState: true }).apply([x]) as wl.SymbolicTensor[];
   * @example const y = wl.layers.lstm({ units: 8 }).apply(decoderInput, { initialState: [h, c] });
   */
  protected override callInputs(inputs: SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor[] {
    const states = initialStatesOf(this, inputs, kwargs);
    if (states) this.checkStateCount(states.length);
    return states ? [inputs[0], ...states] : inputs;
  }

  private checkStateCount(count: number): void {
    if (count !== this.stateCount) {
      throw new ValueError(`Layer ${this.name} (${this.className}) has ${this.stateCount} state${this.stateCount === 1 ? '' : 's'} [${this.cell.stateNames.join(', ')}], but ${count} initial state${count === 1 ? ' was' : 's were'} given`);
    }
  }

  protected override build(inputShapes: Shape[]): void {
    const [inputShape] = inputShapes;
    const features = inputShape[2];
    if (features == null) throw new ValueError(`${this.className} ${this.name}: the feature axis of the input must be known, got ${pythonTuple(inputShape)}`);
    this.cellWeights = this.cell.weights(features).map((w) => this.addWeight(w.name, w.shape, w.initializer));
    if (this.stateful) {
      const batch = inputShape[0];
      if (batch == null) {
        throw new ValueError(`${this.className} ${this.name} is stateful, so it needs a fixed batch size: give the first layer batchInputShape (e.g. [32, ${inputShape[1] ?? 'null'}, ${features}]) or inputShape with batchSize. Received input shape ${pythonTuple(inputShape)}`);
      }
      this.carried = this.cell.stateNames.map((_, i) => new LayerVariable(`${this.name}/states_${i}`, [batch, this.units], new Float32Array(batch * this.units), false));
    }
    this.inputSpec = { ndim: 3, axes: { [-1]: features } };
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    const [inputShape, ...stateShapes] = inputShapes;
    if (stateShapes.length) {
      this.checkStateCount(stateShapes.length);
      stateShapes.forEach((shape, i) => {
        const batchOk = shape[0] == null || inputShape[0] == null || shape[0] === inputShape[0];
        if (shape.length !== 2 || shape[1] !== this.units || !batchOk) {
          throw new ValueError(`Layer ${this.name}: initial state ${this.cell.stateNames[i]} must have shape ${pythonTuple([inputShape[0], this.units])}, but received ${pythonTuple(shape)}`);
        }
      });
    }
    const [batch, steps] = inputShape;
    const output: Shape = this.returnSequences ? [batch, steps, this.units] : [batch, this.units];
    const states: Shape[] = this.returnState ? this.cell.stateNames.map((): Shape => [batch, this.units]) : [];
    return [output, ...states];
  }

  /** Only x's mask counts; the output keeps it with returnSequences, the states never have one. */
  override computeMask(_inputs: DeviceTensor[], masks: readonly (DeviceTensor | null)[], outputCount: number): (DeviceTensor | null)[] {
    const mask = this.returnSequences ? masks[0] ?? null : null;
    return Array.from({ length: outputCount }, (_, i) => (i === 0 ? mask : null));
  }

  override outputMayBeMasked(inputsMasked: readonly boolean[], index: number): boolean {
    return index === 0 && this.returnSequences && inputsMasked[0] === true;
  }

  /**
   * Keras 3's masks for a training call (SPEC-LAYERS §1.7): each drawn once for the whole sequence,
   * 0 or 1/(1 − rate). Recurrent dropout forces Keras's implementation 1, whose input dropout has an
   * independent mask per gate; without it one input mask serves every gate.
   */
  private dropoutMasks(engine: Device, scratch: Scratch, noise: NoiseSource | null, batch: number, features: number): RecurrentDropout {
    const { dropout, recurrentDropout, units } = this.options;
    const gates = this.cell.gates;
    const draw = (source: NoiseSource, rate: number, shape: number[]) => dropoutMask(engine, scratch, { noise: source, rate, shape });
    const recurrent = noise && recurrentDropout > 0
      ? draw({ ...noise, seed: mixSeed(noise.seed, RECURRENT_DROPOUT_STREAM) }, recurrentDropout, [batch, gates * units])
      : null;
    const perGate = recurrent != null && gates > 1;
    return {
      shared: noise && dropout > 0 && !perGate ? draw(noise, dropout, [batch, 1, features]) : null,
      input: noise && dropout > 0 && perGate ? draw(noise, dropout, [batch, gates * features]) : null,
      recurrent,
    };
  }

  /** Without input dropout (whose masked copy of x is read per position). @internal */
  override readsInputPerDistinctId(): boolean {
    return this.options.dropout === 0;
  }

  /** What the op's loop needs. @internal */
  sequenceConfig(): SequenceConfig {
    return {
      units: this.units,
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      zeroOutputForMask: this.options.zeroOutputForMask || this.zeroOutputForMaskOverride,
      recurrentActivation: (this.options.recurrentActivation ?? this.activation).code!,
      activation: this.activation.code!,
    };
  }

  private pointers(engine: Device, [kernel, recurrentKernel, bias]: (LayerVariable | undefined)[]): CellPointers {
    return { kernel: engine.place(kernel!), recurrentKernel: engine.place(recurrentKernel!), bias: bias ? engine.place(bias) : 0 };
  }

  /** @internal */
  forward([x, ...givenStates]: DeviceTensor[], ctx: ForwardContext): ForwardResult<RecurrentCache | null> {
    const { engine, scratch, training } = ctx;
    const [batch, steps] = x.shape;
    const mask = ctx.masks[0] ?? null;
    if (mask && (mask.shape.length !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps)) {
      throw new ValueError(`Layer ${this.name}: the mask must have shape ${pythonTuple([batch, steps])} like its input's first two axes, but has ${pythonTuple(mask.shape)}`);
    }
    let initialStates = givenStates.length ? givenStates : null;
    // stateful: the carried states when the batch is the layer's (the session refuses other batch
    // sizes before any work; the planner measures steps of other sizes, which carry nothing)
    const carry = this.stateful && !initialStates && batch === this.statefulBatchSize;
    if (carry) initialStates = this.carried.map((v) => ({ ptr: engine.place(v), shape: [batch, this.units], size: batch * this.units }));
    const drop = this.dropoutMasks(engine, scratch, ctx.noise, batch, x.shape[2]);
    const dropMask = drop.shared;
    const input = dropMask ? multiplyBroadcast(engine, scratch, x, dropMask) : x;
    const result = this.cell.forward(
      engine, scratch, { x: input, initialStates, mask, recurrentMasks: drop.recurrent, inputMasks: drop.input },
      this.pointers(engine, this.cellWeights), this.sequenceConfig(), training,
    );
    if (carry) result.states.forEach((s, i) => copyFloats(engine, s.size, s.ptr, engine.place(this.carried[i])));
    const outputs = this.returnState ? [result.output, ...result.states] : [result.output];
    return { outputs, cache: result.cache == null ? null : { cell: result.cache, dropoutMask: dropMask, statesGiven: givenStates.length > 0 } };
  }

  /** @internal */
  backward([dOutput, ...dStates]: (DeviceTensor | null)[], cache: RecurrentCache | null, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!cache) throw new Error(`${this.className} ${this.name}: backward needs a training forward pass (this one ran for inference)`);
    const { engine, scratch, gradients } = ctx;
    const inputCount = cache.statesGiven ? 1 + this.stateCount : 1;
    const none = Array.from({ length: inputCount }, () => null);
    const needInput = ctx.needInputGradients[0];
    const needStates = cache.statesGiven ? ctx.needInputGradients.slice(1) : [];
    const wantsWeights = this.cellWeights.some((v) => gradients.has(v));
    if ((!dOutput && dStates.every((d) => !d)) || (!needInput && !wantsWeights && !needStates.some(Boolean))) return none;
    // a frozen weight's gradient goes to a scratch accumulator that is dropped
    const grads = this.cellWeights.map((v) => gradients.get(v) ?? scratch.alloc(v.shape).ptr);
    const gradPointers: CellPointers = { kernel: grads[0], recurrentKernel: grads[1], bias: grads[2] ?? 0 };
    const { dx, dTokens, dStates: dInitial } = this.cell.backward(
      engine, scratch, cache.cell, dOutput, dStates, this.pointers(engine, this.cellWeights), gradPointers,
      this.sequenceConfig(), needInput, needStates,
    );
    // an Embedding's output read per distinct id: its gradient goes to the table rows directly
    if (dTokens) dTokens.gathered.addRowGradients(gradients, dTokens.unique, dTokens.dRows);
    const dInput = dx && cache.dropoutMask ? multiplyBroadcast(engine, scratch, dx, cache.dropoutMask) : dx;
    return cache.statesGiven ? [dInput, ...dInitial] : [dInput];
  }

  /** Stateful layers: the states start from zeros again (tfjs also takes explicit values). */
  resetStates(states?: { dataSync(): ArrayLike<number>; shape: readonly number[] }[]): void {
    if (!this.stateful) throw new ValueError(`Layer ${this.name} is not stateful: resetStates() applies to layers built with stateful: true`);
    if (!this.built) return;
    if (states != null) {
      if (!Array.isArray(states) || states.length !== this.carried.length) {
        throw new ValueError(`Layer ${this.name}: resetStates expects ${this.carried.length} state tensor(s), got ${Array.isArray(states) ? states.length : typeof states}`);
      }
      states.forEach((s, i) => {
        const shape = this.carried[i].shape;
        if (s.shape.length !== 2 || s.shape[0] !== shape[0] || s.shape[1] !== shape[1]) {
          throw new ValueError(`Layer ${this.name}: state ${i} must have shape ${pythonTuple(shape)}, got ${pythonTuple(s.shape)}`);
        }
        this.carried[i].write(s.dataSync());
      });
      return;
    }
    for (const v of this.carried) v.write(new Float32Array(v.size));
  }

  /** Keras 3's spelling of resetStates(). */
  resetState(): void {
    this.resetStates();
  }

  override dispose(): void {
    super.dispose();
    for (const v of this.carried) v.dispose();
  }
}
