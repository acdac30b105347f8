/**
 * LayersModel: a functional model (inputs → layers → outputs, any number of each) with Keras's
 * compile / fit / evaluate / predict / summary and weights in Keras order. Sequential builds on it.
 * The topology and its execution live below (graph/, runtime/); this is the public API.
 */
import { StateError, ValueError, pythonTuple, describe } from '../errors.js';
import { Topology } from '../graph/topology.js';
import { checkArgKeys } from '../layers/args.js';
import { InputLayer } from '../layers/core/input.js';
import type { Layer } from '../layers/layer.js';
import { checkWeightShape } from '../layers/layer.js';
import { SymbolicTensor, type Node } from '../layers/symbolic.js';
import type { LayerVariable } from '../layers/variable.js';
import { uniqueName } from '../layers/names.js';
import { releaseModel } from '../parallel/pool-registry.js';
import { forgetPoolModel } from '../runtime/pool-executor.js';
import type { ModelProgram } from '../runtime/program.js';
import { engineSync } from '../backend/engine.js';
import type { InProcessExecutor } from '../runtime/in-process.js';
import { ModelRuntime, type Operation, type Session } from '../runtime/session.js';
import { globalRandom } from '../random.js';
import { mixSeed, stepSeedBase } from '../random-noise.js';
import { Tensor } from '../tensor.js';
import { targetExpectation } from '../training/targets.js';
import { checkSampleCounts, standardizeAll, type Expected, type ModelData } from '../training/data.js';
import type { Executor } from '../training/executor.js';
import { evaluateLoop, evaluateSteps, fitLoop, logsOf, predictLoop, predictSteps, runSteps, resolveBatchSize, resolveFitArgs, resolveWorkers, splitForValidation, type ModelFitArgs, type OutputLogging, type WorkersOption } from '../training/fit.js';
import type { History } from '../training/history.js';
import { Dataset } from '../data/dataset.js';
import { batchParts, datasetTotals, fitDatasetLoop, resolveFitDatasetArgs, type DatasetBatch, type ModelFitDatasetArgs } from '../training/fit-dataset.js';
import type { Optimizer } from '../training/optimizers.js';
import { resolveCompile, type Compiled, type ModelCompileArgs } from './compile.js';
import { printSummary, type SummaryOptions } from './summary.js';
import { saveModel, type SaveOptions } from '../io/save.js';
import type { IOHandler, SaveResult } from '../io/handlers.js';
import { isKerasFileUrl } from '../io/keras/source.js';
import { tfjsModelTopology } from './keras-config.js';

export type { ModelCompileArgs } from './compile.js';

import type { ModelArgs, ModelEvaluateArgs, ModelEvaluateAsyncArgs, ModelPredictArgs, ModelPredictAsyncArgs } from './model-args.js';
export type { ModelArgs, ModelEvaluateArgs, ModelEvaluateAsyncArgs, ModelPredictArgs, ModelPredictAsyncArgs };

let nextModelId = 1;

/**
 * @typeParam Out what predict returns: a Tensor for a model of one output (Sequential, or wl.model
 * with one output tensor), Tensor | Tensor[] when the outputs were given as a list (as tfjs types it).
 */
export class LayersModel<Out extends Tensor | Tensor[] = Tensor | Tensor[]> {
  readonly name: string;
  /** Identifies the model to the worker pool's replica caches. */
  readonly id = nextModelId++;
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  stopTraining = false;
  protected topologyValue: Topology | null = null;
  private compiled: Compiled | null = null;
  private running: string | null = null;
  private disposed = false;
  /** Training steps taken with noise (dropout), across fits: each step's noise seed mixes it in. */
  private noiseSteps = 0;
  private poolConfigCache: { topology: Topology; trainable: LayerVariable[]; json: string } | null = null;
  private runtimeValue: { topology: Topology; runtime: ModelRuntime } | null = null;

