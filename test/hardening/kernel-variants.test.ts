// Every layer with a fast path agrees with its general kernels (issue 29 item 7). Small sizes make
// the engine pick its fast kernels: the direct GEMM (thin products, short K), the recurrent layers'
// thin in-place products and the small-units register kernels (GRU, LSTM, SimpleRNN). The same model, weights and
// batch then run with every dispatch forced onto the general kernels (packed GEMM, general
// recurrent steps: the paths large sizes take), and outputs and gradients must agree. The trace
// shows that the fast paths really ran in the first run and not in the second. The relaxed-simd
// project runs this file on the FMA build as well.
import { afterEach, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { engineGradients } from '../helpers/gradients.js';
import { expectClose } from '../helpers/compare.js';
import type { LossIdentifier } from '../../src/training/losses.js';

interface Run {
  outputs: Float32Array;
  loss: number;
  grads: Float32Array[];
  /** f32_gemm calls by path, and the other kernels called. */
  gemm: { direct: number; packed: number };
  calls: Set<string>;
}

let restore: (() => void) | null = null;
afterEach(() => restore?.());

/** Predict and the loss gradients of `model` on (x, y), recording which kernels ran. */
async function run(model: wl.LayersModel, loss: LossIdentifier, x: wl.Tensor, y: wl.Tensor, general: boolean): Promise<Run> {
  const engine = await getEngine();
  const original = engine.kernels;
  const gemm = { direct: 0, packed: 0 };
  const calls = new Set<string>();
  const recording = Object.fromEntries(Object.entries(original as unknown as Record<string, unknown>).map(([name, f]) => [
    name,
    typeof f !== 'function' ? f : (...args: number[]) => {
      calls.add(name);
      if (name === 'f32_gemm' && args[0] > 0 && args[1] > 0) {
        if (original.gemm_takes_direct(args[0], args[1], args[2], args[4])) gemm.direct++;
        else gemm.packed++;
      }
      return (f as (...a: number[]) => unknown)(...args);
    },
  ])) as unknown as Kernels;
  original.kernels_force_general(general ? 1 : 0);
  (engine as { kernels: Kernels }).kernels = recording;
  restore = () => {
    (engine as { kernels: Kernels }).kernels = original;
    original.kernels_force_general(0);
  };
  try {
    const outputs = Float32Array.from((model.predict(x, { batchSize: x.shape[0] }) as wl.Tensor).dataSync());
    const { loss: value, grads } = await engineGradients(model, loss, x, y);
    return { outputs, loss: value, grads, gemm, calls };
  } finally {
    restore();
    restore = null;
  }
}

interface Case {
  name: string;
  build: () => wl.LayersModel;
  data: () => { x: wl.Tensor; y: wl.Tensor };
  loss: LossIdentifier;
  /** A kernel only the fast run may call (a small-units register kernel). */
  fastKernel?: keyof Kernels;
}

const seq = (units: number) => ({ units, returnSequences: true });
const dense = (units: number, activation?: 'softmax' | 'sigmoid') => wl.layers.dense({ units, activation });
const sequential = (layers: wl.Layer[]) => wl.sequential({ layers });
const floats = (shape: number[]) => ({ x: wl.randomUniform(shape, -1, 1) });
const classes = (rows: number, n: number, shape: number[]) => wl.oneHot(wl.tensor(Array.from({ length: rows }, (_, i) => (i * 7) % n), [rows], 'int32'), n).toFloat().reshape([...shape, n]);

const CASES: Case[] = [
  {
    name: 'Dense → TimeDistributed(Dense) → softmax',
    build: () => sequential([wl.layers.dense({ units: 16, activation: 'tanh', inputShape: [5, 6] }), wl.layers.timeDistributed({ layer: dense(8, 'softmax') })]),
    data: () => ({ ...floats([6, 5, 6]), y: classes(30, 8, [6, 5]) }),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'GRU(8, reset_after) → TimeDistributed(Dense)',
    build: () => sequential([wl.layers.gru({ ...seq(8), inputShape: [7, 5] }), wl.layers.timeDistributed({ layer: dense(8, 'softmax') })]),
    data: () => ({ ...floats([4, 7, 5]), y: classes(28, 8, [4, 7]) }),
    loss: 'categoricalCrossentropy',
    fastKernel: 'f32_gru_fwd_small',
  },
  {
    name: 'GRU(16, reset_after false, go backwards) → Dense',
    build: () => sequential([wl.layers.gru({ units: 16, resetAfter: false, goBackwards: true, inputShape: [6, 3] }), dense(8, 'softmax')]),
    data: () => ({ ...floats([5, 6, 3]), y: classes(5, 8, [5]) }),
    loss: 'categoricalCrossentropy',
    fastKernel: 'f32_gru_fwd_small',
  },
  {
    name: 'LSTM(8) → LSTM(16) → Dense',
    build: () => sequential([wl.layers.lstm({ ...seq(8), inputShape: [6, 4] }), wl.layers.lstm({ units: 16 }), dense(8, 'softmax')]),
    data: () => ({ ...floats([5, 6, 4]), y: classes(5, 8, [5]) }),
    loss: 'categoricalCrossentropy',
    fastKernel: 'f32_lstm_fwd_small',
  },
  {
    name: 'SimpleRNN(16) → TimeDistributed(Dense)',
    build: () => sequential([wl.layers.simpleRNN({ ...seq(16), inputShape: [6, 4] }), wl.layers.timeDistributed({ layer: dense(8) })]),
    data: () => ({ ...floats([5, 6, 4]), y: wl.randomUniform([5, 6, 8]) }),
    loss: 'meanSquaredError',
    fastKernel: 'f32_simple_rnn_fwd_small',
  },
  {
    name: 'Bidirectional(GRU(8), concat) → Dense',
    build: () => sequential([wl.layers.bidirectional({ layer: wl.layers.gru({ units: 8 }) as wl.Recurrent, inputShape: [5, 3] }), dense(8, 'softmax')]),
    data: () => ({ ...floats([6, 5, 3]), y: classes(6, 8, [6]) }),
    loss: 'categoricalCrossentropy',
    fastKernel: 'f32_gru_fwd_small',
  },
  {
    name: 'Embedding → LSTM(8) → Dense(sigmoid)',
    build: () => {
      const ids = wl.input({ shape: [9], dtype: 'int32' });
      const embedded = wl.layers.embedding({ inputDim: 20, outputDim: 8, maskZero: true }).apply(ids) as wl.SymbolicTensor;
      const h = wl.layers.lstm({ units: 8 }).apply(embedded) as wl.SymbolicTensor;
      return wl.model({ inputs: ids, outputs: dense(1, 'sigmoid').apply(h) as wl.SymbolicTensor });
    },
    data: () => ({
      x: wl.tensor(Array.from({ length: 36 }, (_, i) => (i % 9 > 6 ? 0 : 1 + ((i * 5) % 19))), [4, 9], 'int32'),
      y: wl.tensor([1, 0, 0, 1], [4, 1]),
    }),
    loss: 'binaryCrossentropy',
    fastKernel: 'f32_lstm_fwd_small',
  },
  {
    name: 'Conv1D(16, same) → MaxPooling1D → Flatten → Dense',
    build: () => sequential([wl.layers.conv1d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 4] }), wl.layers.maxPooling1d({ poolSize: 2 }), wl.layers.flatten(), dense(8, 'softmax')]),
    data: () => ({ ...floats([5, 8, 4]), y: classes(5, 8, [5]) }),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'GRU(8) self-attention: Dot → softmax → Dot → Concatenate → LayerNormalization → Dense',
    build: () => {
      const x = wl.input({ shape: [6, 3] });
      const h = wl.layers.gru(seq(8)).apply(x) as wl.SymbolicTensor;
      const scores = wl.layers.dot({ axes: [2, 2] }).apply([h, h]) as wl.SymbolicTensor;
      const weights = wl.layers.activation({ activation: 'softmax' }).apply(scores) as wl.SymbolicTensor;
      const context = wl.layers.dot({ axes: [2, 1] }).apply([weights, h]) as wl.SymbolicTensor;
      const joined = wl.layers.concatenate().apply([context, h]) as wl.SymbolicTensor;
      const normed = wl.layers.layerNormalization().apply(joined) as wl.SymbolicTensor;
      return wl.model({ inputs: x, outputs: wl.layers.timeDistributed({ layer: dense(8, 'softmax') }).apply(normed) as wl.SymbolicTensor });
    },
    data: () => ({ ...floats([4, 6, 3]), y: classes(24, 8, [4, 6]) }),
    loss: 'categoricalCrossentropy',
    fastKernel: 'f32_gru_fwd_small',
  },
];

