/**
 * How an operation's batches are split. 'auto' takes as much of the available parallelism as gives
 * each share of a step enough work to pay for its messages, and stays on this thread when fewer than
 * two shares would qualify. Off a page's UI thread, this thread computes one share itself and
 * workers the rest: on n cores, n − 1 workers and no thread competing for a core.
 */
import { availableParallelism } from './pool-registry.js';
import type { WorkersOption } from '../training/fit.js';

/**
 * Training, this thread computing one share: below this many FLOPs per share and step, 'auto' trains
 * in process. Measured on the 2-core machine (seed models, one epoch of 1000 samples, 12–14
 * alternated epochs per run, medians): at batch 128 (40 MFLOP per share) this thread plus one worker
 * was 1.2–1.45× as fast as two workers and 1.2–1.7× as fast as in process; at batch 64 (20 MFLOP)
 * 1.0–1.65× and at 48 (15 MFLOP) 1.05–1.3× as fast as in process; at batch 32 (10 MFLOP) 0.83–1.2×
 * depending on the run, and slower below, so batch 32 (Keras's default) stays in process.
 */
export const MIN_FLOPS_PER_SHARE = 13e6;

/**
 * Training on a page's UI thread, where every shard goes to a worker so the page stays responsive:
 * the minimum FLOPs per worker and step. Measured on the 2-core machine with a GRU(16) sequence model
 * like the seed's: a step of 10 MFLOP per worker (batch 32) is 0.6× as fast on 2 workers as in
 * process (each message and the GRU's 64 per-timestep calls cost the same whatever the batch),
 * 20 MFLOP (batch 64) 1.15–1.45×, the seed model1's 40 MFLOP (batch 128) 0.84–1.5× across runs on
 * this noisy VM (1.2× on average); GRU(128) at 1.5 GFLOP 2.3×.
 */
export const MIN_FLOPS_PER_WORKER = 30e6;

/**
 * Predict and evaluate, this thread computing one share (on a page too: they would otherwise run
 * wholly on it): the minimum FLOPs per share. Measured on the 2-core machine, the seed model1's
 * predict of 1000 samples with one share here and one on a worker, against all of it in process
 * (medians of 26 alternated calls per run): in batches of 1000 (100 MFLOP per share) 1.1–1.7× as
 * fast, of 250 (26 MFLOP) 1.0–1.25× (model3 1.2–1.4×), of 200 (21 MFLOP) 0.93–1.1×, of 125
 * (13 MFLOP) with worse minima. Keras's default batch of 32 (6.6 MFLOP) stays in process.
 */
export const MIN_INFERENCE_FLOPS_PER_SHARE = 20e6;

/** How an operation's batches are split. */
export interface WorkPlan {
  /** Pool workers that each take a share of every batch (0: all on this thread). */
  workers: number;
  /** Whether this thread computes a share too, while the workers compute theirs. */
  callerShare: boolean;
}

/** The plan for an operation whose step (a batch) costs `flopsPerStep`; `inference` for predict / evaluate. */
export async function planWork(workers: WorkersOption, flopsPerStep: number, inference = false): Promise<WorkPlan> {
  const inProcess = { workers: 0, callerShare: false };
  if (workers !== 'auto') return { workers, callerShare: false };
  const available = await availableParallelism();
  if (available < 2 || typeof Worker === 'undefined' && !isNode()) return inProcess;
  const callerShare = inference || !onPageUiThread();
  const minFlops = inference ? MIN_INFERENCE_FLOPS_PER_SHARE : callerShare ? MIN_FLOPS_PER_SHARE : MIN_FLOPS_PER_WORKER;
  // as many shares as are worth-while each; a single share only adds messages
  const shares = Math.min(available, Math.floor(flopsPerStep / minFlops));
  if (shares < 2) return inProcess;
  return callerShare ? { workers: shares - 1, callerShare } : { workers: shares, callerShare };
}

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

/** A page's main thread (it has a document), which training leaves free for the page. */
function onPageUiThread(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined';
}
