/**
 * Creation beyond tensor-creation.ts, as tfjs spells it: scalar, fill, zerosLike, onesLike, range,
 * linspace, eye, buffer (TensorBuffer), truncatedNormal, multinomial.
 */
import { ValueError, invalidArgument } from '../errors.js';
import { allocArray, castArray, checkDType, type DataTypeMap, type DType } from '../dtype.js';
import { randomFor } from '../random.js';
import { sizeOf } from '../shape.js';
import { Tensor, valuesOf } from '../tensor.js';
import { random, tensor } from '../tensor-creation.js';
import { input, shapeText, stridesOf, type TensorInput } from './core.js';

/** A rank-0 tensor. @example wl.scalar(3, 'int32') */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') throw invalidArgument('scalar', 'value', 'a number or a boolean', value);
  return tensor(value, [], dtype);
}

/** A tensor of `shape` filled with `value` (dtype from the value unless given). @example wl.fill([2, 2], 7) */
export function fill(shape: readonly number[], value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') throw invalidArgument('fill', 'value', 'a number or a boolean', value);
  return tensor(value, shape, dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32'));
}

/** Zeros of x's shape and dtype. @example wl.zerosLike(wl.tensor([1, 2], [2], 'int32')) */
export function zerosLike(x: TensorInput): Tensor {
  const t = input('zerosLike', x);
  return new Tensor(allocArray(t.dtype, t.size), t.shape);
}

/** Ones of x's shape and dtype. @example wl.onesLike(wl.tensor([[1, 2]])) */
export function onesLike(x: TensorInput): Tensor {
  const t = input('onesLike', x);
  return new Tensor(allocArray(t.dtype, t.size).fill(1), t.shape);
}

/**
 * start, start + step, ... up to (not including) stop, as tfjs: an empty tensor when the step points
 * away from stop, and a step of 1 counts down when stop < start.
 * @example wl.range(0, 5, 2) // [0, 2, 4]
 */
export function range(start: number, stop: number, step = 1, dtype: 'float32' | 'int32' = 'float32'): Tensor {
  if (step === 0) throw invalidArgument('range', 'step', 'a non-zero number', step);
  if (dtype !== 'float32' && dtype !== 'int32') throw invalidArgument('range', 'dtype', "'float32' or 'int32'", dtype);
  if (start === stop || (start < stop && step < 0) || (stop < start && step > 1)) return new Tensor(allocArray(dtype, 0), [0]);
  if (stop < start && step === 1) step = -1;
  const out = allocArray(dtype, Math.abs(Math.ceil((stop - start) / step)));
  if (out.length > 0) out[0] = start;
  for (let i = 1; i < out.length; i++) out[i] = out[i - 1] + step;
  return new Tensor(out, [out.length]);
}

/**
 * `num` evenly spaced values from start to stop (both included).
 * @example wl.linspace(0, 1, 5) // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isSafeInteger(num) || num <= 0) throw invalidArgument('linspace', 'num', 'a positive integer', num);
  const step = (stop - start) / (num - 1);
  const out = new Float32Array(num);
  out[0] = start;
  for (let i = 1; i < num; i++) out[i] = out[i - 1] + step;
  return new Tensor(out, [num]);
}

/**
 * An identity matrix of numRows × numColumns, repeated over `batchShape`.
 * @example wl.eye(2) // [[1, 0], [0, 1]]
 */
export function eye(numRows: number, numColumns = numRows, batchShape: readonly number[] = [], dtype: DType = 'float32'): Tensor {
  for (const [name, v] of [['numRows', numRows], ['numColumns', numColumns]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw invalidArgument('eye', name, 'a non-negative integer', v);
  }
  const batch = sizeOf(batchShape);
  const out = allocArray(checkDType('eye', dtype), batch * numRows * numColumns);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < Math.min(numRows, numColumns); i++) out[(b * numRows + i) * numColumns + i] = 1;
  }
  return new Tensor(out, [...batchShape, numRows, numColumns]);
}

/** A mutable array with a shape, read and written by position, turned into a tensor by `toTensor()` (tfjs's TensorBuffer). */
export class TensorBuffer<D extends DType = DType> {
  readonly shape: number[];
  readonly dtype: D;
  readonly values: DataTypeMap[D];
  readonly size: number;
  readonly strides: number[];

