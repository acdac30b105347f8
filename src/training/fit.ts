/** The fit, evaluate and predict loops over batches, independent of where a batch runs. */
import { ValueError, invalidArgument } from '../errors.js';
import { checkArgKeys } from '../layers/args.js';
import { globalRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { CallbackList, type CallbackModel, type CustomCallbackArgs, type Logs } from './callbacks.js';
import { gatherRows, type ModelData } from './data.js';
import type { BatchTotals, Executor } from './executor.js';
import { History } from './history.js';
import { ProgressBar, defaultSink, type ProgressSink } from './progress.js';

/**
 * Where batches run. 'auto' (default) shares each step across the cores when it is large enough to
 * gain: this thread computes one share and worker threads the rest (training on a page's UI thread
 * uses workers only, so the page stays responsive; predict and evaluate without a running pool run
 * here and start one in the background). A number runs every shard on that many worker threads,
 * leaving this thread free; 0 runs on this thread.
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
}

const FIT_KEYS = ['batchSize', 'epochs', 'shuffle', 'verbose', 'initialEpoch', 'workers', 'callbacks', 'validationSplit', 'validationData'];

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
export function splitForValidation(x: Tensor, y: Tensor, fraction: number): { x: Tensor; y: Tensor; xVal: Tensor; yVal: Tensor } {
  const n = x.shape[0];
  const at = Math.floor(n * (1 - fraction));
  if (at < 1 || at >= n) {
    throw new ValueError(`validationSplit=${fraction} of ${n} samples leaves ${at} to train on and ${n - at} to validate on; both need at least one`);
  }
  const part = (t: Tensor, start: number, end: number) => {
    const { data, shape } = gatherRows(t, null, start, end);
    return new Tensor(data.slice(), shape);
  };
  return { x: part(x, 0, at), y: part(y, 0, at), xVal: part(x, at, n), yVal: part(y, at, n) };
}

export interface FitContext {
  /** The metrics compiled into the model (accuracy variants), logged by these names. */
  metrics: string[];
  validation: { x: Tensor; y: Tensor } | null;
  model: CallbackModel;
  sink?: ProgressSink;
}

function logsOf(t: BatchTotals, metrics: string[], prefix = ''): Logs {
  const logs: Logs = { [`${prefix}loss`]: t.sum / t.count };
  for (const m of metrics) logs[`${prefix}${m}`] = t.correct / t.count;
  return logs;
}

/** Runs the epochs; model.stopTraining is polled after every batch and epoch. */
export async function fitLoop(executor: Executor, x: Tensor, y: Tensor, args: ResolvedFitArgs, ctx: FitContext): Promise<History> {
  const { sink = defaultSink(), metrics, validation, model } = ctx;
  const samples = x.shape[0];
  const steps = Math.ceil(samples / args.batchSize);
  const history = new History({
    epochs: args.epochs, initialEpoch: args.initialEpoch, samples, steps, batchSize: args.batchSize,
    verbose: args.verbose, doValidation: validation != null,
    metrics: ['loss', ...metrics, ...(validation ? ['val_loss', ...metrics.map((m) => `val_${m}`)] : [])],
  });
  const { callbacks } = args;
  callbacks.setModel(model);
  // one gather buffer each for x and y, reused by every step
  const rowsOf = (t: Tensor) => new Float32Array(Math.min(args.batchSize, samples) * (t.size / samples));
  const [xBuffer, yBuffer] = args.shuffle ? [rowsOf(x), rowsOf(y)] : [undefined, undefined];
  await callbacks.trainBegin({});
  for (let epoch = args.initialEpoch; epoch < args.epochs && !model.stopTraining; epoch++) {
    await callbacks.epochBegin(epoch, {});
    if (args.verbose > 0) sink.write(`Epoch ${epoch + 1}/${args.epochs}\n`);
    const bar = args.verbose > 0 ? new ProgressBar(samples, sink, args.verbose as 1 | 2) : null;
    const order = args.shuffle ? globalRandom().shuffle(Int32Array.from({ length: samples }, (_, i) => i)) : null;
    const total: BatchTotals = { sum: 0, count: 0, correct: 0 };
    let seen = 0;
    let last: Logs = {};
    for (let step = 0; step < steps; step++) {
      const start = step * args.batchSize;
      const end = Math.min(start + args.batchSize, samples);
      await callbacks.batchBegin(step, { batch: step, size: end - start });
      const xb = gatherRows(x, order, start, end, xBuffer);
      const yb = gatherRows(y, order, start, end, yBuffer);
      const t = await executor.trainBatch({ x: xb.data, xShape: xb.shape, y: yb.data, yShape: yb.shape });
      total.sum += t.sum;
      total.count += t.count;
      total.correct += t.correct;
      seen = end;
      last = logsOf(t, metrics);
      // as Keras 2, the bar's last update waits for the epoch's end, so it can show validation
      if (end < samples) bar?.update(end, last);
      await callbacks.batchEnd(step, { batch: step, size: end - start, ...last });
      if (model.stopTraining) break;
    }
    const logs = logsOf(total, metrics);
    if (validation) Object.assign(logs, logsOf(await evaluateLoop(executor, validation.x, validation.y, args.batchSize), metrics, 'val_'));
    const validationLogs = Object.fromEntries(Object.entries(logs).filter(([k]) => k.startsWith('val_')));
    bar?.update(seen, { ...last, ...validationLogs });
    history.record(epoch, logs);
    await callbacks.epochEnd(epoch, logs);
  }
  await callbacks.trainEnd({});
  return history;
}

/** Σ of loss values, their count and the rows predicted right, over all samples. */
export async function evaluateLoop(executor: Executor, x: Tensor, y: Tensor, batchSize: number): Promise<BatchTotals> {
  const total: BatchTotals = { sum: 0, count: 0, correct: 0 };
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const end = Math.min(start + batchSize, x.shape[0]);
    const xb = gatherRows(x, null, start, end);
    const yb = gatherRows(y, null, start, end);
    const r = await executor.evaluateBatch({ x: xb.data, xShape: xb.shape, y: yb.data, yShape: yb.shape });
    total.sum += r.sum;
    total.count += r.count;
    total.correct += r.correct;
  }
  return total;
}

/** The model's outputs for all samples, batch by batch, in one tensor. */
export async function predictLoop(executor: Executor, x: Tensor, batchSize: number): Promise<Tensor> {
  const n = x.shape[0];
  let out: Float32Array | null = null;
  let outShape: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    const xb = gatherRows(x, null, start, end);
    const { y, yShape } = await executor.predictBatch(xb.data, xb.shape);
    if (start === 0 && end === n) return new Tensor(y, [n, ...yShape.slice(1)]); // one batch: no copy
    if (out == null) {
      outShape = [n, ...yShape.slice(1)];
      out = new Float32Array((y.length / yShape[0]) * n);
    }
    out.set(y, start * (y.length / yShape[0]));
  }
  return new Tensor(out!, outShape);
}
