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

/** The rows [start, end) of a batch, as views. */
export function batchRows(batch: Batch, start: number, end: number): Batch {
  const view = (data: Float32Array) => {
    const row = data.length / batch.xShape[0];
    return data.subarray(start * row, end * row);
  };
  return { x: view(batch.x), xShape: [end - start, ...batch.xShape.slice(1)], y: view(batch.y), yShape: [end - start, ...batch.yShape.slice(1)] };
}

/** A batch's Σ of loss values, how many there are (one per row of the last axis), and how many rows
 * the prediction's argmax matches the target's (categorical accuracy). */
export interface BatchTotals {
  sum: number;
  count: number;
  correct: number;
}

export interface Executor {
  /** One optimizer step on the batch; resolves to the batch's totals (before the step). */
  trainBatch(batch: Batch): Promise<BatchTotals>;
  /** The batch's totals, without training. */
  evaluateBatch(batch: Batch): Promise<BatchTotals>;
  /** The model's output for the samples in x. */
  predictBatch(x: Float32Array, xShape: number[]): Promise<{ y: Float32Array; yShape: number[] }>;
  /** Releases what the executor allocated (gradient buffers); the model stays usable. */
  dispose(): void;
}
