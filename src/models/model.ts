/**
 * LayersModel: a functional model (input → layers → output) with Keras's compile / fit / evaluate /
 * predict / summary and weights in Keras order. Sequential builds on it.
 */
import { getEngine, type Engine } from '../backend/engine.js';
import { MAX_MEMORY_BYTES, formatBytes } from '../backend/arena.js';
import { StateError, ValueError, pythonTuple, describe, invalidArgument } from '../errors.js';
import { PoolExecutor, forgetPoolModel } from '../parallel/pool-executor.js';
import { acquirePool, letPoolStartProgress, poolSizeOrStart, releaseModel } from '../parallel/pool-registry.js';
import { planWork } from '../parallel/worker-count.js';
import { checkArgKeys } from '../layers/args.js';
import type { Layer } from '../layers/layer.js';
import { checkWeightShape } from '../layers/layer.js';
import { SymbolicTensor, type Node } from '../layers/symbolic.js';
import type { LayerVariable } from '../layers/variable.js';
import { uniqueName } from '../layers/names.js';
import { Tensor } from '../tensor.js';
import { checkSampleCounts, standardize, type ModelData } from '../training/data.js';
import type { Executor } from '../training/executor.js';
import { evaluateLoop, fitLoop, predictLoop, resolveBatchSize, resolveFitArgs, resolveWorkers, splitForValidation, type ModelFitArgs, type WorkersOption } from '../training/fit.js';
import { resolveMetrics } from '../training/metrics.js';
import { saveModel, type SaveOptions } from '../io/save.js';
import type { IOHandler, SaveResult } from '../io/handlers.js';
import type { History } from '../training/history.js';
import { InProcessExecutor } from '../training/in-process.js';
import { resolveLoss, type Loss, type LossIdentifier } from '../training/losses.js';
import { resolveOptimizer, type Optimizer } from '../training/optimizers.js';
import type { TrainableGraph } from '../training/trainable.js';
import { sizeOf, type Shape } from '../shape.js';
import { Graph } from './graph.js';
import { printSummary, type SummaryOptions } from './summary.js';

export interface ModelCompileArgs {
  /** 'categoricalCrossentropy' / 'categorical_crossentropy', 'meanSquaredError' / 'mse'. */
  loss: LossIdentifier;
  /** 'rmsprop', 'adam', 'sgd' (Keras defaults) or wl.optimizers.rmsprop({...}). */
  optimizer: string | Optimizer;
  /** ['accuracy'] (also 'acc', 'categoricalAccuracy'): logged per epoch, and by evaluate(). */
  metrics?: string[];
}

export interface ModelEvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1;
  workers?: WorkersOption;
}

export type ModelPredictArgs = ModelEvaluateArgs;

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

let nextModelId = 1;

export class LayersModel {
  readonly name: string;
  /** Identifies the model to the worker pool's replica caches. */
  readonly id = nextModelId++;
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  stopTraining = false;
  protected graphValue: Graph | null = null;
  private compiled: { loss: Loss; optimizer: Optimizer; metrics: string[] } | null = null;
  private running: string | null = null;
  private disposed = false;
  private poolConfigCache: { graph: Graph; trainable: LayerVariable[]; json: string } | null = null;

  constructor(args: ModelArgs | null, namePrefix = 'model', name?: string) {
    this.name = name ?? args?.name ?? uniqueName(namePrefix);
    if (args) {
      checkArgKeys('model', args, ['inputs', 'outputs', 'name']);
      this.graphValue = new Graph(single('inputs', args.inputs), single('outputs', args.outputs));
    }
  }

  /** The layers, in execution order (a functional model's input layer first). */
  get layers(): Layer[] {
    return this.graphValue ? [...this.graphValue.layers] : [];
  }

  get inputs(): SymbolicTensor[] {
    return [this.graph('inputs').input];
  }

  get outputs(): SymbolicTensor[] {
    return [this.graph('outputs').output];
  }

  /**
   * The layer calls in execution order.
   * @internal
   */
  get graphNodes(): readonly Node[] {
    return this.graph('graphNodes').nodes;
  }

