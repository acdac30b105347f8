/**
 * The tensor ops of the public namespace (tfjs names and semantics), for data preparation and
 * sampling: plain TypeScript over typed arrays. Importing this installs the Tensor methods.
 */
import './methods.js';
import { arraysEqual, assert, now, shuffle, sizeFromShape } from './util.js';
import { tfjsNamespace } from '../not-implemented.js';

export { scalar, fill, zerosLike, onesLike, range, linspace, eye, buffer, TensorBuffer, truncatedNormal, multinomial } from './creation.js';
export { reshape, clone, squeeze, expandDims, slice, concat, stack, unstack, split, tile, gather, reverse, transpose, pad } from './shape.js';
export { add, sub, mul, div, pow, minimum, maximum, neg, abs, exp, log, sqrt, square, sigmoid, tanh, relu, clipByValue } from './elementwise.js';
export { matMul, dot, softmax, logSoftmax } from './math.js';
export { sum, mean, min, max, prod, argMax, argMin, moments, norm, logSumExp, topk } from './reduction.js';
export { equal, notEqual, greater, greaterEqual, less, lessEqual, logicalAnd, logicalOr, logicalNot, where } from './compare.js';
export { cast, upcastType } from './dtype.js';
export { tidy, keep, dispose, memory, type MemoryInfo, type TensorContainer } from './memory.js';
export type { TensorInput } from './core.js';

/** tfjs's `tf.util`: assert, shuffle (seeded by `setSeed`), now, sizeFromShape, arraysEqual. */
export const util = tfjsNamespace('util', { assert, shuffle, now, sizeFromShape, arraysEqual });
