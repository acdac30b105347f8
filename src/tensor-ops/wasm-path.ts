/**
 * The float32 ops on the engine's SIMD kernels (assembly/tensor-ops.ts), once the engine runs
 * (`ready()`, or any model call): the operands are copied into a scratch block of the engine's
 * memory, computed there four lanes at a time, and the result copied out. Even with the copies this
 * is 3–10× the plain loops, which V8 runs one element at a time. The results are the plain loops'
 * (see the kernels' header); below WASM_MIN_SIZE values, or without a running engine, the plain
 * loops run. Each call returns null when it does not apply, and the caller takes the plain path.
 */
import { startedEngine, type Engine } from '../backend/engine.js';

/** Below this many values the plain loop costs less than the kernel call and the copies. */
export const WASM_MIN_SIZE = 256;

/** Binary op codes of f32_binary. */
export const BINARY = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 } as const;
/** Unary op codes of f32_unary. */
export const UNARY = { neg: 0, abs: 1, square: 2, relu: 3, sqrt: 4 } as const;

export type BinaryCode = (typeof BINARY)[keyof typeof BINARY];
export type UnaryCode = (typeof UNARY)[keyof typeof UNARY];

/** A view of the running engine's whole memory, renewed when the memory grows (which detaches it). */
let heap: Float32Array | null = null;

function heapOf(engine: Engine): Float32Array {
  if (heap == null || heap.buffer !== engine.memory.buffer) heap = new Float32Array(engine.memory.buffer);
  return heap;
}

/**
 * Runs `work` with room for `count` floats in the running engine's memory (released after, so the
 * ops hold no engine memory between calls); null when no engine runs or n < WASM_MIN_SIZE.
 */
function withScratch<T>(n: number, count: number, work: (engine: Engine, ptr: number) => T): T | null {
  if (n < WASM_MIN_SIZE) return null;
  const engine = startedEngine();
  if (engine == null) return null;
  const ptr = engine.allocF32(count);
  try {
    return work(engine, ptr);
  } finally {
    engine.release(ptr);
  }
}

/**
 * a (op) b into `out` (all of out.length values), where a and b each have out.length values or one
 * (a scalar operand). False when the kernels cannot run it (no engine, too small).
 */
export function wasmBinary(op: BinaryCode, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
  const n = out.length;
  const mode = a.length === 1 ? 1 : b.length === 1 ? 2 : 0;
  const done = withScratch(n, mode === 0 ? 2 * n : n, (engine, ptr) => {
    const h = heapOf(engine);
    const at = ptr >> 2;
    // the array operands at ptr (and ptr + n); the result over the first
    if (mode === 0) {
      h.set(a, at);
      h.set(b, at + n);
    } else h.set(mode === 1 ? b : a, at);
    engine.kernels.f32_binary(op, n, mode === 1 ? 0 : ptr, mode === 0 ? ptr + 4 * n : ptr, ptr, mode, mode === 1 ? a[0] : mode === 2 ? b[0] : 0);
    out.set(h.subarray(at, at + n));
    return true;
  });
  return done === true;
}

/** op(x) into `out`. False when the kernels cannot run it. */
export function wasmUnary(op: UnaryCode, x: Float32Array, out: Float32Array): boolean {
  const n = out.length;
  const done = withScratch(n, n, (engine, ptr) => {
    const h = heapOf(engine);
    h.set(x, ptr >> 2);
    engine.kernels.f32_unary(op, n, ptr, ptr);
    out.set(h.subarray(ptr >> 2, (ptr >> 2) + n));
    return true;
  });
  return done === true;
}

/** Σ x in float64, or null when the kernels cannot run it. */
export function wasmSum(x: Float32Array): number | null {
  return withScratch(x.length, x.length, (engine, ptr) => {
    heapOf(engine).set(x, ptr >> 2);
    return engine.kernels.f32_sum(x.length, ptr);
  });
}

/** The largest (or smallest) of x, NaN if any is, or null when the kernels cannot run it. */
export function wasmExtreme(x: Float32Array, max: boolean): number | null {
  return withScratch(x.length, x.length, (engine, ptr) => {
    heapOf(engine).set(x, ptr >> 2);
    return engine.kernels.f32_extreme(x.length, ptr, max ? 1 : 0);
  });
}
