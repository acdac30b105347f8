/**
 * The comparison behind expectClose, free of any test framework so the browser and Deno pages use
 * it too: |actual − expected| ≤ tol·(|expected| + scale) elementwise; returns null or what failed.
 */
export function closeness(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { tol = 1e-5, scale = 1, label = '' }: { tol?: number; scale?: number; label?: string } = {},
): string | null {
  if (actual.length !== expected.length) return `${label} length: got ${actual.length}, expected ${expected.length}`;
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const bound = tol * (Math.abs(expected[i]) + scale);
    const ratio = Number.isNaN(err) ? Infinity : err / bound;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worstRatio <= 1) return null;
  return `${label} element ${worst}: got ${actual[worst]}, expected ${expected[worst]} ` +
    `(error ${Math.abs(actual[worst] - expected[worst]).toExponential(3)} > ${(tol * (Math.abs(expected[worst]) + scale)).toExponential(3)})`;
}

/** Tolerance for float32 sums of `k` terms: rounding grows like sqrt(k)·ε. */
export function sumTolerance(k: number, base = 1e-5): number {
  return Math.max(base, 2 * Math.sqrt(Math.max(k, 1)) * 1.2e-7);
}
