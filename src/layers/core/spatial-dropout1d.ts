/**
 * SpatialDropout1D (shared/SPEC-LAYERS.md §8): Dropout over a (batch, time, channels) input whose
 * mask has shape (batch, 1, channels), so a dropped channel is dropped at every timestep of that
 * sample (Keras's noise_shape (B, 1, C)). Training only, inverted scaling, masks pass through.
 */
import type { Shape } from '../../shape.js';
import type { LayerArgs } from '../args.js';
import type { InputSpec } from '../layer.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';
import { Dropout } from './dropout.js';

export interface SpatialDropout1DLayerArgs extends LayerArgs {
  /** The fraction of each sample's channels dropped in training, in [0, 1] (required). */
  rate: number;
  /** Seeds this layer's masks (Keras 3): a fit whose noise layers all have seeds repeats by itself. */
  seed?: number | null;
}

const SCHEMA = layerSchema<SpatialDropout1DLayerArgs>()('SpatialDropout1D', {
  rate: arg.fraction(),
  seed: arg.seed(),
  // fixed at (batch, 1, channels); accepted as null so configs that write it load
  noiseShape: { ...arg.onlyDefault([null], 'SpatialDropout1D always drops whole channels'), omitFromConfig: true },
});

export class SpatialDropout1D extends Dropout {
  static override readonly className: string = 'SpatialDropout1D';
  static readonly namePrefix = 'spatial_dropout1d';
  static override readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /**
   * @example wl.layers.spatialDropout1d({ rate: 0.3 })
   * @throws ValueError when rate is not a number in [0, 1]
   */
  constructor(args: SpatialDropout1DLayerArgs) {
    super(args);
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 3 };
  }

  override computeOutputShapes(inputShapes: Shape[]): Shape[] {
    return [inputShapes[0]];
  }

  protected override maskShape([batch, , channels]: readonly number[]): { shape: number[]; shared: boolean } {
    return { shape: [batch, 1, channels], shared: false };
  }
}
