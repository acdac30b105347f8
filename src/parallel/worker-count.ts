/**
 * How many workers an operation uses: 0 runs on this thread. 'auto' takes as much of the available
 * parallelism as gives each worker a share of a step large enough to pay for the messages, and
 * stays on this thread when fewer than two workers would qualify (measured: see bench/RESULTS.md,
 * "worker threshold").
 */
import { availableParallelism } from './pool-registry.js';
import type { WorkersOption } from '../training/fit.js';

/**
 * Below this many FLOPs per worker and step, 'auto' runs in process. Measured on the 2-core machine
 * with a GRU(16) sequence model like the seed's (bench/RESULTS.md, "worker threshold"): a step of
 * 10 MFLOP per worker (batch 32) is 0.6× as fast on 2 workers as in process (each message and the
 * GRU's 64 per-timestep calls cost the same whatever the batch), 20 MFLOP (batch 64) 1.15–1.45×,
 * the seed model1's 40 MFLOP (batch 128) 0.84–1.5× across runs on this noisy VM (1.2× on average);
 * GRU(128) at 1.5 GFLOP 2.3×.
 */
export const MIN_FLOPS_PER_WORKER = 30e6;

/**
 * The same for predict and evaluate: a forward pass moves all of x through the messages for a third
 * of a training step's work per sample, and the small GRU's fused inference kernel leaves little to
 * share. Measured: the seed predict of 1000 samples (≈ 100 MFLOP per worker on 2) ran 0.6–1.24×
 * as fast on 2 workers as in process across bench runs.
 */
export const MIN_INFERENCE_FLOPS_PER_WORKER = 150e6;

/** Workers for an operation whose step (a batch) costs `flopsPerStep`; `inference` for predict / evaluate. */
export async function workerCount(workers: WorkersOption, flopsPerStep: number, inference = false): Promise<number> {
  if (workers !== 'auto') return workers;
  const available = await availableParallelism();
  if (available < 2 || typeof Worker === 'undefined' && !isNode()) return 0;
  // as many workers as get a worth-while share each; one worker alone only adds messages
  const share = inference ? MIN_INFERENCE_FLOPS_PER_WORKER : MIN_FLOPS_PER_WORKER;
  const count = Math.min(available, Math.floor(flopsPerStep / share));
  return count >= 2 ? count : 0;
}

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}
