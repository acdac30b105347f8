/**
 * One chunk of a step, whoever runs it: a pool worker (for its claimed chunks or its shard) and the
 * calling thread (for its share) both come here, so a train / evaluate / predict chunk is computed
 * one way.
 */
import type { Batch, BatchTotals, HostTensor } from '../training/executor.js';
import type { TaskKind } from '../parallel/protocol.js';
import type { StepRunner } from './step-runner.js';

export interface ChunkOptions {
  /** train: per output, weight / (loss values in the whole step). */
  scales?: number[];
  /** train: where the chunk's gradient block is copied (a shared slot); else a copy is returned. */
  gradientSlot?: Float32Array;
  /** predict: where each output's rows go (views into shared outputs); else new arrays. */
  outputs?: Float32Array[];
}

export interface ChunkOutcome {
  totals?: BatchTotals;
  /** train without a slot: the gradient block's copy (GradientBuffers.packInto's layout). */
  gradients?: Float32Array;
  /** train: the row lists of the row-sparse gradients, one per such variable (GradientBuffers.packInto). */
  rows?: Int32Array[];
  /** predict: the outputs. */
  outputs?: HostTensor[];
}

/** Runs one chunk (rows of a batch) of `kind` on `runner`. */
export function runChunk(runner: StepRunner, kind: TaskKind, part: Batch, options: ChunkOptions = {}): ChunkOutcome {
  switch (kind) {
    case 'train': {
      const totals = runner.computeGradients(part, options.scales);
      const grads = runner.gradients();
      const gradients = options.gradientSlot ? null : new Float32Array(grads.length);
      const rows = grads.packInto(options.gradientSlot ?? gradients!);
      return gradients ? { totals, gradients, rows } : { totals, rows };
    }
    case 'evaluate':
      return { totals: runner.evaluate(part) };
    case 'predict':
      return { outputs: runner.predict(part.inputs, options.outputs) };
  }
}
