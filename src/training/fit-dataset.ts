/**
 * model.fitDataset (tfjs): epochs over a Dataset of `{xs, ys}` batches, streamed — each batch is read
 * when its step starts, so the data need not fit in memory. The steps, callbacks, logs and History
 * are fit's; only where the batches come from differs.
 */
import { ValueError, describe, invalidArgument } from '../errors.js';
import { checkArgKeys } from '../layers/args.js';
import type { Dataset } from '../data/dataset.js';
import type { Tensor } from '../tensor.js';
import { CallbackList, type CallbackModel, type CustomCallbackArgs, type Logs } from './callbacks.js';
import type { ModelData } from './data.js';
import { addBatchTotals, emptyTotals, type BatchTotals, type Executor, type HostTensor } from './executor.js';
import { evaluateLoop, logNames, logsOf, resolveWorkers, type OutputLogging, type WorkersOption } from './fit.js';
import { History } from './history.js';
import { Yielder, resolveYieldEvery, type YieldEveryOption } from './yield-every.js';
import { ProgressBar, defaultSink, formatValue, type ProgressSink } from './progress.js';

/** One element of a training dataset: a batch of inputs and targets (tfjs's `{xs, ys}`). */
export interface DatasetBatch {
  xs: ModelData;
  ys: ModelData;
}

export interface ModelFitDatasetArgs {
  /** Default 1. */
  epochs?: number;
  /** Batches per epoch; default: one pass over the dataset per epoch (it is iterated afresh each time). */
  batchesPerEpoch?: number;
  /** Epoch to start from (its index in logs); default 0. */
  initialEpoch?: number;
  /** 0 silent, 1 or 2: one line per epoch (default 1). */
  verbose?: 0 | 1 | 2;
  /** tfjs-style callback objects, or wl.callbacks.earlyStopping(...) / terminateOnNaN(). */
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /** Evaluated after each epoch: a Dataset of `{xs, ys}` batches, or [x, y]. */
  validationData?: Dataset<DatasetBatch> | [ModelData, ModelData];
  /** Worker threads; see WorkersOption. */
  workers?: WorkersOption;
  /** How often the loop gives the event loop a turn (tfjs): 'auto' (every 125 ms, default), 'batch', 'epoch', 'never', or milliseconds. */
  yieldEvery?: YieldEveryOption;
}

export interface ResolvedFitDatasetArgs {
  epochs: number;
  batchesPerEpoch: number | null;
  initialEpoch: number;
  verbose: 0 | 1 | 2;
  callbacks: CallbackList;
  validationData: Dataset<DatasetBatch> | [ModelData, ModelData] | null;
  workers: WorkersOption;
  yieldEvery: YieldEveryOption;
}

const KEYS = ['epochs', 'batchesPerEpoch', 'initialEpoch', 'verbose', 'callbacks', 'validationData', 'workers', 'yieldEvery'];

/** Validates fitDataset's options before any work starts. */
export function resolveFitDatasetArgs(args: ModelFitDatasetArgs = {}, isDataset: (v: unknown) => boolean): ResolvedFitDatasetArgs {
  checkArgKeys('fitDataset', args, KEYS);
  const int = (arg: string, v: unknown, fallback: number | null, min: number) => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw invalidArgument('fitDataset', arg, min > 0 ? 'a positive integer' : 'a non-negative integer', v);
    return v;
  };
  if (args.verbose !== undefined && ![0, 1, 2].includes(args.verbose as number)) throw invalidArgument('fitDataset', 'verbose', '0, 1 or 2', args.verbose);
  const validation = args.validationData;
  if (validation != null && !isDataset(validation) && !(Array.isArray(validation) && validation.length === 2)) {
    throw invalidArgument('fitDataset', 'validationData', 'a Dataset of {xs, ys} batches or [x, y]', validation);
  }
  return {
    epochs: int('epochs', args.epochs, 1, 0)!,
    batchesPerEpoch: int('batchesPerEpoch', args.batchesPerEpoch, null, 1),
    initialEpoch: int('initialEpoch', args.initialEpoch, 0, 0)!,
    verbose: args.verbose ?? 1,
    callbacks: CallbackList.from(args.callbacks),
    validationData: validation ?? null,
    workers: resolveWorkers('fitDataset', args.workers),
    yieldEvery: resolveYieldEvery('fitDataset', args.yieldEvery),
  };
}

