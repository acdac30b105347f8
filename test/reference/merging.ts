/**
 * Float64 references of the merging and reshaping layers (Keras 3, shared/SPEC-LAYERS.md §9, §13),
 * written as plain index arithmetic, independent of the library's ops: broadcasting, the masked
 * elementwise merges, concatenation with its mask, batch_dot with normalize, permute, repeat.
 */

export interface Arr {
  data: Float64Array;
  shape: number[];
}

const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/** Row-major strides. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let k = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = k;
    k *= shape[d];
  }
  return s;
}

/** The multi-index of flat index i. */
function unflatten(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Keras's Merge alignment: axes of size 1 inserted after the batch axis. */
function align(shape: readonly number[], rank: number): number[] {
  return [shape[0], ...new Array(rank - shape.length).fill(1), ...shape.slice(1)];
}

/** The broadcast shape of several shapes (aligned after the batch axis). */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const aligned = shapes.map((s) => align(s, rank));
  return aligned[0].map((_, d) => Math.max(...aligned.map((s) => s[d])));
}

/** a stretched to `shape`. */
export function stretch(a: Arr, shape: readonly number[]): Float64Array {
  const al = align(a.shape, shape.length);
  const st = strides(al);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unflatten(i, shape);
    out[i] = a.data[idx.reduce((s, v, d) => s + (al[d] === 1 ? 0 : v) * st[d], 0)];
  }
  return out;
}

/** A (B, T) mask stretched over an input of `inputShape`, then to `shape`. */
function stretchMask(mask: Arr, inputShape: readonly number[], shape: readonly number[]): Float64Array {
  const perStep = { data: mask.data, shape: [...mask.shape, ...new Array(inputShape.length - mask.shape.length).fill(1)] };
  return stretch(perStep, shape);
}

export type MergeKind = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

export interface MergeInput extends Arr {
  mask?: Arr | null;
}

/**
 * Keras 3's elementwise merge of `inputs`, with their masks as base_merge.py, multiply.py and
 * _apply_merge_op_and_or_mask treat them; the output mask is the OR of the masks when all are given.
 */
export function mergeRef(kind: MergeKind, inputs: readonly MergeInput[]): { y: Arr; mask: Arr | null } {
  const shape = broadcastShape(inputs.map((x) => x.shape));
  const xs = inputs.map((x) => stretch(x, shape));
  const ms = inputs.map((x) => (x.mask ? stretchMask(x.mask, x.shape, shape) : null));
  const n = size(shape);
  const y = new Float64Array(n);
  const allMasked = ms.every((m) => m != null);
  for (let e = 0; e < n; e++) {
    if (kind === 'add' || kind === 'average') {
      y[e] = xs.reduce((s, x) => s + x[e], 0) / (kind === 'average' ? xs.length : 1);
    } else if (kind === 'subtract') {
      y[e] = xs[0][e] - xs[1][e];
    } else if (kind === 'multiply') {
      y[e] = xs.reduce((p, x, i) => p * (ms[i] && ms[i]![e] === 0 ? 1 : x[e]), 1);
      if (allMasked && ms.every((m) => m![e] === 0)) y[e] = 0;
    } else {
      const better = (a: number, b: number) => (kind === 'maximum' ? Math.max(a, b) : Math.min(a, b));
      let out = xs[0][e];
      let outValid: boolean | null = ms[0] ? ms[0][e] !== 0 : null;
      for (let k = 1; k < xs.length; k++) {
        const valid = ms[k] ? ms[k]![e] !== 0 : null;
        const x = valid === false ? out : xs[k][e];
        if (outValid === false) out = x;
        out = better(out, x);
        outValid = valid !== null && outValid !== null ? outValid || valid : null;
      }
      y[e] = out;
    }
  }
  return { y: { data: y, shape }, mask: allMasked ? orMaskRef(inputs.map((x) => x.mask!)) : null };
}

