/**
 * Tensor: values in JS memory with a shape and a dtype (float32, int32 or bool), the type users pass
 * to and get from models. Spelled as in TensorFlow.js (`shape`, `dtype`, `dataSync()`, `data()`,
 * `array()`), without requiring its dispose discipline: a Tensor is garbage-collected like any array,
 * and `dispose()`, `tidy` and `memory()` work for tfjs code. The op methods (`x.add(y)`,
 * `x.reshape(...)`, ...) are installed from src/tensor-ops/methods.ts.
 */
import { StateError, ValueError } from './errors.js';
import { dtypeOfArray, type DataTypeMap, type DType, type HostArray } from './dtype.js';
import { sizeOf } from './shape.js';
import { escape, trackTensor, untrackTensor } from './tensor-ops/memory.js';

/** Nested arrays of numbers, as `array()` returns them. */
export type NestedArray = number | NestedArray[];

export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: number[];
  readonly size: number;
  private values: DataTypeMap[D] | null;
  /** The values are still only in the engine's memory (an op on the kernels wrote them): see settleValues. */
  private pending = false;

  /**
   * Wraps `values` (not copied) under `shape`; the dtype is the array's (Int32Array → int32, Uint8Array
   * → bool). The tensor takes the array: tensors are immutable, as in tfjs, so do not change it after.
   */
  constructor(values: DataTypeMap[D], shape: readonly number[]) {
    const dtype = dtypeOfArray(values);
    if (dtype == null) throw new ValueError(`A tensor's values must be a Float32Array, Int32Array or Uint8Array (bool), got ${Object.prototype.toString.call(values)}`);
    const size = sizeOf(shape);
    if (values.length !== size) {
      throw new ValueError(`A tensor of shape [${shape.join(', ')}] has ${size} values, but ${values.length} were given`);
    }
    this.dtype = dtype as D;
    this.shape = [...shape];
    this.size = size;
    this.values = values;
    trackTensor(this, values);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.values == null;
  }

  /** The values, row-major. The array is the tensor's own: treat it as read-only. */
  dataSync(): DataTypeMap[D] {
    const values = valuesOf(this);
    escape(values, this);
    return values;
  }

  /** The values, row-major (async, as in tfjs). */
  async data(): Promise<DataTypeMap[D]> {
    return this.dataSync();
  }

  /** The values as nested arrays. */
  arraySync(): NestedArray {
    const data = valuesOf(this);
    if (this.rank === 0) return data[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim];
      if (dim === this.rank - 1) return Array.from(data.subarray(offset, offset + n));
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** The values as nested arrays (async, as in tfjs). */
  async array(): Promise<NestedArray> {
    return this.arraySync();
  }

  /** Releases the values (for tfjs-style code; not required). Disposing twice is a no-op. */
  dispose(): void {
    if (this.values == null) return;
    untrackTensor(this.values, this);
    this.values = null;
    this.pending = false;
  }

  toString(): string {
    return `Tensor ${this.dtype} [${this.shape.join(', ')}]`;
  }
}

/** The values of `t` for the ops, which read them without keeping or handing them out (unlike dataSync). */
export function valuesOf<D extends DType>(t: Tensor<D>): DataTypeMap[D] {
  const values = t['values'];
  if (values == null) throw new StateError('Tensor is disposed');
  if (t['pending']) {
    settle!(t, values);
    t['pending'] = false;
  }
  return values;
}

/**
 * Marks `t` (just made by an op on the kernels over an unwritten array) as having its values only in
 * the engine's memory, until something reads them: then `fill(t, values)`, which setPending's caller
 * set with onSettle, writes them. Saves copying out results that only other kernels read.
 */
export function setPending(t: Tensor): void {
  t['pending'] = true;
}

/** Whether `t`'s values are still only in the engine's memory. */
export function isPending(t: Tensor): boolean {
  return t['pending'];
}

let settle: ((t: Tensor, values: HostArray) => void) | null = null;

/** Sets what writes a pending tensor's values when they are read (src/tensor-ops/wasm-path.ts). */
export function onSettle(fill: (t: Tensor, values: HostArray) => void): void {
  settle = fill;
}