  constructor(args: ModelArgs | null, namePrefix = 'model', name?: string) {
    this.name = name ?? args?.name ?? uniqueName(namePrefix);
    if (args) {
      checkArgKeys('model', args, ['inputs', 'outputs', 'name']);
      this.topologyValue = new Topology(symbolicList('inputs', args.inputs), symbolicList('outputs', args.outputs));
    }
  }

  /** The layers, in execution order (a functional model's input layers first). */
  get layers(): Layer[] {
    return this.topologyValue ? [...this.topologyValue.layers] : [];
  }

  get inputs(): SymbolicTensor[] {
    return [...this.topology('inputs').inputs];
  }

  get outputs(): SymbolicTensor[] {
    return [...this.topology('outputs').outputs];
  }

  /** The output layers' names, in output order (history keys and loss objects use them). */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.name);
  }

  /** The input layers' names, in input order. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.name);
  }

  /**
   * The topology (inputs, outputs, layer calls).
   * @internal
   */
  get graphTopology(): Topology {
    return this.topology('graphTopology');
  }

  /**
   * The layer calls in execution order.
   * @internal
   */
  get graphNodes(): readonly Node[] {
    return this.topology('graphNodes').nodes;
  }

  /** Every weight, Keras order (a shared layer's once: the topology lists each layer once). */
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

  /** The compiled loss's Keras name ('categorical_crossentropy'), or one per output for several outputs. */
  get loss(): string | string[] | null {
    if (!this.compiled) return null;
    const names = this.compiled.losses.map((l) => l.name);
    return names.length === 1 ? names[0] : names;
  }

  /** The compiled loss weights, one per output. */
  get lossWeights(): number[] | null {
    return this.compiled ? [...this.compiled.lossWeights] : null;
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
   * Sets the loss (one per output), the optimizer, the metrics and the loss weights.
   * @example model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
   * @example model.compile({ loss: { tags: 'categoricalCrossentropy', score: 'mse' }, lossWeights: { tags: 1, score: 0.5 }, optimizer: 'adam' });
   */
  compile(args: ModelCompileArgs): void {
    this.assertUsable('compile');
    checkArgKeys('compile', args, ['loss', 'optimizer', 'metrics', 'lossWeights']);
    const compiled = resolveCompile(args, this.topology('compile').outputs.map((t) => t.name));
    if (this.compiled && this.compiled.optimizer !== compiled.optimizer) this.compiled.optimizer.dispose();
    this.compiled = compiled;
  }

  /**
   * Trains for `epochs` over (x, y); data and shapes are checked before any work starts. For several
   * inputs or outputs, x and y are lists in model order or objects keyed by input / output name.
   * @returns the History: history.loss has one value per epoch
   * @example await model.fit(x, y, { batchSize: 128, epochs: 1 });
   */
  async fit(x: ModelData, y: ModelData, args: ModelFitArgs = {}): Promise<History> {
    const compiled = this.requireCompiled('fit');
    const options = resolveFitArgs(args);
    let { xs, ys } = this.checkData(x, y);
    let validation: { x: Tensor[]; y: Tensor[] } | null = null;
    if (options.validationData) {
      const v = this.checkData(options.validationData[0], options.validationData[1]);
      validation = { x: v.xs, y: v.ys };
    } else if (options.validationSplit > 0) {
      const split = splitForValidation(xs, ys, options.validationSplit);
      ({ x: xs, y: ys } = split);
      validation = { x: split.xVal, y: split.yVal };
    }
    const nextStepSeed = this.stepSeeds();
    return this.run('fit', { workers: options.workers, batchSize: options.batchSize, data: [xs, ys] }, (executor) => {
      this.stopTraining = false;
      return fitLoop(executor, xs, ys, options, { logging: this.logging(compiled), validation, model: this, nextStepSeed });
    });
  }

  /**
   * Trains on a Dataset of `{xs, ys}` batches (tfjs's fitDataset): batches are read as their steps
   * start, so the data streams; an epoch is one pass over the dataset, or `batchesPerEpoch` batches
   * of a (repeated) dataset. The first batch fixes the step's size (later ones may be smaller).
   * @example await model.fitDataset(wl.data.zip({ xs, ys }).shuffle(1000, 7).batch(32), { epochs: 5 });
   */
  async fitDataset(dataset: Dataset<DatasetBatch>, args: ModelFitDatasetArgs = {}): Promise<History> {
    const compiled = this.requireCompiled('fit');
    if (!(dataset instanceof Dataset)) throw new ValueError(`fitDataset: expected a Dataset of {xs, ys} batches (wl.data.*), got ${describe(dataset)}`);
    const options = resolveFitDatasetArgs(args, (v) => v instanceof Dataset);
    const check = (element: unknown, index: number) => {
      const { xs, ys } = batchParts(element, index);
      return this.checkData(xs, ys);
    };
    // the first batch fixes the shapes the step is planned for
    const iterator = dataset[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) throw new ValueError('fitDataset: the dataset is empty');
    const { xs, ys } = check(first.value, 0);
    const nextStepSeed = this.stepSeeds();
    return this.run('fit', { workers: options.workers, batchSize: xs[0].shape[0], data: [xs, ys] }, (executor) => {
      this.stopTraining = false;
      return fitDatasetLoop(executor, dataset as Dataset<unknown>, options, {
        logging: this.logging(compiled), model: this, check, plannedRows: xs[0].shape[0], started: { iterator, first: first.value }, nextStepSeed,
      });
    });
  }

  /**
   * The loss over (x, y) as a scalar tensor; with several outputs or compiled metrics, a list: the
   * total loss, then each output's loss (several outputs), then the metrics (Keras's order).
   * Synchronous, as in tfjs: it runs in the calling thread with the current weights (also from a
   * fit callback, between steps); `await` on the result works too. evaluateAsync may use the pool.
   * @example const loss = model.evaluate(x, y).dataSync()[0];
   * @example const [loss, acc] = model.evaluate(x, y, { batchSize: 128 }) as wl.Tensor[];
   */
  evaluate(x: ModelData, y: ModelData, args: ModelEvaluateArgs = {}): Tensor | Tensor[] {
    const compiled = this.requireCompiled('evaluate');
    const batchSize = this.inferenceArgs('evaluate', args);
    const { xs, ys } = this.checkData(x, y);
    return this.runHere('evaluate', 'evaluateAsync', { batchSize, data: [xs, ys] }, (executor) => {
      return scalarsOf(logsOf(runSteps(evaluateSteps(xs, ys, batchSize), (batch) => executor.evaluateNow(batch)), this.logging(compiled)));
    });
  }

  /**
   * evaluate, asynchronously, on the worker pool when `workers` asks for it (a count of threads, or
   * 'auto': the pool when a step is large enough to gain); the same steps and results as evaluate.
   * While another operation of this model is under way (a fit calling back, a predictAsync waiting
   * for its workers), it runs on this thread as evaluate does: the model's pool buffers are in use.
   * @example const loss = (await model.evaluateAsync(x, y, { workers: 2 })) as wl.Tensor;
   */
  async evaluateAsync(x: ModelData, y: ModelData, args: ModelEvaluateAsyncArgs = {}): Promise<Tensor | Tensor[]> {
    const compiled = this.requireCompiled('evaluate');
    checkArgKeys('evaluateAsync', args, ['batchSize', 'verbose', 'workers']);
    const batchSize = resolveBatchSize('evaluateAsync', args.batchSize);
    const workers = resolveWorkers('evaluateAsync', args.workers);
    const { xs, ys } = this.checkData(x, y);
    if (this.running) return this.evaluate(xs, ys, { batchSize });
    return this.run('evaluate', { workers, batchSize, data: [xs, ys] }, async (executor) => {
      return scalarsOf(logsOf(await evaluateLoop(executor, xs, ys, batchSize), this.logging(compiled)));
    });
  }

  /**
   * The loss (and metrics) over a Dataset of `{xs, ys}` batches (tfjs's evaluateDataset), all of it
   * or its first `batches`; the same values as evaluate on the same batches.
   * @example const [loss, acc] = (await model.evaluateDataset(testSet.batch(64))) as wl.Tensor[];
   */
  async evaluateDataset(dataset: Dataset<DatasetBatch>, args: { batches?: number; verbose?: 0 | 1 | 2; workers?: WorkersOption } = {}): Promise<Tensor | Tensor[]> {
    const compiled = this.requireCompiled('evaluate');
    if (!(dataset instanceof Dataset)) throw new ValueError(`evaluateDataset: expected a Dataset of {xs, ys} batches (wl.data.*), got ${describe(dataset)}`);
    checkArgKeys('evaluateDataset', args, ['batches', 'verbose', 'workers']);
    if (args.batches !== undefined && !(Number.isSafeInteger(args.batches) && args.batches > 0)) throw new ValueError(`evaluateDataset: batches must be a positive integer, got ${describe(args.batches)}`);
    const workers = resolveWorkers('evaluateDataset', args.workers);
    const check = (element: unknown, index: number) => {
      const { xs, ys } = batchParts(element, index, 'evaluateDataset');
      return this.checkData(xs, ys);
    };
    // the first batch fixes the shapes the step is planned for
    const iterator = dataset[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) throw new ValueError('evaluateDataset: the dataset is empty');
    const { xs, ys } = check(first.value, 0);
    let replayed = false;
    const elements: AsyncIterator<unknown> = { next: async () => (replayed ? iterator.next() : ((replayed = true), first)) };
    return this.run('evaluate', { workers, batchSize: xs[0].shape[0], data: [xs, ys] }, async (executor) => {
      const total = await datasetTotals(executor, elements, check, args.batches ?? null);
      return scalarsOf(logsOf(total!, this.logging(compiled)));
    });
  }

  /**
   * The model's outputs for x, computed in batches: one tensor, or a list for several outputs.
   * Synchronous, as in tfjs: it runs in the calling thread with the current weights (also from a
   * fit callback, between steps), so results chain; `await` on the result works too. The first
   * call starts the kernels if needed (Node, Deno); a browser's main thread must `await wl.ready()`
   * first. predictAsync may use the worker pool for large batches.
   * @example const probs = model.predict(x); probs.shape // [1000, 64, 8]
   * @example const next = model.predict(window).dataSync();
   */
  predict(x: ModelData, args: ModelPredictArgs = {}): Out {
    this.topology('predict');
    const batchSize = this.inferenceArgs('predict', args);
    const xs = standardizeAll(x, 'input', this.expectedInputs());
    this.checkInputValues(xs);
    return this.predictHere('predict', xs, batchSize);
  }

  /**
   * The outputs for x as one batch (tfjs's predictOnBatch): predict with the batch size of x.
   * @example const y = model.predictOnBatch(x);
   */
  predictOnBatch(x: ModelData): Out {
    this.topology('predictOnBatch');
    const xs = standardizeAll(x, 'input', this.expectedInputs());
    this.checkInputValues(xs);
    return this.predictHere('predictOnBatch', xs, xs[0].shape[0]);
  }

  /**
   * predict, asynchronously, on the worker pool when `workers` asks for it (a count of threads, or
   * 'auto': the pool when a step is large enough to gain); the same steps and results as predict.
   * While another operation of this model is under way (a fit calling back, a predictAsync waiting
   * for its workers), it runs on this thread as predict does: the model's pool buffers are in use.
   * @example const probs = await model.predictAsync(x, { workers: 2, batchSize: 1000 });
   */
  async predictAsync(x: ModelData, args: ModelPredictAsyncArgs = {}): Promise<Out> {
    this.topology('predict');
    checkArgKeys('predictAsync', args, ['batchSize', 'verbose', 'workers']);
    const batchSize = resolveBatchSize('predictAsync', args.batchSize);
    const workers = resolveWorkers('predictAsync', args.workers);
    const xs = standardizeAll(x, 'input', this.expectedInputs());
    this.checkInputValues(xs);
    if (this.running) return this.predictHere('predictAsync', xs, batchSize);
    return this.run('predict', { workers, batchSize, data: [xs, []] }, async (executor) => {
      const outs = await predictLoop(executor, xs, batchSize);
      return (outs.length === 1 ? outs[0] : outs) as Out;
    });
  }

  /**
   * Prints the Keras 2 summary table ("Connected to" for models that are not a chain). Takes tfjs's
   * (lineLength, positions, printFn) or an options object.
   * @example model.summary(); model.summary({ printFn: (line) => lines.push(line) });
   */
  summary(lineLengthOrOptions?: number | SummaryOptions, positions?: number[], printFn?: (line: string) => void): void {
    const topology = this.topology('summary');
    const options = typeof lineLengthOrOptions === 'object' ? lineLengthOrOptions : { lineLength: lineLengthOrOptions, positions, printFn };
    printSummary(topology, this.layers, options);
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
    const topology = this.topology('getConfig');
    // node indices count this model's calls of each layer (a shared layer may serve other models)
    const ref = (t: SymbolicTensor) => [t.sourceLayer.name, t.node ? topology.callsOf(t.sourceLayer).indexOf(t.node) : 0, t.outputIndex];
    return {
      name: this.name,
      layers: topology.layers.map((l) => ({
        name: l.name,
        class_name: l.className,
        config: l.getConfig(),
        inbound_nodes: topology.callsOf(l).map((n) => n.inputs.map((t) => [...ref(t), {}])),
      })),
      input_layers: topology.inputs.map(ref),
      output_layers: topology.outputs.map(ref),
    };
  }

  /**
   * Saves the model in the TF.js layers format: `file://dir` (Node: dir/model.json + dir/weights.bin),
   * `http(s)://` (POST, as tfjs), or an IO handler (wl.io.fromMemory(), wl.io.withSaveHandler(fn));
   * or, for a `file://…/name.keras` path (Node, Deno) or `downloads://name.keras` (a browser page), as a Keras 3 `.keras` file that
   * `keras.saving.load_model` reads. With `includeOptimizer` (a compiled model) either format also
   * holds the loss, metrics and optimizer with its state (a `.keras` file as Keras 3's
   * `compile_config` and `optimizer/vars`), so training resumes, here or in Keras, with the same next step.
   * @example await model.save('file://./my-model', { includeOptimizer: true });
   * @example await model.save('file://./my-model.keras', { includeOptimizer: true });
   * @example await model.save('downloads://my-model.keras');
   */
  async save(target: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    this.topology('save');
    checkArgKeys('save', options, ['includeOptimizer']);
    if (isKerasFileUrl(target)) return (await import('./keras-files.js')).saveKerasFile(this, target, options);
    // the Keras 3 dialect, which Keras 3's model_from_json and tfjs 4.22 both read (keras-config.ts)
    return saveModel(this, target, options, tfjsModelTopology(this));
  }

  /**
   * Stateful recurrent layers start from zero states again (tfjs's model.resetStates; in Keras 3
   * call each layer's reset_state()).
   */
  resetStates(): void {
    this.assertUsable('resetStates');
    for (const layer of this.layers) {
      const stateful = layer as Layer & { stateful?: boolean; resetStates?: () => void };
      if (stateful.stateful === true) stateful.resetStates!();
    }
  }

  /** Number of weights (trainable and not). */
  countParams(): number {
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Weight values, Keras order: for each layer, e.g. GRU kernel, recurrent_kernel, bias. */
  getWeights(): Tensor<'float32'>[] {
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

  protected topology(operation: string): Topology {
    this.assertUsable(operation);
    if (!this.topologyValue) throw new StateError(`Cannot ${operation}: model ${this.name} has no layers yet`);
    return this.topologyValue;
  }

  /**
   * The seeds of this fit's steps for the training noise (dropout masks), or undefined when no layer
   * draws any (nothing is drawn from the global stream then). From the layers' own seeds when every
   * noise layer has one, else from one draw of the global stream (random-noise.ts: stepSeedBase).
   */
  private stepSeeds(): (() => number) | undefined {
    const seeds = this.topology('fit').layers.flatMap((l) => l.noiseSeeds);
    if (seeds.length === 0) return undefined;
    const base = stepSeedBase(seeds, () => globalRandom().seed());
    return () => mixSeed(base, this.noiseSteps++);
  }

  private requireCompiled(operation: string): Compiled {
    this.topology(operation);
    if (!this.compiled) throw new StateError(`You must compile a model before ${operation === 'fit' ? 'training' : 'evaluating'} it: call model.compile({ loss, optimizer }) first`);
    return this.compiled;
  }

  private logging(compiled: Compiled): OutputLogging {
    return { outputNames: this.outputNames, lossWeights: compiled.lossWeights, metrics: compiled.metrics };
  }

  private expectedInputs(): Expected[] {
    return this.topology('run').inputs.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype }));
  }

  private checkData(x: ModelData, y: ModelData): { xs: Tensor[]; ys: Tensor[] } {
    const xs = standardizeAll(x, 'input', this.expectedInputs());
    const { losses } = this.requireCompiled('fit');
    const ys = standardizeAll(y, 'target', this.topology('run').outputs.map((t, i) => targetExpectation(t, losses[i])));
    checkSampleCounts(xs, ys);
    this.checkInputValues(xs);
    return { xs, ys };
  }

  /** Checks the synchronous predict / evaluate options; returns the batch size. */
  private inferenceArgs(operation: 'predict' | 'evaluate', args: ModelEvaluateArgs): number {
    checkArgKeys(operation, args, ['batchSize', 'verbose', 'workers']);
    const batchSize = resolveBatchSize(operation, args.batchSize);
    const workers = resolveWorkers(operation, args.workers);
    if (workers !== 0 && workers !== 'auto') {
      throw new ValueError(
        `${operation} runs in the calling thread and returns its result now (as in tfjs), so it takes no worker threads (workers: ${workers}). ` +
          `For the worker pool use await model.${operation}Async(..., { workers: ${workers} })`,
      );
    }
    return batchSize;
  }

  private predictHere(operation: string, xs: Tensor[], batchSize: number): Out {
    return this.runHere(operation, 'predictAsync', { batchSize, data: [xs, []] }, (executor) => {
      const outs = runSteps(predictSteps(xs, batchSize), (inputs) => executor.predictNow(inputs));
      return (outs.length === 1 ? outs[0] : outs) as Out;
    });
  }

  /**
   * Runs a predict or evaluate now, on this thread's engine (started here if needed). It takes no
   * turn: it may run while a fit or an asynchronous call of this model waits between its steps
   * (the weights are then those of the last step), and it allocates and frees its own scratch only.
   */
  private runHere<T>(operation: string, asyncAlternative: string, { batchSize, data }: { batchSize: number; data: [Tensor[], Tensor[]] }, body: (executor: InProcessExecutor) => T): T {
    const engine = engineSync(operation, asyncAlternative);
    const executor = this.runtime().openHere({
      operation: data[1].length ? 'evaluate' : 'predict', batchSize, samples: data[0][0].shape[0],
      shapes: { inputs: data[0].map((t) => t.shape.slice(1)), targets: data[1].map((t) => t.shape.slice(1)) },
    }, engine);
    try {
      return body(executor);
    } finally {
      executor.dispose();
    }
  }

  /** The layers reading a model input directly check its values (Embedding's ids) before any work. */
  private checkInputValues(xs: Tensor[]): void {
    const { inputs, nodes } = this.topology('run');
    for (const node of nodes) {
      node.inputs.forEach((t, k) => {
        const i = inputs.indexOf(t);
        if (i >= 0) node.layer.checkInputValues(k, xs[i]);
      });
    }
  }

  /**
   * The model as the runtime runs it, for `operation` (with the compiled heads unless predicting).
   * @internal
   */
  program(operation: Operation): ModelProgram {
    return this.runtime().program(operation);
  }

  /** The runtime's view of this model (programs and costs kept between calls). */
  private runtime(): ModelRuntime {
    const topology = this.topology('run');
    if (this.runtimeValue?.topology !== topology) {
      this.runtimeValue = {
        topology,
        runtime: new ModelRuntime({ id: this.id, name: this.name, topology, compiled: () => this.compiled, config: () => this.poolConfig() }),
      };
    }
    return this.runtimeValue.runtime;
  }

  /**
   * Runs one fit / evaluate / predict (one at a time per model) on an executor the runtime opens:
   * this thread's engine, or the worker pool when `workers` asks for it and the step is large
   * enough to gain from it.
   */
  private async run<T>(operation: Operation, { workers, batchSize, data }: { workers: WorkersOption; batchSize: number; data: [Tensor[], Tensor[]] }, body: (executor: Executor) => Promise<T>): Promise<T> {
    if (this.running) throw new StateError(`Cannot ${operation} model ${this.name}: ${this.running} is still running (await it first)`);
    this.running = operation;
    let session: Session | null = null;
    try {
      session = await this.runtime().open({
        operation, workers, batchSize, samples: data[0][0].shape[0],
        shapes: { inputs: data[0].map((t) => t.shape.slice(1)), targets: data[1].map((t) => t.shape.slice(1)) },
        optimizer: operation === 'fit' ? this.compiled!.optimizer : null,
      });
      return await body(session.executor);
    } finally {
      session?.close();
      this.running = null;
    }
  }

  /**
   * The config JSON the pool's workers build their replicas from, kept while the topology and its
   * trainable weights stay the same (building it cost ≈ 130 µs per predict call, 1.5% of a seed
   * predict). A layer's config changes after construction only through `trainable`, which decides
   * what the workers compute gradients for; a weightless layer's flag changes nothing they compute.
   */
  private poolConfig(): string {
    const topology = this.topology('run');
    const trainable = this.trainableWeights;
    const kept = this.poolConfigCache;
    if (kept && kept.topology === topology && kept.trainable.length === trainable.length && kept.trainable.every((v, i) => v === trainable[i])) return kept.json;
    const json = JSON.stringify({ class_name: this.className, config: this.getConfig() });
    this.poolConfigCache = { topology, trainable, json };
    return json;
  }
}

