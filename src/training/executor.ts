/**
 * Where a model's batches run. The in-process executor (runtime/) runs them on this thread's
 * engine; the worker pool implements the same interface by splitting each batch.
 */
import type { HostArray } from '../dtype.js';

/** Host values with a shape, first axis the samples. */
export interface HostTensor {
  data: HostArray;
  shape: number[];
}

/** A batch: one array per model input, one per target (none for predict). */
export interface Batch {
  inputs: HostTensor[];
  targets: HostTensor[];
  /** Training: the seed of the step's noise (dropout masks); 0 when absent. */
  seed?: number;
  /** The first row of these rows within the step's whole batch (a chunk's); 0 when absent. */
  firstRow?: number;
}

/** Rows [start, end) of a host tensor, as a view. */
export function tensorRows(t: HostTensor, start: number, end: number): HostTensor {
  const row = t.data.length / t.shape[0];
  return { data: t.data.subarray(start * row, end * row), shape: [end - start, ...t.shape.slice(1)] };
}

/** The rows [start, end) of a batch, as views; they keep the step's seed and know their first row in it. */
export function batchRows(batch: Batch, start: number, end: number): Batch {
  return {
    inputs: batch.inputs.map((t) => tensorRows(t, start, end)), targets: batch.targets.map((t) => tensorRows(t, start, end)),
    seed: batch.seed ?? 0, firstRow: (batch.firstRow ?? 0) + start,
  };
}

/** Samples in a batch. */
export function batchSize(batch: Batch): number {
  return batch.inputs[0].shape[0];
}

/**
 * Per model output: Σ of its loss values, how many there are (one per row of the last axis), and
 * each compiled metric's two sums, flat: [numerator₀, denominator₀, numerator₁, ...].
 */
export interface BatchTotals {
  losses: number[];
  counts: number[];
  metrics: number[][];
  /**
   * Totals over several batches (an epoch): `losses` then holds Σ batch mean × batch rows and this
   * Σ rows per output (Keras's epoch value, the batch means weighted by batch size; with a mask
   * the batch means count different numbers of steps, so this differs from pooling the steps).
   */
  lossRows?: number[];
}

export function emptyTotals(outputs: number): BatchTotals {
  return { losses: new Array(outputs).fill(0), counts: new Array(outputs).fill(0), metrics: Array.from({ length: outputs }, () => []) };
}

/** Adds metric sums into `into` (which grows to their length). */
function addMetricSums(into: number[], sums: readonly number[] | undefined): void {
  sums?.forEach((v, k) => (into[k] = (into[k] ?? 0) + v));
}

/** Adds one batch of `rows` samples into epoch totals: its loss as its mean × rows, the metrics' counts as they are. */
export function addBatchTotals(into: BatchTotals, t: BatchTotals, rows: number): BatchTotals {
  into.lossRows ??= into.losses.map(() => 0);
  into.losses.forEach((_, i) => {
    if (t.counts[i] > 0) into.losses[i] += (t.losses[i] / t.counts[i]) * rows;
    into.lossRows![i] += rows;
    into.counts[i] += t.counts[i];
    addMetricSums(into.metrics[i], t.metrics[i]);
  });
  return into;
}

/** Adds `t` into `into`, output by output. */
export function addTotals(into: BatchTotals, t: Partial<BatchTotals>): BatchTotals {
  into.losses.forEach((_, i) => {
    into.losses[i] += t.losses?.[i] ?? 0;
    into.counts[i] += t.counts?.[i] ?? 0;
    addMetricSums(into.metrics[i], t.metrics?.[i]);
  });
  return into;
}

export interface Executor {
  /** One optimizer step on the batch; resolves to the batch's totals (before the step). */
  trainBatch(batch: Batch): Promise<BatchTotals>;
  /** The batch's totals, without training. */
  evaluateBatch(batch: Batch): Promise<BatchTotals>;
  /** The model's outputs for the samples in `inputs`. */
  predictBatch(inputs: HostTensor[]): Promise<HostTensor[]>;
  /** Releases what the executor allocated (gradient buffers); the model stays usable. */
  dispose(): void;
}