/** A dataset element as checked tensors (the model's data rules: names, shapes, dtypes, finiteness). */
export type CheckBatch = (element: unknown, index: number) => { xs: Tensor[]; ys: Tensor[] };

/** The `{xs, ys}` of a dataset element, or a clear error. */
export function batchParts(element: unknown, index: number, owner = 'fitDataset'): DatasetBatch {
  if (element == null || typeof element !== 'object' || !('xs' in element) || !('ys' in element)) {
    throw new ValueError(`${owner}: each element of the dataset must be a batch {xs, ys}; element ${index} is ${describe(element)}`);
  }
  return element as DatasetBatch;
}

const host = (t: Tensor): HostTensor => ({ data: t.dataSync(), shape: [...t.shape] });

export interface FitDatasetContext {
  logging: OutputLogging;
  model: CallbackModel;
  check: CheckBatch;
  /** The rows the step was planned for (the first batch's): no batch may be larger. */
  plannedRows: number;
  /** The dataset's iterator, already past its first element, and that element. */
  started: { iterator: AsyncIterator<unknown>; first: unknown };
  sink?: ProgressSink;
  nextStepSeed?: () => number;
}

/** Runs the epochs; model.stopTraining is polled after every batch and epoch. */
export async function fitDatasetLoop(executor: Executor, dataset: Dataset<unknown>, args: ResolvedFitDatasetArgs, ctx: FitDatasetContext): Promise<History> {
  const { logging, model, check, plannedRows, sink = defaultSink() } = ctx;
  const validation = args.validationData;
  const history = new History({
    epochs: args.epochs, initialEpoch: args.initialEpoch, samples: null, steps: args.batchesPerEpoch, batchSize: null,
    verbose: args.verbose, doValidation: validation != null, metrics: logNames(logging, validation != null),
  });
  const { callbacks } = args;
  callbacks.setModel(model);
  let iterator = ctx.started.iterator;
  let pending: unknown = ctx.started.first;
  let index = 0;
  /** The next element of the pass, or undefined at its end. */
  const next = async (): Promise<unknown> => {
    if (pending !== undefined) {
      const element = pending;
      pending = undefined;
      return element;
    }
    const r = await iterator.next();
    return r.done ? undefined : r.value;
  };
  const yielder = new Yielder(args.yieldEvery);
  await callbacks.trainBegin({});
  for (let epoch = args.initialEpoch; epoch < args.epochs && !model.stopTraining; epoch++) {
    // without batchesPerEpoch an epoch is one pass: the dataset is read afresh (the first pass was opened to plan)
    if (args.batchesPerEpoch == null && epoch > args.initialEpoch) iterator = dataset[Symbol.asyncIterator]();
    await callbacks.epochBegin(epoch, {});
    const total = emptyTotals(logging.outputNames.length);
    // a bar over the epoch's batches when their count is known (as Keras counts steps); one line otherwise
    const bar = args.verbose > 0 && args.batchesPerEpoch != null ? new ProgressBar(args.batchesPerEpoch, sink, args.verbose as 1 | 2) : null;
    if (bar) sink.write(`Epoch ${epoch + 1}/${args.epochs}\n`);
    let last: Logs = {};
    let steps = 0;
    let exhausted = false;
    while (args.batchesPerEpoch == null || steps < args.batchesPerEpoch) {
      const element = await next();
      if (element === undefined) {
        exhausted = true;
        break;
      }
      const { xs, ys } = check(element, index++);
      const rows = xs[0].shape[0];
      if (rows > plannedRows) {
        throw new ValueError(`fitDataset: batch ${index - 1} has ${rows} samples, more than the first batch's ${plannedRows}; batch the dataset to one size (the last batch may be smaller)`);
      }
      await callbacks.batchBegin(steps, { batch: steps, size: rows });
      const t = await executor.trainBatch({ inputs: xs.map(host), targets: ys.map(host), seed: ctx.nextStepSeed?.() ?? 0 });
      addBatchTotals(total, t, rows);
      last = logsOf(t, logging);
      // the bar's last update waits for the epoch's end, so it can show validation
      if (steps + 1 < args.batchesPerEpoch!) bar?.update(steps + 1, last);
      await callbacks.batchEnd(steps, { batch: steps, size: rows, ...last });
      await yielder.afterBatch();
      steps++;
      if (model.stopTraining) break;
    }
    if (steps === 0) throw new ValueError(`fitDataset: epoch ${epoch} got no batch: the dataset is empty${args.batchesPerEpoch != null ? ' or exhausted (use dataset.repeat() with batchesPerEpoch)' : ''}`);
    const logs = logsOf(total, logging);
    if (validation) Object.assign(logs, logsOf(await validate(executor, validation, check, plannedRows), logging, 'val_'));
    const logText = Object.entries(logs).map(([k, v]) => `${k}: ${formatValue(v)}`).join(' - ');
    if (bar && steps === args.batchesPerEpoch) bar.update(steps, { ...last, ...Object.fromEntries(Object.entries(logs).filter(([k]) => k.startsWith('val_'))) });
    else if (bar) sink.write(`${sink.isTTY ? '\n' : ''}${steps} batches - ${logText}\n`);
    else if (args.verbose > 0) sink.write(`Epoch ${epoch + 1}/${args.epochs} - ${steps} batches - ${logText}\n`);
    history.record(epoch, logs);
    await callbacks.epochEnd(epoch, logs);
    await yielder.afterEpoch();
    // as tfjs: a dataset that runs out before batchesPerEpoch ends the training (with the epochs done)
    if (exhausted && args.batchesPerEpoch != null) {
      sink.write(`fitDataset: the dataset ran out after ${steps} of ${args.batchesPerEpoch} batches in epoch ${epoch + 1}; training stops here (use dataset.repeat())\n`);
      break;
    }
  }
  await callbacks.trainEnd({});
  return history;
}

