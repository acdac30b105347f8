/** The fit, evaluate and predict loops over batches, independent of where a batch runs. */
import { Yielder, resolveYieldEvery, type YieldEveryOption } from './yield-every.js';
import { ValueError, invalidArgument } from '../errors.js';
import { checkArgKeys } from '../layers/args.js';
import { globalRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { CallbackList, type CallbackModel, type CustomCallbackArgs, type Logs } from './callbacks.js';
import { gatherRows, type ModelData } from './data.js';
import { addBatchTotals, emptyTotals, type Batch, type BatchTotals, type Executor, type HostTensor } from './executor.js';
import { metricValue } from './metrics.js';
import { allocArray, type HostArray } from '../dtype.js';
import { History } from './history.js';
import { ProgressBar, defaultSink, type ProgressSink } from './progress.js';

/**
 * Where batches run. 'auto' (default) shares each step across the cores when it is large enough to
 * gain: this thread computes one share and worker threads the rest (training on a page's UI thread
 * uses workers only, so the page stays responsive; predictAsync and evaluateAsync without a running
 * pool run here and start one in the background). A number runs every shard on that many worker
 * threads, leaving this thread free; 0 runs on this thread. (predict and evaluate always run on this
 * thread.)
 */
export type WorkersOption = number | 'auto';

export interface ModelFitArgs {
  /** Samples per gradient step; default 32. */
  batchSize?: number;
  /** Default 1. */
  epochs?: number;
  /** Shuffle the training samples before each epoch; default true. */
  shuffle?: boolean;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Epoch to start from (its index in logs); default 0. */
  initialEpoch?: number;
  /** Worker threads; see WorkersOption. */
  workers?: WorkersOption;
  /** tfjs-style callback objects, or wl.callbacks.earlyStopping(...) / terminateOnNaN(). */
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /** Fraction of the samples, taken from the end before shuffling (as Keras), to validate on. */
  validationSplit?: number;
  /** [x, y] to validate on after each epoch (takes precedence over validationSplit). */
  validationData?: [ModelData, ModelData];
  /** How often the loop gives the event loop a turn (tfjs): 'auto' (every 125 ms, default), 'batch', 'epoch', 'never', or milliseconds. */
  yieldEvery?: YieldEveryOption;
}

const FIT_KEYS = ['batchSize', 'epochs', 'shuffle', 'verbose', 'initialEpoch', 'workers', 'callbacks', 'validationSplit', 'validationData', 'yieldEvery'];

export interface ResolvedFitArgs {
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  verbose: 0 | 1 | 2;
  initialEpoch: number;
  workers: WorkersOption;
  callbacks: CallbackList;
  validationSplit: number;
  validationData: [ModelData, ModelData] | null;
  yieldEvery: YieldEveryOption;
}

/** Validates fit's options before any work starts. */
export function resolveFitArgs(args: ModelFitArgs = {}): ResolvedFitArgs {
  checkArgKeys('fit', args, FIT_KEYS);
  const int = (arg: string, v: unknown, fallback: number, min: number) => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw invalidArgument('fit', arg, min > 0 ? 'a positive integer' : 'a non-negative integer', v);
    return v;
  };
  const batchSize = int('batchSize', args.batchSize, 32, 1);
  const epochs = int('epochs', args.epochs, 1, 0);
  const initialEpoch = int('initialEpoch', args.initialEpoch, 0, 0);
  if (args.shuffle !== undefined && typeof args.shuffle !== 'boolean') throw invalidArgument('fit', 'shuffle', 'true or false', args.shuffle);
  if (args.verbose !== undefined && ![0, 1, 2].includes(args.verbose as number)) throw invalidArgument('fit', 'verbose', '0, 1 or 2', args.verbose);
  const split = args.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw invalidArgument('fit', 'validationSplit', 'a number in [0, 1)', args.validationSplit);
  if (args.validationData != null && !(Array.isArray(args.validationData) && args.validationData.length === 2)) {
    throw invalidArgument('fit', 'validationData', '[x, y]', args.validationData);
  }
  return {
    batchSize, epochs, initialEpoch,
    shuffle: args.shuffle ?? true,
    verbose: args.verbose ?? 1,
    workers: resolveWorkers('fit', args.workers),
    callbacks: CallbackList.from(args.callbacks),
    validationSplit: split,
    validationData: args.validationData ?? null,
    yieldEvery: resolveYieldEvery('fit', args.yieldEvery),
  };
}

export function resolveWorkers(owner: string, value: unknown): WorkersOption {
  if (value === undefined || value === 'auto') return 'auto';
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw invalidArgument(owner, 'workers', "'auto' or a non-negative integer", value);
}

