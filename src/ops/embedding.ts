/**
 * Embedding lookups on engine memory: ids (int32, or float32 holding integers) select rows of a
 * (rows, dim) table; the gradient goes back to the rows named, and only to them.
 */
import type { Device } from '../backend/engine.js';
import type { GradientMap } from '../layers/context.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';
import { gradientRowsOf } from './grad-rows.js';
import type { LayerVariable } from '../layers/variable.js';

/**
 * What a tensor of table rows remembers of how it was made, so that a layer reading it can work
 * once per distinct id (ops/token-projection.ts) instead of once per position.
 */
export interface GatheredRows {
  /** The ids (checked: integers in [0, tableRows)) whose rows the tensor holds, one per position. */
  readonly ids: DeviceTensor;
  /** Byte offset of the (tableRows, dim) table. */
  readonly table: number;
  readonly tableRows: number;
  readonly dim: number;
  /**
   * Adds row gradients dRows (count, dim) to the table's gradient at the rows `unique` (count,
   * int32) names, when the table takes one (a frozen table does not).
   */
  addRowGradients(gradients: GradientMap, unique: DeviceTensor, dRows: DeviceTensor): void;
}

const gatheredRows = new WeakMap<DeviceTensor, GatheredRows>();

/** How `t` was gathered, when it is an Embedding's output as that layer gave it (a view or a copy is not). */
export function gatheredRowsOf(t: DeviceTensor): GatheredRows | undefined {
  return gatheredRows.get(t);
}

/** The kernels' idsF32 flag: 0 for int32 ids, 1 for float32 ids holding integers. */
export const floatIds = (ids: DeviceTensor): number => (ids.dtype === 'int32' ? 0 : 1);

/** The position of the first id that is not an integer in [0, rows), or -1 when all are. */
export function firstBadId(engine: Device, ids: DeviceTensor, rows: number): number {
  return engine.kernels.embedding_bad_id(ids.size, ids.ptr, floatIds(ids), rows) - 1;
}

/** The id at flat `position` (for messages). */
export function idValue(engine: Device, ids: DeviceTensor, position: number): number {
  const view = engine.f32(ids.ptr + 4 * position, 1);
  return ids.dtype === 'int32' ? new Int32Array(view.buffer, view.byteOffset, 1)[0] : view[0];
}

/**
 * out (ids.shape..., dim) = table[ids]; with `withMask`, also the (ids.shape) mask ids ≠ 0 (1/0).
 * The ids must have passed firstBadId. With `source`, out remembers how it was made (gatheredRowsOf).
 */
export function gatherEmbeddings(
  engine: Device, scratch: Scratch, ids: DeviceTensor, table: number, dim: number, withMask: boolean,
  source?: Pick<GatheredRows, 'tableRows' | 'addRowGradients'>,
): { out: DeviceTensor; mask: DeviceTensor | null } {
  const out = scratch.alloc([...ids.shape, dim]);
  const mask = withMask ? scratch.alloc(ids.shape) : null;
  engine.kernels.f32_embedding_gather(ids.size, ids.ptr, floatIds(ids), table, dim, out.ptr, mask?.ptr ?? 0);
  if (source) gatheredRows.set(out, { ids, table, dim, tableRows: source.tableRows, addRowGradients: source.addRowGradients });
  return { out, mask };
}

/**
 * The gradient of `table` (a (rows, dim) Embedding table) in `gradients`, if it takes one (a frozen
 * table does not): row ids[i] += dOut[i] over the rows of dOut (ids.size, dim), repeated ids adding
 * up. Every scatter into an Embedding's gradient comes here, so that the rows are recorded where the
 * gradient is row-sparse (gradientRowsOf), and the gradient bookkeeping covers those rows only.
 */
export function scatterAddEmbeddings(engine: Device, ids: DeviceTensor, dOut: DeviceTensor, dim: number, gradients: GradientMap, table: LayerVariable): void {
  const grad = gradients.get(table);
  if (grad == null) return;
  engine.kernels.f32_embedding_scatter_add(ids.size, ids.ptr, floatIds(ids), dOut.ptr, dim, grad);
  gradientRowsOf(gradients, table)?.mark(ids.size, ids.ptr, ids.dtype !== 'int32');
}
