/**
 * tfjs's memory discipline, kept optional: `tidy(fn)` disposes the tensors made inside `fn` that it
 * does not return, `keep` exempts one, `dispose` releases tensors in any container, and `memory()`
 * counts the tensors not disposed, as tfjs does. A tensor nobody disposes is not a leak here (the
 * garbage collector takes its values) but stays counted: like tfjs's cpu backend, `memory()` is an
 * upper bound and says so (`unreliable`). Counting collected tensors out (a FinalizationRegistry)
 * tripled the cost of creating a small tensor, so it is not done.
 */
import { StateError, invalidArgument } from '../errors.js';
import { allocArray, type DType, type HostArray } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/** The part of a Tensor the tracker needs (tensor.ts imports this file). */
interface Tracked {
  readonly isDisposed: boolean;
  dispose(): void;
}

/** What `tidy` may return and `dispose` accepts: tensors, in arrays and plain objects, or anything else. */
export type TensorContainer = unknown;

/** What `memory()` reports. */
export interface MemoryInfo {
  /** Tensors neither disposed nor garbage-collected. */
  numTensors: number;
  /** Distinct value arrays behind them (a reshape shares its input's). */
  numDataBuffers: number;
  /** Bytes of those arrays. */
  numBytes: number;
  /** Always true: tensors never disposed are counted although the garbage collector may have freed them. */
  unreliable: boolean;
  reasons: string[];
}

/** One value array's share of the counts. */
interface Buffer {
  users: number;
  bytes: number;
}

const counts = { numTensors: 0, numDataBuffers: 0, numBytes: 0 };
const buffers = new WeakMap<HostArray, Buffer>();
const scopes: Set<Tracked>[] = [];
const kept = new WeakSet<Tracked>();

