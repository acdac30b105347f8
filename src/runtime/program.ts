/**
 * A model as the runtime sees it: its topology and executor, the variables a step updates, and one
 * head per output (loss, weight, whether its final activation is fused with the loss, the metrics
 * counted). Built from a LayersModel on the calling thread and from a config in a worker, the same
 * way, so both compute the same thing. Nothing here knows models/.
 */
import { GraphExecutor } from '../graph/executor.js';
import type { Topology } from '../graph/topology.js';
import type { Layer } from '../layers/layer.js';
import type { LayerVariable } from '../layers/variable.js';
import { sizeOf, type Shape } from '../shape.js';
import type { Loss } from '../training/losses.js';
import type { MetricKind } from '../training/metrics.js';

/** What a model's output contributes to a step. */
export interface OutputHead {
  /** Null for inference-only programs. */
  loss: Loss | null;
  /** Its weight in the total loss (compile's lossWeights; default 1). */
  weight: number;
  /** The compiled metrics, resolved for this output (training/metrics.ts), in compile order. */
  metrics: MetricKind[];
}

export interface ProgramSpec {
  topology: Topology;
  /** One per output; empty for inference only. */
  heads: OutputHead[];
}

export class ModelProgram {
  readonly topology: Topology;
  readonly heads: OutputHead[];
  readonly executor: GraphExecutor;
  /** Per output: its gradient is taken w.r.t. the logits of its layer's final softmax (fused loss). */
  readonly fused: boolean[];
  readonly trainableVariables: LayerVariable[];
  /** Non-trainable variables updated in training (moving statistics), and the layer of each. */
  readonly stateVariables: LayerVariable[];
  readonly stateOwners: Map<LayerVariable, Layer>;
  /** Per output: a mask can reach it, so its loss and metrics count the unmasked steps only. */
  readonly maskedOutputs: boolean[];
  /**
   * A layer reads an Embedding's output once per distinct id of the chunk (Layer.readsInputPerDistinctId):
   * ids repeat more in larger chunks, so the pool gives each thread one chunk (pool-executor.ts).
   */
  readonly readsDistinctIds: boolean;

  constructor({ topology, heads }: ProgramSpec) {
    this.topology = topology;
    this.heads = heads;
    this.maskedOutputs = topology.maskableOutputs();
    this.fused = topology.outputs.map((t, i) => {
      const loss = heads[i]?.loss;
      if (loss?.fusesWith == null || t.node == null || t.node.outputs.length !== 1 || t.sourceLayer.finalActivation() !== loss.fusesWith) return false;
      // the fused gradient is w.r.t. logits: only when nothing else reads the probabilities
      return topology.consumersOf(t).length === 0 && topology.outputs.filter((o) => o === t).length === 1;
    });
    this.executor = new GraphExecutor(topology, this.fused);
    this.readsDistinctIds = topology.nodes.some((n) => n.layer.readsInputPerDistinctId() && n.inputs[0]?.node != null && n.inputs[0].sourceLayer.getClassName() === 'Embedding');
    const layers = topology.layers;
    this.trainableVariables = unique(layers.flatMap((l) => l.trainableWeights));
    this.stateOwners = new Map(layers.flatMap((l) => l.stateVariables.map((v) => [v, l] as [LayerVariable, Layer])));
    this.stateVariables = [...this.stateOwners.keys()];
  }

  /** Every weight, Keras order (each layer's once). */
  get weights(): LayerVariable[] {
    return unique(this.topology.layers.flatMap((l) => l.weights));
  }

  /** Variables with an accumulator slot: the trainable ones, then the state ones. */
  get accumulated(): LayerVariable[] {
    return [...this.trainableVariables, ...this.stateVariables];
  }

  get inputShapes(): Shape[] {
    return this.topology.inputs.map((t) => t.shape);
  }

  get outputShapes(): Shape[] {
    return this.topology.outputs.map((t) => t.shape);
  }

  /**
   * Floats one sample takes in an inference forward pass (its inputs and every node's outputs), or
   * null when a dimension is unknown (inference then runs a batch in one pass).
   */
  get sampleFloats(): number | null {
    this.sampleFloatsValue ??= { value: this.countSampleFloats() };
    return this.sampleFloatsValue.value;
  }

  private sampleFloatsValue: { value: number | null } | null = null;

  private countSampleFloats(): number | null {
    let floats = 0;
    for (const shape of [...this.inputShapes, ...this.topology.nodes.flatMap((n) => n.outputs.map((t) => t.shape))]) {
      const sample = shape.slice(1);
      if (sample.some((d) => d == null)) return null;
      floats += sizeOf(sample as number[]);
    }
    return floats;
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