export function resolveBatchSize(owner: string, value: unknown, fallback = 32): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalidArgument(owner, 'batchSize', 'a positive integer', value);
  return value;
}

/** Keras's split: the last `fraction` of the samples (before any shuffling) validate. */
export function splitForValidation(x: Tensor[], y: Tensor[], fraction: number): { x: Tensor[]; y: Tensor[]; xVal: Tensor[]; yVal: Tensor[] } {
  const n = x[0].shape[0];
  const at = Math.floor(n * (1 - fraction));
  if (at < 1 || at >= n) {
    throw new ValueError(`validationSplit=${fraction} of ${n} samples leaves ${at} to train on and ${n - at} to validate on; both need at least one`);
  }
  const part = (t: Tensor, start: number, end: number) => {
    const { data, shape } = gatherRows(t, null, start, end);
    return new Tensor(data.slice() as HostArray, shape);
  };
  const cut = (list: Tensor[], start: number, end: number) => list.map((t) => part(t, start, end));
  return { x: cut(x, 0, at), y: cut(y, 0, at), xVal: cut(x, at, n), yVal: cut(y, at, n) };
}

/** How a model's outputs are logged: their names and loss weights, and the compiled metrics. */
export interface OutputLogging {
  /** The output layers' names, in output order. */
  outputNames: string[];
  /** Each output's weight in the total loss. */
  lossWeights: number[];
  /** The metrics compiled into the model, logged by these names. */
  metrics: string[];
}

/**
 * The logs of totals as Keras and tfjs name them: `loss` (the weighted total), then for a model of
 * several outputs `<output>_loss` each, then the metrics (`acc` / `accuracy` as compiled, prefixed
 * `<output>_` when there are several outputs); all prefixed `val_` for validation.
 */
export function logsOf(t: BatchTotals, { outputNames, lossWeights, metrics }: OutputLogging, prefix = ''): Logs {
  const means = t.losses.map((sum, i) => sum / (t.lossRows?.[i] ?? t.counts[i]));
  const logs: Logs = { [`${prefix}loss`]: means.reduce((total, m, i) => total + lossWeights[i] * m, 0) };
  const several = outputNames.length > 1;
  if (several) outputNames.forEach((name, i) => (logs[`${prefix}${name}_loss`] = means[i]));
  metrics.forEach((m, k) => {
    outputNames.forEach((name, i) => (logs[`${prefix}${several ? `${name}_` : ''}${m}`] = metricValue(t.metrics[i][2 * k] ?? 0, t.metrics[i][2 * k + 1] ?? 0)));
  });
  return logs;
}

/** The names logsOf writes, in order (without and with the `val_` prefix). */
export function logNames(logging: OutputLogging, validation: boolean): string[] {
  const names = Object.keys(logsOf({ ...emptyTotals(logging.outputNames.length), counts: logging.outputNames.map(() => 1) }, logging));
  return [...names, ...(validation ? names.map((n) => `val_${n}`) : [])];
}

export interface FitContext {
  logging: OutputLogging;
  validation: { x: Tensor[]; y: Tensor[] } | null;
  model: CallbackModel;
  sink?: ProgressSink;
  /** The seed of the next training step's noise (dropout masks); absent: 0 (a model without noise). */
  nextStepSeed?: () => number;
}

