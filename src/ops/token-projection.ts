/**
 * A recurrent layer's input projection when its input is an Embedding's output: computed once per
 * distinct id of the batch and copied to every position that holds it, and in backward the
 * positions' gradients summed per distinct id before the kernel's and the table's gradients. The
 * GEMMs then run over the U distinct ids instead of the B·T positions (x·W = E[ids]·W, and
 * xᵀ·dP = E[unique]ᵀ·(dP summed per id)): the same math, summed in another order.
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';
import { floatIds, gatheredRowsOf, type GatheredRows } from './embedding.js';
import { matmul, matmulTransposeB } from './matmul.js';

/** The distinct ids of a (B, T) batch of an Embedding's ids, in time-major processing order. */
export interface DistinctTokens {
  readonly gathered: GatheredRows;
  /** (U) int32: the distinct ids, in order of first use. */
  readonly unique: DeviceTensor;
  /** (T·B) int32: each time-major position's index into `unique`. */
  readonly slots: DeviceTensor;
  /** (U, F): the table rows of `unique`. */
  readonly rows: DeviceTensor;
}

/** The gradient the projection hands back to the Embedding: one row per distinct id. */
export interface TokenGradient {
  readonly gathered: GatheredRows;
  /** (U) int32 */
  readonly unique: DeviceTensor;
  /** (U, F) */
  readonly dRows: DeviceTensor;
}

/**
 * The distinct ids of x (B, T, F) read time-major (time reversed for go_backwards) when x is an
 * Embedding's output over (B, T) ids, with their table rows; null for any other x.
 */
export function distinctTokens(engine: Device, scratch: Scratch, x: DeviceTensor, goBackwards: boolean): DistinctTokens | null {
  const gathered = gatheredRowsOf(x);
  if (!gathered) return null;
  const { ids } = gathered;
  const [batch, steps, features] = x.shape;
  if (ids.shape.length !== 2 || ids.shape[0] !== batch || ids.shape[1] !== steps) return null;
  const positions = batch * steps;
  const seen = scratch.alloc([gathered.tableRows], 'int32');
  engine.zero(seen.ptr, seen.size);
  const unique = scratch.alloc([positions], 'int32'), slots = scratch.alloc([positions], 'int32');
  // the planning device runs no kernel and answers 0: it plans for every id distinct
  const count = engine.kernels.distinct_ids(batch, steps, ids.ptr, floatIds(ids), goBackwards ? 1 : 0, seen.ptr, unique.ptr, slots.ptr) || positions;
  const rows = scratch.alloc([count, features]);
  engine.kernels.f32_embedding_gather(count, unique.ptr, 0, gathered.table, features, rows.ptr, 0);
  return { gathered, unique: { ...unique, shape: [count], size: count }, slots, rows };
}

/** xproj (T·B, G·u) = E[ids]·W + bias, computed for the distinct ids into its first rows, then spread. */
export function projectTokens(engine: Device, tokens: DistinctTokens, kernel: number, bias: number, gu: number, xproj: number): void {
  const [count, features] = tokens.rows.shape;
  matmul(engine, { m: count, n: gu, k: features, a: tokens.rows.ptr, b: kernel, c: xproj, bias });
  engine.kernels.f32_rows_expand(tokens.slots.size, tokens.slots.ptr, xproj, gu);
}

/**
 * Folds dxproj (T·B, G·u), in place, into one row per distinct id (dP), then dW += E[unique]ᵀ·dP
 * and, when `needInput`, the table rows' gradient dP·Wᵀ (U, F). dxproj is consumed.
 */
export function projectTokensBackward(
  engine: Device, scratch: Scratch, tokens: DistinctTokens, kernel: number, gradKernel: number, gu: number, dxproj: number, needInput: boolean,
): TokenGradient | null {
  const [count, features] = tokens.rows.shape;
  engine.kernels.f32_rows_fold(tokens.slots.size, tokens.slots.ptr, count, dxproj, gu);
  matmul(engine, { m: features, n: gu, k: count, a: tokens.rows.ptr, transposeA: true, b: dxproj, c: gradKernel, accumulate: true });
  if (!needInput) return null;
  const dRows = scratch.alloc([count, features]);
  matmulTransposeB(engine, scratch, { m: count, n: features, k: gu, a: dxproj, b: kernel, c: dRows.ptr });
  return { gathered: tokens.gathered, unique: tokens.unique, dRows };
}
