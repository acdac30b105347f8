/** Shapes: a dimension is a positive integer, or null for "any" (the batch axis of a model). */
export type Shape = readonly (number | null)[];

/** A fully known shape. */
export type ConcreteShape = readonly number[];

/** Number of elements of a fully known shape (1 for a scalar). */
export function sizeOf(shape: ConcreteShape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The row-major multi-index of flat element `flat` in `shape`: 13 in (4, 6) → [2, 1]. */
export function multiIndex(flat: number, shape: ConcreteShape): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}
