/** Float64 Embedding: the row lookup, its mask, and the scatter-add gradient of the table. */

/** out (n, dim): row i = table row ids[i]. */
export function embeddingRef(table: ArrayLike<number>, dim: number, ids: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ids.length * dim);
  for (let i = 0; i < ids.length; i++) {
    for (let e = 0; e < dim; e++) out[i * dim + e] = table[ids[i] * dim + e];
  }
  return out;
}

/** Keras's mask_zero: 1 where the id is not 0. */
export const maskZeroRef = (ids: ArrayLike<number>): Float64Array => Float64Array.from(ids, (id) => (id !== 0 ? 1 : 0));

/** dTable (rows, dim): Σ over the positions i with ids[i] = k of dOut row i (rows no id names stay 0). */
export function embeddingGradRef(rows: number, dim: number, ids: ArrayLike<number>, dOut: ArrayLike<number>): Float64Array {
  const grad = new Float64Array(rows * dim);
  for (let i = 0; i < ids.length; i++) {
    for (let e = 0; e < dim; e++) grad[ids[i] * dim + e] += dOut[i * dim + e];
  }
  return grad;
}
