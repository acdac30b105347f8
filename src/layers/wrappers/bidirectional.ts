/**
 * Bidirectional(layer) with Keras semantics (shared/SPEC-LAYERS.md §5): a forward copy of the
 * recurrent layer (`forward_<name>`) and a copy with goBackwards flipped (`backward_<name>`), both
 * fresh from the layer's config, read the same input; with returnSequences the backward output is
 * reversed back to input order; the two are merged (concat, sum, mul, ave) or returned apart
 * (mergeMode null). Weights: the forward layer's, then the backward layer's. With returnSequences,
 * masked steps output zeros in both halves (Keras forces zero_output_for_mask there; tfjs does not).
 */
import { ValueError } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { add, concatLastAxis, multiply, reverseTime, scale, sliceLastAxis } from '../../ops/combine.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { mixSeed } from '../../random-noise.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type CallArgs, type ForwardResult, type InputSpec, type LayerClass } from '../layer.js';
import { arg, layerSchema, type ArgsOf, type FromConfigContext } from '../schema.js';
import type { SymbolicTensor } from '../symbolic.js';
import type { LayerVariable } from '../variable.js';
import { Recurrent, initialStatesOf } from '../recurrent/recurrent.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

export interface BidirectionalLayerArgs extends LayerArgs {
  /** The recurrent layer (LSTM, GRU, SimpleRNN) to run both ways; fresh copies are made from its config. */
  layer: Layer;
  /** How the two directions' outputs combine: 'concat' (default), 'sum', 'mul', 'ave', or null for two outputs. */
  mergeMode?: MergeMode;
}

const SCHEMA = layerSchema<BidirectionalLayerArgs>()('Bidirectional', {
  layer: arg.layer('wl.layers.lstm({ units: 8 })'),
  mergeMode: arg.oneOf<MergeMode>(['concat', 'sum', 'mul', 'ave', null]),
  backwardLayer: { ...arg.onlyDefault([null], 'a separate backward layer is not supported yet'), omitFromConfig: true },
  weights: { ...arg.onlyDefault([null], 'pass weights with setWeights() after building'), omitFromConfig: true },
});

interface BidirectionalCache {
  forward: unknown;
  backward: unknown;
  /** The two directions' outputs (the backward one in input order), for mul's gradient. */
  y: DeviceTensor;
  yRev: DeviceTensor;
  statesGiven: boolean;
}

/** A fresh layer of `layer`'s class and config, with `changes` applied. */
function copyOf(layer: Recurrent, changes: Record<string, unknown>): Recurrent {
  const cls = layer.constructor as unknown as LayerClass & { fromConfig(config: Record<string, unknown>, ctx: FromConfigContext): Layer };
  const ctx: FromConfigContext = {
    initialize: true,
    layerFromConfig: () => {
      throw new ValueError(`Bidirectional: the layer ${layer.name} nests another layer, which is not supported`);
    },
  };
  const { batch_input_shape: _shape, ...config } = layer.getConfig();
  return cls.fromConfig({ ...config, ...changes }, ctx) as unknown as Recurrent;
}

export class Bidirectional extends Layer<BidirectionalCache | null> {
  static readonly className = 'Bidirectional';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;
  /** The forward direction's layer. */
  readonly forwardLayer: Recurrent;
  /** The backward direction's layer (goBackwards flipped). */
  readonly backwardLayer: Recurrent;

  constructor(args: BidirectionalLayerArgs) {
    super(args);
    const inner = this.options.layer;
    if (!(inner instanceof Recurrent)) {
      throw new ValueError(`Bidirectional: the layer argument must be a recurrent layer (LSTM, GRU, SimpleRNN), got ${inner.className} ${inner.name}`);
    }
    // Keras's names: a layer already called forward_x (a saved Bidirectional's) is not prefixed twice
    this.forwardLayer = copyOf(inner, { name: `forward_${inner.name.replace(/^forward_/, '')}` });
    this.backwardLayer = copyOf(inner, { name: `backward_${inner.name.replace(/^backward_/, '')}`, go_backwards: !inner.goBackwards });
    for (const layer of [this.forwardLayer, this.backwardLayer]) {
      layer.weightScope = `${this.name}/${layer.name}`;
      // Keras (bidirectional.py) forces zero_output_for_mask = return_sequences on both layers
      layer.zeroOutputForMaskOverride = inner.returnSequences;
    }
  }

