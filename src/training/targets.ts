/**
 * What each loss needs of its targets (shared/SPEC-LAYERS.md §17.2), checked before any work:
 * - every loss: a target one rank short of an output whose last axis is 1 gains that axis (Keras's
 *   squeeze_or_expand_to_same_rank); integer targets become float32 (Keras casts them);
 * - sparse losses: one class index per row, shape (..., ) or (..., 1), integers in [0, classes),
 *   stored as floats of shape (..., 1) for the kernels (exact below 2^24 classes);
 * - binaryCrossentropy: values in [0, 1].
 */
import { ValueError } from '../errors.js';
import { castArray } from '../dtype.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { Expected } from './data.js';
import type { Loss } from './losses.js';

/** The target an output trained with `loss` expects, with the loss's conversion and checks. */
export function targetExpectation(output: { name: string; shape: Shape }, loss: Loss): Expected {
  const { name, shape } = output;
  if (!loss.sparse) {
    return { name, shape, dtype: 'float32', adapt: (t) => asFloat(expandLastAxis(checkProbabilities(loss, name, t), shape)) };
  }
  const classes = shape[shape.length - 1];
  const indexShape = [...shape.slice(0, -1), 1];
  return { name, shape: indexShape, dtype: 'float32', adapt: (t) => asFloat(expandLastAxis(classIndices(loss, name, t, classes), indexShape)) };
}

/** A target one rank short of `shape`, whose last axis is 1, with that axis added. */
function expandLastAxis(t: Tensor, shape: Shape): Tensor {
  return t.rank === shape.length - 1 && shape[shape.length - 1] === 1 ? t.reshape([...t.shape, 1]) : t;
}

function asFloat(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : new Tensor(castArray(t.dataSync(), 'float32'), t.shape);
}

/** The position of flat element `i` in `shape`, as [i, j, ...]. */
function positionOf(i: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return `[${index.join(', ')}]`;
}

function checkProbabilities(loss: Loss, name: string, t: Tensor): Tensor {
  if (!loss.probabilityTargets) return t;
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (!(data[i] >= 0 && data[i] <= 1)) {
      throw new ValueError(`${loss.name}: the target for ${name} holds ${data[i]} at ${positionOf(i, t.shape)}; its targets must be probabilities in [0, 1]`);
    }
  }
  return t;
}

function classIndices(loss: Loss, name: string, t: Tensor, classes: number | null): Tensor {
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < 0 || (classes != null && v >= classes)) {
      const range = classes != null ? `[0, ${classes - 1}]` : 'non-negative';
      throw new ValueError(`${loss.name}: the target for ${name} holds ${v} at ${positionOf(i, t.shape)}; expected integer class indices in ${range}, one per row of the output`);
    }
  }
  return t;
}
