/**
 * Matrix products on engine memory, through the one GEMM kernel: A·B, Aᵀ·B (strided A), and A·Bᵀ
 * (B transposed into scratch first; B is a weight matrix, small next to A).
 */
import type { Device } from '../backend/engine.js';
import { ActivationCode } from '../backend/activation-codes.js';
import type { Scratch } from './device-tensor.js';

export interface MatmulArgs {
  m: number;
  n: number;
  k: number;
  /** A (m, k), or with transposeA its transpose stored as (k, m). */
  a: number;
  b: number;
  c: number;
  transposeA?: boolean;
  /** Row stride of A's storage in elements (default k, or m with transposeA): Conv1D reads overlapping windows. */
  lda?: number;
  /** Row stride of B and C in elements (default n). */
  ldb?: number;
  ldc?: number;
  accumulate?: boolean;
  bias?: number;
  activation?: ActivationCode;
}

/** C (m, n) = act([C +] op(A)·B [+ bias]). */
export function matmul(engine: Device, args: MatmulArgs): void {
  const { m, n, k, a, b, c, transposeA = false } = args;
  const [rsa, csa] = transposeA ? [1, args.lda ?? m] : [args.lda ?? k, 1];
  engine.kernels.f32_gemm(
    m, n, k, a, rsa, csa, b, args.ldb ?? n, c, args.ldc ?? n,
    args.accumulate ? 1 : 0, args.bias ?? 0, args.activation ?? ActivationCode.linear,
  );
}

/** C (m, n) [+]= A (m, k) · Bᵀ where B is stored (n, k). */
export function matmulTransposeB(
  engine: Device, scratch: Scratch, { m, n, k, a, b, c, accumulate = false }: { m: number; n: number; k: number; a: number; b: number; c: number; accumulate?: boolean },
): void {
  const bt = scratch.alloc([k, n]);
  engine.kernels.f32_transpose(n, k, b, bt.ptr);
  matmul(engine, { m, n, k, a, b: bt.ptr, c, accumulate });
}
