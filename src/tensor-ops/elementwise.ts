/**
 * Elementwise math with numpy broadcasting and tfjs's dtype rules: two operands are computed in the
 * wider dtype (int32 + int32 stays int32, int32 / int32 is floor division as in tfjs), exp, log,
 * sqrt, sigmoid and tanh give float32, the others keep their input's dtype. Each op is one plain
 * loop over typed arrays (a module constant, so V8 compiles it once), and float32 operands of the
 * same shape, or one a scalar, go to the engine's SIMD kernels when it runs (wasm-path.ts).
 */
import { ValueError } from '../errors.js';
import { castArray, type DType, type HostArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { valuesOf, type Tensor } from '../tensor.js';
import { broadcastShape, broadcastValues, input, result, valuesAs, type TensorInput } from './core.js';
import { upcastType } from './dtype.js';
import { recycle, takeArray } from './memory.js';
import { BINARY, UNARY, wasmBinary, wasmUnary, type BinaryCode, type UnaryCode } from './wasm-path.js';

type Out = HostArray | Float32Array;
/** A loop over operands already broadcast to the output's length. */
export type BinaryKernel = (a: HostArray, b: HostArray, out: Out) => void;
type UnaryKernel = (x: HostArray, out: Out) => void;

/**
 * Runs `kernel` on `a` and `b` broadcast together, in their common dtype.
 * @param outType the result's dtype from the common one (default: the same)
 */
export function binary(op: string, a: TensorInput, b: TensorInput, kernel: BinaryKernel, outType?: (common: DType) => DType, code?: BinaryCode): Tensor {
  const x = input(op, a, 'a');
  const y = input(op, b, 'b');
  const shape = sameShape(x.shape, y.shape) ? x.shape : broadcastShape(op, x.shape, y.shape);
  if (code !== undefined && x.dtype === 'float32' && y.dtype === 'float32') {
    const fast = wasmBinary(code, x, y, shape, sizeOf(shape));
    if (fast) return fast;
  }
  const common = upcastType(x.dtype, y.dtype);
  const av = broadcastValues(valuesAs(x, common), x.shape, shape);
  const bv = broadcastValues(valuesAs(y, common), y.shape, shape);
  const to = outType ? outType(common) : common;
  // bool results are computed as numbers, then kept 0/1
  const out = to === 'bool' && !outType ? new Float32Array(av.length) : takeArray(to, av.length);
  kernel(av, bv, out);
  if (av !== valuesOf(x)) recycle(av);
  if (bv !== valuesOf(y)) recycle(bv);
  return result(out, shape, to);
}

function unary(op: string, x: TensorInput, kernel: UnaryKernel, float: boolean, code?: UnaryCode): Tensor {
  const t = input(op, x);
  const fast = code !== undefined && t.dtype === 'float32' ? wasmUnary(code, t) : null;
  if (fast) return fast;
  const to: DType = float ? 'float32' : t.dtype;
  const values = float && t.dtype !== 'float32' ? castArray(valuesOf(t), 'float32') : valuesOf(t);
  const out = to === 'bool' ? new Float32Array(values.length) : takeArray(to, values.length);
  kernel(values, out);
  return result(out, t.shape, to);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** a + b, broadcast. @example wl.add(wl.tensor([1, 2]), 10) // [11, 12] */
export function add(a: TensorInput, b: TensorInput): Tensor {
  return binary('add', a, b, addLoop, undefined, BINARY.add);
}

const addLoop: BinaryKernel = (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] + y[i]; };

/** a − b, broadcast. @example wl.sub(wl.tensor([[1, 2], [3, 4]]), wl.tensor([1, 1])) // [[0, 1], [2, 3]] */
export function sub(a: TensorInput, b: TensorInput): Tensor {
  return binary('sub', a, b, subLoop, undefined, BINARY.sub);
}

const subLoop: BinaryKernel = (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] - y[i]; };

/** a · b, broadcast. @example wl.mul(wl.tensor([1, 2]), 3) // [3, 6] */
export function mul(a: TensorInput, b: TensorInput): Tensor {
  return binary('mul', a, b, mulLoop, undefined, BINARY.mul);
}

const mulLoop: BinaryKernel = (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] * y[i]; };

/**
 * a / b, broadcast; two int32 operands divide with floor to int32, as in tfjs (7 / 2 = 3, −7 / 2 = −4).
 * @example wl.div(wl.tensor([1, 2]), 4) // [0.25, 0.5]
 */
