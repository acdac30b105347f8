/**
 * How many workers an operation uses: 0 runs on this thread. 'auto' takes the available parallelism,
 * but stays on this thread when each worker's share of a step is too small to pay for the messages
 * (measured: see bench/RESULTS.md, "worker threshold").
 */
import { availableParallelism } from './pool-registry.js';
import type { WorkersOption } from '../training/fit.js';

/**
 * Below this many FLOPs per worker and step, 'auto' runs in process. Measured on the 2-core machine
 * (bench/RESULTS.md, worker scaling): the seed model1's step (≈ 40 MFLOP per worker with 2) is
 * slower on workers, as its small memory-bound kernels contend for the shared caches; a GRU(32) step
 * at 150 MFLOP per worker is 1.45× faster, GRU(64) at 450 MFLOP 1.67×, GRU(128) at 1.5 GFLOP 2.3×.
 */
export const MIN_FLOPS_PER_WORKER = 100e6;

export async function workerCount(workers: WorkersOption, flopsPerStep: number): Promise<number> {
  if (workers !== 'auto') return workers;
  const available = await availableParallelism();
  if (available < 2 || typeof Worker === 'undefined' && !isNode()) return 0;
  return flopsPerStep / available >= MIN_FLOPS_PER_WORKER ? available : 0;
}

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}