  /** Every weight, Keras order. */
  get weights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  get trainableWeights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** The optimizer given to compile (its state is the model's training state). */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** The compiled loss's Keras name, e.g. 'categorical_crossentropy'. */
  get loss(): string | null {
    return this.compiled?.loss.name ?? null;
  }

  /** The compiled metrics, as named in compile(). */
  get metricNames(): string[] {
    return [...(this.compiled?.metrics ?? [])];
  }

  /** The layer called `name`, or at position `index` of `layers`. */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    const found = typeof nameOrIndex === 'number' ? layers[nameOrIndex] : layers.find((l) => l.name === nameOrIndex);
    if (!found) throw new ValueError(`No such layer: ${describe(nameOrIndex)}. Layers: ${layers.map((l) => l.name).join(', ')}`);
    return found;
  }

  /**
   * Sets the loss and the optimizer.
   * @example model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
   */
  compile(args: ModelCompileArgs): void {
    this.assertUsable('compile');
    checkArgKeys('compile', args, ['loss', 'optimizer', 'metrics']);
    const loss = resolveLoss(args.loss);
    const optimizer = resolveOptimizer(args.optimizer);
    const metrics = resolveMetrics(args.metrics);
    if (this.compiled && this.compiled.optimizer !== optimizer) this.compiled.optimizer.dispose();
    this.compiled = { loss, optimizer, metrics };
  }

  /**
   * Trains for `epochs` over (x, y); shapes are checked before any work starts.
   * @returns the History: history.loss has one value per epoch
   * @example await model.fit(x, y, { batchSize: 128, epochs: 1 });
   */
  async fit(x: ModelData, y: ModelData, args: ModelFitArgs = {}): Promise<History> {
    const graph = this.graph('fit');
    const compiled = this.requireCompiled('fit');
    const options = resolveFitArgs(args);
    let { xt, yt } = this.checkData(graph, x, y);
    let validation: { x: Tensor; y: Tensor } | null = null;
    if (options.validationData) {
      const v = this.checkData(graph, options.validationData[0], options.validationData[1]);
      validation = { x: v.xt, y: v.yt };
    } else if (options.validationSplit > 0) {
      const split = splitForValidation(xt, yt, options.validationSplit);
      ({ x: xt, y: yt } = split);
      validation = { x: split.xVal, y: split.yVal };
    }
    return this.run('fit', { workers: options.workers, batchSize: options.batchSize, compiled, sampleShape: xt.shape.slice(1), samples: xt.shape[0] }, (executor) => {
      this.stopTraining = false;
      return fitLoop(executor, xt, yt, options, { metrics: compiled.metrics, validation, model: this });
    });
  }

  /**
   * The loss over (x, y) as a scalar tensor, or [loss, ...metrics] when metrics were compiled (tfjs).
   * @example const loss = (await model.evaluate(x, y)).dataSync()[0];
   */
  async evaluate(x: ModelData, y: ModelData, args: ModelEvaluateArgs = {}): Promise<Tensor | Tensor[]> {
    const graph = this.graph('evaluate');
    const compiled = this.requireCompiled('evaluate');
    checkArgKeys('evaluate', args, ['batchSize', 'verbose', 'workers']);
    const batchSize = resolveBatchSize('evaluate', args.batchSize);
    const workers = resolveWorkers('evaluate', args.workers);
    const { xt, yt } = this.checkData(graph, x, y);
    return this.run('evaluate', { workers, batchSize, compiled, sampleShape: xt.shape.slice(1), samples: xt.shape[0] }, async (executor) => {
      const t = await evaluateLoop(executor, xt, yt, batchSize);
      const scalar = (v: number) => new Tensor(Float32Array.of(v), []);
      return compiled.metrics.length ? [scalar(t.sum / t.count), ...compiled.metrics.map(() => scalar(t.correct / t.count))] : scalar(t.sum / t.count);
    });
  }