  /** The layer given at construction (its config; its weights are not used). */
  get layer(): Layer {
    return this.options.layer;
  }

  get mergeMode(): MergeMode {
    return this.options.mergeMode;
  }

  private get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  private get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  /** Whether the wrapped layers carry their states between calls. */
  get stateful(): boolean {
    return this.forwardLayer.stateful;
  }

  /** The wrapped layers' fixed batch size when stateful. */
  get statefulBatchSize(): number | null {
    return this.forwardLayer.statefulBatchSize;
  }

  private get stateCount(): number {
    return this.forwardLayer.stateCount;
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 3 };
  }

  /** The input spec is x's; initial states are checked against (batch, units) in computeOutputShapes. */
  protected override assertInputCompatible(shape: Shape, index = 0): void {
    if (index === 0) super.assertInputCompatible(shape, 0);
  }

  protected override inputCountRange(): [number, number] {
    return [1, 1 + 2 * this.stateCount];
  }

  /** @internal */
  override readsInputPerDistinctId(): boolean {
    return this.forwardLayer.readsInputPerDistinctId();
  }

  /** `apply(x, {initialState})`: the forward layer's states, then the backward layer's ([h_f, h_b], or [h_f, c_f, h_b, c_b] for LSTMs). */
  protected override callInputs(inputs: SymbolicTensor[], kwargs?: CallArgs): SymbolicTensor[] {
    const states = initialStatesOf(this, inputs, kwargs);
    return states ? [inputs[0], ...states] : inputs;
  }

  protected override build([inputShape]: Shape[]): void {
    this.forwardLayer.buildFor([inputShape]);
    this.backwardLayer.buildFor([inputShape]);
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    const [inputShape, ...stateShapes] = inputShapes;
    const half = this.stateCount;
    if (stateShapes.length && stateShapes.length !== 2 * half) {
      throw new ValueError(`Layer ${this.name}: Bidirectional(${this.forwardLayer.className}) takes ${2 * half} initial states (the forward layer's ${half}, then the backward layer's), but ${stateShapes.length} were given`);
    }
    const forward = this.forwardLayer.computeOutputShapes([inputShape, ...stateShapes.slice(0, half)]);
    const backward = this.backwardLayer.computeOutputShapes([inputShape, ...stateShapes.slice(half)]);
    const [y] = forward;
    const merged: Shape[] = this.mergeMode === null ? [y, backward[0]]
      : this.mergeMode === 'concat' ? [[...y.slice(0, -1), 2 * (y[y.length - 1] as number)]] : [y];
    return [...merged, ...forward.slice(1), ...backward.slice(1)];
  }

  override computeMask(_inputs: DeviceTensor[], masks: readonly (DeviceTensor | null)[], outputCount: number): (DeviceTensor | null)[] {
    const mask = this.returnSequences ? masks[0] ?? null : null;
    const outputs = this.mergeMode === null ? 2 : 1;
    return Array.from({ length: outputCount }, (_, i) => (i < outputs ? mask : null));
  }

  override outputMayBeMasked(inputsMasked: readonly boolean[], index: number): boolean {
    return index < (this.mergeMode === null ? 2 : 1) && this.returnSequences && inputsMasked[0] === true;
  }

  override unsupportedInTraining(): string | null {
    return this.forwardLayer.unsupportedInTraining();
  }

  override get weights(): LayerVariable[] {
    return [...this.forwardLayer.weights, ...this.backwardLayer.weights];
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? [...this.forwardLayer.trainableWeights, ...this.backwardLayer.trainableWeights] : [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? [...this.forwardLayer.nonTrainableWeights, ...this.backwardLayer.nonTrainableWeights] : this.weights;
  }

  override countParams(): number {
    return this.forwardLayer.countParams() + this.backwardLayer.countParams();
  }

  override get noiseSeeds(): (number | null)[] {
    return [...this.forwardLayer.noiseSeeds, ...this.backwardLayer.noiseSeeds];
  }

  /** Stateful inner layers: both directions start from zeros again. */
  resetStates(): void {
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  override dispose(): void {
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
  }

  /** @internal */
  forward([x, ...states]: DeviceTensor[], ctx: ForwardContext): ForwardResult<BidirectionalCache | null> {
    const { engine, scratch } = ctx;
    const half = this.stateCount;
    const innerCtx = { ...ctx, masks: [ctx.masks[0] ?? null] };
    const fwd = this.forwardLayer.forward([x, ...states.slice(0, half)], innerCtx);
    // the backward layer's dropout masks differ from the forward layer's (its own seed)
    const noise = ctx.noise && { ...ctx.noise, seed: mixSeed(ctx.noise.seed, 1) };
    const bwd = this.backwardLayer.forward([x, ...states.slice(half)], { ...innerCtx, noise });
    const [y, ...fwdStates] = fwd.outputs;
    const [yBack, ...bwdStates] = bwd.outputs;
    const yRev = this.returnSequences ? reverseTime(engine, scratch, yBack) : yBack;
    const merged = this.mergeMode === null ? [y, yRev]
      : this.mergeMode === 'concat' ? [concatLastAxis(engine, scratch, y, yRev)]
        : this.mergeMode === 'sum' ? [add(engine, scratch, y, yRev)]
          : this.mergeMode === 'mul' ? [multiply(engine, scratch, y, yRev)]
            : [scale(engine, scratch, add(engine, scratch, y, yRev), 0.5)];
    const cache = fwd.cache == null ? null : { forward: fwd.cache, backward: bwd.cache, y, yRev, statesGiven: states.length > 0 };
    return { outputs: [...merged, ...fwdStates, ...bwdStates], cache };
  }

  /** @internal */
  backward(dOutputs: (DeviceTensor | null)[], cache: BidirectionalCache | null, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!cache) throw new Error(`Bidirectional ${this.name}: backward needs a training forward pass (this one ran for inference)`);
    const { engine, scratch } = ctx;
    const half = this.stateCount;
    const outputs = this.mergeMode === null ? 2 : 1;
    const [dMerged, dSecond] = dOutputs;
    const dStates = dOutputs.slice(outputs);
    let dy: DeviceTensor | null = null, dyRev: DeviceTensor | null = null;
    if (this.mergeMode === null) [dy, dyRev] = [dMerged, dSecond];
    else if (dMerged) {
      const u = this.forwardLayer.units;
      if (this.mergeMode === 'concat') [dy, dyRev] = [sliceLastAxis(engine, scratch, dMerged, 0, u), sliceLastAxis(engine, scratch, dMerged, u, u)];
      else if (this.mergeMode === 'sum') [dy, dyRev] = [dMerged, dMerged];
      else if (this.mergeMode === 'ave') dy = dyRev = scale(engine, scratch, dMerged, 0.5);
      else [dy, dyRev] = [multiply(engine, scratch, dMerged, cache.yRev), multiply(engine, scratch, dMerged, cache.y)];
    }
    const dyBack = dyRev && this.returnSequences ? reverseTime(engine, scratch, dyRev) : dyRev;
    const [needX, ...needStates] = ctx.needInputGradients;
    const statesNeeded = (from: number) => (cache.statesGiven ? needStates.slice(from, from + half) : []);
    const fwd = this.forwardLayer.backward([dy, ...dStates.slice(0, half)], cache.forward as never, { ...ctx, needInputGradients: [needX, ...statesNeeded(0)] });
    const bwd = this.backwardLayer.backward([dyBack, ...dStates.slice(half)], cache.backward as never, { ...ctx, needInputGradients: [needX, ...statesNeeded(half)] });
    const [dxF, ...dStatesF] = fwd;
    const [dxB, ...dStatesB] = bwd;
    const dx = dxF && dxB ? add(engine, scratch, dxF, dxB) : dxF ?? dxB ?? null;
    return cache.statesGiven ? [dx, ...padded(dStatesF, half), ...padded(dStatesB, half)] : [dx];
  }
}

/** `list` with nulls to `length` (a direction that needed no gradient returns fewer entries). */
function padded(list: (DeviceTensor | null)[], length: number): (DeviceTensor | null)[] {
  return Array.from({ length }, (_, i) => list[i] ?? null);
}

