// The memory a step is planned with (runtime/plan.ts measureStep, on the planning device) against
// what the step really allocates on a fresh engine, for every layer kind: never less (a step
// planned short could overrun the memory check), and within 1.5× (a plan far too large refuses
// batches that would fit).
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { Engine } from '../../src/backend/engine.js';
import { measureStep } from '../../src/runtime/plan.js';
import { StepRunner } from '../../src/runtime/step-runner.js';

const ROWS = 16;

/** [name, model, input arrays per sample shape and dtype, target shape] */
const CASES: [string, () => wl.LayersModel, () => wl.Tensor[], () => wl.Tensor][] = [
  ['LSTM(24) sequences → TimeDistributed(Dense)', () => wl.sequential({ layers: [wl.layers.lstm({ units: 24, returnSequences: true, inputShape: [10, 6] }), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 4, activation: 'softmax' }) })] }), () => [wl.randomUniform([ROWS, 10, 6])], () => wl.oneHot(wl.tensor(Array.from({ length: ROWS * 10 }, (_, i) => i % 4), [ROWS, 10], 'int32'), 4)],
  ['GRU(16) (small-units kernel)', () => wl.sequential({ layers: [wl.layers.gru({ units: 16, inputShape: [10, 6] }), wl.layers.dense({ units: 3, activation: 'softmax' })] }), () => [wl.randomUniform([ROWS, 10, 6])], () => wl.oneHot(wl.tensor(Array.from({ length: ROWS }, (_, i) => i % 3), [ROWS], 'int32'), 3)],
  ['Bidirectional(GRU(40)) behind Masking', () => wl.sequential({ layers: [wl.layers.masking({ inputShape: [10, 6] }), wl.layers.bidirectional({ layer: wl.layers.gru({ units: 40 }) }), wl.layers.dense({ units: 3, activation: 'softmax' })] }), () => [wl.randomUniform([ROWS, 10, 6])], () => wl.oneHot(wl.tensor(Array.from({ length: ROWS }, (_, i) => i % 3), [ROWS], 'int32'), 3)],
  ['Embedding → Conv1D → MaxPooling1D → Flatten → BatchNormalization → Dense(sigmoid)', () => {
    const ids = wl.input({ shape: [20], dtype: 'int32' });
    let h = wl.layers.embedding({ inputDim: 50, outputDim: 8 }).apply(ids) as wl.SymbolicTensor;
    h = wl.layers.conv1d({ filters: 12, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(h) as wl.SymbolicTensor;
    h = wl.layers.maxPooling1d({ poolSize: 2 }).apply(h) as wl.SymbolicTensor;
    h = wl.layers.flatten().apply(h) as wl.SymbolicTensor;
    h = wl.layers.batchNormalization().apply(h) as wl.SymbolicTensor;
    return wl.model({ inputs: ids, outputs: wl.layers.dense({ units: 1, activation: 'sigmoid' }).apply(h) as wl.SymbolicTensor });
  }, () => [wl.tensor(Array.from({ length: ROWS * 20 }, (_, i) => (i * 7) % 50), [ROWS, 20], 'int32')], () => wl.tensor(Array.from({ length: ROWS }, (_, i) => i % 2), [ROWS, 1])],
  ['Luong attention: Dot, softmax, Dot, Concatenate, LayerNormalization', () => {
    const enc = wl.input({ shape: [8, 6] });
    const dec = wl.input({ shape: [5, 6] });
    const e = wl.layers.lstm({ units: 10, returnSequences: true }).apply(enc) as wl.SymbolicTensor;
    const d = wl.layers.lstm({ units: 10, returnSequences: true }).apply(dec) as wl.SymbolicTensor;
    const w = wl.layers.activation({ activation: 'softmax' }).apply(wl.layers.dot({ axes: [2, 2] }).apply([d, e]) as wl.SymbolicTensor) as wl.SymbolicTensor;
    const c = wl.layers.dot({ axes: [2, 1] }).apply([w, e]) as wl.SymbolicTensor;
    const j = wl.layers.layerNormalization().apply(wl.layers.concatenate().apply([c, d]) as wl.SymbolicTensor) as wl.SymbolicTensor;
    return wl.model({ inputs: [enc, dec], outputs: wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3, activation: 'softmax' }) }).apply(j) as wl.SymbolicTensor });
  }, () => [wl.randomUniform([ROWS, 8, 6]), wl.randomUniform([ROWS, 5, 6])], () => wl.oneHot(wl.tensor(Array.from({ length: ROWS * 5 }, (_, i) => i % 3), [ROWS, 5], 'int32'), 3)],
];

describe('planned step memory against the real step', () => {
  for (const [name, build, inputs, target] of CASES) {
    it(`${name}: planned ≥ allocated, within 1.5×`, async () => {
      const model = build();
      model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
      const program = model.program('fit');
      const xs = inputs();
      const y = target();
      const shapes = { inputs: xs.map((t) => t.shape.slice(1)), targets: [y.shape.slice(1)] };
      const engine = await Engine.create();
      try {
        const planned = measureStep(engine, program, ROWS, shapes, true).bytes;
        for (const v of program.weights) v.ptrIn(engine); // resident before the step, as in a fit
        const before = engine.memoryStats().bytesInUse;
        new StepRunner(engine, program).computeGradients({
          inputs: xs.map((t) => ({ data: t.dataSync(), shape: [...t.shape] })),
          targets: [{ data: y.dataSync() instanceof Float32Array ? y.dataSync() : Float32Array.from(y.dataSync()), shape: [...y.shape] }],
        });
        const allocated = engine.memoryStats().peakBytes - before;
        if (process.env.STEP_MEMORY_REPORT) console.log(`${name}: planned ${planned}, allocated ${allocated}`);
        expect(planned, `${name}: planned ${planned} bytes, allocated ${allocated}`).toBeGreaterThanOrEqual(allocated);
        expect(planned, `${name}: planned ${planned} bytes, allocated ${allocated}`).toBeLessThanOrEqual(1.5 * allocated);
      } finally {
        for (const v of program.weights) v.evacuate();
        engine.dispose();
      }
    });
  }
});
