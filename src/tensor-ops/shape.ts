/**
 * Shape ops with tfjs's names and arguments: reshape, squeeze, expandDims, slice, stack, unstack,
 * concat, split, tile, gather, reverse, transpose, pad. A reshape shares its input's values; the
 * others copy through one strided loop (core.ts).
 */
import { ValueError, invalidArgument } from '../errors.js';
import { allocArray, type HostArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { Tensor, valuesOf } from '../tensor.js';
import { input, inputs, normalizeAxes, normalizeAxis, shapeText, stridedCopy, stridesOf, valuesAs, type TensorInput } from './core.js';
import { upcastType } from './dtype.js';

/**
 * The same values under another shape; one dimension may be -1 (inferred). Shares the values.
 * @example wl.reshape(wl.tensor([1, 2, 3, 4]), [2, -1]) // [[1, 2], [3, 4]]
 */
export function reshape(x: TensorInput, shape: readonly number[]): Tensor {
  const t = input('reshape', x);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= -1)) {
    throw invalidArgument('reshape', 'shape', 'an array of non-negative integers (one may be -1)', shape);
  }
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  const knownSize = sizeOf(known);
  const fits = inferred === 0 ? knownSize === t.size : inferred === 1 && knownSize > 0 && t.size % knownSize === 0;
  if (!fits) throw new ValueError(`reshape: cannot reshape a tensor of shape ${shapeText(t.shape)} (${t.size} values) to ${shapeText(shape)}`);
  return new Tensor(valuesOf(t), shape.map((d) => (d === -1 ? t.size / knownSize : d)));
}

/** A copy of x (new values). @example const y = wl.clone(x); */
export function clone(x: TensorInput): Tensor {
  const t = input('clone', x);
  return new Tensor(valuesOf(t).slice() as HostArray, t.shape);
}

/**
 * x without its size-1 axes (all of them, or those in `axis`).
 * @example wl.squeeze(wl.zeros([2, 1, 3])).shape // [2, 3]
 */
export function squeeze(x: TensorInput, axis?: number | number[]): Tensor {
  const t = input('squeeze', x);
  const axes = axis == null ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axis, t.rank);
  for (const a of axes) {
    if (t.shape[a] !== 1) throw new ValueError(`squeeze: cannot squeeze axis ${a} of a tensor of shape ${shapeText(t.shape)}: its size is ${t.shape[a]}, not 1`);
  }
  return reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * x with a size-1 axis inserted at `axis` (in [-(rank + 1), rank]).
 * @example wl.expandDims(wl.zeros([2, 3]), -1).shape // [2, 3, 1]
 */
export function expandDims(x: TensorInput, axis = 0): Tensor {
  const t = input('expandDims', x);
  const a = normalizeAxis('expandDims', axis, t.rank + 1);
  return reshape(t, [...t.shape.slice(0, a), 1, ...t.shape.slice(a)]);
}

/**
 * The block starting at `begin` of `size` (-1: to the end); a number applies to the first axis.
 * @example wl.slice(wl.tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [-1, 2]) // [[2, 3], [5, 6]]
 */
export function slice(x: TensorInput, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  const t = input('slice', x);
  const b = t.shape.map((_, d) => (typeof begin === 'number' ? (d === 0 ? begin : 0) : begin[d] ?? 0));
  const s = t.shape.map((_, d) => (size == null ? -1 : typeof size === 'number' ? (d === 0 ? size : -1) : size[d] ?? -1));
  const shape = s.map((n, d) => (n === -1 ? t.shape[d] - b[d] : n));
  for (let d = 0; d < t.rank; d++) {
    if (!Number.isInteger(b[d]) || !Number.isInteger(shape[d]) || b[d] < 0 || shape[d] < 0 || b[d] + shape[d] > t.shape[d]) {
      throw new ValueError(`slice: begin ${shapeText(b)} and size ${shapeText(s)} do not fit a tensor of shape ${shapeText(t.shape)} at axis ${d}`);
    }
  }
  const strides = stridesOf(t.shape);
  const offset = b.reduce((sum, v, d) => sum + v * strides[d], 0);
  return new Tensor(stridedCopy(valuesOf(t), shape, strides, offset), shape);
}

/**
 * The tensors joined along `axis`; every other axis must agree. Mixed dtypes meet at the widest.
 * @example wl.concat([wl.tensor([1, 2]), wl.tensor([3])]) // [1, 2, 3]
 */
