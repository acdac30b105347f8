/**
 * fit's `yieldEvery` (tfjs's values): how often a training loop gives the event loop a turn, so a
 * page stays responsive and timers, I/O and progress rendering run between steps. 'auto' (the
 * default) yields when 125 ms have passed since the last turn, as tfjs does; 'batch' after every
 * batch; 'epoch' after every epoch; a number after that many milliseconds; 'never' not at all.
 */
import { invalidArgument } from '../errors.js';
import { nextMacrotask } from '../parallel/macrotask.js';

export type YieldEveryOption = 'auto' | 'batch' | 'epoch' | 'never' | number;

const AUTO_MS = 125;

/** Checks the option (owner: the method named in errors). */
export function resolveYieldEvery(owner: string, value: unknown): YieldEveryOption {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'batch' || value === 'epoch' || value === 'never') return value;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw invalidArgument(owner, 'yieldEvery', "'auto', 'batch', 'epoch', 'never' or a number of milliseconds", value);
}

/** Gives the event loop a turn when the option says so: after a batch, or after an epoch. */
export class Yielder {
  private last = performance.now();

  constructor(private readonly option: YieldEveryOption) {}

  async afterBatch(): Promise<void> {
    const option = this.option;
    if (option === 'batch') return this.yieldNow();
    const ms = option === 'auto' ? AUTO_MS : typeof option === 'number' ? option : null;
    if (ms != null && performance.now() - this.last >= ms) await this.yieldNow();
  }

  async afterEpoch(): Promise<void> {
    if (this.option === 'epoch') await this.yieldNow();
  }

  private async yieldNow(): Promise<void> {
    await nextMacrotask();
    this.last = performance.now();
  }
}