/** Logs as Keras's evaluate returns them: one scalar tensor, or a list in the logs' order. */
function scalarsOf(logs: Record<string, number>): Tensor | Tensor[] {
  const values = Object.values(logs).map((v) => new Tensor(Float32Array.of(v), []));
  return values.length === 1 ? values[0] : values;
}

/** A list of symbolic tensors from one or several, each checked. */
function symbolicList(arg: string, value: unknown): SymbolicTensor[] {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) throw new ValueError(`model: ${arg}${Array.isArray(value) ? `[${i}]` : ''} must be a symbolic tensor from wl.input() or layer.apply(); received ${describe(t)}`);
  });
  if (arg === 'inputs') {
    list.forEach((t: SymbolicTensor, i) => {
      if (!(t.sourceLayer instanceof InputLayer)) throw new ValueError(`model: inputs${Array.isArray(value) ? `[${i}]` : ''} must come from wl.input(), but ${t.name} ${pythonTuple(t.shape)} is the output of a ${t.sourceLayer.className} layer`);
    });
  }
  return list as SymbolicTensor[];
}

/**
 * A functional model from its inputs and the outputs computed from them (one or several of each).
 * @example const x = wl.input({ shape: [64, 15] }); const m = wl.model({ inputs: x, outputs: wl.layers.dense({ units: 8 }).apply(x) });
 */
export function model(args: ModelArgs & { outputs: SymbolicTensor }): LayersModel<Tensor>;
export function model(args: ModelArgs): LayersModel;
export function model(args: ModelArgs): LayersModel {
  return new LayersModel(args);
}