  /**
   * The model's outputs for x, computed in batches.
   * @example const probs = await model.predict(x); probs.shape // [1000, 64, 8]
   */
  async predict(x: ModelData, args: ModelPredictArgs = {}): Promise<Tensor> {
    const graph = this.graph('predict');
    checkArgKeys('predict', args, ['batchSize', 'verbose', 'workers']);
    const batchSize = resolveBatchSize('predict', args.batchSize);
    const workers = resolveWorkers('predict', args.workers);
    const xt = standardize(x, 'input', graph.input.name, graph.input.shape);
    return this.run('predict', { workers, batchSize, compiled: null, sampleShape: xt.shape.slice(1), samples: xt.shape[0] }, (executor) => predictLoop(executor, xt, batchSize));
  }

  /**
   * Prints the Keras 2 summary table. Takes tfjs's (lineLength, positions, printFn) or an options object.
   * @example model.summary(); model.summary({ printFn: (line) => lines.push(line) });
   */
  summary(lineLengthOrOptions?: number | SummaryOptions, positions?: number[], printFn?: (line: string) => void): void {
    const graph = this.graph('summary');
    const options = typeof lineLengthOrOptions === 'object' ? lineLengthOrOptions : { lineLength: lineLengthOrOptions, positions, printFn };
    const shapes = new Map<Layer, string>();
    shapes.set(graph.input.sourceLayer, pythonTuple(graph.input.shape));
    for (const node of graph.nodes) {
      const text = pythonTuple(node.output.shape);
      const prior = shapes.get(node.layer);
      shapes.set(node.layer, prior == null || prior === text ? text : 'multiple');
    }
    printSummary(graph, this.layers, shapes, options);
  }

  /** Keras class name of the model: 'Model' (functional) or 'Sequential'. */
  get className(): 'Model' | 'Sequential' {
    return 'Model';
  }

  /**
   * Keras config of the topology (what a saved model.json holds and worker replicas are built from):
   * `{name, layers: [{name, class_name, config, inbound_nodes}], input_layers, output_layers}`.
   */
  getConfig(): Record<string, unknown> {
    const graph = this.graph('getConfig');
    // node indices count this model's calls of each layer (a shared layer may serve other models)
    const callsOf = (layer: Layer) => graph.nodes.filter((n) => n.layer === layer);
    const ref = (t: SymbolicTensor) => [t.sourceLayer.name, t.node ? callsOf(t.sourceLayer).indexOf(t.node) : 0, 0];
    return {
      name: this.name,
      layers: graph.layers.map((l) => ({
        name: l.name,
        class_name: l.className,
        config: l.getConfig(),
        inbound_nodes: callsOf(l).map((n) => [[...ref(n.input), {}]]),
      })),
      input_layers: [ref(graph.input)],
      output_layers: [ref(graph.output)],
    };
  }

  /**
   * Saves the model in the TF.js layers format: `file://dir` (Node: dir/model.json + dir/weights.bin),
   * `http(s)://` (POST, as tfjs), or an IO handler (wl.io.fromMemory(), wl.io.withSaveHandler(fn)).
   * @example await model.save('file://./my-model', { includeOptimizer: true });
   */
  save(target: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    this.assertUsable('save');
    checkArgKeys('save', options, ['includeOptimizer']);
    return saveModel(this, target, options);
  }

  /** Number of weights (trainable and not). */
  countParams(): number {
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Weight values, Keras order: for each layer, e.g. GRU kernel, recurrent_kernel, bias. */
  getWeights(): Tensor[] {
    this.assertUsable('getWeights');
    return this.weights.map((v) => new Tensor(v.read(), v.shape));
  }

  /** Sets every weight; the count, order and shapes must match getWeights(). */
  setWeights(weights: Tensor[]): void {
    this.assertUsable('setWeights');
    const variables = this.weights;
    if (!Array.isArray(weights) || weights.length !== variables.length) {
      throw new ValueError(
        `You called setWeights(weights) on model ${this.name} with a weight list of length ${Array.isArray(weights) ? weights.length : describe(weights)}, but the model was expecting ${variables.length} weights.`,
      );
    }
    weights.forEach((w, i) => checkWeightShape(variables[i], w));
    weights.forEach((w, i) => variables[i].write(w.dataSync()));
  }

  /**
   * Frees the model's weights and optimizer state; the model cannot be used afterwards. The worker
   * pool ends when no other model that used it is left (the promise resolves once it has).
   */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) throw new StateError(`Cannot dispose model ${this.name} while ${this.running} is running`);
    for (const layer of this.layers) layer.dispose();
    this.compiled?.optimizer.dispose();
    this.disposed = true;
    forgetPoolModel(this.id);
    return releaseModel(this.id);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  protected assertUsable(operation: string): void {
    if (this.disposed) throw new StateError(`Cannot ${operation}: model ${this.name} is disposed`);
  }

