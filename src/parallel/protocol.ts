/**
 * Messages between the pool and its workers. A task is self-contained — the model's config, its
 * weights and one shard — so any worker can run any shard; a worker caches the replica it built
 * (by model id) and the weights version it loaded. Inputs and targets keep their dtypes (float32,
 * int32, bool) through the transport.
 */
import type { KernelVariant } from '../backend/wasm-source.js';
import type { HostArray } from '../dtype.js';
import type { MetricKind } from '../training/metrics.js';

export type TaskKind = 'train' | 'evaluate' | 'predict';

export interface WorkerTask {
  kind: TaskKind;
  /**
   * The calling thread's compiled kernel module and its build: a worker instantiates it for its
   * engine rather than loading one itself, so it runs the same kernels from wherever they were
   * loaded (wl.ready({ wasm })), and compiles nothing. (A module is shared, not copied, by postMessage.)
   */
  kernels: { module: WebAssembly.Module; variant: KernelVariant };
  /** Identifies the model (replica cache key). */
  modelId: number;
  /**
   * UTF-8 JSON of the model's Keras config (shared memory where possible, so it is not copied per
   * task); a replica is rebuilt when it changes.
   */
  config: Uint8Array;
  /** Changes whenever `config` may have: a worker decodes the config only when this is new to it. */
  configVersion: number;
  /** Per output: Keras loss name, weight, the metrics counted; null for predict. */
  heads: { loss: string; weight: number; metrics: MetricKind[] }[] | null;
  /** Every weight, Keras order, concatenated (backed by a SharedArrayBuffer where possible). */
  weights: Float32Array;
  /** Changes whenever the weights do. */
  weightsVersion: number;
  /**
   * When the step that made this version changed only some rows of the row-sparse weights (plain
   * SGD from a row-sparse gradient): the version before it, and per weight (Keras order) the rows
   * that changed, or null for a weight that changed whole. A worker holding `base` copies those only;
   * null: every weight is copied.
   */
  weightRows: { base: number; rows: (Int32Array | null)[] } | null;
  /** One array per model input. */
  x: HostArray[];
  xShapes: number[][];
  /** One array per target (train / evaluate). */
  y: HostArray[] | null;
  yShapes: number[][] | null;
  /** train: per output, weight / (loss values in the whole step). */
  scales: number[];
  /** train: the seed of the step's noise (dropout masks); masks depend on it and the global row only. */
  seed: number;
  /** The first row of x within the step's whole batch (a shard's start; 0 with claims, whose x is the whole batch). */
  firstRow: number;
  /** predict with claims: per output, the whole batch's shared output, where each chunk's rows go. */
  output: Float32Array[] | null;
  /**
   * With shared memory (and for predict known output sizes): x, y and output cover the whole batch,
   * cut into chunks at `bounds` (row boundaries, see row-claims.ts), and the worker computes the
   * chunks it claims from the shared `counters` until none is left, rather than a fixed shard. The
   * rows arrive after the task: a worker waits for each chunk it claims (row-claims.ts).
   */
  claims: { counters: Int32Array; bounds: number[] } | null;
  /** train with claims: one gradient slot per chunk (GradientBuffers layout), indexed by chunk. */
  chunkGradients: Float32Array[] | null;
  /**
   * train: per accumulated variable, whether its gradient is row-sparse (the calling thread's
   * GradientBuffers.rowSparse), so that the worker packs its slots in the layout the sum expects.
   */
  rowSparse: boolean[];
  /** Index of the shard, for messages. */
  shard: number;
}

/** Per-output loss sums, counts and metric sums of a chunk or shard. */
export interface TotalsMessage {
  losses?: number[];
  counts?: number[];
  metrics?: number[][];
}

export interface WorkerResult extends TotalsMessage {
  /** train without claims: the shard's gradients (GradientBuffers layout). */
  gradients?: Float32Array;
  /** train without claims: the shard's row lists of the row-sparse gradients (GradientBuffers.packInto). */
  rows?: Int32Array[];
  /** The worker engine's WebAssembly memory size, for monitoring. */
  engineBytes?: number;
  /** predict without claims: the shard's outputs, one per model output. */
  y?: Float32Array[];
  /** predict: the output shapes (of the shard, or of the last chunk claimed; absent when none was). */
  yShapes?: number[][];
  /** With claims: the chunks this worker computed (train / evaluate: with their totals). */
  chunks?: ChunkResult[];
}

/** One claimed chunk's result: its index in the grid and, for train / evaluate, its totals. */
export interface ChunkResult extends TotalsMessage {
  index: number;
  /** train: the chunk's row lists of the row-sparse gradients (GradientBuffers.packInto). */
  rows?: Int32Array[];
}

/** What the worker shells expose. */
export interface WorkerApi {
  run(task: WorkerTask): Promise<WorkerResult>;
}
