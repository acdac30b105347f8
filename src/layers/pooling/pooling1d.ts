/**
 * What the 1-D pooling layers share (shared/SPEC-LAYERS.md §11, §12): the window arguments and
 * output length of MaxPooling1D / AveragePooling1D, and the keepdims output of the global ones.
 * Inputs are (batch, steps, channels) (channels_last only).
 */
import { ValueError, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { pool1dGeometry, type Pool1DGeometry, type Pool1DPadding } from '../../ops/pooling.js';
import type { LayerArgs } from '../args.js';
import { Layer, type InputSpec } from '../layer.js';
import { arg, type ArgSpec } from '../schema.js';
import { dataFormat, optionalSize1d, size1d, type Size1D } from '../convolutional/conv-args.js';

export interface Pooling1DLayerArgs extends LayerArgs {
  /** Steps per window (MaxPooling1D: default 2; AveragePooling1D: required, as Keras 3). */
  poolSize?: Size1D;
  /** Steps between windows; default (null) the pool size. */
  strides?: Size1D | null;
  /** 'valid' (default) or 'same'. */
  padding?: Pool1DPadding;
  /** 'channelsLast' only (default). */
  dataFormat?: 'channelsLast' | 'channels_last';
}

/** The schema entries of a pooling layer; `poolSize` undefined makes it required. */
export const poolingSpecs = (poolSize?: number) => ({
  poolSize: size1d(poolSize),
  strides: optionalSize1d(),
  padding: arg.oneOf<Pool1DPadding>(['valid', 'same']),
  dataFormat: dataFormat(),
});

type PoolingOptions = { poolSize: number; strides: number | null; padding: Pool1DPadding };

/** MaxPooling1D and AveragePooling1D: windows over the steps axis; no weights, masks dropped. */
export abstract class Pooling1D<Cache> extends Layer<Cache> {
  declare protected readonly options: PoolingOptions;

  get poolSize(): number {
    return this.options.poolSize;
  }

  get strides(): number {
    return this.options.strides ?? this.options.poolSize;
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 3 };
  }

  /** The windows over `steps`; throws when a window is longer than an unpadded sequence. */
  protected geometry(steps: number, inputShape: readonly (number | null)[]): Pool1DGeometry {
    const g = pool1dGeometry(steps, this.poolSize, this.strides, this.options.padding);
    if (g.outSteps <= 0) {
      throw new ValueError(
        `${this.className} ${this.name}: the pool of ${this.poolSize} steps is longer than the ${steps} steps of its input with padding 'valid'. ` +
        `Expected an input of at least ${this.poolSize} steps, received shape ${pythonTuple(inputShape)}`,
      );
    }
    return g;
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    const [batch, steps, channels] = inputShape;
    return [[batch, steps == null ? null : this.geometry(steps, inputShape).outSteps, channels]];
  }

  protected override ownConfig(): Record<string, unknown> {
    return { ...super.ownConfig(), strides: [this.strides] };
  }
}

export interface GlobalPooling1DLayerArgs extends LayerArgs {
  /** 'channelsLast' only (default). */
  dataFormat?: 'channelsLast' | 'channels_last';
  /** Keep the steps axis with length 1: output (batch, 1, channels) (Keras 3; default false). */
  keepdims?: boolean;
}

export const globalPoolingSpecs = (): { dataFormat: ArgSpec<'channels_last'>; keepdims: ArgSpec<boolean> } => ({
  dataFormat: dataFormat(),
  keepdims: arg.bool(false),
});

/** GlobalMaxPooling1D and GlobalAveragePooling1D: one window over all steps. */
export abstract class GlobalPooling1D<Cache> extends Layer<Cache> {
  declare protected readonly options: { keepdims: boolean };

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 3 };
  }

  computeOutputShapes([[batch, , channels]]: Shape[]): Shape[] {
    return [this.options.keepdims ? [batch, 1, channels] : [batch, channels]];
  }

  /** The output's shape for an input (B, steps, C). */
  protected outputShape([batch, , channels]: readonly number[]): number[] {
    return this.options.keepdims ? [batch, 1, channels] : [batch, channels];
  }
}
