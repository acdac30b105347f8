/** The fit, evaluate and predict loops over batches, independent of where a batch runs. */
import { invalidArgument } from '../errors.js';
import { checkArgKeys } from '../layers/args.js';
import { globalRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { CallbackList, type CustomCallbackArgs } from './callbacks.js';
import { gatherRows } from './data.js';
import type { Executor } from './executor.js';
import { History } from './history.js';
import { ProgressBar, defaultSink, type ProgressSink } from './progress.js';

/** Worker count: 'auto' (default), a number of workers, or 0 to run in this thread. */
export type WorkersOption = number | 'auto';

export interface ModelFitArgs {
  /** Samples per gradient step; default 32. */
  batchSize?: number;
  /** Default 1. */
  epochs?: number;
  /** Shuffle the samples before each epoch; default true. */
  shuffle?: boolean;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Epoch to start from (its index in logs); default 0. */
  initialEpoch?: number;
  /** Worker threads; see WorkersOption. */
  workers?: WorkersOption;
  /** tfjs-style callback objects. */
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
}

const FIT_KEYS = ['batchSize', 'epochs', 'shuffle', 'verbose', 'initialEpoch', 'workers', 'callbacks'];

export interface ResolvedFitArgs {
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  verbose: 0 | 1 | 2;
  initialEpoch: number;
  workers: WorkersOption;
  callbacks: CallbackList;
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
  return {
    batchSize, epochs, initialEpoch,
    shuffle: args.shuffle ?? true,
    verbose: args.verbose ?? 1,
    workers: resolveWorkers('fit', args.workers),
    callbacks: CallbackList.from(args.callbacks),
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

/** Runs the epochs; `shouldStop` is polled after every batch (model.stopTraining). */
export async function fitLoop(
  executor: Executor, x: Tensor, y: Tensor, args: ResolvedFitArgs,
  { sink = defaultSink(), shouldStop = () => false }: { sink?: ProgressSink; shouldStop?: () => boolean } = {},
): Promise<History> {
  const samples = x.shape[0];
  const steps = Math.ceil(samples / args.batchSize);
  const history = new History({
    epochs: args.epochs, initialEpoch: args.initialEpoch, samples, steps, batchSize: args.batchSize,
    verbose: args.verbose, doValidation: false, metrics: ['loss'],
  });
  const { callbacks } = args;
  await callbacks.trainBegin({});
  for (let epoch = args.initialEpoch; epoch < args.epochs && !shouldStop(); epoch++) {
    await callbacks.epochBegin(epoch, {});
    if (args.verbose > 0) sink.write(`Epoch ${epoch + 1}/${args.epochs}\n`);
    const bar = args.verbose > 0 ? new ProgressBar(samples, sink, args.verbose as 1 | 2) : null;
    const order = args.shuffle ? globalRandom().shuffle(Int32Array.from({ length: samples }, (_, i) => i)) : null;
    let lossSum = 0;
    for (let step = 0; step < steps; step++) {
      const start = step * args.batchSize;
      const end = Math.min(start + args.batchSize, samples);
      await callbacks.batchBegin(step, { batch: step, size: end - start });
      const xb = gatherRows(x, order, start, end);
      const yb = gatherRows(y, order, start, end);
      const loss = await executor.trainBatch({ x: xb.data, xShape: xb.shape, y: yb.data, yShape: yb.shape });
      lossSum += loss * (end - start);
      bar?.update(end, { loss });
      await callbacks.batchEnd(step, { batch: step, size: end - start, loss });
      if (shouldStop()) break;
    }
    const logs = { loss: lossSum / samples };
    history.record(epoch, logs);
    await callbacks.epochEnd(epoch, logs);
  }
  await callbacks.trainEnd({});
  return history;
}

/** Mean loss over all samples (Keras: Σ loss values / their count). */
export async function evaluateLoop(executor: Executor, x: Tensor, y: Tensor, batchSize: number): Promise<number> {
  let sum = 0;
  let count = 0;
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const end = Math.min(start + batchSize, x.shape[0]);
    const xb = gatherRows(x, null, start, end);
    const yb = gatherRows(y, null, start, end);
    const r = await executor.evaluateBatch({ x: xb.data, xShape: xb.shape, y: yb.data, yShape: yb.shape });
    sum += r.sum;
    count += r.count;
  }
  return sum / count;
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
    if (out == null) {
      outShape = [n, ...yShape.slice(1)];
      out = new Float32Array((y.length / yShape[0]) * n);
    }
    out.set(y, start * (y.length / yShape[0]));
  }
  return new Tensor(out!, outShape);
}