/** The validation totals: over a dataset's batches, or over [x, y] in batches of the planned size. */
async function validate(executor: Executor, validation: Dataset<DatasetBatch> | [ModelData, ModelData], check: CheckBatch, plannedRows: number): Promise<BatchTotals> {
  if (Array.isArray(validation)) {
    const { xs, ys } = check({ xs: validation[0], ys: validation[1] }, 0);
    return evaluateLoop(executor, xs, ys, plannedRows);
  }
  const total = await datasetTotals(executor, validation[Symbol.asyncIterator](), check, null);
  if (!total) throw new ValueError('fitDataset: validationData is an empty dataset');
  return total;
}

/**
 * The evaluation totals over the batches `elements` yields (at most `limit` of them), or null when
 * it yields none: evaluateDataset's loop, and fitDataset's validation.
 */
export async function datasetTotals(executor: Executor, elements: AsyncIterator<unknown>, check: CheckBatch, limit: number | null): Promise<BatchTotals | null> {
  let total: BatchTotals | null = null;
  for (let index = 0; limit == null || index < limit; index++) {
    const r = await elements.next();
    if (r.done) break;
    const { xs, ys } = check(r.value, index);
    const t = await executor.evaluateBatch({ inputs: xs.map(host), targets: ys.map(host) });
    total = addBatchTotals(total ?? emptyTotals(ys.length), t, xs[0].shape[0]);
  }
  return total;
}