/** Runs the epochs; model.stopTraining is polled after every batch and epoch. */
export async function fitLoop(executor: Executor, x: Tensor[], y: Tensor[], args: ResolvedFitArgs, ctx: FitContext): Promise<History> {
  const { sink = defaultSink(), logging, validation, model } = ctx;
  const samples = x[0].shape[0];
  const steps = Math.ceil(samples / args.batchSize);
  const history = new History({
    epochs: args.epochs, initialEpoch: args.initialEpoch, samples, steps, batchSize: args.batchSize,
    verbose: args.verbose, doValidation: validation != null,
    metrics: logNames(logging, validation != null),
  });
  const { callbacks } = args;
  callbacks.setModel(model);
  // one gather buffer per array, reused by every step
  const rowsOf = (t: Tensor) => allocArray(t.dtype, Math.min(args.batchSize, samples) * (t.size / samples));
  const xBuffers = args.shuffle ? x.map(rowsOf) : [];
  const yBuffers = args.shuffle ? y.map(rowsOf) : [];
  const yielder = new Yielder(args.yieldEvery);
  await callbacks.trainBegin({});
  for (let epoch = args.initialEpoch; epoch < args.epochs && !model.stopTraining; epoch++) {
    await callbacks.epochBegin(epoch, {});
    if (args.verbose > 0) sink.write(`Epoch ${epoch + 1}/${args.epochs}\n`);
    const bar = args.verbose > 0 ? new ProgressBar(samples, sink, args.verbose as 1 | 2) : null;
    const order = args.shuffle ? globalRandom().shuffle(Int32Array.from({ length: samples }, (_, i) => i)) : null;
    const total = emptyTotals(y.length);
    let seen = 0;
    let last: Logs = {};
    for (let step = 0; step < steps; step++) {
      const start = step * args.batchSize;
      const end = Math.min(start + args.batchSize, samples);
      await callbacks.batchBegin(step, { batch: step, size: end - start });
      const t = await executor.trainBatch({
        inputs: x.map((xi, i) => gatherRows(xi, order, start, end, xBuffers[i])),
        targets: y.map((yi, i) => gatherRows(yi, order, start, end, yBuffers[i])),
        seed: ctx.nextStepSeed?.() ?? 0,
      });
      addBatchTotals(total, t, end - start);
      seen = end;
      last = logsOf(t, logging);
      // as Keras 2, the bar's last update waits for the epoch's end, so it can show validation
      if (end < samples) bar?.update(end, last);
      await callbacks.batchEnd(step, { batch: step, size: end - start, ...last });
      await yielder.afterBatch();
      if (model.stopTraining) break;
    }
    const logs = logsOf(total, logging);
    if (validation) Object.assign(logs, logsOf(await evaluateLoop(executor, validation.x, validation.y, args.batchSize), logging, 'val_'));
    const validationLogs = Object.fromEntries(Object.entries(logs).filter(([k]) => k.startsWith('val_')));
    bar?.update(seen, { ...last, ...validationLogs });
    history.record(epoch, logs);
    await callbacks.epochEnd(epoch, logs);
    await yielder.afterEpoch();
  }
  await callbacks.trainEnd({});
  return history;
}

/**
 * A loop over batches written once for both drivers: it yields each batch's work and receives its
 * result; runSteps drives it on this thread (the synchronous API), runStepsAsync on any executor.
 */
export type Steps<Work, Result, Out> = Generator<Work, Out, Result>;

/** Drives `steps` synchronously, `run` computing each batch. */
export function runSteps<W, R, O>(steps: Steps<W, R, O>, run: (work: W) => R): O {
  let next = steps.next();
  while (!next.done) next = steps.next(run(next.value));
  return next.value;
}

/** Drives `steps`, awaiting each batch's result. */
export async function runStepsAsync<W, R, O>(steps: Steps<W, R, O>, run: (work: W) => Promise<R>): Promise<O> {
  let next = steps.next();
  while (!next.done) next = steps.next(await run(next.value));
  return next.value;
}

/** Per output over all samples: the batch losses' means weighted by batch size, and the metric counts. */
export function* evaluateSteps(x: Tensor[], y: Tensor[], batchSize: number): Steps<Batch, BatchTotals, BatchTotals> {
  const total = emptyTotals(y.length);
  for (let start = 0; start < x[0].shape[0]; start += batchSize) {
    const end = Math.min(start + batchSize, x[0].shape[0]);
    const totals: BatchTotals = yield {
      inputs: x.map((t) => gatherRows(t, null, start, end)),
      targets: y.map((t) => gatherRows(t, null, start, end)),
    };
    addBatchTotals(total, totals, end - start);
  }
  return total;
}

export function evaluateLoop(executor: Executor, x: Tensor[], y: Tensor[], batchSize: number): Promise<BatchTotals> {
  return runStepsAsync(evaluateSteps(x, y, batchSize), (batch) => executor.evaluateBatch(batch));
}

/** The model's outputs for all samples, batch by batch, one tensor per output. */
export function* predictSteps(x: Tensor[], batchSize: number): Steps<HostTensor[], HostTensor[], Tensor<'float32'>[]> {
  const n = x[0].shape[0];
  let outs: { data: Float32Array; shape: number[] }[] | null = null;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    const ys: HostTensor[] = yield x.map((t) => gatherRows(t, null, start, end));
    if (start === 0 && end === n) return ys.map((y) => new Tensor(y.data as Float32Array, y.shape)); // one batch: no copy
    outs ??= ys.map((y) => ({ data: new Float32Array((y.data.length / y.shape[0]) * n), shape: [n, ...y.shape.slice(1)] }));
    ys.forEach((y, i) => outs![i].data.set(y.data as Float32Array, start * (y.data.length / y.shape[0])));
  }
  return outs!.map((o) => new Tensor(o.data, o.shape));
}

export function predictLoop(executor: Executor, x: Tensor[], batchSize: number): Promise<Tensor<'float32'>[]> {
  return runStepsAsync(predictSteps(x, batchSize), (inputs) => executor.predictBatch(inputs));
}
