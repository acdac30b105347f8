/**
 * Callbacks in the tfjs style (an object with any of the hooks, each may return a promise), and the
 * Keras ones users expect: earlyStopping and terminateOnNaN.
 */
import { invalidArgument } from '../errors.js';
import { checkArgKeys } from '../layers/args.js';
import type { Tensor } from '../tensor.js';
import { tfjsNamespace } from '../not-implemented.js';

export type Logs = Record<string, number>;

/** What a callback may do with the model being trained. */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
}

export interface CustomCallbackArgs {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
  /** Called before training with the model (as tfjs's Callback.setModel). */
  setModel?: (model: CallbackModel) => void;
}

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'setModel'] as const;

/** Runs every callback's hook in order. */
export class CallbackList {
  constructor(private readonly callbacks: CustomCallbackArgs[]) {}

  static from(value: unknown): CallbackList {
    const list = value == null ? [] : Array.isArray(value) ? value : [value];
    for (const cb of list) {
      if (cb == null || typeof cb !== 'object') throw new TypeError(`fit: callbacks must be objects with hooks (${HOOKS.join(', ')}), got ${String(cb)}`);
      for (const k of HOOKS) {
        const hook = (cb as Record<string, unknown>)[k];
        if (hook !== undefined && typeof hook !== 'function') throw new TypeError(`fit: callback hook ${k} must be a function`);
      }
    }
    return new CallbackList(list as CustomCallbackArgs[]);
  }

  setModel(model: CallbackModel): void {
    for (const cb of this.callbacks) cb.setModel?.(model);
  }
  async trainBegin(logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainBegin?.(logs);
  }
  async trainEnd(logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainEnd?.(logs);
  }
  async epochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onEpochBegin?.(epoch, logs);
  }
  async epochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onEpochEnd?.(epoch, logs);
  }
  async batchBegin(batch: number, logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onBatchBegin?.(batch, logs);
  }
  async batchEnd(batch: number, logs: Logs): Promise<void> {
    for (const cb of this.callbacks) await cb.onBatchEnd?.(batch, logs);
  }
}

export interface EarlyStoppingArgs {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement; default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping; default 0. */
  patience?: number;
  /** 'min', 'max', or 'auto' (default: max for accuracies, min otherwise). */
  mode?: 'auto' | 'min' | 'max';
  /** Stop unless the monitored value beats this. */
  baseline?: number;
  /** Put back the best epoch's weights when stopping; default false. */
  restoreBestWeights?: boolean;
  /** 1: print a line when stopping. */
  verbose?: 0 | 1;
}

/** Keras's EarlyStopping: stops when the monitored value has not improved for `patience` epochs. */
export class EarlyStopping implements CustomCallbackArgs {
  readonly monitor: string;
  /** The epoch training stopped at (0 if it ran to the end). */
  stoppedEpoch = 0;
  /** The epoch with the best monitored value. */
  bestEpoch = 0;
  private readonly minDelta: number;
  private readonly patience: number;
  private readonly better: (a: number, b: number) => boolean;
  private readonly restore: boolean;
  private model: CallbackModel | null = null;
  private wait = 0;
  private best = NaN;
  private bestWeights: Tensor[] | null = null;

  constructor(private readonly args: EarlyStoppingArgs = {}) {
    checkArgKeys('earlyStopping', args, ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'verbose']);
    this.monitor = args.monitor ?? 'val_loss';
    if (typeof this.monitor !== 'string') throw invalidArgument('earlyStopping', 'monitor', 'a logged quantity such as "val_loss"', args.monitor);
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    if (!Number.isSafeInteger(this.patience) || this.patience < 0) throw invalidArgument('earlyStopping', 'patience', 'a non-negative integer', args.patience);
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw invalidArgument('earlyStopping', 'mode', "'auto', 'min' or 'max'", args.mode);
    const max = mode === 'max' || (mode === 'auto' && /acc/.test(this.monitor));
    this.better = max ? (a, b) => a - this.minDelta > b : (a, b) => a + this.minDelta < b;
    this.restore = args.restoreBestWeights ?? false;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = NaN;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`earlyStopping: "${this.monitor}" is not in the logs (${Object.keys(logs).join(', ')}); nothing to monitor`);
      return;
    }
    this.wait++;
    if (Number.isNaN(this.best) || this.better(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restore) this.bestWeights = this.model!.getWeights();
      if (this.args.baseline === undefined || this.better(current, this.args.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
      if (this.restore && this.bestWeights) this.model!.setWeights(this.bestWeights);
      if (this.args.verbose) console.log(`Epoch ${epoch + 1}: early stopping${this.restore ? `, restored the weights of epoch ${this.bestEpoch + 1}` : ''}`);
    }
  }
}

/** Keras's TerminateOnNaN: stops training at the first batch whose loss is NaN or infinite. */
export class TerminateOnNaN implements CustomCallbackArgs {
  private model: CallbackModel | null = null;

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onBatchEnd(batch: number, logs: Logs = {}): void {
    if (logs.loss !== undefined && !Number.isFinite(logs.loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}

/** Callback factories, as tfjs's tf.callbacks. */
export const callbacks = tfjsNamespace('callbacks', {
  earlyStopping: (args?: EarlyStoppingArgs) => new EarlyStopping(args),
  terminateOnNaN: () => new TerminateOnNaN(),
});