  constructor(shape: readonly number[], dtype: D, values?: DataTypeMap[D] | ArrayLike<number>) {
    this.shape = [...shape];
    this.dtype = checkDType('buffer', dtype) as D;
    this.size = sizeOf(shape);
    this.strides = stridesOf(shape);
    this.values = values == null ? allocArray(this.dtype, this.size) : castArray(values, this.dtype);
    if (this.values.length !== this.size) {
      throw new ValueError(`buffer: shape ${shapeText(shape)} needs ${this.size} values, but ${this.values.length} were given`);
    }
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Writes `value` at position `locs` (one index per axis). @example buf.set(5, 0, 1) */
  set(value: number | boolean, ...locs: number[]): void {
    this.values[this.offset('set', locs)] = Number(value);
  }

  /** The value at position `locs`. @example buf.get(0, 1) */
  get(...locs: number[]): number {
    return this.values[this.offset('get', locs)];
  }

  /** The flat index of position `locs`. */
  locToIndex(locs: number[]): number {
    return this.offset('locToIndex', locs);
  }

  /** A tensor of a copy of the values. */
  toTensor(): Tensor<D> {
    return new Tensor(this.values.slice() as DataTypeMap[D], this.shape);
  }

  private offset(op: string, locs: number[]): number {
    if (locs.length === 0 && this.rank === 0) return 0;
    if (locs.length !== this.rank || locs.some((l, d) => !Number.isInteger(l) || l < 0 || l >= this.shape[d])) {
      throw new ValueError(`TensorBuffer.${op}: position [${locs.join(', ')}] is not in a buffer of shape ${shapeText(this.shape)}`);
    }
    let index = 0;
    for (let d = 0; d < locs.length; d++) index += locs[d] * this.strides[d];
    return index;
  }
}

/**
 * A TensorBuffer of `shape` (zeros, or `values`), for building a tensor element by element.
 * @example const b = wl.buffer([2, 2]); b.set(3, 0, 1); const t = b.toTensor();
 */
export function buffer<D extends DType = 'float32'>(shape: readonly number[], dtype: D = 'float32' as D, values?: DataTypeMap[D] | ArrayLike<number>): TensorBuffer<D> {
  return new TensorBuffer(shape, dtype, values);
}

/** A TensorBuffer holding a copy of x's values (Tensor.bufferSync). */
export function bufferOf(x: TensorInput): TensorBuffer {
  const t = input('bufferSync', x);
  return new TensorBuffer(t.shape, t.dtype, valuesOf(t));
}

/**
 * Normal values with `mean` and `stdDev`, redrawn when more than two standard deviations away.
 * @example wl.truncatedNormal([3], 0, 1, 'float32', 42)
 */
export function truncatedNormal<D extends 'float32' | 'int32' = 'float32'>(shape: readonly number[], mean = 0, stdDev = 1, dtype: D = 'float32' as D, seed?: number): Tensor<D> {
  return random('truncatedNormal', shape, dtype, seed, (rng) => {
    let z: number;
    do z = rng.normal();
    while (Math.abs(z) > 2);
    return mean + stdDev * z;
  }, Math.trunc);
}

/**
 * `numSamples` class indices per row drawn from `logits` ([classes] or [batch, classes]; softmax is
 * applied unless `normalized`, when they are probabilities). int32, of shape [numSamples] or [batch, numSamples].
 * @example wl.multinomial(wl.tensor([0.2, 0.8]), 5, 42, true)
 */
export function multinomial(logits: TensorInput, numSamples: number, seed?: number, normalized = false): Tensor {
  const t = input('multinomial', logits, 'logits');
  if (t.rank !== 1 && t.rank !== 2) throw new ValueError(`multinomial: logits must be of rank 1 or 2, got shape ${shapeText(t.shape)}`);
  if (!Number.isSafeInteger(numSamples) || numSamples < 1) throw invalidArgument('multinomial', 'numSamples', 'a positive integer', numSamples);
  const classes = t.shape[t.rank - 1];
  if (classes < 2) throw new ValueError(`multinomial: needs at least 2 outcomes, but logits have shape ${shapeText(t.shape)}`);
  const rows = t.size / classes;
  const v = valuesOf(t);
  const rng = randomFor(seed);
  const out = new Int32Array(rows * numSamples);
  const cdf = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, v[r * classes + k]);
    let total = 0;
    for (let k = 0; k < classes; k++) {
      total += normalized ? v[r * classes + k] : Math.exp(v[r * classes + k] - max);
      cdf[k] = total;
    }
    for (let s = 0; s < numSamples; s++) {
      const u = rng.uniform() * total;
      let k = 0;
      while (k < classes - 1 && cdf[k] <= u) k++;
      out[r * numSamples + s] = k;
    }
  }
  return new Tensor(out, t.rank === 1 ? [numSamples] : [rows, numSamples]);
}
