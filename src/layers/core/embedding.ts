/**
 * Embedding (shared/SPEC-LAYERS.md §7): integer ids of any shape select rows of an
 * (inputDim, outputDim) table, giving (...ids shape, outputDim). With maskZero, id 0 masks its
 * position for the layers after (recurrent layers carry their state over it), as Masking does.
 * The gradient is a scatter-add into the rows of the ids in the batch (repeated ids add up, other
 * rows are not touched); the ids themselves get none.
 * Keras-divergence: Keras casts float ids to int32 (truncating); here a float id that is not an
 * integer is refused by value and position, like an id out of range (never a read out of bounds).
 */
import { ValueError, invalidArgument, pythonTuple } from '../../errors.js';
import type { DType } from '../../dtype.js';
import { multiIndex, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { firstBadId, gatherEmbeddings, idValue, scatterAddEmbeddings } from '../../ops/embedding.js';
import { positiveInteger, type LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { InitializerIdentifier } from '../initializers.js';
import { Layer, type ForwardResult } from '../layer.js';
import { arg, layerSchema, type ArgSpec, type ArgsOf } from '../schema.js';
import type { LayerVariable } from '../variable.js';

export interface EmbeddingLayerArgs extends LayerArgs {
  /** Vocabulary size: ids are integers in [0, inputDim) (required). */
  inputDim: number;
  /** Size of each embedding vector (required). */
  outputDim: number;
  /** Default randomUniform in [−0.05, 0.05] (Keras 3's "uniform"). */
  embeddingsInitializer?: InitializerIdentifier;
  /** Whether id 0 is padding: its positions are masked for the layers after (default false). */
  maskZero?: boolean;
  /**
   * tfjs: the length of the id sequences (a number, or one per axis after the batch axis); without
   * inputShape it sets the input shape to [batchSize, ...inputLength]. Keras 3 removed it.
   */
  inputLength?: number | (number | null)[] | null;
}

const inputLengthSpec: ArgSpec<(number | null)[] | null> = {
  resolve(owner, name, v) {
    if (v === undefined || v === null) return null;
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || !list.every((d) => d === null || (typeof d === 'number' && Number.isSafeInteger(d) && d > 0))) {
      throw invalidArgument(owner, name, 'a positive integer, or a list of positive integers or nulls', v);
    }
    return list as (number | null)[];
  },
  toConfig: (v) => v,
  // Keras 3 warns on input_length; the batch_input_shape it implies is written instead
  omitFromConfig: true,
};

const SCHEMA = layerSchema<EmbeddingLayerArgs>()('Embedding', {
  inputDim: arg.positiveInt(),
  outputDim: arg.positiveInt(),
  embeddingsInitializer: arg.initializer('randomUniform'),
  maskZero: arg.bool(false),
  inputLength: inputLengthSpec,
  embeddingsRegularizer: arg.onlyDefault([null], 'regularizers are not supported yet'),
  activityRegularizer: arg.onlyDefault([null], 'regularizers are not supported yet'),
  embeddingsConstraint: arg.onlyDefault([null], 'constraints are not supported yet'),
  loraRank: { ...arg.onlyDefault([null], 'LoRA is not supported'), omitFromConfig: true },
  quantizationConfig: { ...arg.onlyDefault([null], 'quantization is not supported'), omitFromConfig: true },
});

/** tfjs: inputLength without inputShape gives the batch input shape [batchSize, ...inputLength]. */
function withInputLength(args: EmbeddingLayerArgs): EmbeddingLayerArgs {
  if (args == null || typeof args !== 'object' || args.inputShape != null || args.batchInputShape != null || args.inputLength == null) return args;
  const lengths = inputLengthSpec.resolve('Embedding', 'inputLength', args.inputLength)!;
  const batch = args.batchSize == null ? null : positiveInteger('Embedding', 'batchSize', args.batchSize);
  return { ...args, batchInputShape: [batch, ...lengths] };
}

export class Embedding extends Layer<DeviceTensor> {
  static readonly className = 'Embedding';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;
  private embeddings: LayerVariable | null = null;

  /**
   * @example wl.layers.embedding({ inputDim: 10000, outputDim: 128, maskZero: true })
   * @example wl.sequential({ layers: [wl.layers.inputLayer({ inputShape: [100], dtype: 'int32' }), wl.layers.embedding({ inputDim: 10000, outputDim: 64 })] })
   * @throws ValueError on a bad argument, and on dtype 'int32' (int32 ids come from an int32 input)
   */
  constructor(args: EmbeddingLayerArgs) {
    if ((args as { dtype?: unknown } | undefined)?.dtype === 'int32') {
      throw new ValueError("Embedding: dtype 'int32' is not a layer dtype here (the embeddings are float32). Int32 ids come from an int32 input: wl.input({ shape: [T], dtype: 'int32' }), or wl.layers.inputLayer({ inputShape: [T], dtype: 'int32' }) first in a Sequential; float32 inputs holding integers work too");
    }
    super(withInputLength(args));
  }

  get inputDim(): number {
    return this.options.inputDim;
  }

  get outputDim(): number {
    return this.options.outputDim;
  }

  get maskZero(): boolean {
    return this.options.maskZero;
  }

  get inputLength(): (number | null)[] | null {
    return this.options.inputLength;
  }

  protected override acceptsInputDType(_index: number, dtype: DType): boolean {
    return dtype === 'int32' || dtype === 'float32';
  }

  protected override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.options.embeddingsInitializer);
    this.embeddings.rowSparse = true;
  }

  /** (...ids shape, outputDim); with inputLength (tfjs), the ids' axes after the batch axis must match it. */
  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    const lengths = this.inputLength;
    if (!lengths) return [[...inputShape, this.outputDim]];
    const fits = lengths.length === inputShape.length - 1 && lengths.every((d, i) => d == null || inputShape[i + 1] == null || d === inputShape[i + 1]);
    if (!fits) throw new ValueError(`Layer ${this.name}: inputLength is ${pythonTuple(lengths)}, but the input has shape ${pythonTuple(inputShape)}`);
    return [[inputShape[0], ...lengths.map((d, i) => d ?? inputShape[i + 1]), this.outputDim]];
  }

  override outputMayBeMasked(): boolean {
    return this.maskZero;
  }

  /** Ids fed straight from the data are checked before any work: integers in [0, inputDim). */
  override checkInputValues(_index: number, values: Tensor): void {
    const ids = values.dataSync();
    const integer = values.dtype !== 'float32';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < this.inputDim && (integer || Number.isInteger(id)))) {
        throw this.badId(id, `index [${multiIndex(i, values.shape).join(', ')}] of the input data (shape ${pythonTuple(values.shape)})`);
      }
    }
  }

  private badId(id: number, where: string): ValueError {
    return new ValueError(`Layer ${this.name} (Embedding) expects ids that are integers in [0, ${this.inputDim}) (inputDim ${this.inputDim}), but received ${id} at ${where}`);
  }

  /** @internal */
  forward([ids]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<DeviceTensor> {
    const bad = firstBadId(engine, ids, this.inputDim);
    if (bad >= 0) throw this.badId(idValue(engine, ids, bad), `index [${multiIndex(bad, ids.shape).join(', ')}] of a batch of shape ${pythonTuple(ids.shape)}`);
    const { out, mask } = gatherEmbeddings(engine, scratch, ids, engine.place(this.embeddings!), this.outputDim, this.maskZero, {
      tableRows: this.inputDim,
      // a recurrent layer reading `out` may hand back its gradient per distinct id (ops/token-projection.ts)
      addRowGradients: (gradients, unique, dRows) => scatterAddEmbeddings(engine, unique, dRows, this.outputDim, gradients, this.embeddings!),
    });
    return { outputs: [out], cache: ids, masks: [mask] };
  }

  /** @internal Scatter-adds dy into the rows of the ids; the ids get no gradient. */
  backward([dy]: (DeviceTensor | null)[], ids: DeviceTensor, { engine, gradients }: BackwardContext): (DeviceTensor | null)[] {
    if (dy) scatterAddEmbeddings(engine, ids, dy, this.outputDim, gradients, this.embeddings!);
    return [null];
  }
}
