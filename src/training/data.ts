/**
 * Turning what users pass to fit / evaluate / predict into tensors, checked against the model's
 * inputs and outputs (count, names, shapes, dtypes) with Keras's messages, and cutting them into
 * batches.
 */
import { ValueError, rankMismatch, shapeMismatch, sampleCountMismatch, describe } from '../errors.js';
import { allocArray, type DType, type HostArray } from '../dtype.js';
import type { Shape } from '../shape.js';
import { sizeOf } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { tensor } from '../tensor-creation.js';
import { startedEngine } from '../backend/engine.js';
import { hostAllFinite } from '../ops/elementwise.js';
import type { HostTensor } from './executor.js';

/** A tensor of another library (tfjs-core's): read through dataSync(). */
export interface ForeignTensor {
  readonly shape: number[];
  readonly dtype: string;
  dataSync(): ArrayLike<number>;
}

/**
 * One array of data: a Tensor (ours or another library's), nested number arrays, or a flat typed
 * array (shape taken from the model; integer arrays converted to the input's dtype).
 */
export type ArrayData =
  | Tensor | ForeignTensor | NestedArray[]
  | Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Uint32Array;

/**
 * Data for a model's inputs (or targets): one array for a model with one, else a list in the
 * model's order or an object keyed by input (output) name.
 */
export type ModelData = ArrayData | ArrayData[] | Record<string, ArrayData>;

/** What an input or output expects: its name, shape (batch axis first) and dtype. */
export interface Expected {
  name: string;
  shape: Shape;
  dtype: DType;
  /** Converts a given array towards what is expected, or refuses its values (a loss's target rules). */
  adapt?: (t: Tensor) => Tensor;
}

/**
 * A tensor of another library (TensorFlow.js's tfjs-core, or anything with a numeric `shape`, a
 * `dtype` and `dataSync()`): taken through its values, so users can keep tfjs for what we do not cover.
 */
function isForeignTensor(v: unknown): v is ForeignTensor {
  if (v == null || typeof v !== 'object' || v instanceof Tensor) return false;
  const t = v as { shape?: unknown; dtype?: unknown; dataSync?: unknown };
  return Array.isArray(t.shape) && t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) && typeof t.dtype === 'string' && typeof t.dataSync === 'function';
}

/** One array's worth of data, not a list or a by-name object of them (a bare ArrayBuffer counts, to be refused by name). */
const isArrayData = (v: unknown) => v instanceof Tensor || ArrayBuffer.isView(v) || isForeignTensor(v) || v instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer);

/**
 * Splits `data` into one entry per expected tensor: a single array for one tensor; a list (in
 * order) or an object (by name) otherwise. Counts and names are checked, naming what was expected.
 */
function entries(data: unknown, what: 'input' | 'target', expected: Expected[]): unknown[] {
  const names = expected.map((e) => e.name);
  const plural = what === 'input' ? 'inputs' : 'targets';
  if (data != null && typeof data === 'object' && !Array.isArray(data) && !isArrayData(data)) {
    const given = Object.keys(data);
    const unknown = given.filter((k) => !names.includes(k));
    if (unknown.length) throw new ValueError(`Unknown ${what} name${unknown.length > 1 ? 's' : ''} ${unknown.map(describe).join(', ')} in the ${plural} object; the model's ${plural} are: ${names.join(', ')}`);
    const missing = names.filter((n) => !given.includes(n));
    if (missing.length) throw new ValueError(`The ${plural} object lacks ${missing.map(describe).join(', ')}; the model's ${plural} are: ${names.join(', ')}`);
    return names.map((n) => (data as Record<string, unknown>)[n]);
  }
  // a list of arrays for a model of several (or a one-element list of a tensor / typed array)
  const isList = Array.isArray(data) && data.length > 0 && data.every((d) => isArrayData(d) || (Array.isArray(d) && expected.length > 1));
  if (expected.length === 1) return isList && data.length === 1 && isArrayData(data[0]) ? data : [data];
  if (!Array.isArray(data)) {
    throw new ValueError(`The model has ${expected.length} ${plural} (${names.join(', ')}), but 1 array was given (${describe(data)}): pass a list of ${expected.length} arrays or an object keyed by name`);
  }
  if (data.length !== expected.length) {
    throw new ValueError(`The model has ${expected.length} ${plural} (${names.join(', ')}), but ${data.length} array${data.length === 1 ? ' was' : 's were'} given`);
  }
  return data;
}

/** Converts and checks data for every expected tensor; all must have the same number of samples. */
export function standardizeAll(data: unknown, what: 'input' | 'target', expected: Expected[]): Tensor[] {
  const list = entries(data, what, expected);
  const tensors = list.map((d, i) => standardize(d, what, expected[i]));
  const counts = tensors.map((t) => t.shape[0]);
  if (counts.some((c) => c !== counts[0])) {
    throw new ValueError(`All ${what} arrays should have the same number of samples. Got array sizes: ${tensors.map((t, i) => `${expected[i].name}: ${t.shape[0]}`).join(', ')}`);
  }
  return tensors;
}

