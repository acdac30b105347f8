/**
 * Data-parallel batches. With shared memory a batch is cut into a grid of chunks (row-claims.ts) that
 * the workers — and this thread, when it takes a share (`local`) — claim as they go, so a slower core
 * does less of it; without, it is split into contiguous shards, one per thread, sent as copies.
 * Every chunk runs through the one chunk runner (chunk-runner.ts), here and in the workers. Chunks
 * and shards return their loss sums and gradient sums (scaled by the whole batch's normalisers),
 * which are reduced here in grid or shard order — deterministic — before the optimizer runs once on
 * this thread's weights, and the new weights are published for the next step. If any chunk or shard
 * fails, no update is applied.
 */
import type { Engine } from '../backend/engine.js';
import { variableWrites, type LayerVariable } from '../layers/variable.js';
import { copyRows, type GradientRows } from '../ops/grad-rows.js';
import { allocArray, dtypeOfArray, type HostArray } from '../dtype.js';
import { abandonChunks, chunkBounds, chunkPolicy, claimChunk, claimCounters, claimed, publishChunks } from '../parallel/row-claims.js';
import type { WorkerPool } from '../parallel/pool.js';
import type { ChunkResult, TaskKind, TotalsMessage, WorkerResult, WorkerTask } from '../parallel/protocol.js';
import { shardRanges } from '../parallel/shards.js';
import { addTotals, batchRows, batchSize, emptyTotals, type Batch, type BatchTotals, type Executor, type HostTensor } from '../training/executor.js';
import type { Optimizer } from '../training/optimizers.js';
import { runChunk } from './chunk-runner.js';
import { GradientBuffers } from './gradient-buffers.js';
import type { ModelProgram } from './program.js';
import { StepRunner, applyStep, lossScales, maskedStepFactor } from './step-runner.js';

/** What the pool needs to know of a model. */
export interface PoolModel {
  id: number;
  /** JSON of the Keras model config. */
  config: string;
  program: ModelProgram;
}

let versions = 0;

/**
 * Memory the per-chunk gradient slots of a training step may take (shared, kept by the model between
 * steps): GRU(256)'s 13 chunks of a 256-sample step on two threads take 14 MB, the seed model's 10
 * chunks 40 KB; a model with larger weights gets fewer, larger chunks.
 */
const GRADIENT_SLOTS_BYTES = 32 * 2 ** 20;

/**
 * What a model's pool operations keep from one call to the next (operations on one model never
 * overlap): its config's bytes and version — unchanged, so workers keep their replica without
 * decoding the config again — and, with shared memory, the buffers a batch's inputs, targets and
 * predicted outputs travel in, grown when needed instead of allocated per call.
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
  /** Shared buffers by role and index ('x0', 'y1', 'out0'...). */
  buffers: Map<string, HostArray>;
}

const channels = new Map<number, ModelChannel>();

function channelFor(model: PoolModel, shared: boolean): ModelChannel {
  const weightCount = model.program.weights.reduce((n, v) => n + v.size, 0);
  const kept = channels.get(model.id);
  if (kept && kept.config === model.config && kept.shared === shared && kept.weights.length === weightCount) return kept;
  const bytes = new TextEncoder().encode(model.config);
  const configBytes = shared ? new Uint8Array(new SharedArrayBuffer(bytes.length)) : bytes;
  if (configBytes !== bytes) configBytes.set(bytes);
  const channel: ModelChannel = {
    config: model.config, configBytes, configVersion: ++versions, shared,
    weights: allocArray('float32', weightCount, shared), chunkGrads: [], buffers: new Map(),
  };
  channels.set(model.id, channel);
  return channel;
}

/** Drops what a disposed model kept for its pool operations. */
export function forgetPoolModel(modelId: number): void {
  channels.delete(modelId);
}

