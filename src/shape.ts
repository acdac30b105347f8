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

/** True when every dimension of `shape` is a non-negative integer. */
export function isConcrete(shape: Shape): shape is ConcreteShape {
  return shape.every((d) => d != null);
}

/** True for a positive safe integer. */
export function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
