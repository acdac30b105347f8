/**
 * Where one fit / evaluate / predict runs, decided on a plain description of the model: its
 * program (kept while the topology, the compile and the trainable flags stay the same), the measured
 * cost of its steps, and the plan — this thread, or the worker pool with or without this thread's
 * share — with the memory check before anything is allocated. models/ asks for an executor here and
 * knows nothing of pools, plans or costs.
 */
import { getEngine, type Engine } from '../backend/engine.js';
import { ValueError } from '../errors.js';
import type { Topology } from '../graph/topology.js';
import { trainableVersion } from '../layers/layer.js';
import { isBuiltInLayer } from '../layers/registry.js';
import { acquirePool, letPoolStartProgress, poolSizeOrStart } from '../parallel/pool-registry.js';
import type { Executor } from '../training/executor.js';
import type { WorkersOption } from '../training/fit.js';
import type { Loss } from '../training/losses.js';
import type { Optimizer } from '../training/optimizers.js';
import { InProcessExecutor } from './in-process.js';
import { checkStepMemory, measureStep, planWork, type SampleShapes, type StepCost } from './plan.js';
import { PoolExecutor } from './pool-executor.js';
import { ModelProgram } from './program.js';
import { metricKindFor } from '../training/metrics.js';

export type Operation = 'fit' | 'evaluate' | 'predict';

/** What a session needs of a model: nothing of its API, only these. */
export interface ModelDescription {
  /** Identifies the model to the worker pool. */
  id: number;
  name: string;
  topology: Topology;
  /** The compiled losses, loss weights and metrics now (null when not compiled; predict needs none). */
  compiled(): { losses: Loss[]; lossWeights: number[]; metrics: string[] } | null;
  /** The Keras config JSON the pool's workers build their replicas from. */
  config(): string;
}

export interface SessionRequest {
  operation: Operation;
  workers: WorkersOption;
  batchSize: number;
  samples: number;
  /** One sample's shape of each input and target (targets empty for predict). */
  shapes: SampleShapes;
  /** fit only. */
  optimizer: Optimizer | null;
}

/** An open executor; `close()` releases it and the pool it holds. */
export interface Session {
  executor: Executor;
  close(): void;
}

interface Kept {
  key: unknown[];
  program: ModelProgram;
  costs: Map<string, StepCost>;
}

/** Programs and step costs of one model, kept between calls (rebuilding them cost a seed predict ≈ 10%). */
export class ModelRuntime {
  private readonly kept = new Map<Operation, Kept>();

  constructor(private readonly model: ModelDescription) {}

  /** The program of `operation`: the compiled heads unless predicting. */
  program(operation: Operation): ModelProgram {
    return this.entry(operation).program;
  }

  private entry(operation: Operation): Kept {
    const compiled = operation === 'predict' ? null : this.model.compiled();
    const key = [this.model.topology, compiled, trainableVersion()];
    const kept = this.kept.get(operation);
    if (kept && kept.key.every((k, i) => k === key[i])) return kept;
    const program = new ModelProgram({
      topology: this.model.topology,
      heads: compiled ? compiled.losses.map((loss, i) => ({
        loss, weight: compiled.lossWeights[i], metrics: compiled.metrics.map((m) => metricKindFor(m, this.model.topology.outputs[i].shape, loss)),
      })) : [],
    });
    const entry = { key, program, costs: new Map<string, StepCost>() };
    this.kept.set(operation, entry);
    return entry;
  }

  /** A step's measured cost, kept per program and shapes. */
  private cost(operation: Operation, engine: Engine, rows: number, shapes: SampleShapes, training: boolean): StepCost {
    const { program, costs } = this.entry(operation);
    const key = `${rows} ${training} ${shapes.inputs.join(';')} ${shapes.targets.join(';')}`;
    let cost = costs.get(key);
    if (!cost) {
      cost = measureStep(engine, program, rows, shapes, training);
      if (costs.size > 16) costs.clear();
      costs.set(key, cost);
    }
    return cost;
  }

