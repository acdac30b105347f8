/**
 * The float32 ops on the engine's SIMD kernels (assembly/tensor-ops.ts), once the engine runs
 * (`ready()`, or any model call). V8 runs the plain loops one element at a time; the kernels do four
 * lanes at a time, 3–10× faster. Tensors keep their values in JS arrays: an op's result is copied
 * out of the engine's memory when something reads it (a result only other kernels read never is:
 * setPending in tensor.ts). To spare copying operands in again, the engine keeps a copy of the
 * values of the tensors the kernels recently read or wrote (tensors are immutable, as in tfjs), up
 * to COPIES_BYTES, the least recently used dropped first; a tensor's copy goes when it is disposed
 * or its values are handed out by dataSync (tests write NaNs into that array), and values once handed
 * out are copied in for each op. The results are the plain
 * loops' (see the kernels' header). Each op returns null when the kernels do not apply (no running
 * engine, fewer than WASM_MIN_SIZE or more than WASM_MAX_SIZE values), and the caller runs the loop.
 */
import { startedEngine, type Engine } from '../backend/engine.js';
import { Tensor, isPending, onSettle, setPending, valuesOf } from '../tensor.js';
import { isHandedOut, onForget, takeArray } from './memory.js';

/**
 * Below this many values the plain loop costs no more than the kernel call and the copy out (an add
 * of 256 values costs the same both ways here, one of 1024 half as much on the kernels).
 */
export const WASM_MIN_SIZE = 512;
/** Above this many values the plain loop runs, so a huge tensor does not grow the engine's memory for good. */
export const WASM_MAX_SIZE = 1 << 24;
/** Bytes of engine memory the copies of tensors' values may hold. */
const COPIES_BYTES = 64 << 20;

/** Binary op codes of f32_binary. */
export const BINARY = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 } as const;
/** Unary op codes of f32_unary. */
export const UNARY = { neg: 0, abs: 1, square: 2, relu: 3, sqrt: 4 } as const;

export type BinaryCode = (typeof BINARY)[keyof typeof BINARY];
export type UnaryCode = (typeof UNARY)[keyof typeof UNARY];

/** Engine copies of tensors' values (their pointers), least recently used first (a Map keeps insertion order). */
const copies = new Map<Tensor, number>();
let copiesEngine: Engine | null = null;
let copiesBytes = 0;
/** Copies an op made of operands whose values were handed out, released when the op ends. */
const temporary: number[] = [];
/** A view of the engine's whole memory, renewed when the memory grows (which detaches it). */
let heap = new Float32Array(0);

onForget((tracked) => {
  const t = tracked as Tensor;
  const ptr = copies.size > 0 ? copies.get(t) : undefined;
  if (ptr === undefined) return;
  copies.delete(t);
  copiesBytes -= t.size * 4;
  copiesEngine!.release(ptr);
});

// a pending tensor's values are read: copy them out of its engine copy (which every pending tensor has)
onSettle((t, values) => {
  const ptr = copies.get(t as Tensor);
  if (ptr === undefined || copiesEngine == null) throw new Error('Internal error: a pending tensor without its engine copy');
  const at = ptr >> 2;
  (values as Float32Array).set(heapOf(copiesEngine).subarray(at, at + values.length));
});

/** The running engine for an op of n values, or null; the copies of another engine are forgotten. */
function engineFor(n: number): Engine | null {
  if (n < WASM_MIN_SIZE || n > WASM_MAX_SIZE) return null;
  const engine = startedEngine();
  if (engine !== copiesEngine) {
    // a previous engine stopped running when disposed, which settled its pending tensors (below)
    copies.clear();
    copiesBytes = 0;
    copiesEngine = engine;
    engine?.register({ evacuate: settleAll });
  }
  return engine;
}

/** Copies out the values of every pending tensor (the engine is about to be disposed). */
function settleAll(): void {
  for (const t of copies.keys()) if (isPending(t)) valuesOf(t);
}

