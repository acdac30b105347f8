/** MaxPooling1D (shared/SPEC-LAYERS.md §11): the maximum of each window; padded cells never win. */
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { maxPool1d, maxPool1dBackward, type Pool1DGeometry } from '../../ops/pooling.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { ForwardResult } from '../layer.js';
import { layerSchema, type ArgsOf } from '../schema.js';
import { Pooling1D, poolingSpecs, type Pooling1DLayerArgs } from './pooling1d.js';

export type MaxPooling1DLayerArgs = Pooling1DLayerArgs;

const SCHEMA = layerSchema<MaxPooling1DLayerArgs>()('MaxPooling1D', poolingSpecs(2));

interface MaxPoolCache {
  argmax: DeviceTensor | null;
  geometry: Pool1DGeometry;
}

export class MaxPooling1D extends Pooling1D<MaxPoolCache> {
  static readonly className = 'MaxPooling1D';
  static readonly namePrefix = 'max_pooling1d';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /** @example wl.layers.maxPooling1d({ poolSize: 2 }) */
  constructor(args: MaxPooling1DLayerArgs = {}) {
    super(args);
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch, training }: ForwardContext): ForwardResult<MaxPoolCache> {
    const geometry = this.geometry(x.shape[1], [null, ...x.shape.slice(1)]);
    const { y, argmax } = maxPool1d(engine, scratch, x, geometry, training);
    return { outputs: [y], cache: { argmax, geometry } };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], { argmax, geometry }: MaxPoolCache, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !needInputGradients[0]) return [null];
    return [maxPool1dBackward(engine, scratch, dy, argmax!, geometry)];
  }
}