/** A shared buffer of at least `length` elements like `like`, kept in the channel under `key`. */
function sharedBuffer<T extends HostArray>(channel: ModelChannel, key: string, like: T, length: number): T {
  let buffer = channel.buffers.get(key);
  if (!buffer || buffer.length < length || dtypeOfArray(buffer) !== dtypeOfArray(like)) {
    buffer = allocArray(dtypeOfArray(like)!, length, true);
    channel.buffers.set(key, buffer);
  }
  return buffer.subarray(0, length) as T;
}

/** How a PoolExecutor splits and runs a model's batches. */
export interface PoolExecutorOptions {
  /** Workers a batch is split over (at most the pool's size, which may be larger). */
  workers: number;
  /** The optimizer for training; null for predict and evaluate. */
  optimizer: Optimizer | null;
  /**
   * Whether this thread computes chunks of each batch (or its first shard) while the workers compute
   * the rest; in training its gradient block is where the sum is formed.
   */
  callerShare: boolean;
  /** FLOPs of the model's forward pass per sample: sizes the smallest chunk (row-claims.ts). */
  flopsPerSample: number;
}

type Range = [number, number];

/** A training step's parts, in grid (or shard) order: totals, gradient slots and their row lists. */
interface TrainedParts {
  chunks: TotalsMessage[];
  slots: Float32Array[];
  rows: Int32Array[][];
}

/** A batch's shared copies and its chunk grid, for tasks that claim chunks. */
interface ClaimedBatch {
  kind: TaskKind;
  batch: Batch;
  bounds: number[];
  /** Task fields of the kind: the gradient scales and slots, the output buffers. */
  extra: Partial<Pick<WorkerTask, 'scales' | 'output' | 'chunkGradients'>>;
  /** Computes chunk `index` (rows `part`) on this thread. */
  runLocal: (index: number, part: Batch) => ChunkResult;
}

export class PoolExecutor implements Executor {
  private weightsVersion = 0;
  /** What the last publish changed, when it was a row update (WorkerTask.weightRows). */
  private weightRows: WorkerTask['weightRows'] = null;
  /** variableWrites() when the weights were last published. */
  private publishedWrites = -1;
  private readonly local: StepRunner | null;
  private readonly channel: ModelChannel;
  private ownGrads: GradientBuffers | null = null;
  private readonly program: ModelProgram;

  constructor(
    private readonly engine: Engine,
    private readonly pool: WorkerPool,
    private readonly model: PoolModel,
    private readonly options: PoolExecutorOptions,
  ) {
    this.program = model.program;
    this.local = options.callerShare ? new StepRunner(engine, model.program) : null;
    this.channel = channelFor(model, pool.sharedMemory);
    this.publish();
  }

  /** Where the chunks' gradients are summed (training only): this thread's runner's block, or one of its own. */
  private get grads(): GradientBuffers {
    if (this.local) return this.local.gradients();
    this.ownGrads ??= new GradientBuffers(this.engine, this.program.accumulated);
    return this.ownGrads;
  }

  /** Threads computing each batch: the workers, and this one when it takes a share. */
  private get shares(): number {
    return this.options.workers + (this.local ? 1 : 0);
  }

  /**
   * Copies the current weights where the workers read them: every weight, or — after a step whose
   * optimizer changed only the recorded rows of the row-sparse weights (`changedRows`) — those rows
   * and the other weights whole, which is also what the workers then copy (WorkerTask.weightRows).
   */
  private publish(changedRows?: ReadonlyMap<LayerVariable, GradientRows>): void {
    this.publishedWrites = variableWrites();
    let offset = 0;
    const rows = this.program.weights.map((v) => {
      const changed = changedRows?.get(v)?.read() ?? null;
      const values = this.engine.f32(v.ptrIn(this.engine), v.size); // a view: one copy, not two
      if (changed) copyRows(values, this.channel.weights.subarray(offset, offset + v.size), changed, v.size / v.shape[0]);
      else this.channel.weights.set(values, offset);
      offset += v.size;
      return changed;
    });
    this.weightRows = changedRows ? { base: this.weightsVersion, rows } : null;
    this.weightsVersion = ++versions;
  }