  protected graph(operation: string): Graph {
    this.assertUsable(operation);
    if (!this.graphValue) throw new StateError(`Cannot ${operation}: model ${this.name} has no layers yet`);
    return this.graphValue;
  }

  private requireCompiled(operation: string): { loss: Loss; optimizer: Optimizer; metrics: string[] } {
    if (!this.compiled) throw new StateError(`You must compile a model before ${operation === 'fit' ? 'training' : 'evaluating'} it: call model.compile({ loss, optimizer }) first`);
    return this.compiled;
  }

  private checkData(graph: Graph, x: ModelData, y: ModelData): { xt: Tensor; yt: Tensor } {
    const xt = standardize(x, 'input', graph.input.name, graph.input.shape);
    const yt = standardize(y, 'target', graph.output.sourceLayer.name, graph.output.shape);
    checkSampleCounts(xt, yt);
    return { xt, yt };
  }

  /**
   * Runs one fit / evaluate / predict (one at a time per model) on an executor: this thread's engine,
   * or the worker pool when `workers` asks for it and the step is large enough to gain from it.
   */
  private async run<T>(
    operation: string,
    { workers, batchSize, compiled, sampleShape, samples }: { workers: WorkersOption; batchSize: number; compiled: { loss: Loss; optimizer: Optimizer; metrics: string[] } | null; sampleShape: number[]; samples: number },
    body: (executor: Executor) => Promise<T>,
  ): Promise<T> {
    if (this.running) throw new StateError(`Cannot ${operation} model ${this.name}: ${this.running} is still running (await it first)`);
    this.running = operation;
    let release = () => {};
    let executor: Executor | null = null;
    try {
      const graph = this.trainableGraph();
      const countCorrect = (compiled?.metrics.length ?? 0) > 0;
      const flopsPerSample = this.forwardFlopsPerSample();
      const flops = flopsPerSample * batchSize * (operation === 'fit' ? 3 : 1);
      const plan = await planWork(workers, flops, operation !== 'fit');
      // inference, one call of few steps, uses the workers running now and never waits for any to
      // start (without a pool it starts one for later calls and runs here); training waits for its pool
      if (plan.callerShare && operation !== 'fit') {
        plan.workers = Math.min(plan.workers, poolSizeOrStart(plan.workers, this.id));
        if (plan.workers === 0) await letPoolStartProgress();
      }
      if (plan.workers === 0) plan.callerShare = false;
      const engine = await getEngine();
      const shares = plan.workers + (plan.callerShare ? 1 : 0);
      this.checkStepMemory(engine, Math.ceil(Math.min(batchSize, samples) / Math.max(shares, 1)), sampleShape);
      const loss = compiled?.loss ?? null;
      if (plan.workers === 0) {
        executor = new InProcessExecutor(engine, graph, loss, compiled?.optimizer ?? null, countCorrect);
      } else {
        const acquired = await acquirePool(plan.workers, this.id);
        release = acquired.release;
        const model = { id: this.id, config: this.poolConfig(), weights: this.weights, graph };
        executor = new PoolExecutor(engine, acquired.pool, model, {
          workers: acquired.workers,
          loss,
          optimizer: operation === 'fit' ? compiled!.optimizer : null,
          countCorrect,
          local: plan.callerShare ? new InProcessExecutor(engine, graph, loss, null, countCorrect) : null,
          flopsPerSample,
        });
      }
      return await body(executor);
    } finally {
      executor?.dispose();
      release();
      this.running = null;
    }
  }