/** Converts `data` and checks it against `expected` (shape with batch axis, dtype), naming it on failure. */
export function standardize(data: unknown, what: 'input' | 'target', expected: Expected): Tensor {
  const given = toTensor(data, what, expected);
  const t = expected.adapt && given.rank >= 1 ? expected.adapt(given) : given;
  if (t.rank !== expected.shape.length) throw rankMismatch(what, expected.name, expected.shape.length, t.shape);
  for (let i = 1; i < expected.shape.length; i++) {
    if (expected.shape[i] != null && expected.shape[i] !== t.shape[i]) throw shapeMismatch(what, expected.name, expected.shape, t.shape);
  }
  if (t.dtype !== expected.dtype) {
    throw new ValueError(`Error when checking ${what}: expected ${expected.name} to be ${expected.dtype}, but got an array of dtype ${t.dtype} (shape ${JSON.stringify(t.shape)})`);
  }
  if (t.shape[0] === 0) throw new ValueError(`Error when checking ${what}: the array is empty (shape [${t.shape.join(', ')}]); at least one sample is needed`);
  checkFinite(t, what);
  return t;
}

/**
 * NaN and ±Infinity in data are refused, naming the first one's position. Checked at every call (an
 * array may change between calls), by the SIMD kernel once the engine has started (≈ 0.5 ms for the
 * seed's 960k input values), else by the loop below, which also finds the position.
 */
function checkFinite(t: Tensor, what: string): void {
  if (t.dtype !== 'float32') return;
  const data = t.dataSync() as Float32Array;
  const engine = startedEngine();
  if (engine && hostAllFinite(engine, data)) return;
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
}

/** Typed arrays of integers taken as data (converted to the expected dtype). */
const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Uint32Array];

function toTensor(data: unknown, what: string, expected: Expected): Tensor {
  if (data instanceof Tensor) {
    if (data.isDisposed) throw new ValueError(`The ${what} tensor for ${expected.name} is disposed`);
    return data;
  }
  if (isForeignTensor(data)) {
    const dtype = data.dtype === 'int32' ? 'int32' : data.dtype === 'bool' ? 'bool' : data.dtype === 'float32' ? 'float32' : null;
    if (!dtype) throw new ValueError(`The ${what} for ${expected.name} is a tensor of dtype ${describe(data.dtype)}; float32, int32 or bool is expected`);
    return tensor(Array.from(data.dataSync()), data.shape, dtype);
  }
  if (data instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && data instanceof SharedArrayBuffer)) {
    throw new ValueError(`The ${what} for ${expected.name} is a bare ${data.constructor.name} of ${data.byteLength} bytes: its element type is unknown; wrap it, e.g. new Float32Array(buffer)`);
  }
  if (data instanceof DataView) {
    throw new ValueError(`The ${what} for ${expected.name} is a DataView of ${data.byteLength} bytes: its element type is unknown; pass new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4)`);
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw new ValueError(`The ${what} for ${expected.name} is a ${data.constructor.name}: 64-bit integers are not supported; convert to an Int32Array (indices) or a Float32Array`);
  }
  if (INTEGER_ARRAYS.some((Type) => data instanceof Type)) {
    const values = data as ArrayLike<number>;
    if (expected.dtype === 'int32' && data instanceof Uint32Array && data.some((v) => v > 2 ** 31 - 1)) {
      throw new ValueError(`The ${what} for ${expected.name} is a Uint32Array holding values above 2^31 - 1, which int32 cannot hold`);
    }
    return toTensor(expected.dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values), what, expected);
  }
  // nested arrays take the dtype the model expects
  if (Array.isArray(data)) return tensor(data as NestedArray[], undefined, expected.dtype);
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array) {
    const sample = expected.shape.slice(1);
    if (!sample.every((d) => d != null)) {
      throw new ValueError(`A flat ${data.constructor.name} ${what} needs the model's ${what} shape to be fully known; pass a Tensor with a shape instead`);
    }
    const per = sizeOf(sample as number[]);
    if (data.length % per !== 0) {
      throw new ValueError(`A flat ${what} of ${data.length} values does not split into samples of shape [${sample.join(', ')}] (${per} values each)`);
    }
    return tensor(data, [data.length / per, ...(sample as number[])], data instanceof Int32Array ? 'int32' : 'float32');
  }
  throw new ValueError(`Expected the ${what} as a Tensor, nested arrays or a typed array (Float32Array, Float64Array, Int32Array or another integer array), but got ${describe(data)} (for ${expected.name})`);
}

export function checkSampleCounts(x: Tensor[], y: Tensor[]): void {
  if (x[0].shape[0] !== y[0].shape[0]) throw sampleCountMismatch(x[0].shape[0], y[0].shape[0]);
}

/**
 * The samples `order[start..end)` of `t` as one contiguous batch: a view of t's values when they are
 * in order, else gathered into `into` (reused from step to step) or a new array of t's dtype.
 * Executors copy what they are given, so a view never leaves this thread.
 */
export function gatherRows(t: Tensor, order: Int32Array | null, start: number, end: number, into?: HostArray): HostTensor {
  const rowSize = t.size / t.shape[0];
  const src = t.dataSync();
  const shape = [end - start, ...t.shape.slice(1)];
  if (order == null) return { data: src.subarray(start * rowSize, end * rowSize), shape };
  const length = (end - start) * rowSize;
  const data = into && into.length >= length && into.constructor === src.constructor ? into.subarray(0, length) : allocArray(t.dtype, length);
  for (let i = start; i < end; i++) {
    const r = order[i];
    data.set(src.subarray(r * rowSize, (r + 1) * rowSize) as never, (i - start) * rowSize);
  }
  return { data, shape };
}
