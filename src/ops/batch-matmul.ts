/**
 * Per-sample products and L2 normalisation on engine memory, for the Dot layer: a batch of matrix
 * products through the one GEMM kernel (one call per batch item, each a full GEMM), and x / ‖x‖
 * along an axis with its gradient (wasm kernels over rows).
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';
import { matmul, type MatmulArgs } from './matmul.js';
import { inversePermutation, permute } from './permute.js';

const F32 = 4;

/** matmul's arguments for each of `batch` items, the items of A, B and C contiguous (A[i] at a + i·m·k floats). */
export interface BatchMatmulArgs extends Pick<MatmulArgs, 'm' | 'n' | 'k' | 'a' | 'b' | 'c' | 'transposeA' | 'accumulate'> {
  batch: number;
}

/** C[i] [+]= op(A[i])·B[i] for every batch item i. */
export function batchMatmul(engine: Device, { batch, m, n, k, a, b, c, transposeA = false, accumulate = false }: BatchMatmulArgs): void {
  for (let i = 0; i < batch; i++) {
    matmul(engine, { m, n, k, a: a + i * m * k * F32, b: b + i * k * n * F32, c: c + i * m * n * F32, transposeA, accumulate });
  }
}

/** What l2Normalize keeps for its gradient (in the layout with the normalised axis last). */
export interface Normalized {
  y: DeviceTensor;
  /** y with the axis last (y itself when it already was). */
  rows: DeviceTensor;
  /** 1 / max(‖x‖, 1e-7) per vector, negated where the floor applied (the norm is then a constant). */
  scales: DeviceTensor;
  /** The permutation that moved the axis last, or null. */
  perm: number[] | null;
}

/**
 * y = x / max(‖x‖₂, ε) along `axis` (Keras 3's normalize(x, axis, order=2), ε = 1e-7: a vector
 * shorter than ε is scaled by 1/ε instead), in wasm; another axis than the last is moved last and back.
 */
export function l2Normalize(engine: Device, scratch: Scratch, x: DeviceTensor, axis: number): Normalized {
  const last = x.shape.length - 1;
  const perm = axis === last ? null : [...x.shape.keys()].filter((d) => d !== axis).concat(axis);
  const xr = perm ? permute(engine, scratch, x, perm) : x;
  const n = x.shape[axis];
  const rows = scratch.alloc(xr.shape);
  const scales = scratch.alloc([xr.size / n]);
  engine.kernels.f32_l2norm_rows(scales.size, n, xr.ptr, rows.ptr, scales.ptr);
  return { y: perm ? permute(engine, scratch, rows, inversePermutation(perm)) : rows, rows, scales, perm };
}

/** dx of l2Normalize: s·(dy − y·(y·dy)) for a normalised vector, s·dy where the floor applied. */
export function l2NormalizeBackward(engine: Device, scratch: Scratch, { rows, scales, perm }: Normalized, dy: DeviceTensor): DeviceTensor {
  const dr = perm ? permute(engine, scratch, dy, perm) : dy;
  const dx = scratch.alloc(rows.shape);
  engine.kernels.f32_l2norm_rows_bwd(scales.size, rows.shape[rows.shape.length - 1], rows.ptr, scales.ptr, dr.ptr, dx.ptr);
  return perm ? permute(engine, scratch, dx, inversePermutation(perm)) : dx;
}