/** Where t's values are in the engine's memory: its copy, or a copy made now (temporary if the values were handed out). */
function ptrOf(engine: Engine, t: Tensor): number {
  const copy = copies.get(t);
  if (copy !== undefined) {
    copies.delete(t);
    copies.set(t, copy);
    return copy;
  }
  const values = valuesOf(t);
  const ptr = engine.allocF32(values.length);
  heapOf(engine).set(values, ptr >> 2);
  if (isHandedOut(values)) temporary.push(ptr);
  else keep(t, ptr);
  return ptr;
}

function heapOf(engine: Engine): Float32Array {
  // an allocation may have grown the memory
  if (heap.buffer !== engine.memory.buffer) heap = new Float32Array(engine.memory.buffer);
  return heap;
}

function keep(t: Tensor, ptr: number): void {
  copies.set(t, ptr);
  copiesBytes += t.size * 4;
}

/** A new tensor, pending, over the n values a kernel wrote at `ptr` (kept as its copy); ends the op. */
function output(engine: Engine, ptr: number, n: number, shape: readonly number[]): Tensor {
  const t = new Tensor(takeArray('float32', n) as Float32Array, shape);
  setPending(t);
  keep(t, ptr);
  done(engine);
  return t;
}

/** Ends an op: releases its temporary copies and the least recently used copies beyond COPIES_BYTES. */
function done(engine: Engine): void {
  while (temporary.length > 0) engine.release(temporary.pop()!);
  for (const [t, ptr] of copies) {
    if (copiesBytes <= COPIES_BYTES) return;
    if (isPending(t)) valuesOf(t); // copied out before the copy goes
    copies.delete(t);
    copiesBytes -= t.size * 4;
    engine.release(ptr);
  }
}

/**
 * a (op) b of shape `shape`, for float32 tensors each of that size or of one value (a scalar), or
 * null when the kernels do not apply.
 */
export function wasmBinary(op: BinaryCode, a: Tensor, b: Tensor, shape: readonly number[], size: number): Tensor | null {
  if ((a.size !== size && a.size !== 1) || (b.size !== size && b.size !== 1)) return null;
  const engine = engineFor(size);
  if (engine == null) return null;
  const mode = a.size === size ? (b.size === size ? 0 : 2) : 1;
  const pa = mode === 1 ? 0 : ptrOf(engine, a);
  const pb = mode === 2 ? 0 : ptrOf(engine, b);
  const s = mode === 1 ? valuesOf(a)[0] : mode === 2 ? valuesOf(b)[0] : 0;
  const ptr = engine.allocF32(size);
  engine.kernels.f32_binary(op, size, pa, pb, ptr, mode, s);
  return output(engine, ptr, size, shape);
}

/** op(x) for a float32 tensor, or null when the kernels do not apply. */
export function wasmUnary(op: UnaryCode, x: Tensor): Tensor | null {
  const engine = engineFor(x.size);
  if (engine == null) return null;
  const px = ptrOf(engine, x);
  const ptr = engine.allocF32(x.size);
  engine.kernels.f32_unary(op, x.size, px, ptr);
  return output(engine, ptr, x.size, x.shape);
}

/** Σ of a float32 tensor's values in float64, or null when the kernels do not apply. */
export function wasmSum(x: Tensor): number | null {
  const engine = engineFor(x.size);
  if (engine == null) return null;
  const sum = engine.kernels.f32_sum(x.size, ptrOf(engine, x));
  done(engine);
  return sum;
}

/** The largest (or smallest) of a float32 tensor's values, NaN if any is, or null when the kernels do not apply. */
export function wasmExtreme(x: Tensor, max: boolean): number | null {
  const engine = engineFor(x.size);
  if (engine == null) return null;
  const m = engine.kernels.f32_extreme(x.size, ptrOf(engine, x), max ? 1 : 0);
  done(engine);
  return m;
}
