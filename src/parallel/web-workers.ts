/** Browser and Deno Web Workers for the comlink pool. */
import { FailureSignal, type PoolWorker, type WorkerFactory } from './comlink-pool.js';

export function webWorkerFactory(url: URL): WorkerFactory {
  return (): PoolWorker => {
    const worker = new Worker(url, { type: 'module' });
    const failure = new FailureSignal();
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      failure.fail(new Error(event.message || `the worker (${url.href}) failed to load or threw`));
    });
    worker.addEventListener('messageerror', () => failure.fail(new Error('a message from the worker could not be read')));
    return { endpoint: worker, onFailure: (l) => failure.subscribe(l), busy: () => {}, terminate: () => worker.terminate() };
  };
}
