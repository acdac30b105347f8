/**
 * AveragePooling1D (shared/SPEC-LAYERS.md §11): the mean of each window over its real cells (with
 * 'same' padding an edge window divides by the cells it covers, as Keras). poolSize is required
 * (Keras 3).
 * (tfjs defaults poolSize to 2.)
 */
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { avgPool1d, avgPool1dBackward, type Pool1DGeometry } from '../../ops/pooling.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { ForwardResult } from '../layer.js';
import { layerSchema, type ArgsOf } from '../schema.js';
import { Pooling1D, poolingSpecs, type Pooling1DLayerArgs } from './pooling1d.js';

export interface AveragePooling1DLayerArgs extends Pooling1DLayerArgs {
  /** Steps per window (required, as Keras 3). */
  poolSize: Pooling1DLayerArgs['poolSize'] & {};
}

const SCHEMA = layerSchema<AveragePooling1DLayerArgs>()('AveragePooling1D', poolingSpecs());

interface AvgPoolCache {
  xShape: Shape;
  geometry: Pool1DGeometry;
}

export class AveragePooling1D extends Pooling1D<AvgPoolCache> {
  static readonly className = 'AveragePooling1D';
  static readonly namePrefix = 'average_pooling1d';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /** @example wl.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }) */
  constructor(args: AveragePooling1DLayerArgs) {
    super(args);
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<AvgPoolCache> {
    const geometry = this.geometry(x.shape[1], [null, ...x.shape.slice(1)]);
    return { outputs: [avgPool1d(engine, scratch, x, geometry, null)], cache: { xShape: [...x.shape], geometry } };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], { xShape, geometry }: AvgPoolCache, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !needInputGradients[0]) return [null];
    return [avgPool1dBackward(engine, scratch, dy, geometry, null, xShape as number[])];
  }
}
