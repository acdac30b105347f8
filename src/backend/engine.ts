/**
 * The engine: one kernel module instance over one WebAssembly.Memory, and the allocator for it.
 * Weights, optimizer state and per-step scratch all live in this memory; JS holds byte offsets.
 */

import { Arena } from './arena.js';
import { KERNEL_NAMES, type Kernels } from './kernels.js';
import { ValueError, invalidArgument } from '../errors.js';
import { compileKernels, type KernelChoice, type KernelVariant, type WasmSources } from './wasm-source.js';

/** Something that keeps data in engine memory and can copy it out when the engine goes away. */
export interface Resident {
  /** Copies the data to JS memory; the engine is about to be disposed. */
  evacuate(): void;
}

/** Something with values that can be placed in an engine's memory (a weight). */
export interface Placeable {
  /** The byte offset of the values in `engine`, moving them there first if needed. */
  ptrIn(engine: Engine): number;
}

/**
 * What ops need of an engine: its kernels, scratch allocation, copies in, zero fills, and where a
 * weight lives. The real Engine implements it over WebAssembly memory; the planning device
 * (src/runtime/planning-device.ts) implements it without memory, so running a model's forward and
 * backward on it measures what a step allocates and computes, from the code that does it.
 */
export interface Device {
  readonly kernels: Kernels;
  /** Allocates room for `count` 4-byte values (f32 or i32); returns the byte offset. */
  allocF32(count: number): number;
  release(ptr: number): void;
  /** Copies `data` into memory at `ptr` (floats, int32, or bool bytes widened to int32). */
  write(ptr: number, data: ArrayLike<number>, dtype?: 'float32' | 'int32'): void;
  /** Sets `count` 4-byte values at `ptr` to zero. */
  zero(ptr: number, count: number): void;
  /** The byte offset of a weight's values in this device's memory. */
  place(variable: Placeable): number;
  /** A live view of `count` f32 values at `ptr` (empty on a device without memory). */
  f32(ptr: number, count: number): Float32Array;
  /** Copies `count` f32 values out (zeros on a device without memory). */
  read(ptr: number, count: number): Float32Array;
}

export interface EngineOptions extends KernelChoice {
  /** Where to load the kernel module from (default: the files next to the package). */
  wasm?: WasmSources;
}

const VARIANTS = ['auto', 'simd', 'relaxed-simd'];
const OPTION_KEYS = ['variant', 'enableRelaxedSimdFlag', 'wasm'];

/** Checks `ready()`'s options before anything loads. */
export function checkEngineOptions(options: EngineOptions): void {
  if (typeof options !== 'object') throw invalidArgument('ready()', 'options', 'an object', options);
  const unknown = Object.keys(options).find((key) => !OPTION_KEYS.includes(key));
  if (unknown !== undefined) throw new ValueError(`ready(): unknown option ${unknown}. Known options: ${OPTION_KEYS.join(', ')}`);
  const { variant, enableRelaxedSimdFlag, wasm } = options;
  if (variant !== undefined && !VARIANTS.includes(variant)) {
    throw invalidArgument('ready()', 'variant', "'auto', 'simd' or 'relaxed-simd'", variant);
  }
  if (enableRelaxedSimdFlag !== undefined && typeof enableRelaxedSimdFlag !== 'boolean') {
    throw invalidArgument('ready()', 'enableRelaxedSimdFlag', 'a boolean', enableRelaxedSimdFlag);
  }
  if (wasm !== undefined && (wasm == null || typeof wasm !== 'object')) {
    throw invalidArgument('ready()', 'wasm', 'an object with simd and/or relaxed entries', wasm);
  }
}

export class Engine implements Device {
  private disposed = false;
  private readonly residents = new Set<Resident>();

  private constructor(
    readonly kernels: Kernels,
    readonly memory: WebAssembly.Memory,
    /** The compiled kernel module, which pool workers instantiate too (see WorkerTask.kernels). */
    readonly module: WebAssembly.Module,
    readonly variant: KernelVariant,
    private readonly arena: Arena,
  ) {}

