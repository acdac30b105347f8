/**
 * Gradient accumulators of all trainable variables (and the update sums of state variables), one
 * contiguous block of 16-byte aligned slices: the layout both sides of the worker pool agree on.
 *
 * A row-sparse variable (an Embedding table, LayerVariable.rowSparse) keeps a record of the rows a
 * step scattered into (GradientRows); its other rows are exactly zero, so zeroing, summing, the
 * finite check and scaling cover the recorded rows only, and a chunk's slot carries those rows packed
 * (at the start of the variable's slice) with their list: the work per step follows the ids, not the
 * table's size. Dense variables are handled whole, as contiguous runs of the block.
 */
import type { Device } from '../backend/engine.js';
import { addInPlace, allFinite } from '../ops/elementwise.js';
import { GradientRows, registerGradientRows } from '../ops/grad-rows.js';
import type { LayerVariable } from '../layers/variable.js';

/** A row-sparse variable's slice: its float offset in the block and its row record. */
interface SparseSlice {
  variable: LayerVariable;
  start: number;
  rows: GradientRows;
}

/** Floats each kind of bookkeeping touched since the block was made (the per-step work, counted). */
export interface GradientWork {
  /** Zeroed before a step's backward. */
  zeroed: number;
  /** Copied into a chunk's slot (packInto). */
  packed: number;
  /** Taken from the slots into the sum (sumOf). */
  summed: number;
  /** Checked by allFinite. */
  checked: number;
  /** Scaled. */
  scaled: number;
}

/** Whether `v` gets a row-sparse gradient: flagged by its layer, and a (rows, dim) table. */
export function isRowSparse(v: LayerVariable): boolean {
  return v.rowSparse && v.shape.length === 2;
}

export class GradientBuffers {
  readonly map = new Map<LayerVariable, number>();
  /** The row records of the row-sparse variables. */
  readonly rows = new Map<LayerVariable, GradientRows>();
  /** Per variable: whether its gradient is row-sparse here (the layout a worker must follow). */
  readonly rowSparse: readonly boolean[];
  readonly work: GradientWork = { zeroed: 0, packed: 0, summed: 0, checked: 0, scaled: 0 };
  private readonly block: number;
  private readonly floats: number;
  /** The dense variables' slices (with their padding), merged into runs: [float offset, floats]. */
  private readonly runs: [number, number][] = [];
  private readonly sparse: SparseSlice[] = [];

  /** Floats a block for these variables holds. */
  static lengthFor(variables: readonly LayerVariable[]): number {
    return Math.max(variables.reduce((n, v) => n + Math.ceil(v.size / 4) * 4, 0), 1);
  }

  /**
   * @param rowSparse per variable, whether its gradient is row-sparse (default: isRowSparse); a
   *   worker takes the calling thread's, so both agree on the slots' layout
   */
  constructor(private readonly engine: Device, variables: readonly LayerVariable[], rowSparse: readonly boolean[] = variables.map(isRowSparse)) {
    if (rowSparse.length !== variables.length || rowSparse.some((s, i) => s && variables[i].shape.length !== 2)) {
      throw new Error(`GradientBuffers: row-sparse flags [${rowSparse.join(', ')}] for variables of shapes ${variables.map((v) => `[${v.shape.join(', ')}]`).join(', ')}`);
    }
    this.rowSparse = [...rowSparse];
    this.floats = GradientBuffers.lengthFor(variables);
    this.block = engine.allocF32(this.floats);
    engine.zero(this.block, this.floats);
    let total = 0;
    variables.forEach((v, i) => {
      const floats = Math.ceil(v.size / 4) * 4;
      this.map.set(v, this.block + total * 4);
      if (rowSparse[i]) {
        const rows = new GradientRows(engine, v.shape[0], v.shape[1]);
        this.rows.set(v, rows);
        this.sparse.push({ variable: v, start: total, rows });
      } else {
        const last = this.runs[this.runs.length - 1];
        if (last && last[0] + last[1] === total) last[1] += floats;
        else this.runs.push([total, floats]);
      }
      total += floats;
    });
    registerGradientRows(this.map, this.rows);
  }

  /** Floats in the block (each variable's slice padded to a multiple of 4). */
  get length(): number {
    return this.floats;
  }

  /**
   * Multiplies the accumulators of `variables` by `factor` (a step's mean formed after its chunks
   * were summed), the product in f64 rounded to f32; a row-sparse one on its recorded rows.
   */
  scale(variables: readonly LayerVariable[], factor: number): void {
    if (factor === 1) return;
    for (const v of variables) {
      const ptr = this.map.get(v)!;
      const rows = this.rows.get(v);
      if (rows) rows.scale(ptr, factor);
      else this.engine.kernels.f32_scale(v.size, ptr, factor);
      this.work.scaled += rows ? rows.count * rows.dim : v.size;
    }
  }

  /** A live view of the whole block; do not keep it across allocations. */
  view(): Float32Array {
    return this.engine.f32(this.block, this.floats);
  }

