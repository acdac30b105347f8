/** Runs batches on this thread's engine: forward, loss, backward and the optimizer step, in wasm. */
import type { Engine } from '../backend/engine.js';
import { Scratch, type DeviceTensor } from '../ops/device-tensor.js';
import type { LayerVariable } from '../layers/variable.js';
import type { Batch, BatchTotals, Executor } from './executor.js';
import type { Loss } from './losses.js';
import type { Optimizer } from './optimizers.js';
import type { TrainableGraph } from './trainable.js';

/** Gradient accumulators of all trainable variables, one contiguous block (16-byte aligned slices). */
export class GradientBuffers {
  readonly map = new Map<LayerVariable, number>();
  private readonly block: number;
  private readonly floats: number;

  /** Floats a block for these variables holds (the layout both sides of the pool agree on). */
  static lengthFor(variables: readonly LayerVariable[]): number {
    return Math.max(variables.reduce((n, v) => n + Math.ceil(v.size / 4) * 4, 0), 1);
  }

  constructor(private readonly engine: Engine, variables: readonly LayerVariable[]) {
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

  /** A live view of the whole block; do not keep it across allocations. */
  view(): Float32Array {
    return this.engine.f32(this.block, this.floats);
  }

  zero(): void {
    this.view().fill(0);
  }

  /**
   * Sets the block to the sum of `slots` (blocks of this layout, from the workers' chunks), added in
   * order: each slot is copied into engine memory and added with the SIMD kernel. The float32 sums
   * are those of adding in JS (doubles rounded to float32 give the correctly rounded sum), at a
   * fraction of the time: for GRU(256)'s 13 slots of 263 K floats, 21 ms of a 610 ms step in JS.
   */
  sumOf(slots: readonly Float32Array[]): void {
    this.view().set(slots[0].subarray(0, this.floats));
    if (slots.length === 1) return;
    const addend = this.engine.allocF32(this.floats);
    try {
      for (let i = 1; i < slots.length; i++) {
        this.engine.f32(addend, this.floats).set(slots[i].subarray(0, this.floats));
        this.engine.kernels.f32_add_inplace(this.floats, this.block, addend);
      }
    } finally {
      this.engine.release(addend);
    }
  }

  /** Whether every gradient is finite. */
  allFinite(): boolean {
    return this.engine.kernels.f32_all_finite(this.floats, this.block) === 1;
  }

  /** The gradient of `v`, copied out. */
  read(v: LayerVariable): Float32Array {
    return this.engine.read(this.map.get(v)!, v.size);
  }

  dispose(): void {
    this.engine.release(this.block);
  }
}

/**
 * One optimizer step, unless the loss or a gradient is NaN or infinite: then the weights stay those
 * of the last finite step (the non-finite loss is still reported, so terminateOnNaN can stop).
 * Keras-divergence: Keras applies the update and leaves NaN weights behind.
 */
export function applyIfFinite(engine: Engine, optimizer: Optimizer, variables: readonly LayerVariable[], grads: GradientBuffers, totals: BatchTotals): boolean {
  if (!Number.isFinite(totals.sum) || !grads.allFinite()) return false;
  optimizer.applyGradients(engine, variables, grads.map);
  return true;
}

/**
 * Activations an inference pass may take: about half a core's L2 cache on current CPUs. On the 2-core
 * Xeon (2 MB L2 per core), predicting the seed's 1000 samples on one thread in passes of this size
 * (84 rows of ≈ 12 KB) rather than in one was 1.05–1.09× as fast for model1 and model2 (medians of
 * 100 alternated calls per run, outputs bit-identical); model3, whose GRU keeps no sequence, 1.00×.
 */
const INFERENCE_PASS_BYTES = 2 ** 20;
/** The fewest rows of an inference pass, so that large models keep their GEMMs' rows. */
const INFERENCE_PASS_MIN_ROWS = 64;

/** Rows of one inference pass over a batch of `rows` samples of `sampleFloats` activations each. */
export function inferenceRows(sampleFloats: number | null, rows: number): number {
  if (sampleFloats == null) return rows;
  const fit = Math.floor(INFERENCE_PASS_BYTES / (4 * sampleFloats)) & ~3;
  return Math.max(1, Math.min(rows, Math.max(INFERENCE_PASS_MIN_ROWS, fit)));
}

/** Rows whose argmax of `pred` equals that of the target at `target`. */
function matches(engine: Engine, pred: DeviceTensor, target: number): number {
  const n = pred.shape[pred.shape.length - 1];
  return engine.kernels.f32_argmax_matches(pred.size / n, n, pred.ptr, target);
}

export class InProcessExecutor implements Executor {
  private grads: GradientBuffers | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly graph: TrainableGraph,
    private readonly loss: Loss | null,
    private readonly optimizer: Optimizer | null,
    /** Whether to count the rows predicted right (only when accuracy is a compiled metric). */
    public countCorrect = true,
  ) {}