describe('fast kernels agree with the general ones, layer by layer', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      wl.setSeed(11);
      const model = c.build();
      const { x, y } = c.data();
      const fast = await run(model, c.loss, x, y, false);
      const general = await run(model, c.loss, x, y, true);
      // the first run took fast paths, the second none
      expect(fast.gemm.direct + (c.fastKernel && fast.calls.has(c.fastKernel) ? 1 : 0), 'fast paths taken').toBeGreaterThan(0);
      if (c.fastKernel) expect(fast.calls.has(c.fastKernel), c.fastKernel).toBe(true);
      expect(general.gemm.direct, 'direct GEMMs when forced general').toBe(0);
      if (c.fastKernel) expect(general.calls.has(c.fastKernel), `${c.fastKernel} when forced general`).toBe(false);
      expect(general.gemm.packed).toBeGreaterThan(0);
      expectClose(fast.outputs, general.outputs, { tol: 2e-6, scale: 1, label: 'outputs' });
      expectClose([fast.loss], [general.loss], { tol: 2e-6, label: 'loss' });
      fast.grads.forEach((g, i) => {
        const rms = Math.sqrt(general.grads[i].reduce((s, v) => s + v * v, 0) / g.length);
        expect(rms, `gradient ${model.trainableWeights[i].name} is not zero`).toBeGreaterThan(0);
        expectClose(g, general.grads[i], { tol: 1e-5, scale: rms, label: model.trainableWeights[i].name });
      });
    });
  }
});

