/**
 * The process-wide worker pool: started lazily, reused across calls and models, ended by shutdown()
 * or when the last model that used it is disposed.
 */
import { invalidArgument } from '../errors.js';
import { checkArgKeys } from '../layers/args.js';
import { ComlinkPool } from './comlink-pool.js';
import { nextMacrotask } from './macrotask.js';
import type { WorkerPool } from './pool.js';
import { webWorkerFactory } from './web-workers.js';

export interface PoolOptions {
  /** 'piscina' (Node's default) or 'comlink' (Web Workers; the only choice in browsers and Deno). */
  transport?: 'auto' | 'piscina' | 'comlink';
  /** The worker script (default: dist/workers/{node,web}-worker.js next to the package). */
  workerUrl?: URL | string;
  /** How long a comlink call may take before the worker is declared dead; default 10 minutes. */
  timeoutMs?: number;
  /** Node: a worker's JS heap limit in MB (a worker past it dies alone, the process lives on). */
  maxWorkerHeapMb?: number;
}

const DEFAULT_URLS = {
  piscina: new URL('../../dist/workers/node-worker.js', import.meta.url),
  comlink: new URL('../../dist/workers/web-worker.js', import.meta.url),
};

let options: PoolOptions = {};
let current: { pool: WorkerPool; users: Set<number>; active: number } | null = null;
let creating: Promise<WorkerPool> | null = null;
/** A background start failed: no other is tried until setPoolOptions (acquirePool still tries). */
let backgroundStartFailed = false;

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string' && !('Deno' in globalThis);
}

/**
 * Configures the worker pool; applies to pools started afterwards (shutdown() ends the current one).
 * @example wl.setPoolOptions({ workerUrl: '/assets/web-worker.js', timeoutMs: 60_000 });
 */
export function setPoolOptions(next: PoolOptions): void {
  checkArgKeys('setPoolOptions', next, ['transport', 'workerUrl', 'timeoutMs', 'maxWorkerHeapMb']);
  if (next.maxWorkerHeapMb != null && !(Number.isSafeInteger(next.maxWorkerHeapMb) && next.maxWorkerHeapMb >= 16)) {
    throw invalidArgument('setPoolOptions', 'maxWorkerHeapMb', 'an integer number of MB, at least 16', next.maxWorkerHeapMb);
  }
  if (next.transport != null && !['auto', 'piscina', 'comlink'].includes(next.transport)) {
    throw invalidArgument('setPoolOptions', 'transport', "'auto', 'piscina' or 'comlink'", next.transport);
  }
  if (next.timeoutMs != null && !(typeof next.timeoutMs === 'number' && next.timeoutMs > 0)) {
    throw invalidArgument('setPoolOptions', 'timeoutMs', 'a positive number of milliseconds', next.timeoutMs);
  }
  options = { ...next };
  backgroundStartFailed = false; // new options may start where the old ones failed
}

/** node:os, imported once: a dynamic import costs ≈ 70 µs per call, a tenth of a seed predict's overhead. */
let nodeOs: Promise<typeof import('node:os')> | null = null;

