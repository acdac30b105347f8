/**
 * A model's topology: the nodes between its input and output in execution order, and the
 * forward / backward passes over them on engine memory.
 */
import { ValueError } from '../errors.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import type { ForwardContext, GradientMap } from '../layers/context.js';
import type { Layer } from '../layers/layer.js';
import { Node, SymbolicTensor } from '../layers/symbolic.js';
import type { ForwardPass } from '../training/trainable.js';

export class Graph {
  /** Layer calls in execution order (input layers excluded). */
  readonly nodes: Node[] = [];
  /** Every layer, input layers first, in execution order, each once. */
  readonly layers: Layer[] = [];

  constructor(readonly input: SymbolicTensor, readonly output: SymbolicTensor) {
    const visited = new Set<SymbolicTensor>();
    const visit = (t: SymbolicTensor, via: Layer | null) => {
      if (visited.has(t)) return;
      visited.add(t);
      if (t.node == null) {
        if (t !== input) {
          throw new ValueError(
            `Graph disconnected: cannot obtain value for tensor ${t.name} at layer "${via?.name ?? t.name}". The model's input is ${input.name}.`,
          );
        }
        return;
      }
      visit(t.node.input, t.node.layer);
      this.nodes.push(t.node);
    };
    visit(output, null);
    const seen = new Set<Layer>([input.sourceLayer]);
    this.layers.push(input.sourceLayer);
    for (const node of this.nodes) {
      if (!seen.has(node.layer)) {
        seen.add(node.layer);
        this.layers.push(node.layer);
      }
    }
    const names = new Set<string>();
    for (const layer of this.layers) {
      if (names.has(layer.name)) throw new ValueError(`The name "${layer.name}" is used 2 times in the model. All layer names should be unique.`);
      names.add(layer.name);
    }
  }

  /** True when the layers form a chain (each called once, one after the other). */
  get isChain(): boolean {
    return this.nodes.every((node, i) => node.input === (i === 0 ? this.input : this.nodes[i - 1].output))
      && this.layers.length === this.nodes.length + 1;
  }

  /** Runs every node; `backward` then runs them in reverse, summing gradients of shared tensors. */
  forward(x: DeviceTensor, ctx: ForwardContext): ForwardPass {
    const values = new Map<SymbolicTensor, DeviceTensor>([[this.input, x]]);
    const caches: unknown[] = [];
    for (const node of this.nodes) {
      const { y, cache } = node.layer.forward(values.get(node.input)!, ctx);
      values.set(node.output, y);
      caches.push(cache);
    }
    const y = values.get(this.output)!;
    const backward = (dy: DeviceTensor, gradients: GradientMap, fromLogits: boolean) => {
      const grads = new Map<SymbolicTensor, DeviceTensor>([[this.output, dy]]);
      for (let i = this.nodes.length - 1; i >= 0; i--) {
        const node = this.nodes[i];
        const g = grads.get(node.output);
        if (!g) continue;
        const dx = node.layer.backward(g, caches[i], {
          engine: ctx.engine,
          scratch: ctx.scratch,
          gradients,
          needInputGradient: node.input.node != null,
          fromLogits: fromLogits && node.output === this.output,
        });
        if (!dx) continue;
        const prior = grads.get(node.input);
        if (prior) ctx.engine.kernels.f32_add_inplace(dx.size, prior.ptr, dx.ptr);
        else grads.set(node.input, dx);
      }
    };
    return { y, backward };
  }
}