describe('products of fewer than 4 rows (a one-sample predict) equal the 4-row tiles bit for bit', () => {
  const layers: [string, () => wl.Layer][] = [
    ['LSTM(48)', () => wl.layers.lstm({ units: 48, returnSequences: true, inputShape: [5, 7] })],
    ['GRU(40)', () => wl.layers.gru({ units: 40, returnSequences: true, inputShape: [5, 7] })],
    ['GRU(40, reset_after false)', () => wl.layers.gru({ units: 40, resetAfter: false, returnSequences: true, inputShape: [5, 7] })],
    ['SimpleRNN(72)', () => wl.layers.simpleRNN({ units: 72, returnSequences: true, inputShape: [5, 7] })],
  ];
  for (const [name, layer] of layers) {
    it(`${name} → Dense(13): each sample alone, and 2 or 3 together, as in a batch of 6`, async () => {
      wl.setSeed(12);
      const model = wl.sequential({ layers: [layer(), wl.layers.dense({ units: 13, activation: 'tanh' })] });
      const x = wl.randomUniform([6, 5, 7], -1, 1);
      const all = (model.predict(x) as wl.Tensor).dataSync();
      const rowFloats = all.length / 6;
      for (const [start, count] of [[0, 1], [1, 1], [5, 1], [1, 2], [3, 3]]) {
        const part = (model.predict(x.slice([start, 0, 0], [count, 5, 7])) as wl.Tensor).dataSync();
        expect(Array.from(part), `samples ${start}..${start + count - 1}`).toEqual(Array.from(all.subarray(start * rowFloats, (start + count) * rowFloats)));
      }
    });
  }
});
