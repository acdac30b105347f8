/**
 * Tensor: values in JS memory with a shape and a dtype (float32, int32 or bool), the type users pass
 * to and get from models. Spelled as in TensorFlow.js (`shape`, `dtype`, `dataSync()`, `data()`,
 * `array()`), without its dispose discipline: a Tensor is garbage-collected like any array
 * (`dispose()` exists for tfjs code).
 */
import { StateError, ValueError } from './errors.js';
import { dtypeOfArray, type DataTypeMap, type DType } from './dtype.js';
import { sizeOf } from './shape.js';

/** Nested arrays of numbers, as `array()` returns them. */
export type NestedArray = number | NestedArray[];

export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: number[];
  readonly size: number;
  private values: DataTypeMap[D] | null;

  /** Wraps `values` (not copied) under `shape`; the dtype is the array's (Int32Array → int32, Uint8Array → bool). */
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
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.values == null;
  }

  /** The values, row-major. The array is the tensor's own: treat it as read-only. */
  dataSync(): DataTypeMap[D] {
    if (this.values == null) throw new StateError('Tensor is disposed');
    return this.values;
  }

  /** The values, row-major (async, as in tfjs). */
  async data(): Promise<DataTypeMap[D]> {
    return this.dataSync();
  }

  /** The values as nested arrays. */
  arraySync(): NestedArray {
    const data = this.dataSync();
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

  /** The same values under another shape; one dimension may be -1 (inferred). */
  reshape(shape: readonly number[]): Tensor<D> {
    const known = shape.filter((d) => d !== -1);
    const inferred = shape.length - known.length;
    const knownSize = sizeOf(known);
    if (inferred > 1 || (inferred === 1 && (knownSize === 0 || this.size % knownSize !== 0))) {
      throw new ValueError(`Cannot reshape a tensor of shape [${this.shape.join(', ')}] to [${shape.join(', ')}]`);
    }
    const resolved = shape.map((d) => (d === -1 ? this.size / knownSize : d));
    return new Tensor(this.dataSync(), resolved);
  }

  /** Releases the values (for tfjs-style code; not required). */
  dispose(): void {
    this.values = null;
  }

  toString(): string {
    return `Tensor ${this.dtype} [${this.shape.join(', ')}]`;
  }
}
