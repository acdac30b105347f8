/**
 * A pool worker's copy of a model: built from the model's config through the layer registry (as
 * loading a saved model is), with the loss heads the task names, and kept (by model id) while the
 * config stays the same; the weights are loaded when their version changes.
 */
import type { Engine } from '../backend/engine.js';
import { graphFromConfig } from '../graph/from-config.js';
import { Topology } from '../graph/topology.js';
import type { LayerVariable } from '../layers/variable.js';
import type { WorkerTask } from '../parallel/protocol.js';
import { copyRows } from '../ops/grad-rows.js';
import { resolveLoss } from '../training/losses.js';
import { ModelProgram } from './program.js';
import { StepRunner } from './step-runner.js';

interface Replica {
  config: string;
  configVersion: number;
  heads: string;
  weights: LayerVariable[];
  runner: StepRunner;
  weightsVersion: number;
}

/** Replicas kept per worker; the least recently used one goes first. */
const MAX_REPLICAS = 4;
const replicas = new Map<number, Replica>();

/** The step runner of the task's model, with the task's weights loaded. */
export function replicaFor(engine: Engine, task: WorkerTask): StepRunner {
  const replica = replicaOf(engine, task);
  if (replica.weightsVersion !== task.weightsVersion) {
    // a worker holding the version before a row update copies the rows it changed, else everything
    const changed = task.weightRows?.base === replica.weightsVersion ? task.weightRows.rows : null;
    let offset = 0;
    replica.weights.forEach((v, i) => {
      const values = task.weights.subarray(offset, offset + v.size);
      const rows = changed?.[i];
      if (rows) copyRows(values, engine.f32(v.ptrIn(engine), v.size), rows, v.size / v.shape[0]);
      else v.write(values);
      offset += v.size;
    });
    replica.weightsVersion = task.weightsVersion;
  }
  return replica.runner;
}

function replicaOf(engine: Engine, task: WorkerTask): Replica {
  const cached = replicas.get(task.modelId);
  // decode the config only when its version is new here; an unchanged config keeps the replica
  const config = cached?.configVersion === task.configVersion ? cached.config : new TextDecoder().decode(task.config.slice()); // browsers decode no shared views
  const heads = JSON.stringify(task.heads);
  if (cached && cached.config === config && cached.heads === heads) {
    cached.configVersion = task.configVersion;
    replicas.delete(task.modelId);
    replicas.set(task.modelId, cached); // most recently used last
    return cached;
  }
  if (cached) drop(task.modelId);
  const graph = graphFromConfig(JSON.parse(config), { initialize: false });
  const program = new ModelProgram({
    topology: new Topology(graph.inputs, graph.outputs),
    heads: (task.heads ?? []).map((h) => ({ loss: resolveLoss(h.loss), weight: h.weight, metrics: h.metrics })),
  });
  const replica: Replica = { config, configVersion: task.configVersion, heads, weights: program.weights, runner: new StepRunner(engine, program), weightsVersion: -1 };
  replicas.set(task.modelId, replica);
  while (replicas.size > MAX_REPLICAS) drop(replicas.keys().next().value!);
  return replica;
}

function drop(modelId: number): void {
  const r = replicas.get(modelId);
  if (!r) return;
  r.runner.dispose();
  for (const v of r.weights) v.dispose();
  replicas.delete(modelId);
}
