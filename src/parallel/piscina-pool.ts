/** The Node transport: a piscina pool running dist/workers/node-worker.js. */
import { Piscina } from 'piscina';
import { workerFailed } from '../errors.js';
import type { WorkerResult, WorkerTask } from './protocol.js';
import { transferables, type WorkerPool } from './pool.js';

export class PiscinaPool implements WorkerPool {
  readonly sharedMemory = true;
  private readonly piscina: Piscina<WorkerTask, WorkerResult>;

  constructor(readonly size: number, workerUrl: URL) {
    this.piscina = new Piscina({
      filename: workerUrl.href,
      minThreads: size,
      maxThreads: size,
      // idle workers are unref'd by piscina, so a script that used the pool still exits by itself
      idleTimeout: 60_000,
    });
  }

  get liveWorkers(): number {
    return this.piscina.threads.length;
  }

  async runAll(tasks: WorkerTask[]): Promise<WorkerResult[]> {
    const settled = await Promise.allSettled(tasks.map((t) => this.piscina.run(t, { transferList: transferables(t) })));
    const failed = settled.findIndex((s) => s.status === 'rejected');
    if (failed >= 0) throw workerFailed(failed, tasks.length, tasks[failed].kind, (settled[failed] as PromiseRejectedResult).reason);
    return settled.map((s) => (s as PromiseFulfilledResult<WorkerResult>).value);
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