  /**
   * An executor for one operation: this thread's engine, or the worker pool when `workers` asks
   * for it and a step is large enough to gain from it. Refuses a step that cannot fit in memory, and
   * a model with layer classes the workers cannot build on explicit workers.
   */
  async open({ operation, workers, batchSize, samples, shapes, optimizer }: SessionRequest): Promise<Session> {
    const program = this.program(operation);
    const engine = await getEngine();
    const flopsPerSample = this.cost(operation, engine, 1, shapes, false).flops;
    const custom = [...new Set(this.model.topology.layers.map((l) => l.className).filter((c) => !isBuiltInLayer(c)))];
    if (custom.length && workers !== 'auto' && workers > 0) {
      throw new ValueError(`Model ${this.model.name} uses layer class ${custom.join(', ')}, registered on this thread only: pool workers cannot build it. Use workers: 0 (or 'auto')`);
    }
    if (operation === 'fit') {
      const refusal = this.model.topology.layers.map((l) => l.unsupportedInTraining()).find((r) => r != null) ?? sharedStateRefusal(this.model.topology);
      if (refusal) throw new ValueError(refusal);
    }
    const stateful = statefulLayers(this.model.topology.layers);
    if (stateful.length) checkStatefulBatches(stateful, workers, batchSize, samples, operation);
    // a masked loss is a mean over the whole step's unmasked steps: the pool divides the summed
    // gradient of a single output by their count; a model of several outputs trains in one share
    const maskedLoss = operation === 'fit' && program.maskedOutputs.some(Boolean) && program.heads.length > 1;
    // batch statistics (BatchNormalization in training) are the whole step's, as Keras computes
    // them: a fit with state updates runs in one share, so it gives Keras's numbers on any workers
    const batchStatistics = operation === 'fit' && program.stateVariables.length > 0;
    const plan = custom.length || stateful.length || maskedLoss || batchStatistics ? { workers: 0, callerShare: false } : await planWork(workers, flopsPerSample * batchSize * (operation === 'fit' ? 3 : 1), operation !== 'fit');
    // inference, one call of few steps, uses the workers running now and never waits for any to
    // start (without a pool it starts one for later calls and runs here); training waits for its pool
    if (plan.callerShare && operation !== 'fit') {
      plan.workers = Math.min(plan.workers, poolSizeOrStart(plan.workers, this.model.id));
      if (plan.workers === 0) await letPoolStartProgress();
    }
    if (plan.workers === 0) plan.callerShare = false;
    const shares = plan.workers + (plan.callerShare ? 1 : 0);
    const rows = Math.ceil(Math.min(batchSize, samples) / Math.max(shares, 1));
    checkStepMemory(engine, this.cost(operation, engine, rows, shapes, operation === 'fit').bytes, rows);
    if (plan.workers === 0) {
      const executor = new InProcessExecutor(engine, program, optimizer);
      return { executor, close: () => executor.dispose() };
    }
    const acquired = await acquirePool(plan.workers, this.model.id);
    try {
      const executor = new PoolExecutor(engine, acquired.pool, { id: this.model.id, config: this.model.config(), program }, {
        workers: acquired.workers, optimizer, callerShare: plan.callerShare, flopsPerSample,
      });
      return {
        executor,
        close: () => {
          executor.dispose();
          acquired.release();
        },
      };
    } catch (e) {
      acquired.release();
      throw e;
    }
  }
}

/** A layer that carries its states between calls, and the batch size it was built for. */
interface StatefulLayer {
  name: string;
  stateful: boolean;
  statefulBatchSize: number | null;
}

function statefulLayers(layers: readonly object[]): StatefulLayer[] {
  return layers.filter((l): l is StatefulLayer => (l as Partial<StatefulLayer>).stateful === true);
}

/**
 * Stateful layers run in this thread (their states follow the whole batch from one call to the
 * next), on batches of the size they were built for: anything else is refused before any work.
 */
function checkStatefulBatches(layers: StatefulLayer[], workers: number | 'auto', batchSize: number, samples: number, operation: string): void {
  const names = layers.map((l) => l.name).join(', ');
  if (workers !== 'auto' && workers > 0) {
    throw new ValueError(`Layer ${names} is stateful: its states carry from one batch to the next, so it runs in the calling thread. Use workers: 0 (or 'auto')`);
  }
  for (const layer of layers) {
    const size = layer.statefulBatchSize;
    const rows = Math.min(batchSize, samples);
    if (size != null && (rows !== size || samples % size !== 0)) {
      throw new ValueError(`Layer ${layer.name} is stateful with batch size ${size}: ${operation} must run on batches of exactly ${size} samples, but got ${samples} sample(s) in batches of ${batchSize}`);
    }
  }
}

/**
 * A layer with state updates (moving statistics) called more than once in the model: Keras updates
 * its statistics once per call, in order, which one update per step cannot follow; refused.
 */
function sharedStateRefusal(topology: Topology): string | null {
  for (const layer of topology.layers) {
    if (layer.stateVariables.length === 0) continue;
    const calls = topology.nodes.filter((n) => n.layer === layer).length;
    if (calls > 1) return `Layer ${layer.name} (${layer.className}) is called ${calls} times in this model: training a shared layer with moving statistics is not supported (Keras updates them once per call). Use one layer per call, or set its trainable to false`;
  }
  return null;
}
