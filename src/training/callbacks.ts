/** Callbacks in the tfjs style: an object with any of these hooks; each may return a promise. */

export type Logs = Record<string, number>;

export interface CustomCallbackArgs {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
}

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/** Runs every callback's hook in order. */
export class CallbackList {
  constructor(private readonly callbacks: CustomCallbackArgs[]) {}

  static from(value: unknown): CallbackList {
    const list = value == null ? [] : Array.isArray(value) ? value : [value];
    for (const cb of list) {
      if (cb == null || typeof cb !== 'object') throw new TypeError(`fit: callbacks must be objects with hooks (${HOOKS.join(', ')}), got ${String(cb)}`);
      for (const [k, v] of Object.entries(cb)) {
        if ((HOOKS as readonly string[]).includes(k) && typeof v !== 'function') throw new TypeError(`fit: callback hook ${k} must be a function`);
      }
    }
    return new CallbackList(list as CustomCallbackArgs[]);
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
