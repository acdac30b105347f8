/**
 * A model's topology: the layer calls (nodes) between its inputs and outputs, in execution order,
 * and the layers, each once (a shared layer is called at several nodes and keeps one set of
 * weights). Checked when built: every input is a model input (wl.input), every input reaches an
 * output, tensors and layer names are not repeated.
 */
import { ValueError, pythonTuple } from '../errors.js';
import { InputLayer } from '../layers/core/input.js';
import type { Layer } from '../layers/layer.js';
import { SymbolicTensor, type Node } from '../layers/symbolic.js';

export class Topology {
  /** Layer calls in execution order (input layers excluded). */
  readonly nodes: Node[] = [];
  /** Every layer, the inputs' layers first, then in execution order, each once. */
  readonly layers: Layer[] = [];

  constructor(readonly inputs: readonly SymbolicTensor[], readonly outputs: readonly SymbolicTensor[]) {
    if (inputs.length === 0) throw new ValueError('A model needs at least one input');
    if (outputs.length === 0) throw new ValueError('A model needs at least one output');
    inputs.forEach((t, i) => {
      if (t.node != null || !(t.sourceLayer instanceof InputLayer)) {
        throw new ValueError(`Model input ${i} must come from wl.input() (an InputLayer), but it is the output of layer "${t.name}" (${t.sourceLayer.className})`);
      }
      if (inputs.indexOf(t) !== i) throw new ValueError(`Model input ${t.name} is given twice (inputs ${inputs.indexOf(t)} and ${i})`);
    });
    this.visitFromOutputs();
    const used = new Set(this.nodes.flatMap((n) => n.inputs));
    for (const t of inputs) {
      if (!used.has(t) && !outputs.includes(t)) {
        throw new ValueError(`Model input ${t.name} ${pythonTuple(t.shape)} is not connected to any output: no layer between the inputs and the outputs reads it`);
      }
    }
    for (const t of inputs) this.addLayer(t.sourceLayer);
    for (const node of this.nodes) this.addLayer(node.layer);
  }

  /**
   * Per output: whether a mask can reach it (Masking, Embedding(maskZero), through the layers that
   * pass masks on): its loss is then a mean over the unmasked steps only.
   */
  maskableOutputs(): boolean[] {
    const maskable = new Set<SymbolicTensor>();
    for (const node of this.nodes) {
      const inputsMasked = node.inputs.map((t) => maskable.has(t));
      node.outputs.forEach((t, i) => {
        if (node.layer.outputMayBeMasked(inputsMasked, i)) maskable.add(t);
      });
    }
    return this.outputs.map((t) => maskable.has(t));
  }

  /** Depth-first from the outputs: each node after the nodes it reads from. */
  private visitFromOutputs(): void {
    const done = new Set<Node>();
    const active = new Set<Node>();
    const visit = (t: SymbolicTensor, via: Layer | null) => {
      if (t.node == null) {
        if (!this.inputs.includes(t)) {
          throw new ValueError(
            `Graph disconnected: cannot obtain value for tensor ${t.name} ${pythonTuple(t.shape)} at layer "${via?.name ?? t.name}". The model's inputs are: ${this.inputs.map((i) => i.name).join(', ')}.`,
          );
        }
        return;
      }
      const node = t.node;
      if (done.has(node)) return;
      if (active.has(node)) throw new ValueError(`The graph has a cycle through layer "${node.layer.name}"`);
      active.add(node);
      for (const input of node.inputs) visit(input, node.layer);
      active.delete(node);
      done.add(node);
      this.nodes.push(node);
    };
    for (const t of this.outputs) visit(t, null);
  }

  private addLayer(layer: Layer): void {
    if (this.layers.includes(layer)) return;
    const clash = this.layers.find((l) => l.name === layer.name);
    if (clash) throw new ValueError(`The name "${layer.name}" is used 2 times in the model. All layer names should be unique.`);
    this.layers.push(layer);
  }

  /** This topology's calls of `layer`, in order (a shared layer may serve other models too). */
  callsOf(layer: Layer): Node[] {
    return this.nodes.filter((n) => n.layer === layer);
  }

  /** True when the layers form a chain: one input, one output, each layer called once on the previous one's output. */
  get isChain(): boolean {
    return this.inputs.length === 1 && this.outputs.length === 1
      && this.nodes.every((node, i) => node.inputs.length === 1 && node.outputs.length === 1
        && node.inputs[0] === (i === 0 ? this.inputs[0] : this.nodes[i - 1].outputs[0]))
      && this.layers.length === this.nodes.length + 1;
  }

  /** The nodes that read `t`. */
  consumersOf(t: SymbolicTensor): Node[] {
    return this.nodes.filter((n) => n.inputs.includes(t));
  }
}