  /**
   * The config JSON the pool's workers build their replicas from, kept while the graph and its
   * trainable weights stay the same (building it cost ≈ 130 µs per predict call, 1.5% of a seed
   * predict). A layer's config changes after construction only through `trainable`, which decides
   * what the workers compute gradients for; a weightless layer's flag changes nothing they compute.
   */
  private poolConfig(): string {
    const graph = this.graph('run');
    const trainable = this.trainableWeights;
    const kept = this.poolConfigCache;
    if (kept && kept.graph === graph && kept.trainable.length === trainable.length && kept.trainable.every((v, i) => v === trainable[i])) return kept.json;
    const json = JSON.stringify({ class_name: this.className, config: this.getConfig() });
    this.poolConfigCache = { graph, trainable, json };
    return json;
  }

  /**
   * Refuses a step that cannot fit in engine memory before any of it is allocated, saying how much
   * it needs and the limit.
   */
  private checkStepMemory(engine: Engine, batch: number, sampleShape: number[]): void {
    const graph = this.graph('run');
    const shapes = new Map<SymbolicTensor, number[]>([[graph.input, [batch, ...sampleShape]]]);
    let floats = 2 * batch * sampleShape.reduce((a, b) => a * b, 1);
    for (const node of graph.nodes) {
      const input = shapes.get(node.input)!;
      floats += node.layer.stepFloats(input);
      shapes.set(node.output, node.layer.computeOutputShape(input) as number[]);
    }
    const out = shapes.get(graph.output)!;
    floats += 2 * out.reduce((a, b) => a * b, 1);
    const needed = floats * 4;
    const { bytesInUse } = engine.memoryStats();
    if (needed + bytesInUse > MAX_MEMORY_BYTES) {
      throw new ValueError(
        `A step of ${batch} samples needs about ${formatBytes(needed)} of engine memory (${formatBytes(bytesInUse)} already in use), ` +
          `more than the limit of ${formatBytes(MAX_MEMORY_BYTES)}; use a smaller batchSize${batch > 1 ? ` (at most about ${Math.max(1, Math.floor(batch * (MAX_MEMORY_BYTES - bytesInUse) / needed))})` : ''}`,
      );
    }
  }

  /** Multiply-adds ×2 of one sample's forward pass (GEMMs only): sizes the work for 'auto' workers. */
  private forwardFlopsPerSample(): number {
    return this.graph('run').nodes.reduce((n, node) => n + node.layer.forwardFlops(node.input.shape), 0);
  }

  /**
   * The model as the training loops and the worker pool see it.
   * @internal
   */
  trainableGraph(): TrainableGraph {
    const graph = this.graph('run');
    const output = graph.output.sourceLayer;
    return {
      trainableVariables: this.trainableWeights,
      outputIsSoftmax: graph.output.node != null && output.outputIsSoftmax(),
      inputShape: graph.input.shape,
      outputShape: graph.output.shape,
      inputName: graph.input.name,
      outputName: output.name,
      sampleFloats: sampleFloats([graph.input.shape, ...graph.nodes.map((node) => node.output.shape)]),
      forward: (x, ctx) => graph.forward(x, ctx),
    };
  }
}

/** Floats of one sample over these shapes (batch axis first, ignored); null if a dimension is unknown. */
function sampleFloats(shapes: Shape[]): number | null {
  let floats = 0;
  for (const shape of shapes) {
    const sample = shape.slice(1);
    if (sample.some((d) => d == null)) return null;
    floats += sizeOf(sample as number[]);
  }
  return floats;
}

function single(arg: string, value: unknown): SymbolicTensor {
  const list = Array.isArray(value) ? value : [value];
  if (list.length !== 1) {
    throw new ValueError(`model: ${arg} must be one symbolic tensor (models with several ${arg} are not supported yet); received ${list.length}`);
  }
  if (!(list[0] instanceof SymbolicTensor)) throw new ValueError(`model: ${arg} must be a symbolic tensor from wl.input() or layer.apply(); received ${describe(list[0])}`);
  return list[0];
}

/**
 * A functional model from an input and the output computed from it.
 * @example const x = wl.input({ shape: [64, 15] }); const m = wl.model({ inputs: x, outputs: wl.layers.dense({ units: 8 }).apply(x) });
 */
export function model(args: ModelArgs): LayersModel {
  return new LayersModel(args);
}
