/**
 * The work a pool worker does, independent of the transport: build (and cache) a replica of the model
 * from its config, load the weights when their version changes, and run one shard.
 */
import { Engine } from '../src/backend/engine.js';
import { modelFromConfig } from '../src/models/serialization.js';
import type { LayersModel } from '../src/models/model.js';
import { InProcessExecutor } from '../src/training/in-process.js';
import { resolveLoss } from '../src/training/losses.js';
import type { ChunkResult, WorkerResult, WorkerTask } from '../src/parallel/protocol.js';
import { awaitChunk, claimed } from '../src/parallel/row-claims.js';
import { batchRows } from '../src/training/executor.js';

interface Replica {
  config: string;
  configVersion: number;
  loss: string | null;
  model: LayersModel;
  executor: InProcessExecutor;
  weightsVersion: number;
}

/** Replicas kept per worker; the least recently used one goes first. */
const MAX_REPLICAS = 4;
const replicas = new Map<number, Replica>();
let enginePromise: Promise<Engine> | null = null;

export async function runTask(task: WorkerTask): Promise<WorkerResult> {
  enginePromise ??= Engine.instantiate(task.kernels.module, task.kernels.variant);
  const engine = await enginePromise;
  return { ...(await run(engine, task)), engineBytes: engine.memoryStats().memoryBytes };
}

async function run(engine: Engine, task: WorkerTask): Promise<WorkerResult> {
  const replica = replicaFor(engine, task);
  if (replica.weightsVersion !== task.weightsVersion) {
    let offset = 0;
    for (const v of replica.model.weights) {
      v.write(task.weights.subarray(offset, offset + v.size));
      offset += v.size;
    }
    replica.weightsVersion = task.weightsVersion;
  }
  replica.executor.countCorrect = task.countCorrect;
  if (task.claims) return runClaimed(replica.executor, task, task.claims);
  const batch = { x: task.x, xShape: task.xShape, y: task.y!, yShape: task.yShape! };
  switch (task.kind) {
    case 'train': {
      const totals = replica.executor.computeGradients(batch, task.scale);
      return { ...totals, gradients: replica.executor.gradients().view().slice() };
    }
    case 'evaluate':
      return replica.executor.evaluateBatch(batch);
    case 'predict': {
      return replica.executor.predictBatch(task.x, task.xShape);
    }
  }
}

/** Computes the chunks this worker claims until none is left; their outputs and gradients go to their slots. */
async function runClaimed(executor: InProcessExecutor, task: WorkerTask, { counters, bounds }: NonNullable<WorkerTask['claims']>): Promise<WorkerResult> {
  // predict has no targets: x stands in for them (their views are not read)
  const batch = { x: task.x, xShape: task.xShape, y: task.y ?? task.x, yShape: task.yShape ?? task.xShape };
  const outRow = task.output ? task.output.length / task.xShape[0] : 0;
  const chunks: ChunkResult[] = [];
  let yShape: number[] | undefined;
  for (const index of claimed(counters, bounds.length - 1)) {
    awaitChunk(counters, index);
    const [start, end] = [bounds[index], bounds[index + 1]];
    const part = batchRows(batch, start, end);
    switch (task.kind) {
      case 'train':
        chunks.push({ index, ...executor.computeGradients(part, task.scale) });
        task.chunkGradients![index].set(executor.gradients().view());
        break;
      case 'evaluate':
        chunks.push({ index, ...(await executor.evaluateBatch(part)) });
        break;
      case 'predict':
        ({ yShape } = await executor.predictBatch(part.x, part.xShape, task.output!.subarray(start * outRow, end * outRow)));
        chunks.push({ index });
        break;
    }
  }
  return { chunks, yShape };
}

function replicaFor(engine: Engine, task: WorkerTask): Replica {
  const cached = replicas.get(task.modelId);
  // decode the config only when its version is new here; an unchanged config keeps the replica
  const config = cached?.configVersion === task.configVersion ? cached.config : new TextDecoder().decode(task.config.slice()); // browsers decode no shared views
  if (cached && cached.config === config && cached.loss === task.loss) {
    cached.configVersion = task.configVersion;
    replicas.delete(task.modelId);
    replicas.set(task.modelId, cached); // most recently used last
    return cached;
  }
  if (cached) drop(task.modelId);
  const model = modelFromConfig(JSON.parse(config), { initialize: false });
  const executor = new InProcessExecutor(engine, model.trainableGraph(), task.loss ? resolveLoss(task.loss) : null, null);
  const replica: Replica = { config, configVersion: task.configVersion, loss: task.loss, model, executor, weightsVersion: -1 };
  replicas.set(task.modelId, replica);
  while (replicas.size > MAX_REPLICAS) drop(replicas.keys().next().value!);
  return replica;
}

function drop(modelId: number): void {
  const r = replicas.get(modelId);
  if (!r) return;
  r.executor.dispose();
  r.model.dispose();
  replicas.delete(modelId);
}
