/**
 * Reductions over axes (all of them by default) with keepDims, as tfjs: sum and prod give int32 for
 * int32 and bool inputs, min and max keep the dtype, argMax/argMin give int32, the rest float32.
 * The reduced axes are moved last (one strided copy when they are not already), so each reduction
 * is a loop over rows; sum, mean, min and max of a whole float32 tensor run on the engine's SIMD
 * kernels when it runs (wasm-path.ts).
 */
import { ValueError, invalidArgument } from '../errors.js';
import type { DType, HostArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { valuesOf, type Tensor } from '../tensor.js';
import { abs } from './elementwise.js';
import { wasmExtreme, wasmSum } from './wasm-path.js';
import { input, normalizeAxes, normalizeAxis, result, shapeText, stridedCopy, stridesOf, type TensorInput } from './core.js';

/** Reduces each row `values[start, start + n)` to one number. */
type RowKernel = (values: HostArray, start: number, n: number) => number;
/** Reduces a whole float32 tensor on the kernels, or gives null (then the row kernel runs). */
type WholeKernel = (t: Tensor) => number | null;

interface Rows {
  values: HostArray;
  rows: number;
  n: number;
  outShape: number[];
}

/** x's values arranged as rows over the reduced axes, and the output's shape. */
function rowsOf(op: string, t: Tensor, axis: number | number[] | null | undefined, keepDims: boolean): Rows {
  const axes = normalizeAxes(op, axis, t.rank);
  const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const trailing = axes.every((a, i) => a === t.rank - axes.length + i);
  const perm = [...kept, ...axes];
  const own = stridesOf(t.shape);
  const values = trailing ? valuesOf(t) : stridedCopy(valuesOf(t), perm.map((d) => t.shape[d]), perm.map((d) => own[d]));
  const n = sizeOf(axes.map((a) => t.shape[a]));
  const outShape = keepDims ? t.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((i) => t.shape[i]);
  return { values, rows: sizeOf(kept.map((i) => t.shape[i])), n, outShape };
}

function reduce(
  op: string, x: TensorInput, axis: number | number[] | null | undefined, keepDims: boolean, kernel: RowKernel, dtype: (input: DType) => DType,
  whole?: WholeKernel,
): Tensor {
  const t = input(op, x);
  // before rowsOf, which reads the values (a result of the kernels need not leave the engine)
  if (whole && t.dtype === 'float32' && normalizeAxes(op, axis, t.rank).length === t.rank) {
    const fast = whole(t);
    if (fast != null) return result(Float64Array.of(fast), keepDims ? t.shape.map(() => 1) : [], dtype(t.dtype));
  }
  const { values, rows, n, outShape } = rowsOf(op, t, axis, keepDims);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = kernel(values, r * n, n);
  return result(out, outShape, dtype(t.dtype));
}

const intOrFloat = (d: DType): DType => (d === 'float32' ? 'float32' : 'int32');
const float = (): DType => 'float32';
const same = (d: DType): DType => d;

const sumRow: RowKernel = (v, start, n) => {
  let s = 0;
  for (let i = start; i < start + n; i++) s += v[i];
  return s;
};

/** Sum over `axis` (all axes by default). @example wl.sum(wl.tensor([[1, 2], [3, 4]]), 1) // [3, 7] */
export function sum(x: TensorInput, axis: number | number[] | null = null, keepDims = false): Tensor {
  return reduce('sum', x, axis, keepDims, sumRow, intOrFloat, wasmSum);
}

/** Mean over `axis` (float32). @example wl.mean(wl.tensor([1, 2, 3, 4])) // 2.5 */
export function mean(x: TensorInput, axis: number | number[] | null = null, keepDims = false): Tensor {
  return reduce('mean', x, axis, keepDims, meanRow, float, wholeMean);
}

const meanRow: RowKernel = (v, s, n) => sumRow(v, s, n) / n;

function wholeMean(t: Tensor): number | null {
  const s = wasmSum(t);
  return s == null ? null : s / t.size;
}

/**
 * The kernels' max or min, except a zero: Math.max/min order −0 below +0, while these loops keep
 * the first of equal values (as tfjs does), so a zero result comes from the loop.
 */
function wholeExtreme(max: boolean): WholeKernel {
  return (t) => {
    const m = wasmExtreme(t, max);
    return m === 0 ? null : m;
  };
}
const wholeMax = wholeExtreme(true);
const wholeMin = wholeExtreme(false);

/** Product over `axis`. @example wl.prod(wl.tensor([1, 2, 3])) // 6 */
export function prod(x: TensorInput, axis: number | number[] | null = null, keepDims = false): Tensor {
  return reduce('prod', x, axis, keepDims, (v, start, n) => {
    let p = 1;
    for (let i = start; i < start + n; i++) p *= v[i];
    return p;
  }, intOrFloat);
}

/** Minimum over `axis` (NaN if any is). @example wl.min(wl.tensor([3, 1, 2])) // 1 */
export function min(x: TensorInput, axis: number | number[] | null = null, keepDims = false): Tensor {
  return reduce('min', x, axis, keepDims, (v, start, n) => {
    let m = v[start];
    for (let i = start + 1; i < start + n; i++) if (v[i] < m || v[i] !== v[i]) m = v[i];
    return m;
  }, same, wholeMin);
}

/** Maximum over `axis` (NaN if any is). @example wl.max(wl.tensor([3, 1, 2])) // 3 */
export function max(x: TensorInput, axis: number | number[] | null = null, keepDims = false): Tensor {
  return reduce('max', x, axis, keepDims, maxRow, same, wholeMax);
}

const maxRow: RowKernel = (v, start, n) => {
  let m = v[start];
  for (let i = start + 1; i < start + n; i++) if (v[i] > m || v[i] !== v[i]) m = v[i];
  return m;
};

/** log Σ exp over `axis`, computed stably (float32). @example wl.logSumExp(wl.tensor([0, 0])) // log 2 */
export function logSumExp(x: TensorInput, axis: number | number[] | null = null, keepDims = false): Tensor {
  return reduce('logSumExp', x, axis, keepDims, logSumExpRow, float);
}

/** log Σ exp of one row, shifted by its maximum. */
export const logSumExpRow: RowKernel = (v, start, n) => {
  const m = maxRow(v, start, n);
  if (!Number.isFinite(m)) return m === -Infinity ? -Infinity : m;
  let s = 0;
  for (let i = start; i < start + n; i++) s += Math.exp(v[i] - m);
  return m + Math.log(s);
};

function argBest(op: string, x: TensorInput, axis: number, better: (a: number, b: number) => boolean): Tensor {
  const t = input(op, x);
  if (t.size === 0) throw new ValueError(`${op}: the tensor is empty (shape ${shapeText(t.shape)})`);
  const a = normalizeAxis(op, axis, t.rank);
  return reduce(op, t, t.rank === 0 ? [] : [a], false, (v, start, n) => {
    let best = start;
    for (let i = start + 1; i < start + n; i++) if (better(v[i], v[best])) best = i;
    return best - start;
  }, () => 'int32');
}

/** Index of the largest value along `axis` (first on ties; int32). @example wl.argMax(wl.tensor([[1, 3], [4, 2]]), -1) // [1, 0] */
export function argMax(x: TensorInput, axis = 0): Tensor {
  return argBest('argMax', x, axis, (a, b) => a > b);
}

/** Index of the smallest value along `axis` (first on ties; int32). @example wl.argMin(wl.tensor([3, 1, 2])) // 1 */
export function argMin(x: TensorInput, axis = 0): Tensor {
  return argBest('argMin', x, axis, (a, b) => a < b);
}

/**
 * Mean and (population) variance over `axis` (float32).
 * @example const { mean, variance } = wl.moments(wl.tensor([1, 2, 3, 4])); // 2.5, 1.25
 */
export function moments(x: TensorInput, axis: number | number[] | null = null, keepDims = false): { mean: Tensor; variance: Tensor } {
  const t = input('moments', x);
  const m = reduce('moments', t, axis, keepDims, (v, s, n) => sumRow(v, s, n) / n, float);
  const variance = reduce('moments', t, axis, keepDims, (v, start, n) => {
    const mu = sumRow(v, start, n) / n;
    let s = 0;
    for (let i = start; i < start + n; i++) s += (v[i] - mu) * (v[i] - mu);
    return s / n;
  }, float);
  return { mean: m, variance };
}

/**
 * A vector norm (ord 'euclidean', 1, 2, Infinity, -Infinity or any p) over `axis` (all values by
 * default), or a matrix norm ('fro'/'euclidean', 1, Infinity, -Infinity) over a pair of axes.
 * @example wl.norm(wl.tensor([3, 4])) // 5
 */
export function norm(x: TensorInput, ord: number | 'euclidean' | 'fro' = 'euclidean', axis: number | number[] | null = null, keepDims = false): Tensor {
  const t = input('norm', x);
  const axes = normalizeAxes('norm', axis, t.rank);
  if (axis == null || axes.length === 1) {
    if (ord === 'fro') throw invalidArgument('norm', 'ord', "'euclidean', 1, 2, Infinity, -Infinity or a number for a vector norm", ord);
    const p = ord === 'euclidean' ? 2 : ord;
    return reduce('norm', t, axes, keepDims, (v, start, n) => vectorNorm(v, start, n, p), float);
  }
  if (axes.length !== 2) throw invalidArgument('norm', 'axis', 'one axis or a pair of axes', axis);
  const [r, c] = axes;
  if (ord === 'euclidean' || ord === 'fro') return reduce('norm', t, axes, keepDims, (v, s, n) => vectorNorm(v, s, n, 2), float);
  if (ord !== 1 && ord !== Infinity && ord !== -Infinity) throw invalidArgument('norm', 'ord', "'fro', 'euclidean', 1, Infinity or -Infinity for a matrix norm", ord);
  // 1: the largest column sum of |x|; ±Infinity: the largest (smallest) row sum
  const summed = sum(abs(t), ord === 1 ? r : c, true);
  const out = (ord === -Infinity ? min : max)(summed, ord === 1 ? c : r, true);
  return result(valuesOf(out), keepDims ? out.shape : out.shape.filter((_, i) => i !== r && i !== c), 'float32');
}

function vectorNorm(v: HostArray, start: number, n: number, p: number): number {
  let s = 0;
  if (p === Infinity || p === -Infinity) {
    s = Math.abs(v[start]);
    for (let i = start + 1; i < start + n; i++) s = p > 0 ? Math.max(s, Math.abs(v[i])) : Math.min(s, Math.abs(v[i]));
    return s;
  }
  for (let i = start; i < start + n; i++) s += Math.abs(v[i]) ** p;
  return s ** (1 / p);
}

/**
 * The k largest values along the last axis and their indices (ties: the lower index first), always
 * sorted (tfjs leaves the order unspecified for sorted=false).
 * @example const { values, indices } = wl.topk(wl.tensor([1, 3, 2]), 2); // [3, 2], [1, 2]
 */
export function topk(x: TensorInput, k = 1, _sorted = true): { values: Tensor; indices: Tensor } {
  const t = input('topk', x);
  if (t.rank === 0) throw new ValueError('topk: the input must be at least rank 1, got a scalar');
  const n = t.shape[t.rank - 1];
  if (!Number.isSafeInteger(k) || k < 0 || k > n) throw invalidArgument('topk', 'k', `an integer in [0, ${n}] (the last axis of shape ${shapeText(t.shape)})`, k);
  const v = valuesOf(t);
  const rows = n === 0 ? 0 : t.size / n;
  const values = new Float64Array(rows * k);
  const indices = new Int32Array(rows * k);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    order.sort((a, b) => v[base + b] - v[base + a] || a - b);
    for (let j = 0; j < k; j++) {
      values[r * k + j] = v[base + order[j]];
      indices[r * k + j] = order[j];
    }
    order.sort((a, b) => a - b);
  }
  const shape = [...t.shape.slice(0, -1), k];
  return { values: result(values, shape, t.dtype), indices: result(indices, shape, 'int32') };
}
