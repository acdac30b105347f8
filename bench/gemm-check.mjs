// Checks a GEMM result C = A·B (row-major, n×n) against float64 dot products at sampled entries.
import { rng } from './data.mjs';

/** Max over 64 sampled entries of |C - ref| / Σ|a·b| (a relative error that tolerates cancellation). */
export function gemmError(a, b, c, n) {
  const random = rng(n + 1);
  let worst = 0;
  for (let s = 0; s < 64; s++) {
    const i = Math.floor(random() * n);
    const j = Math.floor(random() * n);
    let ref = 0;
    let scale = 0;
    for (let p = 0; p < n; p++) {
      ref += a[i * n + p] * b[p * n + j];
      scale += Math.abs(a[i * n + p] * b[p * n + j]);
    }
    worst = Math.max(worst, Math.abs(c[i * n + j] - ref) / (scale || 1));
  }
  return worst;
}
