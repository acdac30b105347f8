// piscina shell (Node): one task = one shard. See handler.ts.
import { runTask } from './handler.js';
import type { WorkerResult, WorkerTask } from '../src/parallel/protocol.js';

export default function run(task: WorkerTask): Promise<WorkerResult> {
  return runTask(task);
}
