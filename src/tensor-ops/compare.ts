/**
 * Comparison and logic, broadcast as numpy does, returning bool tensors (one byte per element, 0 or
 * 1). Operands of different dtypes are compared in the wider one; the logical ops and `where`'s
 * condition take bool tensors only, as in tfjs.
 */
import { ValueError } from '../errors.js';
import { valuesOf, type Tensor } from '../tensor.js';
import { broadcastShape, broadcastValues, input, result, valuesAs, type TensorInput } from './core.js';
import { upcastType } from './dtype.js';
import { binary, type BinaryKernel } from './elementwise.js';
import { takeArray } from './memory.js';

const toBool = () => 'bool' as const;

function compare(op: string, a: TensorInput, b: TensorInput, kernel: BinaryKernel): Tensor {
  return binary(op, a, b, kernel, toBool);
}

/** a == b, broadcast. @example wl.equal(wl.tensor([1, 2]), 2) // [false, true] */
export function equal(a: TensorInput, b: TensorInput): Tensor {
  return compare('equal', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] === y[i] ? 1 : 0; });
}

/** a != b, broadcast. @example wl.notEqual(wl.tensor([1, 2]), 2) // [true, false] */
export function notEqual(a: TensorInput, b: TensorInput): Tensor {
  return compare('notEqual', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] !== y[i] ? 1 : 0; });
}

/** a > b, broadcast. @example wl.greater(wl.tensor([1, 3]), 2) // [false, true] */
export function greater(a: TensorInput, b: TensorInput): Tensor {
  return compare('greater', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] > y[i] ? 1 : 0; });
}

/** a >= b, broadcast. @example wl.greaterEqual(wl.tensor([1, 2]), 2) // [false, true] */
export function greaterEqual(a: TensorInput, b: TensorInput): Tensor {
  return compare('greaterEqual', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] >= y[i] ? 1 : 0; });
}

/** a < b, broadcast. @example wl.less(wl.tensor([1, 3]), 2) // [true, false] */
export function less(a: TensorInput, b: TensorInput): Tensor {
  return compare('less', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] < y[i] ? 1 : 0; });
}

/** a <= b, broadcast. @example wl.lessEqual(wl.tensor([2, 3]), 2) // [true, false] */
export function lessEqual(a: TensorInput, b: TensorInput): Tensor {
  return compare('lessEqual', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] <= y[i] ? 1 : 0; });
}

function boolInput(op: string, x: TensorInput, arg: string): Tensor {
  const t = input(op, x, arg, Array.isArray(x) || typeof x === 'boolean' ? 'bool' : undefined);
  if (t.dtype !== 'bool') throw new ValueError(`${op}: argument '${arg}' must be a bool tensor, but got a ${t.dtype} tensor`);
  return t;
}

/** a AND b (bool tensors), broadcast. @example wl.logicalAnd(wl.tensor([true, true]), wl.tensor([true, false])) // [true, false] */
export function logicalAnd(a: TensorInput, b: TensorInput): Tensor {
  return compare('logicalAnd', boolInput('logicalAnd', a, 'a'), boolInput('logicalAnd', b, 'b'), (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] & y[i]; });
}

/** a OR b (bool tensors), broadcast. @example wl.logicalOr(wl.tensor([false, true]), false) // [false, true] */
export function logicalOr(a: TensorInput, b: TensorInput): Tensor {
  return compare('logicalOr', boolInput('logicalOr', a, 'a'), boolInput('logicalOr', b, 'b'), (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] | y[i]; });
}

/** NOT x (a bool tensor). @example wl.logicalNot(wl.tensor([true, false])) // [false, true] */
export function logicalNot(x: TensorInput): Tensor {
  const t = boolInput('logicalNot', x, 'x');
  const v = valuesOf(t);
  const out = takeArray('bool', v.length);
  for (let i = 0; i < v.length; i++) out[i] = 1 - v[i];
  return result(out, t.shape, 'bool');
}

/**
 * Elements of `a` where `condition` is true, of `b` elsewhere; the three broadcast together, `a` and
 * `b` meet at the wider dtype.
 * @example wl.where(wl.tensor([true, false]), wl.tensor([1, 2]), wl.tensor([9, 9])) // [1, 9]
 */
export function where(condition: TensorInput, a: TensorInput, b: TensorInput): Tensor {
  const c = boolInput('where', condition, 'condition');
  const x = input('where', a, 'a');
  const y = input('where', b, 'b');
  const shape = broadcastShape('where', broadcastShape('where', c.shape, x.shape), y.shape);
  const dtype = upcastType(x.dtype, y.dtype);
  const cv = broadcastValues(valuesOf(c), c.shape, shape);
  const xv = broadcastValues(valuesAs(x, dtype), x.shape, shape);
  const yv = broadcastValues(valuesAs(y, dtype), y.shape, shape);
  const out = takeArray(dtype, cv.length);
  for (let i = 0; i < out.length; i++) out[i] = cv[i] ? xv[i] : yv[i];
  return result(out, shape, dtype);
}