/** Worker threads this runtime offers (os.availableParallelism in Node, hardwareConcurrency elsewhere). */
export async function availableParallelism(): Promise<number> {
  if (isNode()) return (await (nodeOs ??= import('node:os'))).availableParallelism();
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

async function createPool(size: number): Promise<WorkerPool> {
  const transport = options.transport && options.transport !== 'auto' ? options.transport : isNode() ? 'piscina' : 'comlink';
  const url = options.workerUrl ? new URL(options.workerUrl, import.meta.url) : DEFAULT_URLS[transport];
  const timeoutMs = options.timeoutMs ?? 600_000;
  if (transport === 'piscina') {
    if (!isNode()) throw new Error('The piscina transport needs Node; use transport: "comlink" here');
    const { PiscinaPool } = await import('./piscina-pool.js');
    return new PiscinaPool(size, url, options.maxWorkerHeapMb, timeoutMs);
  }
  if (isNode()) {
    const { nodeWorkerFactory } = await import('./node-workers.js');
    return new ComlinkPool(size, nodeWorkerFactory(url, options.maxWorkerHeapMb), true, timeoutMs);
  }
  const shared = typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
  return new ComlinkPool(size, webWorkerFactory(url), shared, timeoutMs);
}

/** Waits until no pool is being started (one started in the background is then `current`). */
async function settled(): Promise<void> {
  while (creating) await creating.catch(() => undefined);
}

/**
 * A pool of at least `size` workers for model `modelId` and how many of them to use (`size`, or
 * fewer while a smaller pool is busy); call release() when the operation ends. A larger pool is kept
 * and a subset of it used, so operations that ask for different worker counts (fit on 4, predict on
 * 2) do not restart workers — which costs their start, their compiled kernels and replicas; a pool
 * too small is replaced by a larger one when idle.
 */
export async function acquirePool(size: number, modelId: number): Promise<{ pool: WorkerPool; workers: number; release: () => void }> {
  await settled();
  if (current && current.pool.size < size && current.active === 0) await shutdownPool();
  if (!current) {
    creating = createPool(size);
    try {
      current = { pool: await creating, users: new Set(), active: 0 };
    } finally {
      creating = null;
    }
  }
  const entry = current;
  entry.users.add(modelId);
  entry.active++;
  return { pool: entry.pool, workers: Math.min(size, entry.pool.size), release: () => void entry.active-- };
}

/**
 * The running pool's size, or 0 when none is running: then, unless one is starting, a pool of `size`
 * workers is started in the background for model `modelId`'s later operations, so an operation that
 * can also run on this thread (inference with 'auto') need not wait for workers to start. If that
 * start fails, no other is tried in the background until the pool options change; acquirePool still
 * tries, and reports why.
 */
export function poolSizeOrStart(size: number, modelId: number): number {
  if (current) return current.pool.size;
  if (creating || backgroundStartFailed) return 0;
  const starting = (creating = createPool(size));
  starting.then(
    (pool) => {
      if (creating === starting) current = { pool, users: new Set([modelId]), active: 0 };
    },
    () => void (backgroundStartFailed = true),
  ).finally(() => {
    if (creating === starting) creating = null;
  });
  return 0;
}

/**
 * Lets a pool starting in the background make progress before an operation runs here instead. Its
 * module loading and worker start-up complete in event-loop tasks, which a loop of awaited
 * in-process calls (microtasks only) would otherwise never let run: such a loop of predicts kept
 * running on this thread alone, its pool never started. Resolves after one event-loop task while a
 * start is in progress (microseconds in Node), at once otherwise.
 */
export async function letPoolStartProgress(): Promise<void> {
  if (creating) await nextMacrotask();
}

/** Forgets a disposed model; the pool ends when no model that used it is left. */
export async function releaseModel(modelId: number): Promise<void> {
  await settled();
  if (!current?.users.delete(modelId)) return;
  if (current.users.size === 0 && current.active === 0) await shutdownPool();
}

/** Ends the pool's workers (pending tasks reject). */
export async function shutdownPool(): Promise<void> {
  await settled();
  const entry = current;
  current = null;
  if (entry) await entry.pool.destroy();
}

/** The pool's size and live workers (0 / 0 without a pool). */
export function poolStats(): { size: number; liveWorkers: number } {
  return current ? { size: current.pool.size, liveWorkers: current.pool.liveWorkers } : { size: 0, liveWorkers: 0 };
}

/** What the worker pool is doing now (null before it starts or after it ends). */
export interface PoolInfo {
  /** Workers in the pool. */
  size: number;
  /** Worker threads alive. */
  liveWorkers: number;
  /** Whether weights and gradients travel in shared memory (false: transferred copies). */
  sharedMemory: boolean;
  transport: 'piscina' | 'comlink';
  /** The workers' WebAssembly memory in bytes, as each last reported it. */
  workerMemoryBytes: number[];
}

/**
 * The worker pool's state, or null when none is running.
 * @example wl.poolInfo()?.sharedMemory // true in Node, Deno and cross-origin-isolated pages
 */
export function poolInfo(): PoolInfo | null {
  if (!current) return null;
  const { pool } = current;
  return {
    size: pool.size, liveWorkers: pool.liveWorkers, sharedMemory: pool.sharedMemory,
    transport: pool instanceof ComlinkPool ? 'comlink' : 'piscina', workerMemoryBytes: [...pool.workerMemory],
  };
}
