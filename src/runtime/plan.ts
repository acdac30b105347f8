/**
 * Execution planning on a model's program: how an operation's batches are split (workers, this
 * thread's share), what one step computes (FLOPs) and whether it fits in engine memory, both measured
 * by running the step's code on the planning device. 'auto' takes as much of the available parallelism as gives
 * each share of a step enough work to pay for its messages, and stays on this thread when fewer than
 * two shares would qualify. Off a page's UI thread, this thread computes one share itself and
 * workers the rest: on n cores, n − 1 workers and no thread competing for a core.
 */
import { availableParallelism } from '../parallel/pool-registry.js';
import { MAX_MEMORY_BYTES, formatBytes } from '../backend/arena.js';
import type { Engine } from '../backend/engine.js';
import { PlanningDevice } from '../backend/planning-device.js';
import { ValueError } from '../errors.js';
import type { WorkersOption } from '../training/fit.js';
import type { Batch } from '../training/executor.js';
import type { ModelProgram } from './program.js';
import { StepRunner, inferenceRows } from './step-runner.js';
import { Scratch } from '../ops/device-tensor.js';

/**
 * Training, this thread computing one share: below this many FLOPs per share and step, 'auto' trains
 * in process. Measured on the 2-core machine (seed models, one epoch of 1000 samples, 12–14
 * alternated epochs per run, medians): at batch 128 (40 MFLOP per share) this thread plus one worker
 * was 1.2–1.45× as fast as two workers and 1.2–1.7× as fast as in process; at batch 64 (20 MFLOP)
 * 1.0–1.65× and at 48 (15 MFLOP) 1.05–1.3× as fast as in process; at batch 32 (10 MFLOP) 0.83–1.2×
 * depending on the run, and slower below, so batch 32 (Keras's default) stays in process.
 */
export const MIN_FLOPS_PER_SHARE = 13e6;

/**
 * Training on a page's UI thread, where every shard goes to a worker so the page stays responsive:
 * the minimum FLOPs per worker and step. Measured on the 2-core machine with a GRU(16) sequence model
 * like the seed's: a step of 10 MFLOP per worker (batch 32) is 0.6× as fast on 2 workers as in
 * process (each message and the GRU's 64 per-timestep calls cost the same whatever the batch),
 * 20 MFLOP (batch 64) 1.15–1.45×, the seed model1's 40 MFLOP (batch 128) 0.84–1.5× across runs on
 * this noisy VM (1.2× on average); GRU(128) at 1.5 GFLOP 2.3×.
 */
export const MIN_FLOPS_PER_WORKER = 30e6;

/**
 * Predict and evaluate, this thread computing one share (on a page too: they would otherwise run
 * wholly on it): the minimum FLOPs per share. Measured on the 2-core machine, the seed model1's
 * predict of 1000 samples with one share here and one on a worker, against all of it in process
 * (medians of 26 alternated calls per run): in batches of 1000 (100 MFLOP per share) 1.1–1.7× as
 * fast, of 250 (26 MFLOP) 1.0–1.25× (model3 1.2–1.4×), of 200 (21 MFLOP) 0.93–1.1×, of 125
 * (13 MFLOP) with worse minima. Keras's default batch of 32 (6.6 MFLOP) stays in process.
 */
export const MIN_INFERENCE_FLOPS_PER_SHARE = 20e6;

/** How an operation's batches are split. */
export interface WorkPlan {
  /** Pool workers that each take a share of every batch (0: all on this thread). */
  workers: number;
  /** Whether this thread computes a share too, while the workers compute theirs. */
  callerShare: boolean;
}

/** The plan for an operation whose step (a batch) costs `flopsPerStep`; `inference` for predict / evaluate. */
export async function planWork(workers: WorkersOption, flopsPerStep: number, inference = false): Promise<WorkPlan> {
  const inProcess = { workers: 0, callerShare: false };
  if (workers !== 'auto') return { workers, callerShare: false };
  const available = await availableParallelism();
  if (available < 2 || typeof Worker === 'undefined' && !isNode()) return inProcess;
  const callerShare = inference || !onPageUiThread();
  const minFlops = inference ? MIN_INFERENCE_FLOPS_PER_SHARE : callerShare ? MIN_FLOPS_PER_SHARE : MIN_FLOPS_PER_WORKER;
  // as many shares as are worth-while each; a single share only adds messages
  const shares = Math.min(available, Math.floor(flopsPerStep / minFlops));
  if (shares < 2) return inProcess;
  return callerShare ? { workers: shares - 1, callerShare } : { workers: shares, callerShare };
}

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

/** A page's main thread (it has a document), which training leaves free for the page. */
function onPageUiThread(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined';
}

/** What one step costs, measured on the planning device. */
export interface StepCost {
  /** FLOPs of the products (2 × multiply-adds). */
  flops: number;
  /** Peak bytes of engine memory the step allocates (scratch and the gradient block). */
  bytes: number;
  /** Kernel name → calls. */
  calls: Map<string, number>;
}

/** The shapes of one sample of each input and target (the data's, so unknown model dimensions are known). */
export interface SampleShapes {
  inputs: readonly (readonly number[])[];
  targets: readonly (readonly number[])[];
}

/** A batch of `rows` samples of these shapes and no values (the planning device reads none). */
function shapeOnlyBatch(program: ModelProgram, rows: number, shapes: SampleShapes, withTargets: boolean): Batch {
  const of = (sample: readonly number[], dtype: string) => ({ data: dtype === 'float32' ? new Float32Array(0) : new Int32Array(0), shape: [rows, ...sample] });
  return {
    inputs: program.topology.inputs.map((t, i) => of(shapes.inputs[i], t.dtype)),
    targets: withTargets ? shapes.targets.map((s) => of(s, 'float32')) : [],
  };
}

/**
 * Runs one step of `rows` samples — training (forward, losses, backward) or inference — on the
 * planning device: the FLOPs it computes, the bytes it allocates at its peak, and its kernel calls.
 */
export function measureStep(engine: Engine, program: ModelProgram, rows: number, shapes: SampleShapes, training: boolean): StepCost {
  const device = new PlanningDevice(engine.kernels);
  const runner = new StepRunner(device, program);
  if (training) runner.trainingPass(shapeOnlyBatch(program, rows, shapes, true));
  else {
    // inference runs in passes that each release their scratch: the peak is one pass's
    const scratch = new Scratch(device);
    const pass = Math.min(rows, inferenceRows(program.sampleFloats, rows));
    program.executor.forward(shapeOnlyBatch(program, pass, shapes, false).inputs.map((t) => scratch.alloc(t.shape, t.data instanceof Int32Array ? 'int32' : undefined)), { engine: device, scratch, training: false });
    scratch.release();
  }
  return { flops: device.flops, bytes: device.peak, calls: device.calls };
}

/**
 * Refuses a step of `rows` samples that needs `needed` bytes (measureStep) when they cannot fit in
 * engine memory, before any of it is allocated, saying how much it needs and the limit.
 */
export function checkStepMemory(engine: Engine, needed: number, rows: number): void {
  const { bytesInUse } = engine.memoryStats();
  if (needed + bytesInUse > MAX_MEMORY_BYTES) {
    throw new ValueError(
      `A step of ${rows} samples needs about ${formatBytes(needed)} of engine memory (${formatBytes(bytesInUse)} already in use), ` +
        `more than the limit of ${formatBytes(MAX_MEMORY_BYTES)}; use a smaller batchSize${rows > 1 ? ` (at most about ${Math.max(1, Math.floor(rows * (MAX_MEMORY_BYTES - bytesInUse) / needed))})` : ''}`,
    );
  }
}
