/**
 * Helpers of the test/net safety net, kept free of the library's internals (and of the other test
 * helpers) so the net survives a refactor that moves code: a seeded generator and a closeness check.
 */
import { expect } from 'vitest';

/** mulberry32: a small seeded generator, independent of the engine's RNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` values uniform in [lo, hi), each exactly representable in float32, so that a float64
 * computation in the test sees exactly the values the engine holds.
 */
export function f32Values(next: () => number, n: number, lo = -1, hi = 1): Float64Array {
  return Float64Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * next()));
}

/** Root mean square of the values (a typical magnitude to judge near-zero elements against). */
export function rms(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s / Math.max(values.length, 1));
}

/**
 * Asserts |actual − expected| ≤ tol·(|expected| + scale) for every element; on failure names the
 * worst element and its error.
 */
export function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, scale: number, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const ratio = Number.isNaN(err) ? Infinity : err / (tol * (Math.abs(expected[i]) + scale));
    if (ratio > worstRatio) [worst, worstRatio] = [i, ratio];
  }
  if (worstRatio > 1) {
    expect.fail(
      `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(error ${Math.abs(actual[worst] - expected[worst]).toExponential(3)}, allowed ${(tol * (Math.abs(expected[worst]) + scale)).toExponential(3)})`,
    );
  }
}
