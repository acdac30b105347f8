/**
 * Data-parallel batches: each batch is split into contiguous shards, one per worker; workers return
 * their shard's loss sum and gradient sums (scaled by the whole batch's normaliser), which are reduced
 * here in shard order — deterministic — before the optimizer runs once on this thread's weights, and
 * the new weights are published for the next step. If any shard fails, no update is applied.
 * This thread may compute the first shard itself while the workers run the others (`local`).
 * predict with shared memory is not split up front: this thread and the workers claim chunks of rows
 * as they go (row-claims.ts).
 */
import type { Engine } from '../backend/engine.js';
import type { LayerVariable } from '../layers/variable.js';
import type { Batch, BatchTotals, Executor } from '../training/executor.js';
import { GradientBuffers, InProcessExecutor, applyIfFinite } from '../training/in-process.js';
import type { Loss } from '../training/losses.js';
import type { Optimizer } from '../training/optimizers.js';
import type { TrainableGraph } from '../training/trainable.js';
import type { WorkerPool } from './pool.js';
import type { TaskKind, WorkerResult, WorkerTask } from './protocol.js';
import { shardRanges } from './shards.js';
import { type ClaimPolicy, claimRows } from './row-claims.js';

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

/** How a PoolExecutor splits and runs a model's batches. */
export interface PoolExecutorOptions {
  /** Workers a batch is split over (at most the pool's size, which may be larger). */
  workers: number;
  loss: Loss | null;
  /** The optimizer for training; null for predict and evaluate. */
  optimizer: Optimizer | null;
  /** Whether to count the rows predicted right (accuracy is a compiled metric). */
  countCorrect?: boolean;
  /**
   * This thread's executor (without an optimizer), which computes the first shard of each batch while
   * the workers compute the rest; in training its gradients are where the shards' sum is formed.
   */
  local?: InProcessExecutor | null;
  /**
   * predict with shared memory: the smallest chunk of rows a thread claims (see row-claims.ts;
   * `minChunkRows` of the model's FLOPs per sample). Default 4.
   */
  minChunkRows?: number;
}

type Range = [number, number];

export class PoolExecutor implements Executor {
  private weightsVersion = 0;
  private readonly workers: number;
  private readonly loss: Loss | null;
  private readonly optimizer: Optimizer | null;
  private readonly countCorrect: boolean;
  private readonly local: InProcessExecutor | null;
  private readonly minChunkRows: number;
  private readonly channel: ModelChannel;
  private readonly grads: GradientBuffers | null;
  /** One gradient slot per shard, shared with the workers (null without shared memory). */
  private readonly shardGrads: Float32Array[] | null;

