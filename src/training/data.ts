/**
 * Turning what users pass to fit / evaluate / predict into tensors, checked against the model's
 * shapes with Keras's messages (shared/SPEC.md §7), and cutting them into batches.
 */
import { ValueError, rankMismatch, shapeMismatch, sampleCountMismatch, describe } from '../errors.js';
import type { Shape } from '../shape.js';
import { sizeOf } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { tensor } from '../tensor-creation.js';

/** Accepted data: a Tensor, nested number arrays, or a flat typed array (shape taken from the model). */
export type ModelData = Tensor | NestedArray[] | Float32Array | Float64Array;

/** Converts `data` and checks it against `expected` (with batch axis), naming `layerName` on failure. */
export function standardize(data: unknown, what: 'input' | 'target', layerName: string, expected: Shape): Tensor {
  const t = toTensor(data, what, expected);
  if (t.rank !== expected.length) throw rankMismatch(what, layerName, expected.length, t.shape);
  for (let i = 1; i < expected.length; i++) {
    if (expected[i] != null && expected[i] !== t.shape[i]) throw shapeMismatch(what, layerName, expected, t.shape);
  }
  if (t.shape[0] === 0) throw new ValueError(`Error when checking ${what}: the array is empty (shape [${t.shape.join(', ')}]); at least one sample is needed`);
  checkFinite(t, what);
  return t;
}

/** Value arrays already found finite (a tensor is checked once, not at every fit / predict). */
const checked = new WeakSet<Float32Array>();

/** NaN and ±Infinity in data are refused, naming the first one's position. */
function checkFinite(t: Tensor, what: string): void {
  const data = t.dataSync();
  if (checked.has(data)) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      const index: number[] = [];
      let rest = i;
      for (let d = t.rank - 1; d >= 0; d--) {
        index.unshift(rest % t.shape[d]);
        rest = Math.floor(rest / t.shape[d]);
      }
      throw new ValueError(`Error when checking ${what}: the array holds ${v} at index [${index.join(', ')}] (shape (${t.shape.join(', ')})); every value must be finite`);
    }
  }
  checked.add(data);
}

function toTensor(data: unknown, what: string, expected: Shape): Tensor {
  if (data instanceof Tensor) {
    if (data.isDisposed) throw new ValueError(`The ${what} tensor is disposed`);
    return data;
  }
  if (Array.isArray(data)) return tensor(data as NestedArray[]);
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const sample = expected.slice(1);
    if (!sample.every((d) => d != null)) {
      throw new ValueError(`A flat ${data.constructor.name} ${what} needs the model's ${what} shape to be fully known; pass a Tensor with a shape instead`);
    }
    const per = sizeOf(sample as number[]);
    if (data.length % per !== 0) {
      throw new ValueError(`A flat ${what} of ${data.length} values does not split into samples of shape [${sample.join(', ')}] (${per} values each)`);
    }
    return tensor(data, [data.length / per, ...(sample as number[])]);
  }
  throw new ValueError(`Expected the ${what} as a Tensor, nested arrays or a Float32Array, but got ${describe(data)}`);
}

export function checkSampleCounts(x: Tensor, y: Tensor): void {
  if (x.shape[0] !== y.shape[0]) throw sampleCountMismatch(x.shape[0], y.shape[0]);
}

/**
 * The samples `order[start..end)` of `t` as one contiguous batch: a view of t's values when they are
 * in order, else gathered into `into` (reused from step to step) or a new array. Executors copy what
 * they are given, so a view never leaves this thread.
 */
export function gatherRows(
  t: Tensor, order: Int32Array | null, start: number, end: number, into?: Float32Array,
): { data: Float32Array; shape: number[] } {
  const rowSize = t.size / t.shape[0];
  const src = t.dataSync();
  const shape = [end - start, ...t.shape.slice(1)];
  if (order == null) return { data: src.subarray(start * rowSize, end * rowSize), shape };
  const data = into && into.length >= (end - start) * rowSize ? into.subarray(0, (end - start) * rowSize) : new Float32Array((end - start) * rowSize);
  for (let i = start; i < end; i++) {
    const r = order[i];
    data.set(src.subarray(r * rowSize, (r + 1) * rowSize), (i - start) * rowSize);
  }
  return { data, shape };
}