  /** Gradient buffers for the trainable variables (allocated on first use). */
  gradients(): GradientBuffers {
    this.grads ??= new GradientBuffers(this.engine, this.graph.trainableVariables);
    return this.grads;
  }

  /**
   * Zeroes the gradients, then accumulates scale·dΣloss/dw over the batch; returns Σloss and the
   * number of loss values. `scale` is 1/(loss values in the whole step), so shards of one step add up.
   */
  computeGradients(batch: Batch, scale?: number): BatchTotals {
    const loss = this.requireLoss();
    const grads = this.gradients();
    const scratch = new Scratch(this.engine);
    try {
      const x = scratch.from(batch.x, batch.xShape);
      const y = scratch.from(batch.y, batch.yShape);
      const pass = this.graph.forward(x, { engine: this.engine, scratch, training: true });
      const count = loss.count(batch.yShape);
      const fused = loss.fusesWithSoftmax && this.graph.outputIsSoftmax;
      const dy = scratch.alloc(pass.y.shape);
      const correct = this.countCorrect ? matches(this.engine, pass.y, y.ptr) : 0;
      const sum = loss.compute(this.engine, pass.y, y, dy, scale ?? 1 / count, fused);
      grads.zero();
      pass.backward(dy, grads.map, fused);
      return { sum, count, correct };
    } finally {
      scratch.release();
    }
  }

  async trainBatch(batch: Batch): Promise<BatchTotals> {
    const totals = this.computeGradients(batch);
    applyIfFinite(this.engine, this.optimizer!, this.graph.trainableVariables, this.gradients(), totals);
    return totals;
  }

  async evaluateBatch(batch: Batch): Promise<BatchTotals> {
    const loss = this.requireLoss();
    const scratch = new Scratch(this.engine);
    try {
      const pass = this.graph.forward(scratch.from(batch.x, batch.xShape), { engine: this.engine, scratch, training: false });
      const y = scratch.from(batch.y, batch.yShape);
      const count = loss.count(batch.yShape);
      const correct = this.countCorrect ? matches(this.engine, pass.y, y.ptr) : 0;
      const sum = loss.compute(this.engine, pass.y, y, scratch.alloc(pass.y.shape), 1 / count, false);
      return { sum, count, correct };
    } finally {
      scratch.release();
    }
  }

  /**
   * The model's output for x; written into `into` when given (a worker's shared output slot). Runs
   * in passes of inferenceRows(): samples are independent at inference, and a pass whose
   * activations stay in cache is faster than one over the whole batch (the results are the same).
   */
  async predictBatch(x: Float32Array, xShape: number[], into?: Float32Array): Promise<{ y: Float32Array; yShape: number[] }> {
    const rows = xShape[0];
    const step = inferenceRows(this.graph.sampleFloats, rows);
    const inRow = x.length / rows;
    let y = into ?? null;
    let yShape: number[] = [];
    for (let start = 0; start < rows; start += step) {
      const end = Math.min(start + step, rows);
      const scratch = new Scratch(this.engine);
      try {
        const pass = this.graph.forward(scratch.from(x.subarray(start * inRow, end * inRow), [end - start, ...xShape.slice(1)]), { engine: this.engine, scratch, training: false });
        const outRow = pass.y.size / (end - start);
        if (start === 0) {
          yShape = [rows, ...pass.y.shape.slice(1)];
          if (y && y.length !== rows * outRow) throw new Error(`predict: an output slot of ${y.length} floats for ${rows * outRow} outputs`);
          y ??= new Float32Array(rows * outRow);
        }
        y!.set(this.engine.f32(pass.y.ptr, pass.y.size), start * outRow);
      } finally {
        scratch.release();
      }
    }
    return { y: y!, yShape };
  }

  dispose(): void {
    this.grads?.dispose();
    this.grads = null;
  }

  private requireLoss(): Loss {
    if (!this.loss) throw new Error('InProcessExecutor: no loss (the model is not compiled)');
    return this.loss;
  }
}
