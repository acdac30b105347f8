/**
 * The Tensor methods tfjs code chains (`x.add(y)`, `x.argMax(-1)`, `x.as2D(r, c)`...), each declared
 * once here as a function of the tensor and installed on Tensor.prototype; their types come from the
 * same table.
 */
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import { concat, clone, expandDims, gather, pad, reshape, reverse, slice, split, squeeze, stack, tile, transpose, unstack } from './shape.js';
import { abs, add, clipByValue, div, exp, log, maximum, minimum, mul, neg, pow, relu, sigmoid, sqrt, square, sub, tanh } from './elementwise.js';
import { argMax, argMin, logSumExp, max, mean, min, moments, norm, prod, sum, topk } from './reduction.js';
import { equal, greater, greaterEqual, less, lessEqual, logicalAnd, logicalNot, logicalOr, notEqual, where } from './compare.js';
import { dot, logSoftmax, matMul, softmax } from './math.js';
import { cast } from './dtype.js';
import type { TensorInput } from './core.js';
import { bufferOf, onesLike, zerosLike } from './creation.js';

const methods = {
  // shape
  reshape, clone, squeeze, expandDims, slice, split, tile, gather, reverse, transpose, pad, unstack,
  reshapeAs: (x: Tensor, other: Tensor) => reshape(x, other.shape),
  flatten: (x: Tensor) => reshape(x, [-1]),
  as1D: (x: Tensor) => reshape(x, [-1]),
  as2D: (x: Tensor, rows: number, columns: number) => reshape(x, [rows, columns]),
  as3D: (x: Tensor, rows: number, columns: number, depth: number) => reshape(x, [rows, columns, depth]),
  as4D: (x: Tensor, rows: number, columns: number, depth: number, depth2: number) => reshape(x, [rows, columns, depth, depth2]),
  asScalar: (x: Tensor) => reshape(x, []),
  concat: (x: Tensor, others: Tensor | Tensor[], axis?: number) => concat([x, ...(others instanceof Tensor ? [others] : others)], axis),
  stack: (x: Tensor, others: Tensor | Tensor[], axis?: number) => stack([x, ...(others instanceof Tensor ? [others] : others)], axis),
  // math
  add, sub, mul, div, pow, minimum, maximum, neg, abs, exp, log, sqrt, square, sigmoid, tanh, relu, clipByValue,
  softmax, logSoftmax, matMul, dot,
  // reductions
  sum, mean, min, max, prod, argMax, argMin, moments, norm, logSumExp, topk,
  // comparison and logic
  equal, notEqual, greater, greaterEqual, less, lessEqual, logicalAnd, logicalOr, logicalNot,
  where: (x: Tensor, condition: TensorInput, other: TensorInput) => where(condition, x, other),
  // dtype
  cast,
  asType: (x: Tensor, dtype: DType) => cast(x, dtype),
  toFloat: (x: Tensor) => cast(x, 'float32'),
  toInt: (x: Tensor) => cast(x, 'int32'),
  toBool: (x: Tensor) => cast(x, 'bool'),
  // creation and printing
  zerosLike, onesLike,
  bufferSync: bufferOf,
  buffer: async (x: Tensor) => bufferOf(x),
  print: (x: Tensor) => console.log(`Tensor ${x.dtype} ${JSON.stringify(x.shape)}\n${JSON.stringify(x.arraySync())}`),
};

type Method<F> = F extends (x: never, ...rest: infer A) => infer R ? (...args: A) => R : never;

/** The op methods every Tensor has (from the table above). */
export type TensorMethods = { [K in keyof typeof methods]: Method<(typeof methods)[K]> };

declare module '../tensor.js' {
  interface Tensor<D extends DType = DType> extends TensorMethods {}
}

for (const [name, fn] of Object.entries(methods) as [string, (x: Tensor, ...args: unknown[]) => unknown][]) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return fn(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
