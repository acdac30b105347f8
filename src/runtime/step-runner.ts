/**
 * One model's steps on one engine, synchronously: forward, the output heads' losses, backward into
 * the gradient block (training); forward and losses (evaluate); forward only, in cache-sized passes
 * (predict). The calling thread and every pool worker run chunks through this class, so there is
 * one implementation of a step. The optimizer is applied by the caller (applyStep).
 */
import type { Device, Engine } from '../backend/engine.js';
import { Scratch, type DeviceTensor } from '../ops/device-tensor.js';
import { metricSums } from '../ops/metrics.js';
import { gatherRows, scatterRows, validSteps } from '../ops/mask.js';
import type { GraphPass } from '../graph/executor.js';
import { emptyTotals, type Batch, type BatchTotals, type HostTensor } from '../training/executor.js';
import type { Optimizer } from '../training/optimizers.js';
import { GradientBuffers } from './gradient-buffers.js';
import type { ModelProgram } from './program.js';

/**
 * Activations an inference pass may take: about half a core's L2 cache on current CPUs. On the 2-core
 * Xeon (2 MB L2 per core), predicting the seed's 1000 samples on one thread in passes of this size
 * rather than in one was 1.05–1.09× as fast for model1 and model2 (outputs bit-identical).
 */
const INFERENCE_PASS_BYTES = 2 ** 20;
/** The fewest rows of an inference pass, so that large models keep their GEMMs' rows. */
const INFERENCE_PASS_MIN_ROWS = 64;

/** Rows of one inference pass over a batch of `rows` samples of `sampleFloats` activations each. */
export function inferenceRows(sampleFloats: number | null, rows: number): number {
  if (sampleFloats == null) return rows;
  const fit = Math.floor(INFERENCE_PASS_BYTES / (4 * sampleFloats)) & ~3;
  return Math.max(1, Math.min(rows, Math.max(INFERENCE_PASS_MIN_ROWS, fit)));
}

/**
 * Per output, weight / (loss values in the whole step): what makes chunks of one step add up. An
 * output a mask reaches counts its unmasked steps, known only once every chunk has run: its scale
 * is the weight alone, and the executor divides the summed gradient by the step's count
 * (maskedStepFactor).
 */
export function lossScales(program: ModelProgram, targetShapes: readonly (readonly number[])[]): number[] {
  return program.heads.map((h, i) => (program.maskedOutputs[i] ? h.weight : h.weight / h.loss!.count(targetShapes[i])));
}

/**
 * The factor a step's summed gradient takes when its chunks ran with lossScales: 1 / (unmasked
 * steps) for a single masked output, 1 otherwise. A model of several outputs with a mask on any
 * trains in one share (session.ts), whose step scales each output itself.
 */
export function maskedStepFactor(program: ModelProgram, totals: BatchTotals): number {
  return program.maskedOutputs[0] && program.heads.length === 1 ? 1 / Math.max(totals.counts[0], 1) : 1;
}

export class StepRunner {
  private grads: GradientBuffers | null = null;
  private rowSparse: readonly boolean[] | null = null;

  constructor(readonly engine: Device, readonly program: ModelProgram) {}

  /** The gradient block (trainable variables, then state sums), allocated on first use. */
  gradients(): GradientBuffers {
    this.grads ??= new GradientBuffers(this.engine, this.program.accumulated, this.rowSparse ?? undefined);
    return this.grads;
  }

  /**
   * Which accumulated variables get row-sparse gradients (GradientBuffers): a pool worker follows
   * the calling thread's choice, so that both agree on the slots' layout. The block is rebuilt when
   * the choice changes.
   */
  useRowSparse(flags: readonly boolean[]): void {
    const current = this.grads?.rowSparse ?? this.rowSparse;
    if (current && current.length === flags.length && current.every((f, i) => f === flags[i])) return;
    this.grads?.dispose();
    this.grads = null;
    this.rowSparse = [...flags];
  }

  /**
   * Zeroes the gradient block, then accumulates scale_i·dΣloss_i/dw over the batch for every
   * output i; returns each output's Σloss, count and matches. `scales` default to this batch's
   * (lossScales); a chunk of a larger step passes the step's.
   */
  computeGradients(batch: Batch, scales?: number[]): BatchTotals {
    return this.trainingPass(batch, scales);
  }

  /**
   * computeGradients' body; the planner runs it on the planning device (runtime/plan.ts).
   * @internal
   */
  trainingPass(batch: Batch, scales?: number[]): BatchTotals {
    const { program, engine } = this;
    const grads = this.gradients();
    const scratch = new Scratch(engine);
    try {
      grads.zero();
      const inputs = batch.inputs.map((t) => scratch.from(t.data, t.shape));
      const noise = { seed: batch.seed ?? 0, firstRow: batch.firstRow ?? 0 };
      const pass = program.executor.forward(inputs, { engine, scratch, training: true, stateSums: grads.map, noise });
      const { totals, dOutputs } = this.losses(scratch, pass, batch, scales ?? null, true);
      pass.backward(dOutputs, grads.map);
      return totals;
    } finally {
      scratch.release();
    }
  }

