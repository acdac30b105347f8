/**
 * The Web Worker transport (browsers, Deno; Node worker_threads for tests): comlink calls, one shard
 * per worker. comlink alone never rejects when a worker dies, so every call races the worker's error
 * / exit signal and a timeout; a failed worker is terminated and replaced on next use.
 */
import { wrap, transfer, type Endpoint, type Remote } from 'comlink';
import type { WorkerApi, WorkerResult, WorkerTask } from './protocol.js';
import { settleAll, transferables, type WorkerPool } from './pool.js';

/** The failure signal of a worker: the first error or exit, delivered to whoever listens then or later. */
export class FailureSignal {
  private reason: Error | null = null;
  private readonly listeners = new Set<(reason: Error) => void>();

  fail(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    for (const l of this.listeners) l(reason);
    this.listeners.clear();
  }

  subscribe(listener: (reason: Error) => void): () => void {
    if (this.reason) {
      listener(this.reason);
      return () => {};
    }
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/** A worker the comlink pool can drive. */
export interface PoolWorker {
  endpoint: Endpoint;
  /**
   * Calls `listener` with the reason if the worker errors or exits (at once if it already has);
   * returns the unsubscribe function. (A listener per call, removed after it, so nothing piles up
   * on a long-lived promise.)
   */
  onFailure(listener: (reason: Error) => void): () => void;
  /** Keeps the process alive while a call is in flight (Node); no-op in browsers. */
  busy(inFlight: boolean): void;
  terminate(): void;
}

export type WorkerFactory = () => PoolWorker;

interface Slot {
  worker: PoolWorker;
  api: Remote<WorkerApi>;
}

export class ComlinkPool implements WorkerPool {
  readonly workerMemory: number[] = [];
  private readonly slots: (Slot | null)[];
  private destroyed = false;

  constructor(
    readonly size: number,
    private readonly spawn: WorkerFactory,
    readonly sharedMemory: boolean,
    private readonly timeoutMs: number,
  ) {
    this.slots = Array.from({ length: size }, () => null);
  }

  get liveWorkers(): number {
    return this.slots.filter((s) => s != null).length;
  }

  async runAll(tasks: WorkerTask[]): Promise<WorkerResult[]> {
    if (this.destroyed) throw new Error('The worker pool was shut down');
    if (tasks.length > this.size) throw new Error(`ComlinkPool: ${tasks.length} tasks for ${this.size} workers`);
    return settleAll(tasks, (task, i) => this.call(i, task), this.workerMemory);
  }

  private slot(i: number): Slot {
    let slot = this.slots[i];
    if (!slot) {
      const worker = this.spawn();
      slot = { worker, api: wrap<WorkerApi>(worker.endpoint) };
      this.slots[i] = slot;
    }
    return slot;
  }

  private async call(i: number, task: WorkerTask): Promise<WorkerResult> {
    const slot = this.slot(i);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    let unsubscribe = () => {};
    const failure = new Promise<never>((_, reject) => {
      unsubscribe = slot.worker.onFailure(reject);
    });
    slot.worker.busy(true);
    try {
      return await Promise.race([slot.api.run(transfer(task, transferables(task))) as Promise<WorkerResult>, failure, timeout]);
    } catch (e) {
      this.retire(i, slot);
      throw e;
    } finally {
      clearTimeout(timer);
      unsubscribe();
      slot.worker.busy(false);
    }
  }

  /** Ends a worker after a failure; the slot respawns on next use. */
  private retire(i: number, slot: Slot): void {
    if (this.slots[i] === slot) this.slots[i] = null;
    slot.worker.terminate();
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.slots.forEach((slot, i) => {
      if (slot) this.retire(i, slot);
    });
  }
}
