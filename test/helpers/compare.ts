import { expect } from 'vitest';

/**
 * Asserts |actual − expected| ≤ tol·(|expected| + scale) elementwise, where `scale` is the typical
 * magnitude of the terms that were summed (so a value that cancels to ~0 is judged against the size
 * of what cancelled, as float32 rounding is). Reports the worst element.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { tol = 1e-5, scale = 1, label = '' }: { tol?: number; scale?: number; label?: string } = {},
): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
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
  if (worstRatio > 1) {
    expect.fail(
      `${label} element ${worst}: got ${actual[worst]}, expected ${expected[worst]} ` +
        `(error ${Math.abs(actual[worst] - expected[worst]).toExponential(3)} > ${(tol * (Math.abs(expected[worst]) + scale)).toExponential(3)})`,
    );
  }
}

/** Tolerance for float32 sums of `k` terms: rounding grows like sqrt(k)·ε, bounded here by k·ε. */
export function sumTolerance(k: number, base = 1e-5): number {
  return Math.max(base, 2 * Math.sqrt(Math.max(k, 1)) * 1.2e-7);
}

/** Asserts two float arrays are bit-identical (fast on large arrays; reports the first difference). */
export function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ''): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label} element ${i}: got ${actual[i]}, expected ${expected[i]} (bit-identical required)`);
  }
}
