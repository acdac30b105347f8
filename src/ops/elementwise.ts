/** Whole-buffer elementwise ops on engine memory: sums, column sums, finiteness. */
import type { Device, Engine } from '../backend/engine.js';

/** dst[i] += src[i] for `n` floats. */
export function addInPlace(engine: Device, n: number, dst: number, src: number): void {
  engine.kernels.f32_add_inplace(n, dst, src);
}

/** dst (cols) [+]= Σ over rows of src (rows, cols) with row stride `ld`: a bias gradient. */
export function columnSums(engine: Device, rows: number, cols: number, src: number, ld: number, dst: number, accumulate = true): void {
  engine.kernels.f32_colsum(rows, cols, src, ld, dst, accumulate ? 1 : 0);
}

/** Whether all `n` floats at `src` are finite. */
export function allFinite(engine: Device, n: number, src: number): boolean {
  return engine.kernels.f32_all_finite(n, src) === 1;
}

/** Floats a host array is copied in at a time for hostAllFinite (256 KB: stays in cache). */
const FINITE_CHUNK = 65536;

/**
 * Whether every value of a host array is finite, checked by the SIMD kernel on chunks copied into
 * engine memory (≈ 6× the plain JS loop on the seed's 960k inputs).
 */
export function hostAllFinite(engine: Engine, values: Float32Array): boolean {
  const chunk = Math.min(FINITE_CHUNK, values.length);
  const ptr = engine.allocF32(chunk);
  try {
    for (let start = 0; start < values.length; start += chunk) {
      const part = values.subarray(start, Math.min(start + chunk, values.length));
      engine.write(ptr, part);
      if (!allFinite(engine, part.length, ptr)) return false;
    }
    return true;
  } finally {
    engine.release(ptr);
  }
}

/**
 * Swaps the two leading axes of (d0, d1, inner) into (d1, d0, inner); `reverse` reverses axis 0
 * ('d0') or axis 1 ('d1') of the source on the way (a go_backwards sequence).
 */
export function swapLeadingAxes(engine: Device, d0: number, d1: number, inner: number, src: number, dst: number, reverse?: 'd0' | 'd1'): void {
  engine.kernels.f32_swap_axes01(d0, d1, inner, src, dst, reverse === 'd0' ? 1 : reverse === 'd1' ? 2 : 0);
}
