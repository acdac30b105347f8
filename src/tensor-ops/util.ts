/** tfjs's `tf.util` helpers that data preparation uses: assert, shuffle (seeded), now, sizeFromShape, arraysEqual. */
import { ValueError } from '../errors.js';
import { globalRandom } from '../random.js';
import { sizeOf } from '../shape.js';

/**
 * Throws an Error with `msg` (a string or a function returning one) unless `expr` holds.
 * @example wl.util.assert(x.rank === 2, () => `expected a matrix, got rank ${x.rank}`);
 */
export function assert(expr: boolean, msg: string | (() => string)): asserts expr {
  if (!expr) throw new Error(typeof msg === 'function' ? msg() : msg);
}

/**
 * Shuffles an array or typed array in place (Fisher–Yates) from the global random stream, so
 * `wl.setSeed(n)` makes it reproducible.
 * @example const order = [0, 1, 2, 3]; wl.util.shuffle(order);
 */
export function shuffle<T>(array: T[] | { length: number; [i: number]: T }): void {
  if (array == null || typeof array !== 'object' || typeof array.length !== 'number') {
    throw new ValueError(`util.shuffle: expected an array or a typed array, got ${Object.prototype.toString.call(array)}`);
  }
  globalRandom().shuffle(array);
}

/** Milliseconds from a high-resolution clock. @example const t0 = wl.util.now(); */
export function now(): number {
  return performance.now();
}

/** The number of elements of a shape (1 for []). @example wl.util.sizeFromShape([2, 3]) // 6 */
export function sizeFromShape(shape: readonly number[]): number {
  return sizeOf(shape);
}

/** Whether two arrays (or typed arrays) have equal length and elements. @example wl.util.arraysEqual([1, 2], [1, 2]) // true */
export function arraysEqual(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a === b) return true;
  if (a == null || b == null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
