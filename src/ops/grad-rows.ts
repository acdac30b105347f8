/**
 * Row-sparse gradients: the rows of a (rows, dim) gradient that a step's scatters can make non-zero
 * (an Embedding table's: the rows of its ids), recorded as they are scattered, so that zeroing,
 * summing, checking and scaling the gradient — and plain SGD — cover those rows only. Every other
 * row is exactly zero, so the results are those of the dense passes, bit for bit.
 */
import type { Device } from '../backend/engine.js';
import type { GradientMap } from '../layers/context.js';
import type { LayerVariable } from '../layers/variable.js';

/**
 * The set of rows of one variable's gradient that may be non-zero: a flag byte per row and the list
 * of the rows flagged (in engine memory), in the order first marked. The scatter into the gradient
 * finds it from the gradient map (gradientRowsOf) and records the rows it writes.
 */
export class GradientRows {
  private readonly flags: number;
  private readonly listPtr: number;
  private size = 0;

  /**
   * @param rows the table's rows
   * @param dim floats per row
   */
  constructor(private readonly engine: Device, readonly rows: number, readonly dim: number) {
    this.flags = engine.allocF32(Math.max(Math.ceil(rows / 4), 1));
    engine.zero(this.flags, Math.max(Math.ceil(rows / 4), 1));
    this.listPtr = engine.allocF32(Math.max(rows, 1));
  }

  /** Rows recorded. */
  get count(): number {
    return this.size;
  }

  /** Byte offset of the list of recorded rows (int32, `count` of them). */
  get list(): number {
    return this.listPtr;
  }

  /**
   * Records the rows of `n` ids at byte offset `ids` (int32, or float32 holding integers when
   * `floatIds`); the ids must be valid rows.
   */
  mark(n: number, ids: number, floatIds: boolean): void {
    this.size = this.engine.kernels.rows_mark(n, ids, floatIds ? 1 : 0, this.flags, this.listPtr, this.size);
  }

  /** The recorded rows, copied. */
  read(): Int32Array {
    const view = this.engine.f32(this.listPtr, this.size);
    return new Int32Array(view.buffer, view.byteOffset, this.size).slice();
  }

  /** Zeroes the recorded rows of the gradient at `grad` and empties the record. */
  clear(grad: number): void {
    this.engine.kernels.f32_rows_clear(this.size, this.listPtr, this.flags, this.dim, grad);
    this.size = 0;
  }

  /** Whether every value of the recorded rows of `grad` is finite. */
  allFinite(grad: number): boolean {
    return this.engine.kernels.f32_rows_all_finite(this.size, this.listPtr, this.dim, grad) === 1;
  }

  /** Multiplies the recorded rows of `grad` by `factor` (the product in f64, rounded to f32). */
  scale(grad: number, factor: number): void {
    this.engine.kernels.f32_rows_scale(this.size, this.listPtr, this.dim, grad, factor);
  }

  /** Plain SGD, p −= lr·g, on the recorded rows (the update of every other row is the identity). */
  sgd(p: number, grad: number, lr: number): void {
    this.engine.kernels.f32_rows_sgd(this.size, this.listPtr, this.dim, p, grad, lr);
  }

  dispose(): void {
    this.engine.release(this.flags);
    this.engine.release(this.listPtr);
  }
}

/** The row records of the gradient maps of GradientBuffers, by map. */
const records = new WeakMap<GradientMap, ReadonlyMap<LayerVariable, GradientRows>>();

/** Registers the row records of the row-sparse variables of `gradients` (GradientBuffers does, for its map). */
export function registerGradientRows(gradients: GradientMap, rows: ReadonlyMap<LayerVariable, GradientRows>): void {
  records.set(gradients, rows);
}

/**
 * The row record of `variable`'s gradient in `gradients`, or null when that gradient is dense (or
 * the map is not a GradientBuffers' own: pass the context's map itself, never a copy).
 */
export function gradientRowsOf(gradients: GradientMap, variable: LayerVariable): GradientRows | null {
  return records.get(gradients)?.get(variable) ?? null;
}

/** Copies the rows `rows` of `from` (rows, dim) into `to` (the same shape). */
export function copyRows(from: Float32Array, to: Float32Array, rows: Int32Array, dim: number): void {
  for (const r of rows) to.set(from.subarray(r * dim, (r + 1) * dim), r * dim);
}
