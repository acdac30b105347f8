/**
 * The Web Worker transport (browsers, Deno; Node worker_threads for tests): comlink calls, one shard
 * per worker. comlink alone never rejects when a worker dies, so every call races the worker's error
 * / exit signal and a timeout; a failed worker is terminated and replaced on next use.
 */
import { wrap, transfer, type Endpoint, type Remote } from 'comlink';
import { workerFailed } from '../errors.js';
import type { WorkerApi, WorkerResult, WorkerTask } from './protocol.js';
import { transferables, type WorkerPool } from './pool.js';

/** A worker the comlink pool can drive. */
export interface PoolWorker {
  endpoint: Endpoint;
  /** Resolves with the reason when the worker errors or exits (never, while it is healthy). */
  failure: Promise<Error>;
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
    const settled = await Promise.allSettled(tasks.map((task, i) => this.call(i, task)));
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed >= 0) throw workerFailed(failed, tasks.length, tasks[failed].kind, (settled[failed] as PromiseRejectedResult).reason);
    return settled.map((s) => (s as PromiseFulfilledResult<WorkerResult>).value);
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
    slot.worker.busy(true);
    try {
      return await Promise.race([
        slot.api.run(transfer(task, transferables(task))) as Promise<WorkerResult>,
        slot.worker.failure.then((e) => Promise.reject(e)),
        timeout,
      ]);
    } catch (e) {
      this.retire(i, slot);
      throw e;
    } finally {
      clearTimeout(timer);
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
