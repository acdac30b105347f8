/**
 * The functional API's graph: symbolic tensors connected by nodes, one node per layer call. A node
 * reads any number of tensors and produces any number; a layer called several times (a shared
 * layer) has one node per call and one set of weights.
 */
import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { Layer } from './layer.js';

/** A placeholder for a layer's output in a model under construction: shape and dtype, no values. */
export class SymbolicTensor {
  constructor(
    /** With the batch axis, usually null: `[null, 64, 16]`. */
    readonly shape: Shape,
    readonly dtype: DType,
    /** The layer that produces it (an InputLayer for model inputs). */
    readonly sourceLayer: Layer,
    /** The call that produced it; null for an input layer's tensor. */
    readonly node: Node | null,
    /** Which of the node's outputs it is. */
    readonly outputIndex = 0,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  /** The producing layer's name (Keras names a tensor after its layer). */
  get name(): string {
    return this.sourceLayer.name;
  }

  /** Index of the producing call among its layer's calls (0 for an input). */
  get nodeIndex(): number {
    return this.node ? this.sourceLayer.inboundNodes.indexOf(this.node) : 0;
  }
}

/** One call of a layer: the tensors it read, the tensors it produced, and its keyword arguments. */
export class Node {
  readonly outputs: SymbolicTensor[];

  constructor(
    readonly layer: Layer,
    readonly inputs: readonly SymbolicTensor[],
    outputShapes: readonly Shape[],
    outputDTypes: readonly DType[],
  ) {
    this.outputs = outputShapes.map((shape, i) => new SymbolicTensor(shape, outputDTypes[i], layer, this, i));
  }
}
