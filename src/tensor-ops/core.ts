/**
 * What every op family shares: taking an argument as a tensor (refusing a disposed one, naming the
 * op), numpy broadcasting, axis normalisation and one strided copy that serves broadcast, transpose,
 * slice, reverse and tile.
 */
import { StateError, ValueError, invalidArgument } from '../errors.js';
import { castArray, dtypeOfArray, type DType, type HostArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { Tensor, valuesOf } from '../tensor.js';
import { tensor, type TensorLike } from '../tensor-creation.js';
import { takeArray } from './memory.js';

/** A tensor, or values `tensor()` accepts (numbers, nested arrays, typed arrays). */
export type TensorInput = Tensor | TensorLike;

/** `[2, 3]`: a shape as messages print it. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** `x` as a tensor for `op`: a disposed tensor is refused naming the op and the argument. */
export function input(op: string, x: unknown, arg = 'x', dtype?: DType): Tensor {
  if (x instanceof Tensor) {
    if (x.isDisposed) throw new StateError(`${op}: the tensor passed as '${arg}' is disposed`);
    return x;
  }
  if (x == null || typeof x === 'string' || typeof x === 'function' || (typeof x === 'object' && !Array.isArray(x) && !ArrayBuffer.isView(x))) {
    throw invalidArgument(op, arg, 'a Tensor, a number or (nested) arrays of numbers', x);
  }
  try {
    return tensor(x as TensorLike, undefined, dtype);
  } catch (error) {
    throw new ValueError(`${op}: argument '${arg}' is not a valid tensor: ${(error as Error).message}`);
  }
}

/** Several tensors of one argument (concat, stack). */
export function inputs(op: string, xs: unknown, arg = 'tensors'): Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) throw invalidArgument(op, arg, 'a non-empty array of tensors', xs);
  return xs.map((x, i) => input(op, x, `${arg}[${i}]`));
}

/** The values of `x` as `dtype` (the tensor's own array when it already is). */
export function valuesAs(x: Tensor, dtype: DType): HostArray {
  return x.dtype === dtype ? valuesOf(x) : castArray(valuesOf(x), dtype);
}

/** The shape two shapes broadcast to (numpy rules), or an error naming the op and both shapes. */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = a.length - i >= 0 ? a[a.length - i] : 1;
    const db = b.length - i >= 0 ? b[b.length - i] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ValueError(`${op}: operands could not be broadcast together with shapes ${shapeText(a)} and ${shapeText(b)}`);
    }
    out[rank - i] = da === 1 ? db : da;
  }
  return out;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/**
 * A new array of `outShape` whose element at index (i0, i1, ...) is `values[offset + Σ id·strides[d]]`.
 * Strides may be 0 (broadcast, tile) or negative (reverse).
 */
export function stridedCopy<A extends HostArray>(values: A, outShape: readonly number[], strides: readonly number[], offset = 0): A {
  const size = sizeOf(outShape);
  const out = takeArray(dtypeOfArray(values)!, size) as A;
  const rank = outShape.length;
  if (size === 0) return out;
  if (rank === 0) {
    out[0] = values[offset];
    return out;
  }
  const inner = outShape[rank - 1];
  const step = strides[rank - 1];
  const index = new Array<number>(rank).fill(0);
  let src = offset;
  for (let o = 0; o < size; o += inner) {
    if (step === 1) out.set(values.subarray(src, src + inner), o);
    else if (step === 0) out.fill(values[src], o, o + inner);
    else for (let j = 0, s = src; j < inner; j++, s += step) out[o + j] = values[s];
    for (let d = rank - 2; d >= 0; d--) {
      src += strides[d];
      if (++index[d] < outShape[d]) break;
      src -= strides[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** `values` of `shape` broadcast to `outShape` (the same array when the shapes are equal). */
export function broadcastValues<A extends HostArray>(values: A, shape: readonly number[], outShape: readonly number[]): A {
  const size = sizeOf(outShape);
  if (values.length === size && shape.length === outShape.length) return values;
  if (values.length === 1) return takeArray(dtypeOfArray(values)!, size).fill(values[0]) as A;
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const strides = outShape.map((_, d) => (d < offset || shape[d - offset] === 1 ? 0 : own[d - offset]));
  return stridedCopy(values, outShape, strides);
}

/** One axis in [-rank, rank) as a non-negative index. */
export function normalizeAxis(op: string, axis: unknown, rank: number): number {
  if (!Number.isInteger(axis) || (axis as number) < -rank || (axis as number) >= Math.max(rank, 1)) {
    throw invalidArgument(op, 'axis', `an integer in [${-rank}, ${Math.max(rank, 1)}) for a rank-${rank} tensor`, axis);
  }
  return (axis as number) < 0 ? (axis as number) + rank : (axis as number);
}

/** Axes for a reduction: null/undefined is every axis; sorted, distinct, non-negative. */
export function normalizeAxes(op: string, axis: number | readonly number[] | null | undefined, rank: number): number[] {
  if (axis == null) return Array.from({ length: rank }, (_, i) => i);
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => normalizeAxis(op, a, rank));
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  if (sorted.length !== list.length) throw invalidArgument(op, 'axis', 'distinct axes', axis);
  return sorted;
}

/** A tensor of `dtype` over `values` (computed as numbers; bool keeps 0/1). */
export function result(values: HostArray | Float64Array, shape: readonly number[], dtype: DType): Tensor {
  if (dtypeOfArray(values) === dtype && (dtype !== 'bool' || isBoolArray(values as Uint8Array))) return new Tensor(values as HostArray, shape);
  return new Tensor(castArray(values, dtype), shape);
}

function isBoolArray(values: Uint8Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] > 1) return false;
  return true;
}
