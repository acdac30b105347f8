/** InputLayer and wl.input(): the entry of a functional model, with the dtype its data must have. */
import { ValueError, StateError, describe } from '../../errors.js';
import { checkDType, type DType } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { checkArgKeys, type LayerArgs } from '../args.js';
import { Layer, type ForwardResult } from '../layer.js';
import { arg, layerSchema, type FromConfigContext } from '../schema.js';
import { SymbolicTensor } from '../symbolic.js';

/** Arguments of an InputLayer: a LayerArgs whose dtype may be 'int32' or 'bool' (token ids, flags). */
export interface InputLayerArgs extends Omit<LayerArgs, 'dtype'> {
  /** The dtype of the data fed here; default 'float32'. */
  dtype?: DType;
}

const SCHEMA = layerSchema<Record<never, never>>()('InputLayer', {
  sparse: arg.onlyDefault([false, null], 'sparse inputs are not supported'),
  ragged: arg.onlyDefault([false, null], 'ragged inputs are not supported'),
});

export class InputLayer extends Layer<never> {
  static readonly className = 'InputLayer';
  static readonly namePrefix = 'input';
  static readonly schema = SCHEMA;
  /** The tensor this layer feeds into the graph. */
  readonly output: SymbolicTensor;
  readonly dtype: DType;

  constructor(args: InputLayerArgs) {
    super({ ...args, dtype: undefined });
    this.dtype = args.dtype === undefined ? 'float32' : checkDType('InputLayer', args.dtype);
    if (this.batchInputShape == null) {
      throw new ValueError(`InputLayer ${this.name}: an inputShape or batchInputShape is required`);
    }
    this.output = new SymbolicTensor(this.batchInputShape, this.dtype, this, null);
    this.buildFor([this.batchInputShape]);
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    return inputShapes;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dtype: this.dtype, sparse: false, ragged: false };
  }

  /** tfjs's batch_input_shape or Keras 3's batch_shape; dtype float32, int32 or bool. */
  static override fromConfig(config: Record<string, unknown>, _ctx: FromConfigContext): Layer {
    const { batch_shape: batchShape, batch_input_shape: batchInputShape, dtype, name, sparse, ragged, optional, ...rest } = config;
    for (const key of Object.keys(rest)) {
      if (!['trainable', 'module', 'registered_name', 'build_config', 'input_dtype'].includes(key)) {
        throw new ValueError(`InputLayer config: ${key}=${describe(rest[key])} is not supported`);
      }
    }
    if (optional != null && optional !== false) throw new ValueError(`InputLayer config: optional=${describe(optional)} is not supported (optional inputs)`);
    const policy = dtype != null && typeof dtype === 'object' ? (dtype as { config?: { name?: unknown } }).config?.name : dtype;
    return new InputLayer({
      name: name as string | undefined,
      batchInputShape: (batchInputShape ?? batchShape) as (number | null)[],
      dtype: (policy ?? 'float32') as DType,
      ...({ sparse, ragged } as object),
    } as InputLayerArgs);
  }

  /** @internal */
  forward(): ForwardResult<never> {
    throw new StateError('InputLayer has no computation');
  }

  /** @internal */
  backward(): (DeviceTensor | null)[] {
    throw new StateError('InputLayer has no computation');
  }
}

/** Arguments of wl.input (tfjs spelling). */
export interface InputArgs {
  /** Shape without the batch axis: `[64, 15]`. */
  shape?: (number | null)[];
  /** Shape with the batch axis: `[null, 64, 15]`. */
  batchShape?: (number | null)[];
  name?: string;
  /** 'float32' (default), 'int32' (token ids) or 'bool'. */
  dtype?: DType;
}

/**
 * A symbolic input for the functional API.
 * @example const x = wl.input({ shape: [64, 15] }); const y = wl.layers.gru({ units: 16 }).apply(x);
 * @example const ids = wl.input({ shape: [100], dtype: 'int32' });
 */
export function input(args: InputArgs): SymbolicTensor {
  checkArgKeys('input', args, ['shape', 'batchShape', 'name', 'dtype']);
  if ((args.shape == null) === (args.batchShape == null)) {
    throw new ValueError('input: give exactly one of shape (without the batch axis) or batchShape (with it)');
  }
  return new InputLayer({ name: args.name, inputShape: args.shape, batchInputShape: args.batchShape, dtype: args.dtype }).output;
}
