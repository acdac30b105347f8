/** The functional API's graph: symbolic tensors connected by nodes (one node per layer call). */
import type { Shape } from '../shape.js';
import type { Layer } from './layer.js';

/** A placeholder for a layer's output in a model under construction: shape only, no values. */
export class SymbolicTensor {
  constructor(
    /** With the batch axis, usually null: `[null, 64, 16]`. */
    readonly shape: Shape,
    /** The layer that produces it (an InputLayer for model inputs). */
    readonly sourceLayer: Layer,
    /** The call that produced it; null for an input layer's tensor. */
    readonly node: Node | null,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get name(): string {
    return this.sourceLayer.name;
  }
}

/** One call of a layer: the tensor it read and the tensor it produced. */
export class Node {
  readonly output: SymbolicTensor;

  constructor(
    readonly layer: Layer,
    readonly input: SymbolicTensor,
    outputShape: Shape,
  ) {
    this.output = new SymbolicTensor(outputShape, layer, this);
  }
}
