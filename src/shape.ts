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
