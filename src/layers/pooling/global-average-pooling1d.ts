/**
 * GlobalAveragePooling1D (shared/SPEC-LAYERS.md §12): the mean over all steps, (B, C) or with
 * keepdims (B, 1, C). With a mask (Keras 3) the mean is over the unmasked steps only,
 * Σ mask·x / Σ mask (a wholly masked sample gives NaN, as Keras); the mask stops here.
 */
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { reshape } from '../../ops/device-tensor.js';
import { avgPool1d, avgPool1dBackward, globalGeometry, type Pool1DGeometry } from '../../ops/pooling.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { ForwardResult } from '../layer.js';
import { layerSchema, type ArgsOf } from '../schema.js';
import { GlobalPooling1D, globalPoolingSpecs, type GlobalPooling1DLayerArgs } from './pooling1d.js';

export type GlobalAveragePooling1DLayerArgs = GlobalPooling1DLayerArgs;

const SCHEMA = layerSchema<GlobalAveragePooling1DLayerArgs>()('GlobalAveragePooling1D', globalPoolingSpecs());

interface GlobalAvgCache {
  xShape: Shape;
  mask: DeviceTensor | null;
  geometry: Pool1DGeometry;
}

export class GlobalAveragePooling1D extends GlobalPooling1D<GlobalAvgCache> {
  static readonly className = 'GlobalAveragePooling1D';
  static readonly namePrefix = 'global_average_pooling1d';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /** @example wl.layers.globalAveragePooling1d() */
  constructor(args: GlobalAveragePooling1DLayerArgs = {}) {
    super(args);
  }

  override get supportsMasking(): boolean {
    return true;
  }

  /** The mask is consumed: the output has none. @internal */
  override computeMask(_inputs: DeviceTensor[], _masks: readonly (DeviceTensor | null)[], outputCount: number): (DeviceTensor | null)[] {
    return Array.from({ length: outputCount }, () => null);
  }

  override outputMayBeMasked(): boolean {
    return false;
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch, masks }: ForwardContext): ForwardResult<GlobalAvgCache> {
    const geometry = globalGeometry(x.shape[1]);
    const mask = masks[0] ?? null;
    const y = avgPool1d(engine, scratch, x, geometry, mask);
    return { outputs: [reshape(y, this.outputShape(x.shape))], cache: { xShape: [...x.shape], mask, geometry } };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], { xShape, mask, geometry }: GlobalAvgCache, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !needInputGradients[0]) return [null];
    return [avgPool1dBackward(engine, scratch, dy, geometry, mask, xShape as number[])];
  }
}
