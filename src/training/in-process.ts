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

  /** The model's output for x; written into `into` when given (a worker's shared output slot). */
  async predictBatch(x: Float32Array, xShape: number[], into?: Float32Array): Promise<{ y: Float32Array; yShape: number[] }> {
    const scratch = new Scratch(this.engine);
    try {
      const pass = this.graph.forward(scratch.from(x, xShape), { engine: this.engine, scratch, training: false });
      if (into && into.length !== pass.y.size) throw new Error(`predict: an output slot of ${into.length} floats for ${pass.y.size} outputs`);
      if (into) into.set(this.engine.f32(pass.y.ptr, pass.y.size));
      return { y: into ?? this.engine.read(pass.y.ptr, pass.y.size), yShape: [...pass.y.shape] };
    } finally {
      scratch.release();
    }
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
