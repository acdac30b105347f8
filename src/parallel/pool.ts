/** What the executor needs of a worker pool, whatever the transport (piscina or comlink). */
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
  return [task.x, task.y]
    .filter((a): a is Float32Array => a != null && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
    .map((a) => a.buffer as ArrayBuffer);
}