  /** Compiles and instantiates the kernel module over a fresh memory. */
  static async create(options: EngineOptions = {}): Promise<Engine> {
    const { module, variant } = await compileKernels(options.wasm, options);
    return Engine.instantiate(module, variant);
  }

  /** Instantiates a compiled kernel module (`variant` names its build) over a fresh memory. */
  static async instantiate(module: WebAssembly.Module, variant: KernelVariant): Promise<Engine> {
    const memory = new WebAssembly.Memory({ initial: 16 });
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const kernels = instance.exports as unknown as Kernels;
    for (const name of KERNEL_NAMES) {
      if (typeof kernels[name] !== 'function') throw new Error(`The kernel module lacks ${name}: a stale build?`);
    }
    const arena = new Arena(memory, kernels.heap_base());
    // scratch for kernels that pack operands (the blocked GEMM), owned for the engine's life
    const bytes = kernels.workspace_bytes();
    kernels.f32_set_workspace(arena.alloc(bytes), bytes);
    return new Engine(kernels, memory, module, variant, arena);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Bytes allocated now, and the most ever allocated at once. */
  memoryStats(): { bytesInUse: number; peakBytes: number; memoryBytes: number } {
    return { bytesInUse: this.arena.bytesInUse, peakBytes: this.arena.peakBytes, memoryBytes: this.memory.buffer.byteLength };
  }

  /** Allocates room for `count` f32 values; returns the byte offset. */
  allocF32(count: number): number {
    this.assertLive();
    return this.arena.alloc(count * 4);
  }

  release(ptr: number): void {
    if (!this.disposed) this.arena.release(ptr);
  }

  /** A live view of `count` f32 values at `ptr`; do not keep it across an allocation (memory may grow). */
  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, count);
  }

  /** Copies `data` into engine memory at `ptr` as float32 values, or int32 ones with dtype 'int32'. */
  write(ptr: number, data: ArrayLike<number>, dtype: 'float32' | 'int32' = 'float32'): void {
    if (dtype === 'int32') new Int32Array(this.memory.buffer, ptr, data.length).set(data);
    else this.f32(ptr, data.length).set(data);
  }

  zero(ptr: number, count: number): void {
    this.f32(ptr, count).fill(0);
  }

  place(variable: Placeable): number {
    return variable.ptrIn(this);
  }

  /** Copies `count` f32 values out of engine memory. */
  read(ptr: number, count: number): Float32Array {
    return this.f32(ptr, count).slice();
  }

  register(resident: Resident): void {
    this.residents.add(resident);
  }

  unregister(resident: Resident): void {
    this.residents.delete(resident);
  }

  /** Copies every resident's data out, then drops the memory. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    for (const resident of [...this.residents]) resident.evacuate();
    this.residents.clear();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('This engine was shut down; call wl.ready() or use a model again to start a new one');
  }
}

let current: Promise<Engine> | null = null;
let currentOptions: EngineOptions = {};
let started: Engine | null = null;

/** The process-wide engine if it has started (and not shut down), else null; never starts one. */
export function startedEngine(): Engine | null {
  return started && !started.isDisposed ? started : null;
}

/**
 * The process-wide engine, created on first use. Options apply when they start an engine (the first
 * use, or the first after shutdownEngine()); the options of the last engine that started are reused
 * by the next one, and options whose engine failed to start are forgotten.
 */
export function getEngine(options?: EngineOptions): Promise<Engine> {
  if (options != null) checkEngineOptions(options);
  if (current == null) {
    const startOptions = options ?? currentOptions;
    const starting = Engine.create(startOptions);
    current = starting;
    starting.then(
      (engine) => {
        currentOptions = startOptions;
        if (current === starting) started = engine;
      },
      () => {
        // only this start's own slot: a shutdown and a newer start may have replaced it
        if (current === starting) current = null;
      },
    );
  }
  return current;
}

/** Disposes the process-wide engine (model weights are copied out first, so models stay usable). */
export async function shutdownEngine(): Promise<void> {
  const engine = current;
  current = null;
  started = null;
  if (engine) (await engine.catch(() => null))?.dispose();
}
