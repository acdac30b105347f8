// Synchronous predict vs predictAsync (the pool path) on the seed models (1000 samples, one batch), and
// a one-sample LSTM(128) predict over 40 steps × 60 one-hot features, 200 calls in a row (issue 27).
// node bench/sync-predict.mjs
import * as wl from '../dist/index.js';
import { seedModel } from './models.mjs';
import { SEED } from './config.mjs';

const median = (a) => { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };
async function time(fn, reps = 15) {
  for (let i = 0; i < 3; i++) await fn();
  const t = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); await fn(); t.push(performance.now() - t0); }
  return median(t);
}
wl.setSeed(1);
await wl.ready();
const x = wl.randomUniform([SEED.samples, SEED.maxLen, SEED.inputSize]);
for (const kind of ['model1', 'model2', 'model3']) {
  const m = seedModel(wl, kind);
  const sync = await time(() => m.predict(x, { batchSize: SEED.predictBatchSize }).dataSync());
  const asyncAuto = await time(async () => (await m.predictAsync(x, { batchSize: SEED.predictBatchSize })).dataSync());
  const async0 = await time(async () => (await m.predictAsync(x, { batchSize: SEED.predictBatchSize, workers: 0 })).dataSync());
  console.log(`${kind}: predict(${SEED.samples}) sync ${sync.toFixed(2)} ms | predictAsync auto ${asyncAuto.toFixed(2)} ms | predictAsync workers 0 ${async0.toFixed(2)} ms`);
}
const V = 60, STEPS = 40;
const lstm = wl.sequential({ layers: [wl.layers.lstm({ units: 128, inputShape: [STEPS, V] }), wl.layers.dense({ units: V, activation: 'softmax' })] });
lstm.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
const win = new Float32Array(STEPS * V);
for (let t = 0; t < STEPS; t++) win[t * V + (t * 7) % V] = 1;
const one = wl.tensor(win, [1, STEPS, V]);
for (let i = 0; i < 20; i++) lstm.predict(one).dataSync();
for (const [label, fn] of [
  ['sync predict', () => lstm.predict(one).dataSync()],
  ['predictAsync workers 0', async () => (await lstm.predictAsync(one, { workers: 0 })).dataSync()],
]) {
  const rates = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await fn();
    rates.push(200 / ((performance.now() - t0) / 1000));
  }
  console.log(`LSTM(128) 40×60 one-sample ${label}: ${median(rates).toFixed(0)} calls/s (median of 5 × 200 calls)`);
}
await wl.shutdown();
