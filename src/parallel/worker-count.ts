/**
 * How an operation's batches are split. 'auto' takes as much of the available parallelism as gives
 * each share of a step enough work to pay for the messages, and stays on this thread when fewer than
 * two shares would qualify (measured: see bench/RESULTS.md, "worker threshold").
 */
import { availableParallelism } from './pool-registry.js';
import type { WorkersOption } from '../training/fit.js';

/**
 * Below this many FLOPs per worker and step, 'auto' trains in process. Measured on the 2-core machine
 * with a GRU(16) sequence model like the seed's (bench/RESULTS.md, "worker threshold"): a step of
 * 10 MFLOP per worker (batch 32) is 0.6× as fast on 2 workers as in process (each message and the
 * GRU's 64 per-timestep calls cost the same whatever the batch), 20 MFLOP (batch 64) 1.15–1.45×,
 * the seed model1's 40 MFLOP (batch 128) 0.84–1.5× across runs on this noisy VM (1.2× on average);
 * GRU(128) at 1.5 GFLOP 2.3×.
 */
export const MIN_FLOPS_PER_WORKER = 30e6;

/**
 * The same for predict and evaluate, per share: this thread computes one share of each batch and the
 * workers the rest (see `planWork`). Measured on the 2-core machine, the seed model1's predict of
 * 1000 samples with one share here and one on a worker, against all of it in process (medians of 26
 * alternated calls per run): in batches of 1000 (100 MFLOP per share) 1.1–1.7× as fast, of 250
 * (26 MFLOP) 1.0–1.25× (model3 1.2–1.4×), of 200 (21 MFLOP) 0.93–1.1×, of 125 (13 MFLOP) with
 * worse minima. Keras's default batch of 32 (6.6 MFLOP) stays in process.
 */
export const MIN_INFERENCE_FLOPS_PER_SHARE = 20e6;

/** How an operation's batches are split. */
export interface WorkPlan {
  /** Pool workers that each take a share of every batch (0: all on this thread). */
  workers: number;
  /**
   * Whether this thread computes a share too, while the workers compute theirs. 'auto' does so for
   * predict and evaluate, which would otherwise run wholly on this thread: on n cores that is one
   * fewer worker, no thread competing for a core, and no messages for this thread's share.
   */
  callerShare: boolean;
}

/** The plan for an operation whose step (a batch) costs `flopsPerStep`; `inference` for predict / evaluate. */
export async function planWork(workers: WorkersOption, flopsPerStep: number, inference = false): Promise<WorkPlan> {
  const inProcess = { workers: 0, callerShare: false };
  if (workers !== 'auto') return { workers, callerShare: false };
  const available = await availableParallelism();
  if (available < 2 || typeof Worker === 'undefined' && !isNode()) return inProcess;
  // as many shares as are worth-while each; a single share only adds messages
  const shares = Math.min(available, Math.floor(flopsPerStep / (inference ? MIN_INFERENCE_FLOPS_PER_SHARE : MIN_FLOPS_PER_WORKER)));
  if (shares < 2) return inProcess;
  return inference ? { workers: shares - 1, callerShare: true } : { workers: shares, callerShare: false };
}

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}
