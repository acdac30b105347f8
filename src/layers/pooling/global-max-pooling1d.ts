/**
 * GlobalMaxPooling1D (shared/SPEC-LAYERS.md §12): the maximum over all steps, (B, C) or with
 * keepdims (B, 1, C). As in Keras 3, masks are not supported: a mask is dropped and masked steps
 * take part in the maximum.
 */
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { reshape } from '../../ops/device-tensor.js';
import { globalGeometry, maxPool1d, maxPool1dBackward, type Pool1DGeometry } from '../../ops/pooling.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { ForwardResult } from '../layer.js';
import { layerSchema, type ArgsOf } from '../schema.js';
import { GlobalPooling1D, globalPoolingSpecs, type GlobalPooling1DLayerArgs } from './pooling1d.js';

export type GlobalMaxPooling1DLayerArgs = GlobalPooling1DLayerArgs;

const SCHEMA = layerSchema<GlobalMaxPooling1DLayerArgs>()('GlobalMaxPooling1D', globalPoolingSpecs());

interface GlobalMaxCache {
  argmax: DeviceTensor | null;
  geometry: Pool1DGeometry;
}

export class GlobalMaxPooling1D extends GlobalPooling1D<GlobalMaxCache> {
  static readonly className = 'GlobalMaxPooling1D';
  static readonly namePrefix = 'global_max_pooling1d';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /** @example wl.layers.globalMaxPooling1d() */
  constructor(args: GlobalMaxPooling1DLayerArgs = {}) {
    super(args);
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch, training }: ForwardContext): ForwardResult<GlobalMaxCache> {
    const geometry = globalGeometry(x.shape[1]);
    const { y, argmax } = maxPool1d(engine, scratch, x, geometry, training);
    return { outputs: [reshape(y, this.outputShape(x.shape))], cache: { argmax, geometry } };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], { argmax, geometry }: GlobalMaxCache, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !needInputGradients[0]) return [null];
    return [maxPool1dBackward(engine, scratch, dy, argmax!, geometry)];
  }
}
