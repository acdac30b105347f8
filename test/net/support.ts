/**
 * Helpers of the test/net safety net, kept free of the library's internals so the net survives a
 * refactor that moves code: a seeded generator (shared with the other suites) and a closeness check.
 */
import { expect } from 'vitest';

/** mulberry32: a small seeded generator, independent of the engine's RNG (test/helpers/rng.ts). */
export { testRng as rng } from '../helpers/rng.js';

/**
 * `n` values uniform in [lo, hi), each exactly representable in float32, so that a float64
 * computation in the test sees exactly the values the engine holds.
 */
export { uniform as f32Values } from '../helpers/rng.js';

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
