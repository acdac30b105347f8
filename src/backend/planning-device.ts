/**
 * A device with no memory: running a model's forward and backward on it measures what a step would
 * allocate (peak scratch bytes, with the arena's alignment) and compute (FLOPs of its products), and
 * which kernels it would call, from the very code that does the step — so the memory check and the
 * work plan cannot drift from the ops. Kernels that answer questions (sizes, thresholds) run for
 * real; kernels that compute only count.
 */
import { ALIGN } from './arena.js';
import type { Device, Placeable } from './engine.js';
import type { Kernels } from './kernels.js';

type KernelArgs = number[];

/** 2 × multiply-adds of the kernels that multiply matrices (elementwise work is not counted). */
const FLOPS: Partial<Record<keyof Kernels, (a: KernelArgs) => number>> = {
  f32_gemm: ([m, n, k]) => 2 * m * n * k,
  f32_gru_seq_fwd: ([batch, steps, units]) => 2 * steps * batch * units * 3 * units,
  f32_gru_fwd_small: ([batch, steps, units, features]) => 2 * steps * batch * (features + units) * 3 * units,
  f32_gru_seq_bwd: ([batch, steps, units]) => 2 * steps * batch * units * 3 * units,
  f32_lstm_fwd_small: ([batch, steps, units, features]) => 2 * steps * batch * (features + units) * 4 * units,
  f32_simple_rnn_fwd_small: ([batch, steps, units, features]) => 2 * steps * batch * (features + units) * units,
  // h·U per step forward, dz·Uᵀ per step backward: G·u² multiply-adds a row (G = 4 LSTM, 1 SimpleRNN)
  f32_rnn_seq_fwd: ([cell, batch, steps, units]) => 2 * steps * batch * units * (cell === 1 ? 4 : 1) * units,
  f32_rnn_seq_bwd: ([cell, batch, steps, units]) => 2 * steps * batch * units * (cell === 1 ? 4 : 1) * units,
};

/** Kernels whose answer the caller needs (sizes, thresholds): run for real. */
const QUERIES = new Set<string>(['heap_base', 'workspace_bytes', 'gru_small_units', 'lstm_small_units', 'simple_rnn_small_units', 'gru_fwd_work_floats', 'gru_bwd_work_floats',
  'rnn_fwd_work_floats', 'rnn_bwd_work_floats', 'rec_dropout_work_floats']);

/** A fake, aligned, non-zero address (0 means "absent" in the kernel ABI). */
const FAKE_PTR = ALIGN;

export class PlanningDevice implements Device {
  readonly kernels: Kernels;
  /** FLOPs of the products run so far. */
  flops = 0;
  /** Kernel name → calls so far. */
  readonly calls = new Map<string, number>();
  private bytes = 0;
  private peakBytes = 0;
  private readonly sizes = new Map<number, number>();
  private next = FAKE_PTR;

  /** @param real the kernels of a real engine, asked the questions (sizes, thresholds) */
  constructor(real: Kernels) {
    const kernels: Record<string, unknown> = {};
    for (const name of Object.keys(real)) {
      const kernel = real[name as keyof Kernels];
      kernels[name] = typeof kernel !== 'function' || QUERIES.has(name) ? kernel : (...args: KernelArgs) => {
        this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
        this.flops += FLOPS[name as keyof Kernels]?.(args) ?? 0;
        return name === 'f32_all_finite' ? 1 : 0;
      };
    }
    this.kernels = kernels as unknown as Kernels;
  }

  /** The most bytes allocated at once so far. */
  get peak(): number {
    return this.peakBytes;
  }

  allocF32(count: number): number {
    const size = Math.ceil(Math.max(count * 4, 1) / ALIGN) * ALIGN;
    const ptr = this.next;
    this.next += size;
    this.sizes.set(ptr, size);
    this.bytes += size;
    this.peakBytes = Math.max(this.peakBytes, this.bytes);
    return ptr;
  }

  release(ptr: number): void {
    this.bytes -= this.sizes.get(ptr) ?? 0;
    this.sizes.delete(ptr);
  }

  write(): void {}

  zero(): void {}

  place(_variable: Placeable): number {
    return FAKE_PTR;
  }

  f32(): Float32Array {
    return new Float32Array(0);
  }

  read(_ptr: number, count: number): Float32Array {
    return new Float32Array(count);
  }
}
