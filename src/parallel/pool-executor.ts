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

/**
 * What a model's pool operations keep from one call to the next (operations on one model never
 * overlap): its config's bytes and version — unchanged, so workers keep their replica without
 * decoding the config again — and, with shared memory, the buffers a batch's x, y and predicted
 * outputs travel in, grown when needed instead of allocated per call.
 */
interface ModelChannel {
  config: string;
  configBytes: Uint8Array;
  configVersion: number;
  shared: boolean;
  /** Every weight, Keras order, where the workers read them. */
  weights: Float32Array;
  /** One gradient slot per shard (shared memory and training only; grown with the shard count). */
  shardGrads: Float32Array[];
  x: Float32Array | null;
  y: Float32Array | null;
  out: Float32Array | null;
}

const channels = new Map<number, ModelChannel>();

function channelFor(model: PoolModel, shared: boolean): ModelChannel {
  const weightCount = model.weights.reduce((n, v) => n + v.size, 0);
  const kept = channels.get(model.id);
  if (kept && kept.config === model.config && kept.shared === shared && kept.weights.length === weightCount) return kept;
  const bytes = new TextEncoder().encode(model.config);
  const configBytes = shared ? new Uint8Array(new SharedArrayBuffer(bytes.length)) : bytes;
  if (configBytes !== bytes) configBytes.set(bytes);
  const channel: ModelChannel = {
    config: model.config, configBytes, configVersion: ++versions, shared,
    weights: sharedFloats(weightCount, shared), shardGrads: [], x: null, y: null, out: null,
  };
  channels.set(model.id, channel);
  return channel;
}

/** Drops what a disposed model kept for its pool operations. */
export function forgetPoolModel(modelId: number): void {
  channels.delete(modelId);
}

/** A shared buffer of at least `length` floats in `channel[which]`, grown when needed. */
function sharedBuffer(channel: ModelChannel, which: 'x' | 'y' | 'out', length: number): Float32Array {
  let buffer = channel[which];
  if (!buffer || buffer.length < length) buffer = channel[which] = sharedFloats(length, true);
  return buffer;
}

export class PoolExecutor implements Executor {
  private weightsVersion = 0;
  private readonly channel: ModelChannel;
  private readonly grads: GradientBuffers | null;
  /** One gradient slot per shard, shared with the workers (null without shared memory). */
  private readonly shardGrads: Float32Array[] | null;

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
    this.channel = channelFor(model, pool.sharedMemory);
    this.publish();
    this.grads = optimizer ? new GradientBuffers(engine, model.graph.trainableVariables) : null;
    const length = GradientBuffers.lengthFor(model.graph.trainableVariables);
    if (this.channel.shardGrads[0]?.length !== length) this.channel.shardGrads = [];
    const slots = this.channel.shardGrads;
    if (optimizer && pool.sharedMemory) while (slots.length < workers) slots.push(sharedFloats(length, true));
    this.shardGrads = optimizer && pool.sharedMemory ? slots.slice(0, workers) : null;
  }

  /** Copies the current weights where the workers read them. */
  private publish(): void {
    let offset = 0;
    for (const v of this.model.weights) {
      this.channel.weights.set(v.read(), offset);
      offset += v.size;
    }
    this.weightsVersion = ++versions;
  }

  /** A shared buffer holding `data`, or null without shared memory. */
  private shared(which: 'x' | 'y', data: Float32Array): Float32Array | null {
    if (!this.pool.sharedMemory) return null;
    const buffer = sharedBuffer(this.channel, which, data.length);
    buffer.set(data);
    return buffer;
  }

  /**
   * Floats of one sample's output when the model's output shape is fully known and shared memory
   * lets the workers write their shards' outputs in place (else 0: outputs come back as copies).
   */
  private sharedOutputRow(): number {
    const sample = this.model.graph.outputShape.slice(1);
    return this.pool.sharedMemory && sample.every((d) => d != null) ? (sample as number[]).reduce((a, b) => a * b, 1) : 0;
  }

  private tasks(kind: TaskKind, batch: Batch, withTargets: boolean, scale = 0, outRow = 0): WorkerTask[] {
    const rows = batch.xShape[0];
    const xRow = batch.x.length / rows;
    const yRow = withTargets ? batch.y.length / rows : 0;
    // shards view the shared copy of the batch (no per-step buffers to transfer), or get copies
    const xs = this.shared('x', batch.x);
    const ys = withTargets ? this.shared('y', batch.y) : null;
    const out = outRow ? sharedBuffer(this.channel, 'out', rows * outRow) : null;
    const part = (all: Float32Array, view: Float32Array | null, start: number, end: number) => (view ? view.subarray(start, end) : all.slice(start, end));
    return shardRanges(rows, this.workers).map(([start, end], shard) => ({
      kind,
      modelId: this.model.id,
      config: this.channel.configBytes,
      configVersion: this.channel.configVersion,
      loss: this.loss?.name ?? null,
      weights: this.channel.weights,
      weightsVersion: this.weightsVersion,
      x: part(batch.x, xs, start * xRow, end * xRow),
      xShape: [end - start, ...batch.xShape.slice(1)],
      y: withTargets ? part(batch.y, ys, start * yRow, end * yRow) : null,
      yShape: withTargets ? [end - start, ...batch.yShape.slice(1)] : null,
      scale,
      gradients: kind === 'train' ? (this.shardGrads?.[shard] ?? null) : null,
      output: out ? out.subarray(start * outRow, end * outRow) : null,
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
    const outRow = this.sharedOutputRow();
    const results = await this.pool.runAll(this.tasks('predict', { x, xShape, y: x, yShape: xShape }, false, 0, outRow));
    const yShape = [xShape[0], ...results[0].yShape!.slice(1)];
    // the shards wrote into the shared outputs: one copy out (the buffer serves the next call)
    if (outRow) return { y: this.channel.out!.slice(0, xShape[0] * outRow), yShape };
    const y = new Float32Array(results.reduce((n, r) => n + r.y!.length, 0));
    let offset = 0;
    for (const r of results) {
      y.set(r.y!, offset);
      offset += r.y!.length;
    }
    return { y, yShape };
  }

  dispose(): void {
    this.grads?.dispose();
  }
}

function totals(results: WorkerResult[]): BatchTotals {
  const sum = (key: 'sum' | 'count' | 'correct') => results.reduce((s, r) => s + (r[key] ?? 0), 0);
  return { sum: sum('sum'), count: sum('count'), correct: sum('correct') };
}
