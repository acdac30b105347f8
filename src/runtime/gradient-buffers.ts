/**
 * Gradient accumulators of all trainable variables (and the update sums of state variables), one
 * contiguous block of 16-byte aligned slices: the layout both sides of the worker pool agree on.
 */
import type { Device, Engine } from '../backend/engine.js';
import { addInPlace, allFinite } from '../ops/elementwise.js';
import type { LayerVariable } from '../layers/variable.js';

export class GradientBuffers {
  readonly map = new Map<LayerVariable, number>();
  private readonly block: number;
  private readonly floats: number;

  /** Floats a block for these variables holds. */
  static lengthFor(variables: readonly LayerVariable[]): number {
    return Math.max(variables.reduce((n, v) => n + Math.ceil(v.size / 4) * 4, 0), 1);
  }

  constructor(private readonly engine: Device, variables: readonly LayerVariable[]) {
    let total = 0;
    const starts = variables.map((v) => {
      const start = total;
      total += Math.ceil(v.size / 4) * 4;
      return start;
    });
    this.floats = GradientBuffers.lengthFor(variables);
    this.block = engine.allocF32(this.floats);
    variables.forEach((v, i) => this.map.set(v, this.block + starts[i] * 4));
  }

  /** Floats in the block (each variable's slice padded to a multiple of 4). */
  get length(): number {
    return this.floats;
  }

  /** Multiplies the accumulators of `variables` by `factor` (a step's mean formed after its chunks were summed). */
  scale(variables: readonly LayerVariable[], factor: number): void {
    if (factor === 1) return;
    for (const v of variables) {
      const values = this.engine.f32(this.map.get(v)!, v.size);
      for (let i = 0; i < values.length; i++) values[i] *= factor;
    }
  }

  /** A live view of the whole block; do not keep it across allocations. */
  view(): Float32Array {
    return this.engine.f32(this.block, this.floats);
  }

  zero(): void {
    this.engine.zero(this.block, this.floats);
  }

  /**
   * Sets the block to the sum of `slots` (blocks of this layout, from the workers' chunks), added in
   * order: each slot is copied into engine memory and added with the SIMD kernel. The float32 sums
   * are those of adding in JS (doubles rounded to float32 give the correctly rounded sum), at a
   * fraction of the time.
   */
  sumOf(slots: readonly Float32Array[]): void {
    this.view().set(slots[0].subarray(0, this.floats));
    if (slots.length === 1) return;
    const addend = this.engine.allocF32(this.floats);
    try {
      for (let i = 1; i < slots.length; i++) {
        this.engine.f32(addend, this.floats).set(slots[i].subarray(0, this.floats));
        addInPlace(this.engine, this.floats, this.block, addend);
      }
    } finally {
      this.engine.release(addend);
    }
  }

  /** Whether every value is finite. */
  allFinite(): boolean {
    return allFinite(this.engine, this.floats, this.block);
  }

  /** The slice of `v`, copied out. */
  read(v: LayerVariable): Float32Array {
    return this.engine.read(this.map.get(v)!, v.size);
  }

  dispose(): void {
    this.engine.release(this.block);
  }
}
