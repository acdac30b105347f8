// comlink shell: Web Workers in browsers and Deno (self), or a Node worker thread (parentPort).
// Results' buffers are transferred, not copied.
import { expose, transfer, type Endpoint } from 'comlink';
import { runTask } from './handler.js';
import type { WorkerApi, WorkerResult, WorkerTask } from '../src/parallel/protocol.js';

function withTransfers(result: WorkerResult): WorkerResult {
  const buffers = [...new Set([result.gradients?.buffer, ...(result.y ?? []).map((y) => y.buffer)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))];
  return buffers.length ? transfer(result, buffers) : result;
}

const api: WorkerApi = {
  run: async (task: WorkerTask) => withTransfers(await runTask(task)),
};

async function endpoint(): Promise<Endpoint | undefined> {
  if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined') return undefined; // self
  const { parentPort } = await import('node:worker_threads');
  const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs');
  return nodeEndpoint(parentPort!);
}

expose(api, await endpoint());