/** Counts a new tensor over `values` and records it in the innermost tidy scope (Tensor's constructor). */
export function trackTensor(t: Tracked, values: HostArray): void {
  counts.numTensors++;
  let buffer = buffers.get(values);
  if (buffer == null) buffers.set(values, (buffer = { users: 0, bytes: values.byteLength }));
  if (buffer.users++ === 0) {
    counts.numDataBuffers++;
    counts.numBytes += buffer.bytes;
  }
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Stops counting a tensor (Tensor.dispose). */
export function untrackTensor(values: HostArray, t: Tracked): void {
  forgetHook?.(t);
  const buffer = buffers.get(values);
  if (buffer) release(buffer, values);
}

let forgetHook: ((t: Tracked) => void) | null = null;

/**
 * Sets what runs on each tensor disposed or whose values are handed out (`dataSync`): the kernels
 * drop their copy of its values (wasm-path.ts).
 */
export function onForget(hook: (t: Tracked) => void): void {
  forgetHook = hook;
}

/** Value arrays handed out by dataSync: their holder may write to them against the rule. */
const handedOut = new WeakSet<HostArray>();

/** Whether `values` were handed out by dataSync (so they may change under their tensor). */
export function isHandedOut(values: HostArray): boolean {
  return handedOut.has(values);
}

function release(buffer: Buffer, values: HostArray): void {
  counts.numTensors--;
  if (--buffer.users > 0) return;
  counts.numDataBuffers--;
  counts.numBytes -= buffer.bytes;
  recycle(values);
}

/*
 * Reuse of op outputs: a fresh 4 MB array costs 5–10× the loop that fills it on this kind of VM
 * (first-touch page faults), so the arrays of disposed op results go back to a small pool. Only
 * arrays an op allocated and nobody outside the ops has seen qualify: `dataSync()` / `data()` hand
 * an array out (`escape`), and it is never reused after that; nor are arrays users passed in.
 */
const owned = new WeakSet<HostArray>();
const pool = new Map<string, HostArray[]>();
const POOL_MIN_LENGTH = 256;
const POOL_PER_SIZE = 8;
const POOL_MAX_BYTES = 64 << 20;
let pooledBytes = 0;

/** An array of `length` elements of `dtype` for an op's output, its contents undefined (the op writes every element). */
export function takeArray<D extends DType>(dtype: D, length: number): HostArray {
  if (length >= POOL_MIN_LENGTH) {
    const free = pool.get(`${dtype}:${length}`);
    const reused = free?.pop();
    if (reused) {
      pooledBytes -= reused.byteLength;
      owned.add(reused);
      return reused;
    }
  }
  const out = allocArray(dtype, length);
  if (length >= POOL_MIN_LENGTH) owned.add(out);
  return out;
}

/** Gives back an op's temporary array (a broadcast operand) that no tensor holds. */
export function recycle(values: HostArray): void {
  if (!owned.has(values) || pooledBytes + values.byteLength > POOL_MAX_BYTES) return;
  const key = `${values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool'}:${values.length}`;
  const free = pool.get(key) ?? [];
  if (free.length >= POOL_PER_SIZE) return;
  owned.delete(values);
  free.push(values);
  pool.set(key, free);
  pooledBytes += values.byteLength;
}

/** Marks `values` as handed out of the ops (Tensor.dataSync of `t`): it is never reused. */
export function escape(values: HostArray, t: Tracked): void {
  owned.delete(values);
  if (handedOut.has(values)) return;
  handedOut.add(values);
  forgetHook?.(t);
}

/**
 * The tensors held now.
 * @example const before = wl.memory().numTensors;
 */
export function memory(): MemoryInfo {
  return { ...counts, unreliable: true, reasons: [UPPER_BOUND] };
}

const UPPER_BOUND = 'The reported memory is an upper bound: tensors never disposed are counted, although the garbage collector may have freed them.';

/**
 * Runs `fn` and disposes every tensor it made except those it returns (in arrays or plain objects)
 * and those passed to `keep`; returned tensors belong to the enclosing tidy, if any. Refuses an async
 * function or a returned Promise, as tfjs does (the scope would end before the work does).
 * @param nameOrFn a name (ignored, as tfjs only uses it for profiling) or the function
 * @example const y = wl.tidy(() => x.sub(x.mean()).square().mean());
 */
export function tidy<T>(nameOrFn: string | (() => T), fn?: () => T): T {
  const f = typeof nameOrFn === 'function' ? nameOrFn : fn;
  if (typeof f !== 'function') throw invalidArgument('tidy', 'fn', 'a function', f);
  if (f.constructor?.name === 'AsyncFunction') throw asyncTidy();
  const scope = new Set<Tracked>();
  scopes.push(scope);
  let out: T | undefined;
  try {
    out = f();
    if (out != null && typeof (out as { then?: unknown }).then === 'function') throw asyncTidy();
  } finally {
    scopes.pop();
    endScope(scope, out);
  }
  return out;
}

function asyncTidy(): StateError {
  return new StateError('tidy: Cannot return a Promise inside of tidy. Its tensors would be disposed before the async work ends: await outside tidy, or dispose by hand');
}

function endScope(scope: Set<Tracked>, out: unknown): void {
  const returned = new Set<Tracked>();
  collect(out, (t) => scope.has(t as Tracked) && returned.add(t as Tracked));
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (t.isDisposed || kept.has(t)) continue;
    if (returned.has(t)) parent?.add(t);
    else t.dispose();
  }
}

/** Calls `visit` on every value in arrays and plain objects of `container` (not on the containers). */
function collect(container: unknown, visit: (value: object) => void, seen = new Set<unknown>()): void {
  if (container == null || typeof container !== 'object' || seen.has(container)) return;
  seen.add(container);
  const proto = Object.getPrototypeOf(container);
  if (Array.isArray(container)) for (const v of container) collect(v, visit, seen);
  else if (proto === Object.prototype || proto === null) for (const v of Object.values(container)) collect(v, visit, seen);
  else visit(container);
}

/**
 * Exempts a tensor from the enclosing tidy scopes' disposal.
 * @example wl.tidy(() => { kept = wl.keep(x.square()); });
 */
export function keep<T extends Tensor>(t: T): T {
  if (t == null || typeof t.dispose !== 'function' || typeof (t as { dataSync?: unknown }).dataSync !== 'function') {
    throw invalidArgument('keep', 'tensor', 'a Tensor', t);
  }
  kept.add(t);
  return t;
}

/**
 * Disposes a tensor, or every tensor in an array or plain object (nested).
 * @example wl.dispose([a, b, { c }]);
 */
export function dispose(container: TensorContainer): void {
  collect(container, (v) => {
    const t = v as Partial<Tracked> & { dataSync?: unknown };
    if (typeof t.dispose === 'function' && typeof t.dataSync === 'function') t.dispose();
  });
}

