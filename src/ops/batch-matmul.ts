/**
 * Per-sample products and L2 normalisation on engine memory, for the Dot layer: a batch of matrix
 * products through the one GEMM kernel (one call per batch item, each a full GEMM), and x / ‖x‖
 * along an axis with its gradient (elementwise passes in JS).
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';
import { matmul, type MatmulArgs } from './matmul.js';

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

/** Keras's backend.epsilon(): the smallest norm normalize divides by. */
export const NORM_EPSILON = 1e-7;

/** What l2Normalize keeps for its gradient. */
export interface Normalized {
  y: DeviceTensor;
  /** 1 / max(‖x‖, ε) per vector; negative where the floor applied (the norm is then a constant). */
  scales: Float64Array;
  axis: number;
}

/** x viewed as (outer, size of axis, inner): the vectors along `axis`. */
function vectors(shape: readonly number[], axis: number): [number, number, number] {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return [outer, shape[axis], inner];
}

/**
 * y = x / max(‖x‖₂, ε) along `axis` (Keras 3's normalize(x, axis, order=2), ε = 1e-7: a vector
 * shorter than ε is scaled by 1/ε instead).
 */
export function l2Normalize(engine: Device, scratch: Scratch, x: DeviceTensor, axis: number): Normalized {
  const [outer, size, inner] = vectors(x.shape, axis);
  const y = scratch.alloc(x.shape);
  const scales = new Float64Array(outer * inner);
  const vx = engine.f32(x.ptr, x.size), vy = engine.f32(y.ptr, y.size);
  if (!vy.length) return { y, scales, axis };
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      let sum = 0;
      for (let a = 0; a < size; a++) {
        const v = vx[base + a * inner];
        sum += v * v;
      }
      const norm = Math.sqrt(sum);
      const s = norm > NORM_EPSILON ? 1 / norm : 1 / NORM_EPSILON;
      for (let a = 0; a < size; a++) vy[base + a * inner] = vx[base + a * inner] * s;
      scales[o * inner + j] = norm > NORM_EPSILON ? s : -s;
    }
  }
  return { y, scales, axis };
}

/** dx of l2Normalize: s·(dy − y·(y·dy)) for a normalised vector, s·dy where the floor applied. */
export function l2NormalizeBackward(engine: Device, scratch: Scratch, { y, scales, axis }: Normalized, dy: DeviceTensor): DeviceTensor {
  const [outer, size, inner] = vectors(y.shape, axis);
  const dx = scratch.alloc(y.shape);
  const vy = engine.f32(y.ptr, y.size), vd = engine.f32(dy.ptr, dy.size), vx = engine.f32(dx.ptr, dx.size);
  if (!vx.length) return dx;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      const s = scales[o * inner + j];
      if (s < 0) {
        for (let a = 0; a < size; a++) vx[base + a * inner] = -s * vd[base + a * inner];
        continue;
      }
      let projection = 0;
      for (let a = 0; a < size; a++) projection += vy[base + a * inner] * vd[base + a * inner];
      for (let a = 0; a < size; a++) vx[base + a * inner] = s * (vd[base + a * inner] - vy[base + a * inner] * projection);
    }
  }
  return dx;
}
