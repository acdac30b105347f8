/**
 * The work a pool worker does, independent of the transport: find (or build) the replica of the
 * task's model, then run its claimed chunks or its shard through the one chunk runner.
 */
import { Engine } from '../src/backend/engine.js';
import type { ChunkResult, WorkerResult, WorkerTask } from '../src/parallel/protocol.js';
import { awaitChunk, claimed } from '../src/parallel/row-claims.js';
import { runChunk } from '../src/runtime/chunk-runner.js';
import { replicaFor } from '../src/runtime/replica.js';
import type { StepRunner } from '../src/runtime/step-runner.js';
import { batchRows, type Batch } from '../src/training/executor.js';

let enginePromise: Promise<Engine> | null = null;

export async function runTask(task: WorkerTask): Promise<WorkerResult> {
  enginePromise ??= Engine.instantiate(task.kernels.module, task.kernels.variant);
  const engine = await enginePromise;
  const runner = replicaFor(engine, task);
  if (task.kind === 'train') runner.useRowSparse(task.rowSparse);
  const batch: Batch = {
    inputs: task.x.map((data, i) => ({ data, shape: task.xShapes[i] })),
    targets: (task.y ?? []).map((data, i) => ({ data, shape: task.yShapes![i] })),
    seed: task.seed, firstRow: task.firstRow,
  };
  const result = task.claims ? runClaimed(runner, task, batch, task.claims) : runShard(runner, task, batch);
  return { ...result, engineBytes: engine.memoryStats().memoryBytes };
}

/** A fixed shard whose results go back as copies. */
function runShard(runner: StepRunner, task: WorkerTask, batch: Batch): WorkerResult {
  const { totals, gradients, rows, outputs } = runChunk(runner, task.kind, batch, { scales: task.scales });
  return { ...totals, gradients, rows, y: outputs?.map((o) => o.data as Float32Array), yShapes: outputs?.map((o) => o.shape) };
}

/** Computes the chunks this worker claims until none is left; their outputs and gradients go to their slots. */
function runClaimed(runner: StepRunner, task: WorkerTask, batch: Batch, { counters, bounds }: NonNullable<WorkerTask['claims']>): WorkerResult {
  const rows = task.xShapes[0][0];
  const chunks: ChunkResult[] = [];
  let yShapes: number[][] | undefined;
  for (const index of claimed(counters, bounds.length - 1)) {
    awaitChunk(counters, index);
    const [start, end] = [bounds[index], bounds[index + 1]];
    const outputs = task.output?.map((o) => {
      const per = o.length / rows;
      return o.subarray(start * per, end * per);
    });
    const outcome = runChunk(runner, task.kind, batchRows(batch, start, end), { scales: task.scales, gradientSlot: task.chunkGradients?.[index], outputs });
    yShapes = outcome.outputs?.map((o) => o.shape) ?? yShapes;
    chunks.push({ index, ...outcome.totals, rows: outcome.rows });
  }
  return { chunks, yShapes };
}
