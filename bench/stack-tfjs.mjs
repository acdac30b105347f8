// Stack process: TensorFlow.js 4.22 layers on one backend (--backend wasm | cpu), in Node.
// Run by hand: node --expose-gc bench/stack-tfjs.mjs --backend wasm|cpu --part models|gemm|gru256|sequence|api [--quick]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '../test/peers/tfjs-chained-ops.mjs';
import * as tfl from '@tensorflow/tfjs-layers';
import { GRU256, SEED, SEQUENCE, planFor } from './config.mjs';
import { gru256Data, idsData, seedData, uniform } from './data.mjs';
import { gemmError } from './gemm-check.mjs';
import { textModel } from './models.mjs';
import { serve } from './stack-server.mjs';
import { PARTS } from './workload.mjs';
import { apiCase } from './api-cases.mjs';

const { values: opts } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    part: { type: 'string', default: 'models' },
    quick: { type: 'boolean', default: false },
  },
});
if (!PARTS.includes(opts.part)) throw new Error(`--part must be one of ${PARTS.join(', ')}`);
const plan = planFor(`tfjs-${opts.backend}`, opts.quick);
if (!plan || !['wasm', 'cpu'].includes(opts.backend)) throw new Error(`No plan for backend ${opts.backend} (quick: ${opts.quick})`);

if (!(await tf.setBackend(opts.backend))) throw new Error(`tfjs could not start the ${opts.backend} backend`);
await tf.ready();
if (tf.getBackend() !== opts.backend) throw new Error(`tfjs runs on ${tf.getBackend()}, not ${opts.backend}`);

const info = { name: `tfjs-${opts.backend}`, backend: tf.getBackend(), core: tf.version_core, layers: tfl.version_layers };
if (opts.backend === 'wasm') {
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  info.threads = getThreadsCount();
}

// tfjs's GRU is reset_after=false with hardSigmoid by default: the seed's Keras 2 GRU.
function model(kind) {
  const m = tfl.sequential();
  m.add(tfl.layers.gru({ units: SEED.hidden, returnSequences: kind !== 'model3', inputShape: [SEED.maxLen, SEED.inputSize] }));
  const dense = tfl.layers.dense({ units: SEED.outputSize });
  m.add(kind === 'model1' ? tfl.layers.timeDistributed({ layer: dense }) : dense);
  m.add(tfl.layers.activation({ activation: 'softmax' }));
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

function predict(m, x) {
  const p = m.predict(x, { batchSize: SEED.predictBatchSize });
  const values = p.dataSync();
  p.dispose();
  return values;
}

// GRU(256) with tfjs's defaults (reset_after=false, hardSigmoid), on 256 samples per epoch: one step.
async function gru256() {
  const { units, steps, features, outputs, batchSize, peerSamples: samples } = GRU256;
  const m = tfl.sequential();
  m.add(tfl.layers.gru({ units, returnSequences: true, inputShape: [steps, features] }));
  m.add(tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: outputs }) }));
  m.add(tfl.layers.activation({ activation: 'softmax' }));
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  const { x, y } = gru256Data(samples, GRU256);
  const [xt, yt] = [tf.tensor(x.values, x.shape), tf.tensor(y.values, y.shape)];
  return { samples, threads: 1, fit: async () => (await m.fit(xt, yt, { batchSize, epochs: 1, verbose: 0 })).history.loss[0] };
}

// The sequence part's LSTM models (config.mjs SEQUENCE) with tfjs's defaults (recurrentActivation
// hardSigmoid, unitForgetBias false; ours is set to the same): lstm256 trains one step of 256 samples
// per epoch, lstm16 the seed's 1000 samples at batch 128; the text classifiers (sentiment, textConv)
// one step of `peerSamples`, after a trial step that tells whether the backend can train them at all
// (tfjs-wasm has no kernel for the Embedding's gradient nor Conv1D's filter gradient). The group
// cases are ours only.
async function sequence(kind) {
  const lstmModel = ({ units, steps, features, outputs }) => {
    const m = tfl.sequential();
    m.add(tfl.layers.lstm({ units, returnSequences: true, recurrentActivation: 'hardSigmoid', inputShape: [steps, features] }));
    m.add(tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: outputs }) }));
    m.add(tfl.layers.activation({ activation: 'softmax' }));
    m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
    return m;
  };
  const trainer = (m, data, samples, batchSize) => {
    const [xt, yt] = [tf.tensor(data.x.values, data.x.shape, data.x.dtype), tf.tensor(data.y.values, data.y.shape)];
    return { samples, fit: async () => (await m.fit(xt, yt, { batchSize, epochs: 1, verbose: 0 })).history.loss[0] };
  };
  if (kind === 'sentiment' || kind === 'textConv') {
    const c = SEQUENCE[kind];
    const t = trainer(textModel(tfl, kind, c), idsData(c.peerSamples, c), c.peerSamples, c.peerSamples);
    const start = performance.now();
    try {
      const loss = await t.fit();
      return { ...t, trial: { ms: performance.now() - start, loss } };
    } catch (error) {
      return { samples: t.samples, error: String(error?.message ?? error) };
    }
  }
  if (kind === 'lstm256') {
    const c = SEQUENCE.lstm256;
    return trainer(lstmModel(c), gru256Data(c.peerSamples, c), c.peerSamples, c.batchSize);
  }
  if (kind === 'lstm16') {
    const { x, y1 } = seedData();
    return trainer(lstmModel({ units: SEED.hidden, steps: SEED.maxLen, features: SEED.inputSize, outputs: SEED.outputSize }), { x, y: y1 }, SEED.samples, SEED.batchSize);
  }
  throw new Error(`tfjs runs the sequence cases lstm256, lstm16, sentiment and textConv, not ${kind}`);
}

// tf.matMul; dataSync() forces completion (and copies C out, as a user would).
function gemm(n, random) {
  const [av, bv] = [uniform(n * n, random, -1, 1), uniform(n * n, random, -1, 1)];
  const [a, b] = [tf.tensor2d(av, [n, n]), tf.tensor2d(bv, [n, n])];
  const product = () => {
    const c = tf.matMul(a, b);
    const values = c.dataSync();
    c.dispose();
    return values;
  };
  return { run: product, check: () => gemmError(av, bv, product(), n), dispose: () => tf.dispose([a, b]) };
}

const adapter = {
  info,
  tensors: ({ x, y1, y2 }) => ({
    x: tf.tensor(x.values, x.shape), y1: tf.tensor(y1.values, y1.shape), y2: tf.tensor(y2.values, y2.shape),
  }),
  model,
  fit: async (m, x, y) => (await m.fit(x, y, { batchSize: SEED.batchSize, epochs: 1, verbose: 0 })).history.loss[0],
  predict,
  gemm,
  gru256,
  sequence,
  api: async (kind) => apiCase(tf, tfl, kind),
};

await serve(adapter, plan, opts.part);