  constructor(
    private readonly engine: Engine,
    private readonly pool: WorkerPool,
    private readonly model: PoolModel,
    options: PoolExecutorOptions,
  ) {
    const { workers, optimizer } = options;
    this.workers = workers;
    this.loss = options.loss;
    this.optimizer = optimizer;
    this.countCorrect = options.countCorrect ?? true;
    this.local = options.local ?? null;
    this.minChunkRows = options.minChunkRows ?? 4;
    this.channel = channelFor(model, pool.sharedMemory);
    this.publish();
    this.grads = optimizer && !this.local ? new GradientBuffers(engine, model.graph.trainableVariables) : null;
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

  /** The batch's row ranges: this thread's shard (when it computes one), then one per worker. */
  private split(rows: number): { local: Range | null; remote: Range[] } {
    const ranges = shardRanges(rows, this.workers + (this.local ? 1 : 0));
    return this.local ? { local: ranges[0], remote: ranges.slice(1) } : { local: null, remote: ranges };
  }

  /** Tasks for the workers' row ranges (contiguous, to the end of the batch). */
  private tasks(kind: TaskKind, ranges: Range[], batch: Batch, withTargets: boolean, scale = 0): WorkerTask[] {
    if (ranges.length === 0) return [];
    const rows = batch.xShape[0];
    const first = ranges[0][0];
    const xRow = batch.x.length / rows;
    const yRow = withTargets ? batch.y.length / rows : 0;
    // shards view the shared copy of their rows (no per-step buffers to transfer), or get copies
    const xs = this.shared('x', batch.x.subarray(first * xRow));
    const ys = withTargets ? this.shared('y', batch.y.subarray(first * yRow)) : null;
    const rowsFrom = (all: Float32Array, view: Float32Array | null, row: number, start: number, end: number) =>
      (view ? view.subarray((start - first) * row, (end - first) * row) : all.slice(start * row, end * row));
    return ranges.map(([start, end], shard) => ({
      kind,
      modelId: this.model.id,
      config: this.channel.configBytes,
      configVersion: this.channel.configVersion,
      loss: this.loss?.name ?? null,
      weights: this.channel.weights,
      weightsVersion: this.weightsVersion,
      x: rowsFrom(batch.x, xs, xRow, start, end),
      xShape: [end - start, ...batch.xShape.slice(1)],
      y: withTargets ? rowsFrom(batch.y, ys, yRow, start, end) : null,
      yShape: withTargets ? [end - start, ...batch.yShape.slice(1)] : null,
      scale,
      gradients: kind === 'train' ? (this.shardGrads?.[shard] ?? null) : null,
      output: null,
      claims: null,
      countCorrect: this.countCorrect,
      shard,
    }));
  }

  /**
   * Runs this thread's shard while the workers' tasks (already posted) run theirs. If it fails, the
   * workers are waited for before the error is rethrown, so none is left working on this call's buffers.
   */
  private async alongside<T>(pending: Promise<WorkerResult[]>, work: () => Promise<T>): Promise<T> {
    pending.catch(() => undefined); // awaited by the caller; this only marks it handled meanwhile
    try {
      return await work();
    } catch (e) {
      await pending.catch(() => undefined);
      throw e;
    }
  }

  async trainBatch(batch: Batch): Promise<BatchTotals> {
    const scale = 1 / this.loss!.count(batch.yShape);
    const { local, remote } = this.split(batch.xShape[0]);
    const tasks = this.tasks('train', remote, batch, true, scale);
    const pending = this.pool.runAll(tasks);
    // this thread's shard leaves its gradients in its executor's buffers: the reduction starts there
    const mine = local ? await this.alongside(pending, async () => this.local!.computeGradients(rowsOf(batch, local), scale)) : null;
    const results = await pending;
    // reduce in shard order into this thread's gradient buffers, then one optimizer step
    const grads = mine ? this.local!.gradients() : this.grads!;
    const total = grads.view();
    results.forEach((r, i) => {
      const g = r.gradients ?? tasks[i].gradients!;
      if (i === 0 && !mine) total.set(g.subarray(0, total.length));
      else for (let k = 0; k < total.length; k++) total[k] += g[k];
    });
    const t = totals(mine ? [mine, ...results] : results);
    if (applyIfFinite(this.engine, this.optimizer!, this.model.graph.trainableVariables, grads, t)) this.publish();
    return t;
  }

  async evaluateBatch(batch: Batch): Promise<BatchTotals> {
    const { local, remote } = this.split(batch.xShape[0]);
    const pending = this.pool.runAll(this.tasks('evaluate', remote, batch, true));
    const mine = local ? await this.alongside(pending, () => this.local!.evaluateBatch(rowsOf(batch, local))) : null;
    const results = await pending;
    return totals(mine ? [mine, ...results] : results);
  }

  async predictBatch(x: Float32Array, xShape: number[]): Promise<{ y: Float32Array; yShape: number[] }> {
    const rows = xShape[0];
    const outRow = this.sharedOutputRow();
    if (outRow) return this.predictClaimed(x, xShape, outRow);
    // without shared memory or a known output size, fixed shards whose outputs come back as copies
    const { local, remote } = this.split(rows);
    const pending = this.pool.runAll(this.tasks('predict', remote, { x, xShape, y: x, yShape: xShape }, false));
    const part = local ? rowsOf({ x, xShape, y: x, yShape: xShape }, local) : null;
    const mine = part ? await this.alongside(pending, () => this.local!.predictBatch(part.x, part.xShape)) : null;
    const results = await pending;
    const yShape = [rows, ...(mine ?? results[0]).yShape!.slice(1)];
    const parts = [...(mine ? [mine.y] : []), ...results.map((r) => r.y!)];
    const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      all.set(p, offset);
      offset += p.length;
    }
    return { y: all, yShape };
  }