export function concat(tensors: TensorInput[], axis = 0): Tensor {
  const ts = inputs('concat', tensors);
  const first = ts[0];
  if (first.rank === 0) throw new ValueError('concat: cannot concatenate scalars (rank 0); stack them instead');
  const a = normalizeAxis('concat', axis, first.rank);
  const dtype = ts.map((t) => t.dtype).reduce(upcastType);
  ts.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw new ValueError(`concat: tensors[${i}] has shape ${shapeText(t.shape)}, which does not match tensors[0]'s ${shapeText(first.shape)} outside axis ${a}`);
    }
  });
  const shape = [...first.shape];
  shape[a] = ts.reduce((n, t) => n + t.shape[a], 0);
  const outer = sizeOf(first.shape.slice(0, a));
  const out = allocArray(dtype, sizeOf(shape));
  const rowOut = out.length / Math.max(outer, 1);
  let col = 0;
  for (const t of ts) {
    const v = valuesAs(t, dtype);
    const row = v.length / Math.max(outer, 1);
    for (let o = 0; o < outer; o++) out.set(v.subarray(o * row, (o + 1) * row), o * rowOut + col);
    col += row;
  }
  return new Tensor(out, shape);
}

/**
 * Tensors of one shape stacked along a new axis.
 * @example wl.stack([wl.tensor([1, 2]), wl.tensor([3, 4])]) // [[1, 2], [3, 4]]
 */
export function stack(tensors: TensorInput[], axis = 0): Tensor {
  const ts = inputs('stack', tensors);
  ts.forEach((t, i) => {
    if (t.shape.length !== ts[0].rank || t.shape.some((d, k) => d !== ts[0].shape[k])) {
      throw new ValueError(`stack: tensors[${i}] has shape ${shapeText(t.shape)}, but tensors[0] has ${shapeText(ts[0].shape)}`);
    }
  });
  const a = normalizeAxis('stack', axis, ts[0].rank + 1);
  return concat(ts.map((t) => expandDims(t, a)), a);
}

/**
 * x split along `axis` into its slices, each one rank lower.
 * @example wl.unstack(wl.tensor([[1, 2], [3, 4]])) // [[1, 2], [3, 4]] as two tensors
 */
export function unstack(x: TensorInput, axis = 0): Tensor[] {
  const t = input('unstack', x);
  const a = normalizeAxis('unstack', axis, t.rank);
  return split(t, t.shape[a], a).map((p) => squeeze(p, [a]));
}

/**
 * x split along `axis` into `numOrSizeSplits` equal parts, or parts of the given sizes (one may be -1).
 * @example wl.split(wl.tensor([1, 2, 3, 4, 5]), [2, -1]) // [1, 2] and [3, 4, 5]
 */
export function split(x: TensorInput, numOrSizeSplits: number | number[], axis = 0): Tensor[] {
  const t = input('split', x);
  const a = normalizeAxis('split', axis, t.rank);
  const n = t.shape[a];
  let sizes: number[];
  if (typeof numOrSizeSplits === 'number') {
    if (!Number.isInteger(numOrSizeSplits) || numOrSizeSplits < 1 || n % numOrSizeSplits !== 0) {
      throw new ValueError(`split: ${numOrSizeSplits} splits do not evenly divide axis ${a} of size ${n} (shape ${shapeText(t.shape)})`);
    }
    sizes = new Array<number>(numOrSizeSplits).fill(n / numOrSizeSplits);
  } else {
    const rest = n - numOrSizeSplits.filter((s) => s !== -1).reduce((p, s) => p + s, 0);
    sizes = numOrSizeSplits.map((s) => (s === -1 ? rest : s));
    if (numOrSizeSplits.filter((s) => s === -1).length > 1 || sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, s) => p + s, 0) !== n) {
      throw new ValueError(`split: sizes ${shapeText(numOrSizeSplits)} do not add up to axis ${a} of size ${n} (shape ${shapeText(t.shape)})`);
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const begin = t.shape.map((_, d) => (d === a ? start : 0));
    start += s;
    return slice(t, begin, t.shape.map((d, k) => (k === a ? s : d)));
  });
}

/**
 * x repeated `reps[d]` times along each axis d.
 * @example wl.tile(wl.tensor([1, 2]), [2]) // [1, 2, 1, 2]
 */
export function tile(x: TensorInput, reps: readonly number[]): Tensor {
  const t = input('tile', x);
  if (!Array.isArray(reps) || reps.length !== t.rank || !reps.every((r) => Number.isSafeInteger(r) && r >= 0)) {
    throw new ValueError(`tile: reps must be ${t.rank} non-negative integers for a tensor of shape ${shapeText(t.shape)}, got ${JSON.stringify(reps)}`);
  }
  // read x as shape [1, d0, 1, d1, ...] broadcast to [r0, d0, r1, d1, ...]
  const own = stridesOf(t.shape);
  const viewShape = t.shape.flatMap((d, i) => [reps[i], d]);
  const strides = own.flatMap((s) => [0, s]);
  return new Tensor(stridedCopy(valuesOf(t), viewShape, strides), t.shape.map((d, i) => d * reps[i]));
}

