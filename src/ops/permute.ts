/**
 * Reordering the axes of a tensor on engine memory. The permutation is first reduced to its essential
 * form (axes of size 1 dropped, axes that stay neighbours merged), so the common cases are a copy or
 * a (batched) 2-D transpose run in wasm; anything else is a strided copy in JS.
 */
import type { Device } from '../backend/engine.js';
import { walk } from './broadcast.js';
import { reshape, type DeviceTensor, type Scratch } from './device-tensor.js';

/** The inverse permutation: inverse[perm[i]] = i. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return inverse;
}

/** `shape` with its axes in the order `perm` (output axis i is input axis perm[i]). */
export function permutedShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => shape[p]);
}

/**
 * The same permutation on fewer axes: sizes of the input's merged axes, and the order of the
 * output's. E.g. (B, T, U) with perm [0, 2, 1] stays [B, T, U] / [0, 2, 1]; (B, T, 1, U) with
 * [0, 2, 1, 3] becomes [B·T·U] / [0] (a copy).
 */
function essential(shape: readonly number[], perm: readonly number[]): { sizes: number[]; order: number[] } {
  const kept = perm.filter((p) => shape[p] !== 1);
  // runs of consecutive input axes in output order
  const runs: number[][] = [];
  for (const p of kept) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] + 1 === p) last.push(p);
    else runs.push([p]);
  }
  const byInput = [...runs].sort((a, b) => a[0] - b[0]);
  return {
    sizes: byInput.map((run) => run.reduce((n, p) => n * shape[p], 1)),
    order: runs.map((run) => byInput.indexOf(run)),
  };
}

/** Whether reordering the axes of `shape` by `perm` moves any data (else the result is a view). */
export function movesData(shape: readonly number[], perm: readonly number[]): boolean {
  return !essential(shape, perm).order.every((o, i) => o === i);
}

/**
 * t with its axes reordered by `perm` (output axis i is t's axis perm[i]), as a new tensor; a
 * permutation that moves no data gives a view of t.
 */
export function permute(engine: Device, scratch: Scratch, t: DeviceTensor, perm: readonly number[]): DeviceTensor {
  const shape = permutedShape(t.shape, perm);
  if (!movesData(t.shape, perm)) return reshape(t, shape);
  const { sizes, order } = essential(t.shape, perm);
  const out = scratch.alloc(shape);
  const f32 = 4;
  const key = order.join();
  if (key === '1,0') {
    engine.kernels.f32_transpose(sizes[0], sizes[1], t.ptr, out.ptr);
  } else if (key === '0,2,1') {
    const [outer, rows, cols] = sizes;
    for (let i = 0; i < outer; i++) engine.kernels.f32_transpose(rows, cols, t.ptr + i * rows * cols * f32, out.ptr + i * rows * cols * f32);
  } else if (key === '1,0,2') {
    engine.kernels.f32_swap_axes01(sizes[0], sizes[1], sizes[2], t.ptr, out.ptr, 0);
  } else if (key === '0,2,1,3') {
    const [outer, d0, d1, inner] = sizes;
    const item = d0 * d1 * inner * f32;
    for (let i = 0; i < outer; i++) engine.kernels.f32_swap_axes01(d0, d1, inner, t.ptr + i * item, out.ptr + i * item, 0);
  } else {
    stridedCopy(engine, t, out, sizes, order);
  }
  return out;
}

/** out = t (axes `sizes`) read in the axis order `order`. */
function stridedCopy(engine: Device, t: DeviceTensor, out: DeviceTensor, sizes: number[], order: number[]): void {
  const vt = engine.f32(t.ptr, t.size), vo = engine.f32(out.ptr, out.size);
  if (!vo.length) return;
  const inStrides = sizes.map((_, i) => sizes.slice(i + 1).reduce((n, d) => n * d, 1));
  walk(order.map((o) => sizes[o]), order.map((o) => inStrides[o]), vo.length, (o, i) => (vo[o] = vt[i]));
}