  /**
   * predict with shared memory and a known output size: the batch is not split up front; this thread
   * and the workers claim chunks of rows as they go (row-claims.ts), so a slower core does less of
   * it. This thread claims the first chunk before the workers are asked (they never read its rows of
   * x) and writes its chunks straight into the result; the workers' chunks are copied from the
   * shared output buffer they wrote.
   */
  private async predictClaimed(x: Float32Array, xShape: number[], outRow: number): Promise<{ y: Float32Array; yShape: number[] }> {
    const rows = xShape[0];
    const xRow = x.length / rows;
    const policy: ClaimPolicy = { rows, shares: this.workers + (this.local ? 1 : 0), minRows: this.minChunkRows };
    // a counter per call: no worker of an earlier call can be left claiming from it
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const first = this.local ? claimRows(counter, policy) : null;
    const from = first ? first[1] : 0;
    const xs = sharedBuffer(this.channel, 'x', rows * xRow).subarray(0, rows * xRow);
    xs.set(x.subarray(from * xRow), from * xRow);
    const out = sharedBuffer(this.channel, 'out', rows * outRow).subarray(0, rows * outRow);
    const tasks: WorkerTask[] = Array.from({ length: this.workers }, (_, shard) => ({
      kind: 'predict', modelId: this.model.id, config: this.channel.configBytes, configVersion: this.channel.configVersion,
      loss: null, weights: this.channel.weights, weightsVersion: this.weightsVersion,
      x: xs, xShape, y: null, yShape: null, scale: 0, gradients: null, output: out,
      claims: { counter, policy }, countCorrect: this.countCorrect, shard,
    }));
    const pending = this.pool.runAll(tasks);
    const y = new Float32Array(rows * outRow);
    const local = this.local;
    const mine = local
      ? await this.alongside(pending, async () => {
        let shape: number[] | undefined;
        for (let claim = first; claim; claim = claimRows(counter, policy)) {
          const [start, end] = claim;
          const part = x.subarray(start * xRow, end * xRow);
          ({ yShape: shape } = await local.predictBatch(part, [end - start, ...xShape.slice(1)], y.subarray(start * outRow, end * outRow)));
        }
        return shape;
      })
      : undefined;
    const results = await pending;
    for (const { ranges = [] } of results) {
      for (let i = 0; i < ranges.length; i += 2) y.set(out.subarray(ranges[i] * outRow, ranges[i + 1] * outRow), ranges[i] * outRow);
    }
    const sample = mine ?? results.find((r) => r.yShape)!.yShape!;
    return { y, yShape: [rows, ...sample.slice(1)] };
  }

  dispose(): void {
    this.grads?.dispose();
    this.local?.dispose();
  }
}

/** The rows [start, end) of a batch, as views. */
function rowsOf(batch: Batch, [start, end]: Range): Batch {
  const view = (data: Float32Array) => {
    const row = data.length / batch.xShape[0];
    return data.subarray(start * row, end * row);
  };
  return { x: view(batch.x), xShape: [end - start, ...batch.xShape.slice(1)], y: view(batch.y), yShape: [end - start, ...batch.yShape.slice(1)] };
}

function totals(results: Partial<BatchTotals>[]): BatchTotals {
  const sum = (key: keyof BatchTotals) => results.reduce((s, r) => s + (r[key] ?? 0), 0);
  return { sum: sum('sum'), count: sum('count'), correct: sum('correct') };
}
