/**
 * Data-parallel batches: each batch is split into contiguous shards, one per worker; workers return
 * their shard's loss sum and gradient sums (scaled by the whole batch's normaliser), which are reduced
 * here in shard order — deterministic — before the optimizer runs once on this thread's weights, and
 * the new weights are published for the next step. If any shard fails, no update is applied.
 */
import type { Engine } from '../backend/engine.js';
import type { LayerVariable } from '../layers/variable.js';
import type { Batch, BatchTotals, Executor } from '../training/executor.js';
import { GradientBuffers, applyIfFinite } from '../training/in-process.js';
import type { Loss } from '../training/losses.js';
import type { Optimizer } from '../training/optimizers.js';
import type { TrainableGraph } from '../training/trainable.js';
import type { WorkerPool } from './pool.js';
import type { TaskKind, WorkerResult, WorkerTask } from './protocol.js';
import { shardRanges } from './shards.js';

/** What the pool needs to know of a model. */
export interface PoolModel {
  id: number;
  /** JSON of the Keras model config. */
  config: string;
  /** Every weight, Keras order. */
  weights: readonly LayerVariable[];
  graph: TrainableGraph;
}

let versions = 0;

function sharedFloats(length: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

export class PoolExecutor implements Executor {
  private readonly weights: Float32Array;
  private weightsVersion = 0;
  private readonly config: Uint8Array;
  private readonly configVersion = ++versions;
  private readonly grads: GradientBuffers | null;
  /** One gradient slot per shard, shared with the workers (null without shared memory). */
  private readonly shardGrads: Float32Array[] | null;
  /** With shared memory: the batch's x and y, which the shards view instead of being copied. */
  private sharedX: Float32Array | null = null;
  private sharedY: Float32Array | null = null;

  /**
   * `workers` (at most the pool's size) is how many shards a batch is split into; the pool may be
   * larger when an earlier operation asked for more.
   */
  constructor(
    private readonly engine: Engine,
    private readonly pool: WorkerPool,
    private readonly workers: number,
    private readonly model: PoolModel,
    private readonly loss: Loss | null,
    private readonly optimizer: Optimizer | null,
    private readonly countCorrect = true,
  ) {
    this.weights = sharedFloats(model.weights.reduce((n, v) => n + v.size, 0), pool.sharedMemory);
    const bytes = new TextEncoder().encode(model.config);
    this.config = pool.sharedMemory ? new Uint8Array(new SharedArrayBuffer(bytes.length)) : bytes;
    if (this.config !== bytes) this.config.set(bytes);
    this.publish();
    this.grads = optimizer ? new GradientBuffers(engine, model.graph.trainableVariables) : null;
    const length = GradientBuffers.lengthFor(model.graph.trainableVariables);
    this.shardGrads = optimizer && pool.sharedMemory ? Array.from({ length: workers }, () => sharedFloats(length, true)) : null;
  }

  /** Copies the current weights where the workers read them. */
  private publish(): void {
    let offset = 0;
    for (const v of this.model.weights) {
      this.weights.set(v.read(), offset);
      offset += v.size;
    }
    this.weightsVersion = ++versions;
  }

  /** A shared buffer holding `data` (grown when needed), or null without shared memory. */
  private shared(which: 'sharedX' | 'sharedY', data: Float32Array): Float32Array | null {
    if (!this.pool.sharedMemory) return null;
    let buffer = this[which];
    if (!buffer || buffer.length < data.length) buffer = this[which] = sharedFloats(data.length, true);
    buffer.set(data);
    return buffer;
  }

  private tasks(kind: TaskKind, batch: Batch, withTargets: boolean, scale = 0): WorkerTask[] {
    const rows = batch.xShape[0];
    const xRow = batch.x.length / rows;
    const yRow = withTargets ? batch.y.length / rows : 0;
    // shards view the shared copy of the batch (no per-step buffers to transfer), or get copies
    const xs = this.shared('sharedX', batch.x);
    const ys = withTargets ? this.shared('sharedY', batch.y) : null;
    const part = (all: Float32Array, view: Float32Array | null, start: number, end: number) => (view ? view.subarray(start, end) : all.slice(start, end));
    return shardRanges(rows, this.workers).map(([start, end], shard) => ({
      kind,
      modelId: this.model.id,
      config: this.config,
      configVersion: this.configVersion,
      loss: this.loss?.name ?? null,
      weights: this.weights,
      weightsVersion: this.weightsVersion,
      x: part(batch.x, xs, start * xRow, end * xRow),
      xShape: [end - start, ...batch.xShape.slice(1)],
      y: withTargets ? part(batch.y, ys, start * yRow, end * yRow) : null,
      yShape: withTargets ? [end - start, ...batch.yShape.slice(1)] : null,
      scale,
      gradients: kind === 'train' ? (this.shardGrads?.[shard] ?? null) : null,
      countCorrect: this.countCorrect,
      shard,
    }));
  }

  async trainBatch(batch: Batch): Promise<BatchTotals> {
    const scale = 1 / this.loss!.count(batch.yShape);
    const tasks = this.tasks('train', batch, true, scale);
    const results = await this.pool.runAll(tasks);
    // reduce in shard order into this thread's gradient buffers, then one optimizer step
    const total = this.grads!.view();
    results.forEach((r, i) => {
      const g = r.gradients ?? tasks[i].gradients!;
      if (i === 0) total.set(g.subarray(0, total.length));
      else for (let k = 0; k < total.length; k++) total[k] += g[k];
    });
    const t = totals(results);
    if (applyIfFinite(this.engine, this.optimizer!, this.model.graph.trainableVariables, this.grads!, t)) this.publish();
    return t;
  }

  async evaluateBatch(batch: Batch): Promise<BatchTotals> {
    return totals(await this.pool.runAll(this.tasks('evaluate', batch, true)));
  }

  async predictBatch(x: Float32Array, xShape: number[]): Promise<{ y: Float32Array; yShape: number[] }> {
    const results = await this.pool.runAll(this.tasks('predict', { x, xShape, y: x, yShape: xShape }, false));
    const y = new Float32Array(results.reduce((n, r) => n + r.y!.length, 0));
    let offset = 0;
    for (const r of results) {
      y.set(r.y!, offset);
      offset += r.y!.length;
    }
    return { y, yShape: [xShape[0], ...results[0].yShape!.slice(1)] };
  }

  dispose(): void {
    this.grads?.dispose();
  }
}

function totals(results: WorkerResult[]): BatchTotals {
  const sum = (key: 'sum' | 'count' | 'correct') => results.reduce((s, r) => s + (r[key] ?? 0), 0);
  return { sum: sum('sum'), count: sum('count'), correct: sum('correct') };
}