function orMaskRef(masks: readonly Arr[]): Arr {
  const shape = broadcastShape(masks.map((m) => m.shape));
  const ms = masks.map((m) => stretch(m, shape));
  return { data: Float64Array.from({ length: size(shape) }, (_, e) => (ms.some((m) => m[e] !== 0) ? 1 : 0)), shape };
}

/** The inputs joined along `axis`. */
export function concatRef(inputs: readonly Arr[], axis: number): Arr {
  const shape = [...inputs[0].shape];
  shape[axis] = inputs.reduce((n, x) => n + x.shape[axis], 0);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unflatten(i, shape);
    let k = 0, at = idx[axis];
    while (at >= inputs[k].shape[axis]) at -= inputs[k++].shape[axis];
    const src = [...idx];
    src[axis] = at;
    out[i] = inputs[k].data[src.reduce((s, v, d) => s + v * strides(inputs[k].shape)[d], 0)];
  }
  return { data: out, shape };
}

/** Keras 3's Concatenate mask: missing → all valid, stretched over each input, joined, any over the last axis. */
export function concatMaskRef(inputs: readonly MergeInput[], axis: number): Arr | null {
  if (inputs.every((x) => !x.mask)) return null;
  const full = inputs.map((x) => ({ data: x.mask ? stretchMask(x.mask, x.shape, x.shape) : new Float64Array(size(x.shape)).fill(1), shape: x.shape }));
  const joined = concatRef(full, axis);
  const last = joined.shape[joined.shape.length - 1];
  const shape = joined.shape.slice(0, -1);
  return { data: Float64Array.from({ length: size(shape) }, (_, r) => (joined.data.subarray(r * last, (r + 1) * last).some((v) => v !== 0) ? 1 : 0)), shape };
}

/** x with its axes reordered: output axis i is x's axis perm[i]. */
export function permuteRef(x: Arr, perm: readonly number[]): Arr {
  const shape = perm.map((p) => x.shape[p]);
  const st = strides(x.shape);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const idx = unflatten(i, shape);
    out[i] = x.data[idx.reduce((s, v, d) => s + v * st[perm[d]], 0)];
  }
  return { data: out, shape };
}

/** x / max(‖x‖, 1e-7) along `axis` (Keras 3's normalize). */
export function normalizeRef(x: Arr, axis: number): Arr {
  const st = strides(x.shape);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const idx = unflatten(i, x.shape);
    let sum = 0;
    for (let a = 0; a < x.shape[axis]; a++) sum += x.data[i + (a - idx[axis]) * st[axis]] ** 2;
    out[i] = x.data[i] / Math.max(Math.sqrt(sum), 1e-7);
  }
  return { data: out, shape: x.shape };
}

/** Keras's batch_dot of x and y over axes [a1, a2] (positive), with Dot's normalize. */
export function batchDotRef(x: Arr, y: Arr, [a1, a2]: [number, number], normalize = false): Arr {
  const [xn, yn] = normalize ? [normalizeRef(x, a1), normalizeRef(y, a2)] : [x, y];
  const xRest = x.shape.map((_, d) => d).filter((d) => d !== 0 && d !== a1);
  const yRest = y.shape.map((_, d) => d).filter((d) => d !== 0 && d !== a2);
  const outShape = [x.shape[0], ...xRest.map((d) => x.shape[d]), ...yRest.map((d) => y.shape[d])];
  const [sx, sy] = [strides(x.shape), strides(y.shape)];
  const out = new Float64Array(size(outShape));
  for (let i = 0; i < out.length; i++) {
    const idx = unflatten(i, outShape);
    let xo = idx[0] * sx[0], yo = idx[0] * sy[0];
    xRest.forEach((d, j) => (xo += idx[1 + j] * sx[d]));
    yRest.forEach((d, j) => (yo += idx[1 + xRest.length + j] * sy[d]));
    let s = 0;
    for (let k = 0; k < x.shape[a1]; k++) s += xn.data[xo + k * sx[a1]] * yn.data[yo + k * sy[a2]];
    out[i] = s;
  }
  return { data: out, shape: outShape.length === 1 ? [outShape[0], 1] : outShape };
}
