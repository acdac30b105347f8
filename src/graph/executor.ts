/**
 * Runs a topology on a device: forward over every node in order (masks carried along), then
 * backward in reverse, summing the gradients of tensors read by several nodes. Synchronous; the
 * step runner (runtime/) and the worker pool build on it.
 */
import type { Device } from '../backend/engine.js';
import { addInPlace } from '../ops/elementwise.js';
import type { DeviceTensor, Scratch } from '../ops/device-tensor.js';
import type { GradientMap } from '../layers/context.js';
import type { NoiseSource } from '../ops/dropout.js';
import { mixSeed } from '../random-noise.js';
import { Layer } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import type { Topology } from './topology.js';

const NO_MASKS: readonly (DeviceTensor | null)[] = [];

export interface RunContext {
  readonly engine: Device;
  readonly scratch: Scratch;
  readonly training: boolean;
  /** Training: accumulators of the state variables' update sums (see Layer.stateVariables). */
  readonly stateSums?: GradientMap | null;
  /** Training: the step's noise seed and the chunk's first row (each node gets the seed mixed with its index). */
  readonly noise?: NoiseSource | null;
}

/** A forward pass's outputs, and the backward from the gradients w.r.t. them. */
export interface GraphPass {
  readonly outputs: DeviceTensor[];
  /** Each output's mask (null where none reached it). */
  readonly masks: (DeviceTensor | null)[];
  /**
   * Runs the graph backward from dL/d(output) (null for an output without loss) and accumulates
   * into `gradients`. Where the executor was told an output's gradient is w.r.t. its softmax's
   * logits (a fused loss), that output's layer skips its softmax backward.
   */
  backward(dOutputs: (DeviceTensor | null)[], gradients: GradientMap): void;
}

export class GraphExecutor {
  /**
   * @param logitsOutputs per output: whether its gradient arrives w.r.t. the logits of its
   *   producing layer's final softmax (decided once, when the model is compiled)
   */
  constructor(readonly topology: Topology, private readonly logitsOutputs: readonly boolean[] = []) {}

  forward(inputs: DeviceTensor[], ctx: RunContext): GraphPass {
    const { topology } = this;
    const values = new Map<SymbolicTensor, DeviceTensor>();
    const masks = new Map<SymbolicTensor, DeviceTensor | null>();
    topology.inputs.forEach((t, i) => values.set(t, inputs[i]));
    const caches: unknown[] = [];
    const noise = ctx.training ? ctx.noise ?? null : null;
    topology.nodes.forEach((node, index) => {
      const nodeInputs = node.inputs.map((t) => values.get(t)!);
      const nodeMasks = node.inputs.map((t) => masks.get(t) ?? null);
      const { outputs, cache, masks: madeMasks } = node.layer.forward(nodeInputs, {
        engine: ctx.engine, scratch: ctx.scratch, training: ctx.training, masks: nodeMasks, stateSums: ctx.training ? ctx.stateSums ?? null : null,
        noise: noise && { seed: mixSeed(noise.seed, index), firstRow: noise.firstRow },
      });
      // the default computeMask gives no mask for inputs without one: skip the call on the hot path
      const unmasked = nodeMasks.every((m) => m == null) && node.layer.computeMask === Layer.prototype.computeMask;
      const outMasks = madeMasks ?? (unmasked ? NO_MASKS : node.layer.computeMask(nodeInputs, nodeMasks, outputs.length));
      node.outputs.forEach((t, i) => {
        values.set(t, outputs[i]);
        masks.set(t, outMasks[i] ?? null);
      });
      caches.push(cache);
    });
    const outputs = topology.outputs.map((t) => values.get(t)!);
    return { outputs, masks: topology.outputs.map((t) => masks.get(t) ?? null), backward: (dOutputs, gradients) => this.backward(dOutputs, gradients, caches, ctx) };
  }

  private backward(dOutputs: (DeviceTensor | null)[], gradients: GradientMap, caches: unknown[], ctx: RunContext): void {
    const { topology } = this;
    const { engine, scratch } = ctx;
    const grads = new Map<SymbolicTensor, DeviceTensor>();
    // buffers this pass allocated for sums, by the tensor whose sum each is: only a tensor's own sum
    // is added into in place (a layer may hand the same buffer to two inputs, e.g. Add's dy, or pass
    // its dOutput — itself a sum — through as its dInput)
    const owned = new Map<number, SymbolicTensor>();
    const accumulate = (t: SymbolicTensor, g: DeviceTensor) => {
      const prior = grads.get(t);
      if (!prior) return void grads.set(t, g);
      if (owned.get(prior.ptr) === t) return addInPlace(engine, g.size, prior.ptr, g.ptr);
      const sum = scratch.zeros(prior.shape);
      addInPlace(engine, sum.size, sum.ptr, prior.ptr);
      addInPlace(engine, sum.size, sum.ptr, g.ptr);
      owned.set(sum.ptr, t);
      grads.set(t, sum);
    };
    topology.outputs.forEach((t, i) => {
      const g = dOutputs[i];
      if (g) accumulate(t, g);
    });
    for (let i = topology.nodes.length - 1; i >= 0; i--) {
      const node = topology.nodes[i];
      const dOut = node.outputs.map((t) => grads.get(t) ?? null);
      if (dOut.every((g) => g == null)) continue;
      const fusedOutput = topology.outputs.findIndex((t, k) => this.logitsOutputs[k] && t === node.outputs[0]);
      const dIn = node.layer.backward(dOut, caches[i], {
        engine, scratch, gradients,
        needInputGradients: node.inputs.map((t) => t.node != null && t.dtype === 'float32'),
        logitsGradient: fusedOutput >= 0,
      });
      node.inputs.forEach((t, k) => {
        const g = dIn[k];
        if (g) accumulate(t, g);
      });
    }
  }
}