  /** Each output's Σloss, count and matches, without training. */
  evaluate(batch: Batch): BatchTotals {
    const { program, engine } = this;
    const scratch = new Scratch(engine);
    try {
      const inputs = batch.inputs.map((t) => scratch.from(t.data, t.shape));
      const pass = program.executor.forward(inputs, { engine, scratch, training: false });
      return this.losses(scratch, pass, batch, program.heads.map(() => 1), false).totals;
    } finally {
      scratch.release();
    }
  }

  /**
   * Every head's loss sum (and, training, its output gradient scaled by `scales`, or by this
   * step's own lossScales when null). An output a mask reached counts its unmasked steps only
   * (Keras 3): their rows are packed, the loss and metric run on them, and the gradient of the
   * masked rows is 0; the step's scale is then weight / (unmasked steps).
   */
  private losses(scratch: Scratch, pass: GraphPass, batch: Batch, scales: number[] | null, training: boolean) {
    const { program, engine } = this;
    const totals = emptyTotals(pass.outputs.length);
    const dOutputs: (DeviceTensor | null)[] = pass.outputs.map(() => null);
    const stepScales = scales ?? lossScales(program, batch.targets.map((t) => t.shape));
    program.heads.forEach((head, i) => {
      const loss = head.loss!;
      const mask = pass.masks[i];
      const full = pass.outputs[i];
      const fullTarget = scratch.from(batch.targets[i].data, batch.targets[i].shape);
      const valid = mask ? validSteps(engine, mask) : null;
      const y = valid ? gatherRows(engine, scratch, full, valid, full.size / mask!.size) : full;
      const target = valid ? gatherRows(engine, scratch, fullTarget, valid, fullTarget.size / mask!.size) : fullTarget;
      const grad = scratch.alloc(y.shape);
      totals.counts[i] = loss.count(target.shape);
      totals.metrics[i] = head.metrics.flatMap((kind) => metricSums(engine, kind, y, target));
      const scale = valid && !scales ? head.weight / Math.max(valid.length, 1) : stepScales[i];
      totals.losses[i] = loss.compute(engine, y, target, grad, scale, training && program.fused[i]);
      if (training) dOutputs[i] = valid ? scatterRows(engine, scratch, grad, valid, full.shape) : grad;
    });
    return { totals, dOutputs };
  }

  /**
   * The outputs for `inputs`, written into `into` when given (a worker's shared output slots). Runs
   * in passes of inferenceRows(): samples are independent at inference, and a pass whose activations
   * stay in cache is faster than one over the whole batch (the results are the same).
   */
  predict(inputs: HostTensor[], into?: Float32Array[]): HostTensor[] {
    return this.inferencePass(inputs, into);
  }

  /**
   * predict's body; the planner runs it on the planning device (runtime/plan.ts).
   * @internal
   */
  inferencePass(inputs: HostTensor[], into?: Float32Array[]): HostTensor[] {
    const { program, engine } = this;
    const rows = inputs[0].shape[0];
    const step = inferenceRows(program.sampleFloats, rows);
    let outs: HostTensor[] | null = null;
    for (let start = 0; start < rows; start += step) {
      const end = Math.min(start + step, rows);
      const scratch = new Scratch(engine);
      try {
        const pass = program.executor.forward(
          inputs.map((t) => {
            const per = t.data.length / rows;
            return scratch.from(t.data.subarray(start * per, end * per), [end - start, ...t.shape.slice(1)]);
          }),
          { engine, scratch, training: false },
        );
        outs ??= pass.outputs.map((y, i) => {
          const size = (y.size / (end - start)) * rows;
          if (into?.[i] && into[i].length !== size) throw new Error(`predict: an output slot of ${into[i].length} floats for ${size} outputs`);
          return { data: into?.[i] ?? new Float32Array(size), shape: [rows, ...y.shape.slice(1)] };
        });
        pass.outputs.forEach((y, i) => outs![i].data.set(engine.f32(y.ptr, y.size), start * (y.size / (end - start))));
      } finally {
        scratch.release();
      }
    }
    return outs!;
  }

  dispose(): void {
    this.grads?.dispose();
    this.grads = null;
  }
}

/**
 * One optimizer step (and the state updates) from a reduced gradient block, unless a loss or a
 * gradient is NaN or infinite: then the weights stay those of the last finite step (the non-finite
 * loss is still reported, so terminateOnNaN can stop).
 * Keras-divergence: Keras applies the update and leaves NaN weights behind.
 */
export function applyStep(engine: Engine, program: ModelProgram, optimizer: Optimizer, grads: GradientBuffers, totals: BatchTotals, rows: number): boolean {
  if (!totals.losses.every(Number.isFinite) || !grads.allFinite()) return false;
  optimizer.applyGradients(engine, program.trainableVariables, grads.map, grads.rows);
  for (const v of program.stateVariables) program.stateOwners.get(v)!.applyStateUpdate(engine, v, grads.map.get(v)!, rows);
  return true;
}

