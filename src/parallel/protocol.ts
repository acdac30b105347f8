/**
 * Messages between the pool and its workers. A task is self-contained — the model's config, its
 * weights and one shard — so any worker can run any shard; a worker caches the replica it built
 * (by model id) and the weights version it loaded.
 */

import type { ClaimPolicy } from './row-claims.js';

export type TaskKind = 'train' | 'evaluate' | 'predict';

export interface WorkerTask {
  kind: TaskKind;
  /** Identifies the model (replica cache key). */
  modelId: number;
  /**
   * UTF-8 JSON of the model's Keras config (shared memory where possible, so it is not copied per
   * task); a replica is rebuilt when it changes.
   */
  config: Uint8Array;
  /** Changes whenever `config` may have: a worker decodes the config only when this is new to it. */
  configVersion: number;
  /** Keras loss name; null for predict. */
  loss: string | null;
  /** Every weight, Keras order, concatenated (backed by a SharedArrayBuffer where possible). */
  weights: Float32Array;
  /** Changes whenever the weights do. */
  weightsVersion: number;
  x: Float32Array;
  xShape: number[];
  y: Float32Array | null;
  yShape: number[] | null;
  /** train: the gradient scale, 1 / (loss values in the whole step). */
  scale: number;
  /** train with shared memory: where to write this shard's gradients (GradientBuffers layout). */
  gradients: Float32Array | null;
  /** predict with shared memory: where to write this shard's outputs (then not sent back). */
  output: Float32Array | null;
  /**
   * predict with shared memory and a known output size: x and output cover the whole batch, and the
   * worker computes the chunks of rows it claims from the shared counter (see row-claims.ts) until
   * none is left, rather than a fixed shard.
   */
  claims: { counter: Int32Array; policy: ClaimPolicy } | null;
  /** Whether to count the rows predicted right (accuracy is a compiled metric). */
  countCorrect: boolean;
  /** Index of the shard, for messages. */
  shard: number;
}

export interface WorkerResult {
  /** train / evaluate: Σ of the loss values, their count, and the rows predicted right. */
  sum?: number;
  count?: number;
  correct?: number;
  /** train without shared memory: the shard's gradients (GradientBuffers layout). */
  gradients?: Float32Array;
  /** The worker engine's WebAssembly memory size, for monitoring. */
  engineBytes?: number;
  /** predict: the outputs (unless written to the task's `output`). */
  y?: Float32Array;
  /** predict: the output shape (of the shard, or of the last chunk claimed; absent when none was). */
  yShape?: number[];
  /** predict with claims: the row ranges this worker computed, flat [start, end, start, end, …]. */
  ranges?: number[];
}

/** What the worker shells expose. */
export interface WorkerApi {
  run(task: WorkerTask): Promise<WorkerResult>;
}
