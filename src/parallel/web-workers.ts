/** Browser and Deno Web Workers for the comlink pool. */
import type { PoolWorker, WorkerFactory } from './comlink-pool.js';

export function webWorkerFactory(url: URL): WorkerFactory {
  return (): PoolWorker => {
    const worker = new Worker(url, { type: 'module' });
    const failure = new Promise<Error>((resolve) => {
      worker.addEventListener('error', (event: ErrorEvent) => {
        event.preventDefault();
        resolve(new Error(event.message || `the worker (${url.href}) failed to load or threw`));
      });
      worker.addEventListener('messageerror', () => resolve(new Error('a message from the worker could not be read')));
    });
    return { endpoint: worker, failure, busy: () => {}, terminate: () => worker.terminate() };
  };
}