  /** `count` shared gradient slots (GradientBuffers layout), kept by the model's channel. */
  private gradientSlots(count: number): Float32Array[] {
    const length = GradientBuffers.lengthFor(this.program.accumulated);
    if (this.channel.chunkGrads[0]?.length !== length) this.channel.chunkGrads = [];
    const slots = this.channel.chunkGrads;
    while (slots.length < count) slots.push(allocArray('float32', length, true));
    return slots.slice(0, count);
  }

  /**
   * Floats of one sample of each output when every output shape is fully known and shared memory
   * lets the workers write their chunks' outputs in place (else null: outputs come back as copies).
   */
  private sharedOutputRows(): number[] | null {
    if (!this.pool.sharedMemory) return null;
    const rows = this.program.outputShapes.map((s) => s.slice(1));
    if (!rows.every((r) => r.every((d) => d != null))) return null;
    return rows.map((r) => (r as number[]).reduce((a, b) => a * b, 1));
  }

  /** What every task of this executor carries, with the fields of one task. */
  private task(kind: TaskKind, fields: Pick<WorkerTask, 'x' | 'xShapes' | 'y' | 'yShapes' | 'shard'> & Partial<WorkerTask>): WorkerTask {
    const heads = kind === 'predict' ? null : this.program.heads.map((h) => ({ loss: h.loss!.name, weight: h.weight, metrics: h.metrics }));
    return {
      kind, kernels: { module: this.engine.module, variant: this.engine.variant }, modelId: this.model.id, config: this.channel.configBytes, configVersion: this.channel.configVersion,
      heads, weights: this.channel.weights, weightsVersion: this.weightsVersion, weightRows: this.weightRows,
      scales: [], seed: 0, firstRow: 0, output: null, claims: null, chunkGradients: null,
      rowSparse: kind === 'train' ? [...this.grads.rowSparse] : [],
      ...fields,
    };
  }

