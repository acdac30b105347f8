/**
 * Element types a tensor keeps honestly: float32 values, int32 indices and bool flags each stay in
 * their own typed array from tensor creation through batches, shuffling, shards and the worker
 * transport (bool as one byte per element, 0 or 1).
 */
import { ValueError, describe } from './errors.js';

export type DType = 'float32' | 'int32' | 'bool';

/** The typed array of each dtype. */
export interface DataTypeMap {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Values of a tensor of any dtype. */
export type HostArray = DataTypeMap[DType];

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/** The dtype an array holds: Float32Array → float32, Int32Array → int32, Uint8Array → bool. */
export function dtypeOfArray(values: unknown): DType | null {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  return null;
}

/** A zero-filled array of `length` elements of `dtype`, on a SharedArrayBuffer when `shared`. */
export function allocArray<D extends DType>(dtype: D, length: number, shared = false): DataTypeMap[D] {
  const Type = (dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array) as unknown as new (arg: number | ArrayBufferLike) => DataTypeMap[D];
  const bytesPer = dtype === 'bool' ? 1 : 4;
  return shared ? new Type(new SharedArrayBuffer(length * bytesPer)) : new Type(length);
}

/** Checks a dtype argument, naming the owner. */
export function checkDType(owner: string, value: unknown): DType {
  if (typeof value === 'string' && (DTYPES as readonly string[]).includes(value)) return value as DType;
  throw new ValueError(`${owner}: received an invalid value for dtype, expected 'float32', 'int32' or 'bool'. Received: dtype=${describe(value)}`);
}

/**
 * Converts numbers to `dtype` as tfjs does: int32 truncates toward zero, bool is value ≠ 0 (NaN is
 * true). Unlike tfjs, which wraps around, int32 clamps values beyond its range and maps NaN to 0.
 */
export function castArray<D extends DType>(values: ArrayLike<number>, dtype: D): DataTypeMap[D] {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  else if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = v >= INT32_MAX ? INT32_MAX : v <= INT32_MIN ? INT32_MIN : v; // the store truncates; NaN → 0
    }
  } else (out as Float32Array).set(values);
  return out;
}
