/**
 * Matrix products and the softmax family: matMul (batched, batch axes broadcast, transposeA/B), dot,
 * softmax and logSoftmax along any axis (shifted by the row maximum, so large logits stay finite).
 */
import { ValueError } from '../errors.js';
import type { DType, HostArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { valuesOf, type Tensor } from '../tensor.js';
import { broadcastShape, broadcastValues, input, normalizeAxis, result, shapeText, stridedCopy, stridesOf, valuesAs, type TensorInput } from './core.js';
import { upcastType } from './dtype.js';
import { reshape, transpose } from './shape.js';

/**
 * a · b over the last two axes (rank ≥ 2; leading axes broadcast), optionally transposing either.
 * int32 · int32 stays int32.
 * @example wl.matMul(wl.tensor([[1, 2]]), wl.tensor([[3], [4]])) // [[11]]
 */
export function matMul(a: TensorInput, b: TensorInput, transposeA = false, transposeB = false): Tensor {
  const x = input('matMul', a, 'a');
  const y = input('matMul', b, 'b');
  if (x.rank < 2 || y.rank < 2) {
    throw new ValueError(`matMul: both operands must be of rank 2 or more, got shapes ${shapeText(x.shape)} and ${shapeText(y.shape)}`);
  }
  const [m, k] = lastTwo(x.shape, transposeA);
  const [k2, n] = lastTwo(y.shape, transposeB);
  if (k !== k2) {
    throw new ValueError(`matMul: inner dimensions ${k} and ${k2} of shapes ${shapeText(x.shape)} and ${shapeText(y.shape)} (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
  }
  const batchShape = broadcastShape('matMul', x.shape.slice(0, -2), y.shape.slice(0, -2));
  const dtype: DType = upcastType(x.dtype, y.dtype) === 'bool' ? 'int32' : upcastType(x.dtype, y.dtype);
  // A as [batch, m, k] rows; B as [batch, k, n] (or [batch, n, k] rows when transposeB)
  const av = batched(transposeA ? swapLast(x) : valuesAs(x, dtype), x.shape.slice(0, -2), batchShape, m * k);
  const bv = batched(valuesAs(y, dtype), y.shape.slice(0, -2), batchShape, k * n);
  const batch = sizeOf(batchShape);
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const ao = p * m * k;
    const bo = p * k * n;
    const oo = p * m * n;
    for (let i = 0; i < m; i++) {
      if (transposeB) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += av[ao + i * k + q] * bv[bo + j * k + q];
          out[oo + i * n + j] = s;
        }
      } else {
        for (let q = 0; q < k; q++) {
          const aiq = av[ao + i * k + q];
          for (let j = 0; j < n; j++) out[oo + i * n + j] += aiq * bv[bo + q * n + j];
        }
      }
    }
  }
  return result(out, [...batchShape, m, n], dtype);
}

/** [rows, cols] of the last two axes as used: swapped when transposed. */
function lastTwo(shape: readonly number[], transposed: boolean): [number, number] {
  const r = shape[shape.length - 2];
  const c = shape[shape.length - 1];
  return transposed ? [c, r] : [r, c];
}

/** x's values with its last two axes swapped. */
function swapLast(x: Tensor): HostArray {
  const own = stridesOf(x.shape);
  const perm = x.shape.map((_, i) => (i < x.rank - 2 ? i : i === x.rank - 2 ? x.rank - 1 : x.rank - 2));
  return stridedCopy(valuesOf(x), perm.map((d) => x.shape[d]), perm.map((d) => own[d]));
}

/** Matrices of `matrixSize` values under `batch`, broadcast to `outBatch`. */
function batched(values: HostArray, batch: readonly number[], outBatch: readonly number[], matrixSize: number): HostArray {
  return broadcastValues(values, [...batch, matrixSize], [...outBatch, matrixSize]);
}

/**
 * The dot product of vectors and matrices (rank 1 or 2 each): vector·vector is a scalar,
 * matrix·vector and vector·matrix are vectors, matrix·matrix is matMul.
 * @example wl.dot(wl.tensor([1, 2]), wl.tensor([3, 4])) // 11
 */
export function dot(a: TensorInput, b: TensorInput): Tensor {
  const x = input('dot', a, 'a');
  const y = input('dot', b, 'b');
  if (x.rank < 1 || x.rank > 2 || y.rank < 1 || y.rank > 2) {
    throw new ValueError(`dot: operands must be of rank 1 or 2, got shapes ${shapeText(x.shape)} and ${shapeText(y.shape)}`);
  }
  const inner = x.shape[x.rank - 1];
  const other = y.shape[0];
  if (inner !== other) throw new ValueError(`dot: inner dimensions ${inner} and ${other} of shapes ${shapeText(x.shape)} and ${shapeText(y.shape)} must match`);
  const x2 = x.rank === 1 ? reshape(x, [1, inner]) : x;
  const y2 = y.rank === 1 ? reshape(y, [other, 1]) : y;
  const product = matMul(x2, y2);
  const shape = [...(x.rank === 2 ? [x.shape[0]] : []), ...(y.rank === 2 ? [y.shape[1]] : [])];
  return reshape(product, shape);
}

/**
 * log of softmax along `axis` (default the last): x − max − log Σ exp(x − max), in float64.
 * @example wl.logSoftmax(wl.tensor([0, 0])) // [-0.693, -0.693]
 */
export function logSoftmax(logits: TensorInput, axis = -1): Tensor {
  return alongAxis('logSoftmax', logits, axis, (v, start, n, out) => {
    const m = rowMax(v, start, n);
    let s = 0;
    for (let i = start; i < start + n; i++) s += Math.exp(v[i] - m);
    const shift = m + Math.log(s);
    for (let i = start; i < start + n; i++) out[i] = v[i] - shift;
  });
}

/**
 * Softmax along `dim` (default the last axis): exp(x − max) / Σ exp(x − max), in float64.
 * @example wl.softmax(wl.tensor([0, 0])) // [0.5, 0.5]
 */
export function softmax(logits: TensorInput, dim = -1): Tensor {
  return alongAxis('softmax', logits, dim, (v, start, n, out) => {
    const m = rowMax(v, start, n);
    let s = 0;
    for (let i = start; i < start + n; i++) {
      out[i] = Math.exp(v[i] - m);
      s += out[i];
    }
    for (let i = start; i < start + n; i++) out[i] /= s;
  });
}

function rowMax(v: HostArray, start: number, n: number): number {
  let m = -Infinity;
  for (let i = start; i < start + n; i++) if (v[i] > m) m = v[i];
  return m === -Infinity ? 0 : m;
}

/** `row` over every row along `axis` (the axis is swapped last and back when it is not). float32. */
function alongAxis(op: string, x: TensorInput, axis: number, row: (v: HostArray, start: number, n: number, out: Float64Array) => void): Tensor {
  const t = input(op, x, 'logits');
  if (t.rank === 0) throw new ValueError(`${op}: logits must be at least rank 1, got a scalar`);
  const a = normalizeAxis(op, axis, t.rank);
  const swap = t.shape.map((_, i) => (i === a ? t.rank - 1 : i === t.rank - 1 ? a : i));
  const moved = a === t.rank - 1 ? t : transpose(t, swap);
  const v = valuesOf(moved);
  const n = moved.shape[t.rank - 1];
  const out = new Float64Array(v.length);
  for (let start = 0; start < v.length; start += n) row(v, start, n, out);
  const res = result(out, moved.shape, 'float32');
  return a === t.rank - 1 ? res : transpose(res, swap);
}
