/**
 * Data-parallel batches. With shared memory a batch is cut into a grid of chunks (row-claims.ts) that
 * the workers — and this thread, when it takes a share (`local`) — claim as they go, so a slower core
 * does less of it; without, it is split into contiguous shards, one per thread, sent as copies.
 * Chunks and shards return their loss sums and gradient sums (scaled by the whole batch's
 * normaliser), which are reduced here in grid or shard order — deterministic — before the optimizer
 * runs once on this thread's weights, and the new weights are published for the next step. If any
 * chunk or shard fails, no update is applied.
 */
import type { Engine } from '../backend/engine.js';
import type { LayerVariable } from '../layers/variable.js';
import { type Batch, type BatchTotals, type Executor, batchRows } from '../training/executor.js';
import { GradientBuffers, InProcessExecutor, applyIfFinite } from '../training/in-process.js';
import type { Loss } from '../training/losses.js';
import type { Optimizer } from '../training/optimizers.js';
import type { TrainableGraph } from '../training/trainable.js';
import type { WorkerPool } from './pool.js';
import type { ChunkResult, TaskKind, WorkerResult, WorkerTask } from './protocol.js';
import { shardRanges } from './shards.js';
import { abandonChunks, chunkBounds, chunkPolicy, claimChunk, claimCounters, claimed, publishChunks } from './row-claims.js';

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

/**
 * Memory the per-chunk gradient slots of a training step may take (shared, kept by the model between
 * steps): GRU(256)'s 13 chunks of a 256-sample step on two threads take 14 MB, the seed model's 10
 * chunks 40 KB; a model with larger weights gets fewer, larger chunks.
 */
const GRADIENT_SLOTS_BYTES = 32 * 2 ** 20;

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
  /** One gradient slot per chunk (shared memory and training only; grown with the chunk count). */
  chunkGrads: Float32Array[];
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
    weights: sharedFloats(weightCount, shared), chunkGrads: [], x: null, y: null, out: null,
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
   * This thread's executor (without an optimizer), which computes chunks of each batch (or its first
   * shard) while the workers compute the rest; in training its gradients are where the sum is formed.
   */
  local?: InProcessExecutor | null;
  /** FLOPs of the model's forward pass per sample: sizes the smallest chunk (row-claims.ts). */
  flopsPerSample: number;
}

type Range = [number, number];

/** A batch's shared copies and its chunk grid, for tasks that claim chunks. */
interface ClaimedBatch {
  kind: TaskKind;
  batch: Batch;
  withTargets: boolean;
  bounds: number[];
  /** Task fields of the kind: the gradient scale and slots, the output buffer. */
  extra: Partial<Pick<WorkerTask, 'scale' | 'output' | 'chunkGradients'>>;
  /** Computes chunk `index` (rows `part`) on this thread. */
  runLocal: (index: number, part: Batch) => Promise<ChunkResult>;
}

