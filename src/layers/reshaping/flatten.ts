/**
 * Flatten (shared/SPEC-LAYERS.md §9): (B, d1, …, dk) → (B, d1·…·dk), row-major; (B,) → (B, 1).
 * `dataFormat: 'channelsFirst'` moves the channel axis (axis 1) last first, as Keras does. Without it
 * a view: no data moves. No mask passes (Keras 3 drops it).
 */
import { invalidArgument } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { reshape, type DeviceTensor } from '../../ops/device-tensor.js';
import { inversePermutation, permute } from '../../ops/permute.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult } from '../layer.js';
import { layerSchema, type ArgSpec, type ArgsOf } from '../schema.js';

/** Where a tensor's channels are (Keras's data_format, tfjs spelling). */
export type DataFormat = 'channelsLast' | 'channelsFirst';

export interface FlattenLayerArgs extends LayerArgs {
  /** Where the channels are: 'channelsLast' (default) or 'channelsFirst' (Keras's spelling also accepted). */
  dataFormat?: DataFormat;
}

const FORMATS: Record<string, DataFormat> = {
  channelsLast: 'channelsLast', channels_last: 'channelsLast', channelsFirst: 'channelsFirst', channels_first: 'channelsFirst',
};

const dataFormatSpec: ArgSpec<DataFormat> = {
  resolve(owner, name, v) {
    if (v === undefined || v === null) return 'channelsLast';
    const format = typeof v === 'string' ? FORMATS[v] : undefined;
    if (!format) throw invalidArgument(owner, name, "'channelsLast' or 'channelsFirst'", v);
    return format;
  },
  toConfig: (v) => (v === 'channelsFirst' ? 'channels_first' : 'channels_last'),
};

const SCHEMA = layerSchema<FlattenLayerArgs>()('Flatten', {
  dataFormat: dataFormatSpec,
});

export class Flatten extends Layer<readonly number[]> {
  static readonly className = 'Flatten';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /**
   * @example wl.layers.flatten() // (batch, 10, 8) → (batch, 80)
   */
  constructor(args: FlattenLayerArgs = {}) {
    super(args);
  }

  get dataFormat(): DataFormat {
    return this.options.dataFormat;
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    const dims = inputShape.slice(1);
    return [[inputShape[0], dims.some((d) => d == null) ? null : dims.reduce<number>((n, d) => n * d!, 1)]];
  }

  /** The channels-last order of an input of `rank` axes (null when nothing moves). */
  private channelsLast(rank: number): number[] | null {
    if (this.dataFormat !== 'channelsFirst' || rank < 3) return null;
    return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<readonly number[]> {
    const perm = this.channelsLast(x.shape.length);
    const moved = perm ? permute(engine, scratch, x, perm) : x;
    return { outputs: [reshape(moved, [x.shape[0], x.shape.slice(1).reduce((n, d) => n * d, 1)])], cache: x.shape };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], shape: readonly number[], { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !needInputGradients[0]) return [null];
    const perm = this.channelsLast(shape.length);
    if (!perm) return [reshape(dy, shape)];
    return [permute(engine, scratch, reshape(dy, perm.map((p) => shape[p])), inversePermutation(perm))];
  }
}
