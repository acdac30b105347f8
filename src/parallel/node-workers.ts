/** Node worker_threads for the comlink pool (the piscina pool is Node's default transport). */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { workerResourceLimits } from './piscina-pool.js';
import { FailureSignal, type PoolWorker, type WorkerFactory } from './comlink-pool.js';

export function nodeWorkerFactory(url: URL, maxHeapMb?: number): WorkerFactory {
  return (): PoolWorker => {
    const worker = new Worker(fileURLToPath(url), { resourceLimits: workerResourceLimits(maxHeapMb) });
    worker.unref();
    const failure = new FailureSignal();
    worker.on('error', (e: Error) => failure.fail(e));
    worker.on('exit', (code: number) => failure.fail(new Error(`the worker exited with code ${code}`)));
    return {
      endpoint: nodeEndpoint(worker),
      onFailure: (l) => failure.subscribe(l),
      busy: (inFlight) => (inFlight ? worker.ref() : worker.unref()),
      terminate: () => void worker.terminate(),
    };
  };
}
