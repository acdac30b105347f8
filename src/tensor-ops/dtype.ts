/**
 * dtype rules as tfjs applies them: two operands meet at the wider dtype (bool < int32 < float32),
 * `cast` converts (int32 truncates toward zero and clamps, bool is value ≠ 0).
 */
import { checkDType, type DType } from '../dtype.js';
import { Tensor, valuesOf } from '../tensor.js';
import { input, result, type TensorInput } from './core.js';

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** The dtype two operands are computed in (tfjs's upcastType). */
export function upcastType(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The values of `x` as `dtype` (a new tensor sharing `x`'s values when it already is).
 * @example wl.cast(wl.tensor([1.7, -1.7]), 'int32') // [1, -1]
 */
export function cast(x: TensorInput, dtype: DType): Tensor {
  const t = input('cast', x);
  const to = checkDType('cast', dtype);
  return t.dtype === to ? new Tensor(valuesOf(t), t.shape) : result(valuesOf(t), t.shape, to);
}
