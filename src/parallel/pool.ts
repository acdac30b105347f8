/** What the executor needs of a worker pool, whatever the transport (piscina or comlink). */
import { workerFailed } from '../errors.js';
import type { WorkerResult, WorkerTask } from './protocol.js';

export interface WorkerPool {
  /** Workers in the pool. */
  readonly size: number;
  /** Whether tasks may carry SharedArrayBuffer-backed arrays (shared, not copied). */
  readonly sharedMemory: boolean;
  /** Worker threads alive now (for leak checks). */
  readonly liveWorkers: number;
  /** The workers' WebAssembly memory, as last reported (one entry per shard slot). */
  readonly workerMemory: number[];
  /**
   * Runs every task (at most `size`), resolving their results in task order. If any task fails, waits
   * for the others to settle, then rejects with a WorkerError naming the failed shard and its cause;
   * a dead worker is replaced.
   */
  runAll(tasks: WorkerTask[]): Promise<WorkerResult[]>;
  /** Ends every worker; pending tasks reject. */
  destroy(): Promise<void>;
}

/** Buffers a task can transfer instead of copying: its own x and y copies (never shared ones). */
export function transferables(task: WorkerTask): ArrayBuffer[] {
  return [...task.x, ...(task.y ?? [])]
    .filter((a) => a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
    .map((a) => a.buffer as ArrayBuffer);
}

/**
 * Runs every task through `call` (one transport's way of sending a task to worker i) and waits for
 * all of them to settle; if any failed, rejects with a WorkerError naming the first failed shard and
 * its cause, else resolves the results in task order and records each worker's reported memory.
 * Both transports share this, so a failure reads the same whichever ran it.
 */
export async function settleAll(tasks: WorkerTask[], call: (task: WorkerTask, index: number) => Promise<WorkerResult>, workerMemory: number[]): Promise<WorkerResult[]> {
  const settled = await Promise.allSettled(tasks.map((t, i) => call(t, i)));
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) throw workerFailed(failed, tasks.length, tasks[failed].kind, (settled[failed] as PromiseRejectedResult).reason);
  const results = settled.map((s) => (s as PromiseFulfilledResult<WorkerResult>).value);
  results.forEach((r, i) => (workerMemory[i] = r.engineBytes ?? workerMemory[i] ?? 0));
  return results;
}
