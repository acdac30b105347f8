// The point of row-sparse Embedding gradients, counted (not timed): with plain SGD, a training step's
// gradient bookkeeping — each worker zeroing its block and packing it into its chunk's slot, this
// thread summing the slots, checking them finite and updating the weights — touches as many floats
// for a 100k-row table as for a 10k-row one fed the same ids: the ids' rows, not the table. The dense
// bookkeeping (the table's gradient forced dense) is counted alongside, 10× the table, 10× the work.
import { describe, it, expect, vi } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';
import { GradientRows } from '../../src/ops/grad-rows.js';
import { runChunk } from '../../src/runtime/chunk-runner.js';
import { GradientBuffers } from '../../src/runtime/gradient-buffers.js';
import { ModelProgram } from '../../src/runtime/program.js';
import { StepRunner, applyStep, lossScales } from '../../src/runtime/step-runner.js';
import { addTotals, batchRows, emptyTotals, type Batch } from '../../src/training/executor.js';
import { resolveLoss } from '../../src/training/losses.js';

/** Floats the dense SGD kernel was asked to update (ops/optimizer.ts). */
let denseSgdFloats = 0;
vi.mock('../../src/ops/optimizer.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/ops/optimizer.js')>();
  return {
    ...original,
    sgdUpdate: (...args: Parameters<typeof original.sgdUpdate>) => {
      denseSgdFloats += args[1];
      original.sgdUpdate(...args);
    },
  };
});

const [B, T, E, STEPS] = [32, 50, 16, 3];

/** Per-step floats of each kind of bookkeeping over STEPS steps of 2 chunks each (a worker per chunk). */
async function stepWork(vocabulary: number, rowSparse: boolean) {
  const engine = await getEngine();
  wl.setSeed(3);
  const model = wl.sequential({
    layers: [
      wl.layers.embedding({ inputDim: vocabulary, outputDim: E, inputShape: [T] }),
      wl.layers.lstm({ units: 8 }),
      wl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.layers[0].weights[0].rowSparse = rowSparse;
  const program = new ModelProgram({ topology: model.graphTopology, heads: [{ loss: resolveLoss('binaryCrossentropy'), weight: 1, metrics: [] }] });
  const workers = [new StepRunner(engine, program), new StepRunner(engine, program)];
  const main = new GradientBuffers(engine, program.accumulated);
  const slots = workers.map(() => new Float32Array(main.length));
  const sgd = new wl.SGD();
  let rowSgdFloats = 0;
  const rowSgd = GradientRows.prototype.sgd;
  const sgdSpy = vi.spyOn(GradientRows.prototype, 'sgd').mockImplementation(function (this: GradientRows, p: number, g: number, lr: number) {
    rowSgdFloats += this.count * this.dim;
    rowSgd.call(this, p, g, lr);
  });
  denseSgdFloats = 0;
  try {
    for (let step = 0; step < STEPS; step++) {
      // ids < 1000 whatever the table: the same rows at 10k and 100k
      const ids = Float32Array.from({ length: B * T }, (_, i) => ((i + step * 577) * 7919) % 997);
      const batch: Batch = { inputs: [{ data: ids, shape: [B, T] }], targets: [{ data: Float32Array.from({ length: B }, (_, i) => i % 2), shape: [B, 1] }] };
      const scales = lossScales(program, [[B, 1]]);
      const totals = emptyTotals(1);
      const rows = workers.map((w, k) => {
        const outcome = runChunk(w, 'train', batchRows(batch, (k * B) / 2, ((k + 1) * B) / 2), { scales, gradientSlot: slots[k] });
        addTotals(totals, outcome.totals!);
        return outcome.rows!;
      });
      main.sumOf(slots, rows);
      expect(applyStep(engine, program, sgd, main, totals, B)).toBe(true);
    }
    const perStep = (n: number) => n / STEPS;
    return {
      workerZeroed: perStep(workers.reduce((n, w) => n + w.gradients().work.zeroed, 0)),
      workerPacked: perStep(workers.reduce((n, w) => n + w.gradients().work.packed, 0)),
      mainSummed: perStep(main.work.summed),
      mainChecked: perStep(main.work.checked),
      optimizer: perStep(denseSgdFloats + rowSgdFloats),
    };
  } finally {
    sgdSpy.mockRestore();
    for (const w of workers) w.dispose();
    main.dispose();
    await model.dispose();
  }
}

describe('the per-step gradient work with a row-sparse Embedding does not grow with the table', () => {
  it('plain SGD, Embedding(10k, 16) and Embedding(100k, 16) on the same ids: the same floats, the ids\' rows', async () => {
    const small = await stepWork(10_000, true);
    const large = await stepWork(100_000, true);
    expect(large).toEqual(small);
    // at most 997 rows of 16 per chunk, beside the LSTM's and Dense's 812 dense floats (16·32 + 8·32 + 32 + 8 + 4 with padding)
    for (const [kind, floats] of Object.entries(large)) expect(floats, kind).toBeLessThan(4 * 997 * E + 4 * 1000);
    expect(large.optimizer, 'SGD updates the recorded rows and the dense weights').toBeLessThan(997 * E + 1000);
    const dense = await stepWork(100_000, false);
    for (const [kind, floats] of Object.entries(dense)) expect(floats, `${kind}, dense`).toBeGreaterThanOrEqual(100_000 * E);
  });
});
