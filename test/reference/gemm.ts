import { act, type RefActivation } from './activations.js';

export interface GemmRefArgs {
  m: number; n: number; k: number;
  /** A[i,p] = a[i·rsa + p·csa] */
  a: ArrayLike<number>; rsa: number; csa: number;
  b: ArrayLike<number>; ldb: number;
  c?: ArrayLike<number>; ldc: number;
  bias?: ArrayLike<number>;
  activation?: RefActivation;
}

/** C = act(C_in + A·B + bias) in float64, C laid out with stride ldc (untouched gaps copied from c). */
export function gemmRef(args: GemmRefArgs): Float64Array {
  const { m, n, k, a, rsa, csa, b, ldb, c, ldc, bias, activation = 'linear' } = args;
  const out = new Float64Array(Math.max(m - 1, 0) * ldc + n);
  if (c) for (let i = 0; i < out.length; i++) out[i] = c[i];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c ? c[i * ldc + j] : 0;
      for (let p = 0; p < k; p++) s += a[i * rsa + p * csa] * b[p * ldb + j];
      if (bias) s += bias[j];
      out[i * ldc + j] = act(s, activation);
    }
  }
  return out;
}
