/** Tensor creation as TensorFlow.js spells it: tensor, tensor1d–4d, zeros, ones, random*, oneHot (more in tensor-ops/creation.ts). */
import { Tensor, type NestedArray } from './tensor.js';
import { StateError, ValueError, describe, invalidArgument } from './errors.js';
import { allocArray, castArray, checkDType, type DataTypeMap, type DType } from './dtype.js';
import { randomFor, type Random } from './random.js';
import { sizeOf } from './shape.js';

/** What `tensor()` accepts: nested number (or boolean) arrays, a flat typed/number array (with a shape), or a number. */
export type TensorLike = NestedArray | ArrayLike<number> | NestedBoolArray;

/** Nested arrays of booleans (a bool tensor). */
export type NestedBoolArray = boolean | NestedBoolArray[];

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

/** A rank-4 tensor. */
export function tensor4d<D extends DType = DType>(values: TensorLike, shape?: [number, number, number, number], dtype?: D): Tensor<D> {
  return withRank(tensor(values, shape, dtype), 4, 'tensor4d');
}

/** A tensor of zeros. @example wl.zeros([2, 3], 'int32') */
export function zeros<D extends DType = 'float32'>(shape: readonly number[], dtype: D = 'float32' as D): Tensor<D> {
  checkShape('zeros', shape);
  return new Tensor(allocArray(checkDType('zeros', dtype) as D, sizeOf(shape)), shape);
}

/** A tensor of ones. @example wl.ones([3]) */
export function ones<D extends DType = 'float32'>(shape: readonly number[], dtype: D = 'float32' as D): Tensor<D> {
  checkShape('ones', shape);
  return new Tensor(allocArray(checkDType('ones', dtype) as D, sizeOf(shape)).fill(1) as DataTypeMap[D], shape);
}

/**
 * Values uniform in [minval, maxval), from the global seed or `seed`; int32 draws integers (floored).
 * @example wl.randomUniform([2, 2], -1, 1, 'float32', 42)
 */
export function randomUniform<D extends 'float32' | 'int32' = 'float32'>(shape: readonly number[], minval = 0, maxval = 1, dtype: D = 'float32' as D, seed?: number): Tensor<D> {
  return random('randomUniform', shape, dtype, seed, (rng) => minval + (maxval - minval) * rng.uniform(), Math.floor);
}

/**
 * Normal values with `mean` and `stdDev`, from the global seed or `seed` (int32 truncates).
 * @example wl.randomNormal([3], 0, 1, 'float32', 42)
 */
export function randomNormal<D extends 'float32' | 'int32' = 'float32'>(shape: readonly number[], mean = 0, stdDev = 1, dtype: D = 'float32' as D, seed?: number): Tensor<D> {
  return random('randomNormal', shape, dtype, seed, (rng) => mean + stdDev * rng.normal(), Math.trunc);
}

/** A tensor of `draw()`s; int32 values pass through `toInt`. */
export function random<D extends DType>(fn: string, shape: readonly number[], dtype: D, seed: number | undefined, draw: (rng: Random) => number, toInt: (v: number) => number): Tensor<D> {
  checkShape(fn, shape);
  if (dtype !== 'float32' && dtype !== 'int32') throw invalidArgument(fn, 'dtype', "'float32' or 'int32'", dtype);
  const rng = randomFor(seed);
  const values = new Float64Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = dtype === 'int32' ? toInt(draw(rng)) : draw(rng);
  return new Tensor(castArray(values, dtype), shape);
}

/**
 * One-hot encoding: indices of any shape → shape + [depth], `onValue` at each index; int32 as in
 * tfjs unless `dtype` says otherwise.
 * @example wl.oneHot([0, 2], 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot<D extends DType = 'int32'>(
  indices: Tensor | NestedArray | ArrayLike<number>, depth: number, onValue = 1, offValue = 0, dtype: D = 'int32' as D,
): Tensor<D> {
  if (!Number.isSafeInteger(depth) || depth < 1) throw invalidArgument('oneHot', 'depth', 'a positive integer', depth);
  if (indices instanceof Tensor && indices.isDisposed) throw new StateError("oneHot: the tensor passed as 'indices' is disposed");
  const t = indices instanceof Tensor ? indices : tensor(indices as TensorLike);
  const idx = t.dataSync();
  const out = allocArray(checkDType('oneHot', dtype) as D, idx.length * depth).fill(offValue) as DataTypeMap[D];
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