  /**
   * Runs this thread's part while the workers' tasks (already posted) run theirs. If it fails, the
   * workers are waited for before the error is rethrown, so none is left working on this call's buffers.
   */
  private async alongside<T>(pending: Promise<WorkerResult[]>, work: () => T): Promise<T> {
    pending.catch(() => undefined); // awaited by the caller; this only marks it handled meanwhile
    try {
      return work();
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
    const { flopsPerSample } = this.options;
    // ids read once per distinct id of a chunk repeat more in larger chunks: one chunk per thread
    // (measured on the sentiment model, 2 workers: 2384–2529 samples/s against 1950–2280 with 6 chunks)
    const distinctIdCap = this.program.readsDistinctIds ? this.shares : Infinity;
    if (!training) return chunkBounds(chunkPolicy(rows, this.shares, flopsPerSample, distinctIdCap));
    const slotBytes = 4 * GradientBuffers.lengthFor(this.program.accumulated);
    return chunkBounds(chunkPolicy(rows, this.shares, 3 * flopsPerSample, Math.min(Math.floor(GRADIENT_SLOTS_BYTES / slotBytes), distinctIdCap)));
  }

  /**
   * Runs a batch as claimed chunks (shared memory): this thread claims the first chunk before the
   * workers are asked — they never read its rows, which are not copied to the shared batch — posts
   * the tasks, then copies the other chunks' rows in claim order while the workers start (a worker
   * waits for each chunk it claims until its rows are in), and then claims on alongside them.
   * Returns every chunk's result in grid order, and the workers' results.
   */
  private async runClaimed({ kind, batch, bounds, extra, runLocal }: ClaimedBatch): Promise<{ chunks: ChunkResult[]; results: WorkerResult[] }> {
    const chunks = bounds.length - 1;
    // counters per call: no worker of an earlier call can be left claiming from them
    const counters = claimCounters();
    const first = this.local ? claimChunk(counters, chunks) : -1;
    const rows = batchSize(batch);
    const x = batch.inputs.map((t, i) => sharedBuffer(this.channel, `x${i}`, t.data, t.data.length));
    const y = batch.targets.map((t, i) => sharedBuffer(this.channel, `y${i}`, t.data, t.data.length));
    const tasks = Array.from({ length: this.options.workers }, (_, shard) => this.task(kind, {
      x, xShapes: batch.inputs.map((t) => t.shape), y: kind === 'predict' ? null : y, yShapes: kind === 'predict' ? null : batch.targets.map((t) => t.shape),
      claims: { counters, bounds }, seed: batch.seed ?? 0, ...extra, shard,
    }));
    const pending = this.pool.runAll(tasks);
    try {
      for (let i = first + 1; i < chunks; i++) {
        for (const [src, dst] of [[batch.inputs, x], [batch.targets, y]] as [HostTensor[], HostArray[]][]) {
          src.forEach((t, k) => {
            const per = t.data.length / rows;
            dst[k].set(t.data.subarray(bounds[i] * per, bounds[i + 1] * per) as never, bounds[i] * per);
          });
        }
        publishChunks(counters, i + 1);
      }
    } catch (e) {
      abandonChunks(counters);
      await pending.catch(() => undefined);
      throw e;
    }
    const mine = this.local
      ? await this.alongside(pending, () => {
        const done: ChunkResult[] = [];
        for (const i of claimed(counters, chunks, first)) done.push(runLocal(i, batchRows(batch, bounds[i], bounds[i + 1])));
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
  private shardTasks(kind: TaskKind, ranges: Range[], batch: Batch, scales: number[] = []): WorkerTask[] {
    return ranges.map((range, shard) => {
      const part = batchRows(batch, ...range);
      return this.task(kind, {
        x: part.inputs.map((t) => t.data.slice()), xShapes: part.inputs.map((t) => t.shape),
        y: kind === 'predict' ? null : part.targets.map((t) => t.data.slice()), yShapes: kind === 'predict' ? null : part.targets.map((t) => t.shape),
        scales, seed: part.seed, firstRow: part.firstRow, shard,
      });
    });
  }

  /** Republishes weights written since the last publish (setWeights in a callback, a loaded checkpoint). */
  private publishWrites(): void {
    if (variableWrites() !== this.publishedWrites) this.publish();
  }

  async trainBatch(batch: Batch): Promise<BatchTotals> {
    this.publishWrites();
    const scales = lossScales(this.program, batch.targets.map((t) => t.shape));
    const { chunks, slots, rows } = this.pool.sharedMemory ? await this.trainClaimed(batch, scales) : await this.trainSharded(batch, scales);
    // reduce in grid (or shard) order into this thread's gradient block, then one optimizer step
    this.grads.sumOf(slots, rows);
    const t = this.totals(chunks);
    this.grads.scale(this.program.trainableVariables, maskedStepFactor(this.program, t));
    const optimizer = this.options.optimizer!;
    if (applyStep(this.engine, this.program, optimizer, this.grads, t, batchSize(batch))) this.publish(optimizer.updatesRowsOnly() ? this.grads.rows : undefined);
    return t;
  }

  /** Training on claimed chunks: each chunk's gradients land in its own shared slot, its row lists come with its result. */
  private async trainClaimed(batch: Batch, scales: number[]): Promise<TrainedParts> {
    const bounds = this.bounds(batchSize(batch), true);
    const slots = this.gradientSlots(bounds.length - 1);
    const local = this.local;
    const { chunks } = await this.runClaimed({
      kind: 'train', batch, bounds, extra: { scales, chunkGradients: slots },
      runLocal: (index, part) => {
        const outcome = runChunk(local!, 'train', part, { scales, gradientSlot: slots[index] });
        return { index, ...outcome.totals, rows: outcome.rows };
      },
    });
    return { chunks, slots, rows: chunks.map((c) => c.rows ?? []) };
  }

  /** Training on fixed shards whose gradients come back as copies (no shared memory). */
  private async trainSharded(batch: Batch, scales: number[]): Promise<TrainedParts> {
    const { local, remote } = this.split(batchSize(batch));
    const pending = this.pool.runAll(this.shardTasks('train', remote, batch, scales));
    const mine = local ? await this.alongside(pending, () => runChunk(this.local!, 'train', batchRows(batch, ...local), { scales })) : null;
    const results = await pending;
    return {
      chunks: mine ? [mine.totals!, ...results] : results,
      slots: [...(mine ? [mine.gradients!] : []), ...results.map((r) => r.gradients!)],
      rows: [...(mine ? [mine.rows ?? []] : []), ...results.map((r) => r.rows ?? [])],
    };
  }

  async evaluateBatch(batch: Batch): Promise<BatchTotals> {
    this.publishWrites();
    if (this.pool.sharedMemory) {
      const local = this.local;
      const { chunks } = await this.runClaimed({
        kind: 'evaluate', batch, bounds: this.bounds(batchSize(batch), false), extra: {},
        runLocal: (index, part) => ({ index, ...runChunk(local!, 'evaluate', part).totals }),
      });
      return this.totals(chunks);
    }
    const { local, remote } = this.split(batchSize(batch));
    const pending = this.pool.runAll(this.shardTasks('evaluate', remote, batch));
    const mine = local ? await this.alongside(pending, () => runChunk(this.local!, 'evaluate', batchRows(batch, ...local)).totals!) : null;
    const results = await pending;
    return this.totals(mine ? [mine, ...results] : results);
  }

  async predictBatch(inputs: HostTensor[]): Promise<HostTensor[]> {
    this.publishWrites();
    const rows = inputs[0].shape[0];
    const outRows = this.sharedOutputRows();
    const batch: Batch = { inputs, targets: [] };
    if (outRows) {
      // this thread's chunks are written straight into the result, the workers' copied from theirs
      const shared = outRows.map((per, i) => sharedBuffer(this.channel, `out${i}`, new Float32Array(0), rows * per));
      const result = outRows.map((per) => new Float32Array(rows * per));
      const bounds = this.bounds(rows, false);
      const local = this.local;
      const { results } = await this.runClaimed({
        kind: 'predict', batch, bounds, extra: { output: shared },
        runLocal: (index, part) => {
          const [start, end] = [bounds[index], bounds[index + 1]];
          runChunk(local!, 'predict', part, { outputs: result.map((r, i) => r.subarray(start * outRows[i], end * outRows[i])) });
          return { index };
        },
      });
      for (const { index } of results.flatMap((r) => r.chunks ?? [])) {
        outRows.forEach((per, i) => result[i].set(shared[i].subarray(bounds[index] * per, bounds[index + 1] * per), bounds[index] * per));
      }
      const shapes = this.program.outputShapes.map((s) => [rows, ...(s.slice(1) as number[])]);
      return result.map((data, i) => ({ data, shape: shapes[i] }));
    }
    // without shared memory or known output sizes: fixed shards whose outputs come back as copies
    const { local, remote } = this.split(rows);
    const pending = this.pool.runAll(this.shardTasks('predict', remote, batch));
    const mine = local ? await this.alongside(pending, () => runChunk(this.local!, 'predict', batchRows(batch, ...local)).outputs!) : null;
    const results = await pending;
    const parts: HostTensor[][] = [...(mine ? [mine] : []), ...results.map((r) => r.y!.map((data, i) => ({ data, shape: r.yShapes![i] })))];
    return parts[0].map((first, i) => {
      const all = new Float32Array(parts.reduce((n, p) => n + p[i].data.length, 0));
      let offset = 0;
      for (const p of parts) {
        all.set(p[i].data as Float32Array, offset);
        offset += p[i].data.length;
      }
      return { data: all, shape: [rows, ...first.shape.slice(1)] };
    });
  }

  private totals(results: TotalsMessage[]): BatchTotals {
    const total = emptyTotals(this.program.topology.outputs.length);
    for (const r of results) addTotals(total, r);
    return total;
  }

  dispose(): void {
    this.local?.dispose();
    this.ownGrads?.dispose();
  }
}
