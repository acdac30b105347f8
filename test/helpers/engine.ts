import { Engine } from '../../src/backend/engine.js';

let shared: Promise<Engine> | null = null;

/** One engine per test file, for kernel-level tests. */
export function testEngine(): Promise<Engine> {
  shared ??= Engine.create();
  return shared;
}

/** Copies values into fresh engine memory; returns the byte offset. */
export function put(engine: Engine, values: ArrayLike<number>): number {
  const ptr = engine.allocF32(Math.max(values.length, 1));
  engine.write(ptr, values);
  return ptr;
}

/** Allocates `count` f32 filled with `fill` (NaN by default, so unwritten outputs show). */
export function space(engine: Engine, count: number, fill = Number.NaN): number {
  const ptr = engine.allocF32(Math.max(count, 1));
  engine.f32(ptr, count).fill(fill);
  return ptr;
}
