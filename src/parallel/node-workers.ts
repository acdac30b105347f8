/** Node worker_threads for the comlink pool (the piscina pool is Node's default transport). */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { PoolWorker, WorkerFactory } from './comlink-pool.js';

export function nodeWorkerFactory(url: URL): WorkerFactory {
  return (): PoolWorker => {
    const worker = new Worker(fileURLToPath(url));
    worker.unref();
    const failure = new Promise<Error>((resolve) => {
      worker.on('error', (e: Error) => resolve(e));
      worker.on('exit', (code: number) => resolve(new Error(`the worker exited with code ${code}`)));
    });
    return {
      endpoint: nodeEndpoint(worker),
      failure,
      busy: (inFlight) => (inFlight ? worker.ref() : worker.unref()),
      terminate: () => void worker.terminate(),
    };
  };
}
