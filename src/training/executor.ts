/**
 * Where a model's batches run. The in-process executor runs them on this thread's engine; the worker
 * pool (src/parallel) implements the same interface by sharding each batch.
 */

/** A batch of samples, row-major, first axis the samples. */
export interface Batch {
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: number[];
}

export interface Executor {
  /** One optimizer step on the batch; resolves to the batch's mean loss. */
  trainBatch(batch: Batch): Promise<number>;
  /** The batch's Σ of loss values and how many there are. */
  evaluateBatch(batch: Batch): Promise<{ sum: number; count: number }>;
  /** The model's output for the samples in x. */
  predictBatch(x: Float32Array, xShape: number[]): Promise<{ y: Float32Array; yShape: number[] }>;
  /** Releases what the executor allocated (gradient buffers); the model stays usable. */
  dispose(): void;
}
