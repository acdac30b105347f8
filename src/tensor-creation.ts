/** Tensor creation as TensorFlow.js spells it: tensor, tensor1d–3d, zeros, ones, random*, oneHot. */
import { Tensor, type NestedArray } from './tensor.js';
import { ValueError, describe, invalidArgument } from './errors.js';
import { castArray, checkDType, type DataTypeMap, type DType } from './dtype.js';
import { randomFor } from './random.js';
import { sizeOf } from './shape.js';

/** What `tensor()` accepts: nested number (or boolean) arrays, a flat typed/number array (with a shape), or a number. */
export type TensorLike = NestedArray | ArrayLike<number> | boolean | boolean[];

/**
 * The dtype tfjs infers for values: an Int32Array, Uint8Array or Uint8ClampedArray is int32,
 * booleans are bool, anything else float32.
 */
function inferDType(values: unknown): DType {
  if (values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'int32';
  let first: unknown = values;
  while (Array.isArray(first)) first = first[0];
  return typeof first === 'boolean' ? 'bool' : 'float32';
}

/**
 * Creates a tensor (float32 unless the values or `dtype` say otherwise, as tfjs infers it: an
 * Int32Array gives int32, booleans give bool).
 * @param values nested arrays (shape inferred) or a flat array / typed array (shape required for rank ≠ 1)
 * @param shape the shape; checked against the values
 * @param dtype 'float32', 'int32' or 'bool'; values are converted (int32 truncates toward zero)
 * @example wl.tensor([[1, 2], [3, 4]]); wl.tensor(new Float32Array(6), [2, 3]); wl.tensor([3, 1, 4], [3], 'int32');
 */
export function tensor<D extends DType = DType>(values: TensorLike, shape?: readonly number[], dtype?: D): Tensor<D> {
  if (shape) checkShape('tensor', shape);
  const type = (dtype === undefined ? inferDType(values) : checkDType('tensor', dtype)) as D;
  if (typeof values === 'number' || typeof values === 'boolean') {
    const s = shape ?? [];
    return new Tensor(castArray(new Float64Array(sizeOf(s)).fill(Number(values)), type), s);
  }
  if (ArrayBuffer.isView(values)) {
    const array = values as unknown as ArrayLike<number>;
    const same = (type === 'float32' && values instanceof Float32Array) || (type === 'int32' && values instanceof Int32Array);
    const flat = (same ? values : castArray(array, type)) as DataTypeMap[D];
    return new Tensor(flat, shape ?? [flat.length]);
  }
  if (!Array.isArray(values)) throw new ValueError(`tensor: expected a number, nested arrays or a typed array, but got ${describe(values)}`);
  const inferred = inferShape(values as NestedArray[]);
  const flat = new Float64Array(sizeOf(inferred));
  flatten(values as NestedArray, inferred, 0, flat, 0, [], type === 'bool');
  if (shape && sizeOf(shape) !== flat.length) {
    throw new ValueError(`tensor: shape [${shape.join(', ')}] needs ${sizeOf(shape)} values, but the data has ${flat.length} (shape [${inferred.join(', ')}])`);
  }
  return new Tensor(castArray(flat, type), shape ?? inferred);
}

/** A rank-1 tensor. */
export function tensor1d<D extends DType = DType>(values: TensorLike, dtype?: D): Tensor<D> {
  return withRank(tensor(values, undefined, dtype), 1, 'tensor1d');
}

/** A rank-2 tensor. */
export function tensor2d<D extends DType = DType>(values: TensorLike, shape?: [number, number], dtype?: D): Tensor<D> {
  return withRank(tensor(values, shape, dtype), 2, 'tensor2d');
}

/** A rank-3 tensor. */
export function tensor3d<D extends DType = DType>(values: TensorLike, shape?: [number, number, number], dtype?: D): Tensor<D> {
  return withRank(tensor(values, shape, dtype), 3, 'tensor3d');
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor<'float32'> {
  checkShape('zeros', shape);
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}

/** A tensor of ones. */
export function ones(shape: readonly number[]): Tensor<'float32'> {
  checkShape('ones', shape);
  return new Tensor(new Float32Array(sizeOf(shape)).fill(1), shape);
}

/** Values uniform in [minval, maxval), from the global seed or `seed`. */
export function randomUniform(shape: readonly number[], minval = 0, maxval = 1, _dtype: 'float32' = 'float32', seed?: number): Tensor<'float32'> {
  checkShape('randomUniform', shape);
  const rng = randomFor(seed);
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = minval + (maxval - minval) * rng.uniform();
  return new Tensor(out, shape);
}

/** Normal values with `mean` and `stdDev`, from the global seed or `seed`. */
export function randomNormal(shape: readonly number[], mean = 0, stdDev = 1, _dtype: 'float32' = 'float32', seed?: number): Tensor<'float32'> {
  checkShape('randomNormal', shape);
  const rng = randomFor(seed);
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = mean + stdDev * rng.normal();
  return new Tensor(out, shape);
}

/**
 * One-hot encoding: indices of any shape → shape + [depth], `onValue` at each index.
 * @example wl.oneHot([0, 2], 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor | NestedArray | ArrayLike<number>, depth: number, onValue = 1, offValue = 0): Tensor<'float32'> {
  if (!Number.isSafeInteger(depth) || depth < 1) throw invalidArgument('oneHot', 'depth', 'a positive integer', depth);
  const t = indices instanceof Tensor ? indices : tensor(indices as TensorLike);
  const idx = t.dataSync();
  const out = new Float32Array(idx.length * depth).fill(offValue);
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    if (!Number.isInteger(k) || k < 0 || k >= depth) {
      throw new ValueError(`oneHot: index ${i} is ${k}, expected an integer in [0, ${depth})`);
    }
    out[i * depth + k] = onValue;
  }
  return new Tensor(out, [...t.shape, depth]);
}

function withRank<D extends DType>(t: Tensor<D>, rank: number, fn: string): Tensor<D> {
  if (t.rank !== rank) throw new ValueError(`${fn}: expected rank ${rank}, but the values have shape [${t.shape.join(', ')}]`);
  return t;
}

function checkShape(fn: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalidArgument(fn, 'shape', 'an array of non-negative integers', shape);
  }
}

function inferShape(values: NestedArray[]): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flatten(values: NestedArray, shape: number[], dim: number, out: Float64Array, offset: number, path: number[], bools: boolean): number {
  const where = () => (path.length ? `at [${path.join('][')}]` : 'at the top level');
  if (dim === shape.length) {
    if (typeof values !== (bools ? 'boolean' : 'number')) {
      throw new ValueError(`tensor: expected a ${bools ? 'boolean' : 'number'} ${where()}, but got ${Array.isArray(values) ? 'an array (ragged nesting)' : describe(values)}`);
    }
    out[offset] = Number(values);
    return offset + 1;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    const got = Array.isArray(values) ? `length ${values.length}` : describe(values);
    throw new ValueError(`tensor: ragged nested array: expected an array of length ${shape[dim]} ${where()}, but got ${got}`);
  }
  if (dim === shape.length - 1) {
    // innermost level, the hot loop: numbers only
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as unknown;
      if (typeof v !== (bools ? 'boolean' : 'number')) {
        path.push(i);
        throw new ValueError(`tensor: expected a ${bools ? 'boolean' : 'number'} ${where()}, but got ${Array.isArray(v) ? 'an array (ragged nesting)' : describe(v)}`);
      }
      out[offset++] = Number(v);
    }
    return offset;
  }
  for (let i = 0; i < values.length; i++) {
    path.push(i);
    offset = flatten(values[i], shape, dim + 1, out, offset, path, bools);
    path.pop();
  }
  return offset;
}
