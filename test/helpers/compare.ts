import { expect } from 'vitest';
import { closeness } from './closeness.js';

export { sumTolerance } from './closeness.js';

/**
 * Asserts |actual − expected| ≤ tol·(|expected| + scale) elementwise, where `scale` is the typical
 * magnitude of the terms that were summed (so a value that cancels to ~0 is judged against the size
 * of what cancelled, as float32 rounding is). Reports the worst element.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: { tol?: number; scale?: number; label?: string } = {},
): void {
  const failure = closeness(actual, expected, options);
  if (failure) expect.fail(failure);
}

/** Asserts two float arrays are bit-identical (fast on large arrays; reports the first difference). */
export function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ''): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label} element ${i}: got ${actual[i]}, expected ${expected[i]} (bit-identical required)`);
  }
}