export class PoolExecutor implements Executor {
  private weightsVersion = 0;
  private readonly workers: number;
  private readonly loss: Loss | null;
  private readonly optimizer: Optimizer | null;
  private readonly countCorrect: boolean;
  private readonly local: InProcessExecutor | null;
  private readonly flopsPerSample: number;
  private readonly channel: ModelChannel;
  private readonly grads: GradientBuffers | null;

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
    this.flopsPerSample = options.flopsPerSample;
    this.channel = channelFor(model, pool.sharedMemory);
    this.publish();
    this.grads = optimizer && !this.local ? new GradientBuffers(engine, model.graph.trainableVariables) : null;
  }

  /** Threads computing each batch: the workers, and this one when it takes a share. */
  private get shares(): number {
    return this.workers + (this.local ? 1 : 0);
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

  /** `count` shared gradient slots (GradientBuffers layout), kept by the model's channel. */
  private gradientSlots(count: number): Float32Array[] {
    const length = GradientBuffers.lengthFor(this.model.graph.trainableVariables);
    if (this.channel.chunkGrads[0]?.length !== length) this.channel.chunkGrads = [];
    const slots = this.channel.chunkGrads;
    while (slots.length < count) slots.push(sharedFloats(length, true));
    return slots.slice(0, count);
  }

  /**
   * Floats of one sample's output when the model's output shape is fully known and shared memory
   * lets the workers write their chunks' outputs in place (else 0: outputs come back as copies).
   */
  private sharedOutputRow(): number {
    const sample = this.model.graph.outputShape.slice(1);
    return this.pool.sharedMemory && sample.every((d) => d != null) ? (sample as number[]).reduce((a, b) => a * b, 1) : 0;
  }

  /** What every task of this executor carries, with the fields of one task. */
  private task(kind: TaskKind, fields: Pick<WorkerTask, 'x' | 'xShape' | 'y' | 'yShape' | 'shard'> & Partial<WorkerTask>): WorkerTask {
    return {
      kind, kernels: { module: this.engine.module, variant: this.engine.variant }, modelId: this.model.id, config: this.channel.configBytes, configVersion: this.channel.configVersion,
      loss: this.loss?.name ?? null, weights: this.channel.weights, weightsVersion: this.weightsVersion,
      scale: 0, output: null, claims: null, chunkGradients: null, countCorrect: this.countCorrect,
      ...fields,
    };
  }

  /**
   * Runs this thread's part while the workers' tasks (already posted) run theirs. If it fails, the
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

  /**
   * The chunk grid of a batch of `rows` (3× the forward FLOPs per sample in training, and no more
   * chunks than GRADIENT_SLOTS_BYTES of gradient slots hold).
   */
  private bounds(rows: number, training: boolean): number[] {
    if (!training) return chunkBounds(chunkPolicy(rows, this.shares, this.flopsPerSample));
    const slotBytes = 4 * GradientBuffers.lengthFor(this.model.graph.trainableVariables);
    return chunkBounds(chunkPolicy(rows, this.shares, 3 * this.flopsPerSample, Math.floor(GRADIENT_SLOTS_BYTES / slotBytes)));
  }

  /**
   * Runs a batch as claimed chunks (shared memory): this thread claims the first chunk before the
   * workers are asked — they never read its rows, which are not copied to the shared batch — posts
   * the tasks, then copies the other chunks' rows in claim order while the workers start (a worker
   * waits for each chunk it claims until its rows are in; measured on the 2-core VM, copying the
   * seed predict's rows before posting held the worker back by 0.4 ms of an 8 ms call), and then
   * claims on alongside them. Returns every chunk's result in grid order, and the workers' results.
   */
  private async runClaimed({ kind, batch, withTargets, bounds, extra, runLocal }: ClaimedBatch): Promise<{ chunks: ChunkResult[]; results: WorkerResult[] }> {
    const chunks = bounds.length - 1;
    // counters per call: no worker of an earlier call can be left claiming from them
    const counters = claimCounters();
    const first = this.local ? claimChunk(counters, chunks) : -1;
    const rows = batch.xShape[0];
    const x = sharedBuffer(this.channel, 'x', batch.x.length).subarray(0, batch.x.length);
    const y = withTargets ? sharedBuffer(this.channel, 'y', batch.y.length).subarray(0, batch.y.length) : null;
    const tasks = Array.from({ length: this.workers }, (_, shard) => this.task(kind, {
      x, xShape: batch.xShape, y, yShape: withTargets ? batch.yShape : null, claims: { counters, bounds }, ...extra, shard,
    }));
    const pending = this.pool.runAll(tasks);
    try {
      const xRow = batch.x.length / rows, yRow = batch.y.length / rows;
      for (let i = first + 1; i < chunks; i++) {
        const [start, end] = [bounds[i], bounds[i + 1]];
        x.set(batch.x.subarray(start * xRow, end * xRow), start * xRow);
        y?.set(batch.y.subarray(start * yRow, end * yRow), start * yRow);
        publishChunks(counters, i + 1);
      }
    } catch (e) {
      abandonChunks(counters);
      await pending.catch(() => undefined);
      throw e;
    }
    const local = this.local;
    const mine = local
      ? await this.alongside(pending, async () => {
        const done: ChunkResult[] = [];
        for (const i of claimed(counters, chunks, first)) done.push(await runLocal(i, batchRows(batch, bounds[i], bounds[i + 1])));
        return done;
      })
      : [];
    const results = await pending;
    return { chunks: [...mine, ...results.flatMap((r) => r.chunks ?? [])].sort((a, b) => a.index - b.index), results };
  }

  /** Without shared memory: the batch's row ranges, this thread's shard (when it takes one) first. */
  private split(rows: number): { local: Range | null; remote: Range[] } {
    const ranges = shardRanges(rows, this.shares);
    return this.local ? { local: ranges[0], remote: ranges.slice(1) } : { local: null, remote: ranges };
  }

  /** Without shared memory: tasks carrying copies of the workers' row ranges. */
  private shardTasks(kind: TaskKind, ranges: Range[], batch: Batch, withTargets: boolean, scale = 0): WorkerTask[] {
    return ranges.map((range, shard) => {
      const part = batchRows(batch, ...range);
      return this.task(kind, {
        x: part.x.slice(), xShape: part.xShape, y: withTargets ? part.y.slice() : null, yShape: withTargets ? part.yShape : null, scale, shard,
      });
    });
  }

  async trainBatch(batch: Batch): Promise<BatchTotals> {
    const scale = 1 / this.loss!.count(batch.yShape);
    const { chunks, slots } = this.pool.sharedMemory ? await this.trainClaimed(batch, scale) : await this.trainSharded(batch, scale);
    // reduce in grid (or shard) order into this thread's gradient buffers, then one optimizer step
    const grads = this.local ? this.local.gradients() : this.grads!;
    grads.sumOf(slots);
    const t = totals(chunks);
    if (applyIfFinite(this.engine, this.optimizer!, this.model.graph.trainableVariables, grads, t)) this.publish();
    return t;
  }

  /** Training on claimed chunks: each chunk's gradients land in its own shared slot. */
  private async trainClaimed(batch: Batch, scale: number): Promise<{ chunks: Partial<BatchTotals>[]; slots: Float32Array[] }> {
    const bounds = this.bounds(batch.xShape[0], true);
    const slots = this.gradientSlots(bounds.length - 1);
    const local = this.local;
    const { chunks } = await this.runClaimed({
      kind: 'train', batch, withTargets: true, bounds, extra: { scale, output: null, chunkGradients: slots },
      runLocal: async (index, part) => {
        const result = { index, ...local!.computeGradients(part, scale) };
        slots[index].set(local!.gradients().view());
        return result;
      },
    });
    return { chunks, slots };
  }

  /** Training on fixed shards whose gradients come back as copies (no shared memory). */
  private async trainSharded(batch: Batch, scale: number): Promise<{ chunks: Partial<BatchTotals>[]; slots: Float32Array[] }> {
    const { local, remote } = this.split(batch.xShape[0]);
    const pending = this.pool.runAll(this.shardTasks('train', remote, batch, true, scale));
    const mine = local
      ? await this.alongside(pending, async () => {
        const t = this.local!.computeGradients(batchRows(batch, ...local), scale);
        return { totals: t, gradients: this.local!.gradients().view().slice() };
      })
      : null;
    const results = await pending;
    return {
      chunks: mine ? [mine.totals, ...results] : results,
      slots: [...(mine ? [mine.gradients] : []), ...results.map((r) => r.gradients!)],
    };
  }

  async evaluateBatch(batch: Batch): Promise<BatchTotals> {
    if (this.pool.sharedMemory) {
      const local = this.local;
      const { chunks } = await this.runClaimed({
        kind: 'evaluate', batch, withTargets: true, bounds: this.bounds(batch.xShape[0], false), extra: {},
        runLocal: async (index, part) => ({ index, ...(await local!.evaluateBatch(part)) }),
      });
      return totals(chunks);
    }
    const { local, remote } = this.split(batch.xShape[0]);
    const pending = this.pool.runAll(this.shardTasks('evaluate', remote, batch, true));
    const mine = local ? await this.alongside(pending, () => this.local!.evaluateBatch(batchRows(batch, ...local))) : null;
    const results = await pending;
    return totals(mine ? [mine, ...results] : results);
  }

  async predictBatch(x: Float32Array, xShape: number[]): Promise<{ y: Float32Array; yShape: number[] }> {
    const rows = xShape[0];
    const outRow = this.sharedOutputRow();
    const batch = { x, xShape, y: x, yShape: xShape };
    if (outRow) {
      // this thread's chunks are written straight into the result, the workers' copied from theirs
      const out = sharedBuffer(this.channel, 'out', rows * outRow).subarray(0, rows * outRow);
      const y = new Float32Array(rows * outRow);
      const bounds = this.bounds(rows, false);
      const local = this.local;
      let sample: number[] | undefined;
      const { results } = await this.runClaimed({
        kind: 'predict', batch, withTargets: false, bounds, extra: { output: out },
        runLocal: async (index, part) => {
          const [start, end] = [bounds[index], bounds[index + 1]];
          ({ yShape: sample } = await local!.predictBatch(part.x, part.xShape, y.subarray(start * outRow, end * outRow)));
          return { index };
        },
      });
      for (const { index } of results.flatMap((r) => r.chunks ?? [])) {
        y.set(out.subarray(bounds[index] * outRow, bounds[index + 1] * outRow), bounds[index] * outRow);
      }
      sample ??= results.find((r) => r.yShape)!.yShape!;
      return { y, yShape: [rows, ...sample.slice(1)] };
    }
    // without shared memory or a known output size: fixed shards whose outputs come back as copies
    const { local, remote } = this.split(rows);
    const pending = this.pool.runAll(this.shardTasks('predict', remote, batch, false));
    const part = local ? batchRows(batch, ...local) : null;
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

  dispose(): void {
    this.grads?.dispose();
    this.local?.dispose();
  }
}

function totals(results: Partial<BatchTotals>[]): BatchTotals {
  const sum = (key: keyof BatchTotals) => results.reduce((s, r) => s + (r[key] ?? 0), 0);
  return { sum: sum('sum'), count: sum('count'), correct: sum('correct') };
}
