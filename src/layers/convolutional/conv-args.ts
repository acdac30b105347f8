/**
 * Arguments shared by the 1-D convolution and pooling layers: sizes given as a number or a
 * one-element list (configs write the list, as Keras and tfjs do), the padding, and the data format
 * (channels_last only).
 */
import { invalidArgument } from '../../errors.js';
import type { ArgSpec } from '../schema.js';

/** A size along the one spatial axis: `3` or `[3]`. */
export type Size1D = number | [number];

function positiveSize(owner: string, name: string, v: unknown): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) throw invalidArgument(owner, name, 'a positive integer or a list of one', v);
  return n;
}

/** A positive size (required when `fallback` is undefined; null also means the default). */
export function size1d(fallback?: number): ArgSpec<number> {
  return {
    resolve: (owner, name, v) => positiveSize(owner, name, v ?? fallback),
    toConfig: (v) => [v],
  };
}

/** A pooling stride: null (the default) means the pool size; the layer writes the resolved value. */
export function optionalSize1d(): ArgSpec<number | null> {
  return {
    resolve: (owner, name, v) => (v == null ? null : positiveSize(owner, name, v)),
    toConfig: (v) => (v == null ? null : [v]),
  };
}

/** channels_last only, in either spelling; channels_first is refused by name. */
export function dataFormat(): ArgSpec<'channels_last'> {
  return {
    resolve(owner, name, v) {
      if (v === undefined || v === null || v === 'channelsLast' || v === 'channels_last') return 'channels_last';
      throw invalidArgument(owner, name, "'channelsLast' (channels_first is not supported: only (batch, steps, channels) inputs)", v);
    },
    toConfig: (v) => v,
  };
}
