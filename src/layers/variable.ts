/**
 * A weight (or optimizer slot): float32 values that live in JS memory until the first computation,
 * then in engine memory. If the engine shuts down, the values are copied back, so a model stays
 * usable and the next engine picks them up.
 */
import type { Engine, Resident } from '../backend/engine.js';
import { StateError, ValueError } from '../errors.js';
import { sizeOf } from '../shape.js';

let writes = 0;

/**
 * Counts write() calls on any variable (setWeights, loading, resetStates): an executor that keeps a
 * copy of the weights elsewhere (the pool's) republishes when this moved since it last copied.
 * Optimizer steps update engine memory directly and do not count.
 */
export function variableWrites(): number {
  return writes;
}

/** A weight: its name, shape and values (read() / write()). */
export class LayerVariable implements Resident {
  readonly shape: readonly number[];
  readonly size: number;
  /**
   * Whether the gradient is row-sparse: a (rows, dim) table whose gradient only the rows a step
   * scatters into can make non-zero (an Embedding's), recorded as they are scattered
   * (ops/grad-rows.ts), so the gradient bookkeeping covers those rows only. Set by the owning layer.
   * @internal
   */
  rowSparse = false;
  private host: Float32Array | null;
  private engine: Engine | null = null;
  private ptr = 0;
  private disposed = false;

  constructor(
    /** Keras weight name, e.g. `gru_1/kernel`. */
    readonly name: string,
    shape: readonly number[],
    values: Float32Array,
    readonly trainable = true,
  ) {
    this.shape = [...shape];
    this.size = sizeOf(shape);
    if (values.length !== this.size) throw new ValueError(`${name}: expected ${this.size} values for shape [${shape.join(', ')}], got ${values.length}`);
    this.host = values;
  }

  /** A copy of the values. */
  read(): Float32Array {
    this.assertLive();
    if (this.engine && !this.engine.isDisposed) return this.engine.read(this.ptr, this.size);
    return this.host!.slice();
  }

  /** Replaces the values (same size). */
  write(values: ArrayLike<number>): void {
    this.assertLive();
    if (values.length !== this.size) {
      throw new ValueError(`${this.name}: expected ${this.size} values for shape [${this.shape.join(', ')}], got ${values.length}`);
    }
    if (this.engine && !this.engine.isDisposed) this.engine.write(this.ptr, values);
    else this.host!.set(values);
    writes++;
  }

  /**
   * The byte offset of the values in `engine`, moving them there first if needed.
   * @internal
   */
  ptrIn(engine: Engine): number {
    this.assertLive();
    if (this.engine === engine) return this.ptr;
    if (this.engine) this.evacuate();
    const ptr = engine.allocF32(this.size);
    engine.write(ptr, this.host!);
    this.engine = engine;
    this.ptr = ptr;
    this.host = null;
    engine.register(this);
    return ptr;
  }

  /** @internal */
  evacuate(): void {
    if (!this.engine) return;
    const engine = this.engine;
    this.host = engine.read(this.ptr, this.size);
    engine.unregister(this);
    engine.release(this.ptr);
    this.engine = null;
    this.ptr = 0;
  }

  /** Frees the values; the variable cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    if (this.engine) {
      this.engine.unregister(this);
      this.engine.release(this.ptr);
    }
    this.engine = null;
    this.host = null;
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertLive(): void {
    if (this.disposed) throw new StateError(`Variable ${this.name} is disposed (its model was disposed)`);
  }
}
