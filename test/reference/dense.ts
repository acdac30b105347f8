/** Float64 Dense on the last axis (any rank), softmax rows, and loss means: model-level references. */
import { act, type RefActivation } from './activations.js';
import { softmaxRef, categoricalCrossentropyRef, sumSquaredErrorRef } from './losses.js';

/** act(x·W + b) for rows × inDim → rows × units; 'softmax' over each row. */
export function denseRef(
  x: ArrayLike<number>, rows: number, inDim: number, W: ArrayLike<number>, b: ArrayLike<number> | null, units: number,
  activation: RefActivation | 'softmax' = 'linear',
): Float64Array {
  const out = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < units; j++) {
      let s = b ? b[j] : 0;
      for (let p = 0; p < inDim; p++) s += x[r * inDim + p] * W[p * units + j];
      out[r * units + j] = activation === 'softmax' ? s : act(s, activation);
    }
  }
  return activation === 'softmax' ? softmaxRef(out, rows, units) : out;
}

/** Keras's categorical cross-entropy mean over rows. */
export function meanCrossentropyRef(p: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  const rows = p.length / n;
  return categoricalCrossentropyRef(p, y, rows, n) / rows;
}

/** Keras's mean squared error (mean over the last axis, then over rows) = mean over all elements. */
export function meanSquaredErrorRef(p: ArrayLike<number>, y: ArrayLike<number>): number {
  return sumSquaredErrorRef(p, y) / p.length;
}