export function div(a: TensorInput, b: TensorInput): Tensor {
  const x = input('div', a, 'a');
  const y = input('div', b, 'b');
  const ints = upcastType(x.dtype, y.dtype) === 'int32';
  return binary('div', x, y, ints ? floorDivLoop : divLoop, ints ? toInt32 : toFloat32, BINARY.div);
}

const floorDivLoop: BinaryKernel = (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.floor(x[i] / y[i]); };
const divLoop: BinaryKernel = (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] / y[i]; };
const toInt32 = (): DType => 'int32';
const toFloat32 = (): DType => 'float32';

/** a ** b, broadcast (int32 ** int32 stays int32). @example wl.pow(wl.tensor([2, 3]), 2) // [4, 9] */
export function pow(a: TensorInput, b: TensorInput): Tensor {
  return binary('pow', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = x[i] ** y[i]; });
}

/** The smaller of a and b, broadcast (NaN if either is). @example wl.minimum(wl.tensor([1, 5]), 3) // [1, 3] */
export function minimum(a: TensorInput, b: TensorInput): Tensor {
  return binary('minimum', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.min(x[i], y[i]); }, undefined, BINARY.minimum);
}

/** The larger of a and b, broadcast (NaN if either is). @example wl.maximum(wl.tensor([1, 5]), 3) // [3, 5] */
export function maximum(a: TensorInput, b: TensorInput): Tensor {
  return binary('maximum', a, b, (x, y, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.max(x[i], y[i]); }, undefined, BINARY.maximum);
}

/** −x. @example wl.neg(wl.tensor([1, -2])) // [-1, 2] */
export function neg(x: TensorInput): Tensor {
  return unary('neg', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = -v[i]; }, false, UNARY.neg);
}

/** |x|. @example wl.abs(wl.tensor([1, -2])) // [1, 2] */
export function abs(x: TensorInput): Tensor {
  return unary('abs', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.abs(v[i]); }, false, UNARY.abs);
}

/** x². @example wl.square(wl.tensor([2, -3])) // [4, 9] */
export function square(x: TensorInput): Tensor {
  return unary('square', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = v[i] * v[i]; }, false, UNARY.square);
}

/** max(x, 0) (NaN stays NaN). @example wl.relu(wl.tensor([1, -2])) // [1, 0] */
export function relu(x: TensorInput): Tensor {
  // Math.max compiles without a branch: on signs that alternate at random a branch mispredicts half the time
  return unary('relu', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.max(v[i], 0); }, false, UNARY.relu);
}

/** eˣ (float32). @example wl.exp(wl.tensor([0])) // [1] */
export function exp(x: TensorInput): Tensor {
  return unary('exp', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.exp(v[i]); }, true);
}

/** Natural logarithm (float32; −Infinity at 0, NaN below). @example wl.log(wl.tensor([1])) // [0] */
export function log(x: TensorInput): Tensor {
  return unary('log', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.log(v[i]); }, true);
}

/** √x (float32). @example wl.sqrt(wl.tensor([4, 9])) // [2, 3] */
export function sqrt(x: TensorInput): Tensor {
  return unary('sqrt', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(v[i]); }, true, UNARY.sqrt);
}

/** 1 / (1 + e⁻ˣ) (float32). @example wl.sigmoid(wl.tensor([0])) // [0.5] */
export function sigmoid(x: TensorInput): Tensor {
  return unary('sigmoid', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = 1 / (1 + Math.exp(-v[i])); }, true);
}

/** tanh x (float32). @example wl.tanh(wl.tensor([0])) // [0] */
export function tanh(x: TensorInput): Tensor {
  return unary('tanh', x, (v, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.tanh(v[i]); }, true);
}

/**
 * x limited to [clipValueMin, clipValueMax]; keeps the dtype.
 * @example wl.clipByValue(wl.tensor([-2, 0.5, 3]), 0, 1) // [0, 0.5, 1]
 */
export function clipByValue(x: TensorInput, clipValueMin: number, clipValueMax: number): Tensor {
  if (!(clipValueMin <= clipValueMax)) {
    throw new ValueError(`clipByValue: clipValueMin (${clipValueMin}) must be less than or equal to clipValueMax (${clipValueMax})`);
  }
  return unary('clipByValue', x, (v, o) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.min(Math.max(v[i], clipValueMin), clipValueMax);
  }, false);
}