  /** Zeroes the block: the dense slices, and the recorded rows of the row-sparse ones. */
  zero(): void {
    for (const [start, floats] of this.runs) this.engine.zero(this.block + start * 4, floats);
    for (const { variable, rows } of this.sparse) {
      this.work.zeroed += rows.count * rows.dim;
      rows.clear(this.map.get(variable)!);
    }
    this.work.zeroed += this.denseFloats();
  }

  /**
   * Copies the block into `slot` (a chunk's, this layout): the dense slices where they are, each
   * row-sparse variable's recorded rows packed at the start of its slice. Returns the rows' lists,
   * one per row-sparse variable, which sumOf takes with the slot.
   */
  packInto(slot: Float32Array): Int32Array[] {
    const view = this.view();
    for (const [start, floats] of this.runs) slot.set(view.subarray(start, start + floats), start);
    this.work.packed += this.denseFloats();
    return this.sparse.map(({ variable, start, rows }) => {
      const n = rows.count * rows.dim;
      if (n > 0) {
        const packed = this.engine.allocF32(n);
        try {
          this.engine.kernels.f32_embedding_gather(rows.count, rows.list, 0, this.map.get(variable)!, rows.dim, packed, 0);
          slot.set(this.engine.f32(packed, n), start);
        } finally {
          this.engine.release(packed);
        }
      }
      this.work.packed += n;
      return rows.read();
    });
  }

  /**
   * Sets the block to the sum of `slots` (blocks of this layout, from the workers' chunks, written by
   * packInto), added in order: each slot is copied into engine memory and added with the SIMD
   * kernels. `rows[s]` are slot s's row lists (packInto's; may be omitted without row-sparse
   * variables). The float32 sums are those of adding the dense slots in JS (doubles rounded to
   * float32 give the correctly rounded sum): a row absent from a slot is zero there, and adding zero
   * changes no sum.
   */
  sumOf(slots: readonly Float32Array[], rows: readonly (readonly Int32Array[])[] = []): void {
    if (this.sparse.length > 0 && (rows.length !== slots.length || rows.some((r) => r.length !== this.sparse.length))) {
      throw new Error(`GradientBuffers.sumOf: ${slots.length} slots need ${slots.length} row lists of ${this.sparse.length} each, got ${rows.map((r) => r.length).join(', ') || 'none'}`);
    }
    const view = this.view();
    for (const [start, floats] of this.runs) view.set(slots[0].subarray(start, start + floats), start);
    for (const { variable, rows: record } of this.sparse) record.clear(this.map.get(variable)!);
    const largest = Math.max(1, ...this.runs.map((r) => r[1]), ...rows.flatMap((lists) => lists.map((l, k) => l.length * this.sparse[k].rows.dim)));
    const longestList = Math.max(1, ...rows.flatMap((lists) => lists.map((l) => l.length)));
    const addend = this.engine.allocF32(largest);
    const ids = this.engine.allocF32(longestList);
    try {
      slots.forEach((slot, s) => {
        if (s > 0) {
          for (const [start, floats] of this.runs) {
            this.engine.f32(addend, floats).set(slot.subarray(start, start + floats));
            addInPlace(this.engine, floats, this.block + start * 4, addend);
          }
        }
        this.work.summed += this.denseFloats();
        this.sparse.forEach(({ variable, start, rows: record }, k) => {
          const list = rows[s][k];
          const n = list.length;
          if (n === 0) return;
          if (n > record.rows) throw new Error(`GradientBuffers.sumOf: slot ${s} lists ${n} rows of ${variable.name}, which has ${record.rows}`);
          this.engine.f32(addend, n * record.dim).set(slot.subarray(start, start + n * record.dim));
          this.engine.write(ids, list, 'int32');
          // the rows are distinct within a slot: each recorded row gets 0 + its first addend, then the others in slot order
          this.engine.kernels.f32_embedding_scatter_add(n, ids, 0, addend, record.dim, this.map.get(variable)!);
          record.mark(n, ids, false);
          this.work.summed += n * record.dim;
        });
      });
    } finally {
      this.engine.release(ids);
      this.engine.release(addend);
    }
  }

  /** Whether every value is finite (of a row-sparse slice, of its recorded rows: the others are 0). */
  allFinite(): boolean {
    this.work.checked += this.denseFloats() + this.sparse.reduce((n, { rows }) => n + rows.count * rows.dim, 0);
    return this.runs.every(([start, floats]) => allFinite(this.engine, floats, this.block + start * 4))
      && this.sparse.every(({ variable, rows }) => rows.allFinite(this.map.get(variable)!));
  }

  /** The slice of `v`, copied out. */
  read(v: LayerVariable): Float32Array {
    return this.engine.read(this.map.get(v)!, v.size);
  }

  dispose(): void {
    for (const rows of this.rows.values()) rows.dispose();
    this.engine.release(this.block);
  }

  private denseFloats(): number {
    return this.runs.reduce((n, r) => n + r[1], 0);
  }
}