/**
 * The slices of x at `indices` along `axis` (indices of any shape replace that axis).
 * @example wl.gather(wl.tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]) // [[5, 6], [1, 2]]
 */
export function gather(x: TensorInput, indices: TensorInput, axis = 0, batchDims = 0): Tensor {
  const t = input('gather', x);
  if (batchDims !== 0) throw new ValueError(`gather: batchDims other than 0 is not supported yet, got batchDims=${batchDims}`);
  const idx = input('gather', indices, 'indices', Array.isArray(indices) || typeof indices === 'number' ? 'int32' : undefined);
  if (idx.dtype !== 'int32') throw new ValueError(`gather: argument 'indices' must be an int32 tensor, but got a ${idx.dtype} tensor`);
  const a = normalizeAxis('gather', axis, t.rank);
  const outer = sizeOf(t.shape.slice(0, a));
  const inner = sizeOf(t.shape.slice(a + 1));
  const n = t.shape[a];
  const iv = valuesOf(idx);
  const v = valuesOf(t);
  const out = allocArray(t.dtype, outer * iv.length * inner);
  for (let k = 0; k < iv.length; k++) {
    if (iv[k] < 0 || iv[k] >= n) throw new ValueError(`gather: index ${iv[k]} is not in [0, ${n - 1}] (axis ${a} of shape ${shapeText(t.shape)})`);
  }
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < iv.length; k++) {
      const src = (o * n + iv[k]) * inner;
      out.set(v.subarray(src, src + inner), (o * iv.length + k) * inner);
    }
  }
  return new Tensor(out, [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a + 1)]);
}

/**
 * x reversed along `axis` (every axis when omitted).
 * @example wl.reverse(wl.tensor([[1, 2, 3], [4, 5, 6]]), 1) // [[3, 2, 1], [6, 5, 4]]
 */
export function reverse(x: TensorInput, axis?: number | number[]): Tensor {
  const t = input('reverse', x);
  const axes = normalizeAxes('reverse', axis, t.rank);
  const strides = stridesOf(t.shape);
  let offset = 0;
  for (const a of axes) {
    offset += (t.shape[a] - 1) * strides[a];
    strides[a] = -strides[a];
  }
  return new Tensor(stridedCopy(valuesOf(t), t.shape, strides, t.size === 0 ? 0 : offset), t.shape);
}

/**
 * x with its axes permuted: output axis i is input axis perm[i] (default: reversed).
 * @example wl.transpose(wl.tensor([[1, 2, 3], [4, 5, 6]])) // [[1, 4], [2, 5], [3, 6]]
 */
export function transpose(x: TensorInput, perm?: readonly number[]): Tensor {
  const t = input('transpose', x);
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || [...p].sort((u, v) => u - v).some((v, i) => v !== i)) {
    throw new ValueError(`transpose: perm ${shapeText(p)} is not a permutation of the axes of a tensor of shape ${shapeText(t.shape)}`);
  }
  const own = stridesOf(t.shape);
  const shape = p.map((d) => t.shape[d]);
  return new Tensor(stridedCopy(valuesOf(t), shape, p.map((d) => own[d])), shape);
}

/**
 * x padded with `constantValue`: `paddings[d] = [before, after]` for each axis d.
 * @example wl.pad(wl.tensor([1, 2]), [[1, 2]]) // [0, 1, 2, 0, 0]
 */
export function pad(x: TensorInput, paddings: Array<[number, number]>, constantValue = 0): Tensor {
  const t = input('pad', x);
  if (!Array.isArray(paddings) || paddings.length !== t.rank || !paddings.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isSafeInteger(v) && v >= 0))) {
    throw new ValueError(`pad: paddings must be ${t.rank} pairs [before, after] of non-negative integers for a tensor of shape ${shapeText(t.shape)}, got ${JSON.stringify(paddings)}`);
  }
  const shape = t.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = allocArray(t.dtype, sizeOf(shape)).fill(constantValue);
  const strides = stridesOf(shape);
  const offset = paddings.reduce((sum, p, d) => sum + p[0] * strides[d], 0);
  // write x's rows into the padded array: x's index i maps to offset + Σ i_d · strides_d
  const v = valuesOf(t);
  const inner = t.rank === 0 ? 1 : t.shape[t.rank - 1];
  const rows = inner === 0 ? 0 : t.size / inner;
  const index = new Array<number>(t.rank).fill(0);
  let dst = offset;
  for (let r = 0; r < rows; r++) {
    out.set(v.subarray(r * inner, (r + 1) * inner), dst);
    for (let d = t.rank - 2; d >= 0; d--) {
      dst += strides[d];
      if (++index[d] < t.shape[d]) break;
      dst -= strides[d] * t.shape[d];
      index[d] = 0;
    }
  }
  return new Tensor(out, shape);
}
