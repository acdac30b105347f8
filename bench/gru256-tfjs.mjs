// TensorFlow.js 4.22's wasm backend (1 thread) on the GRU(256) workload: GRU(256, returnSequences)
// on (64, 64) → TimeDistributed(Dense(64)) → softmax, batch 256. tfjs needs seconds per step, so this
// times `steps` single-batch epochs after one warm-up step. Prints one JSON line: { samplesPerSecond, ms, steps }.
// Run by `npm run bench` next to bench/workers.mjs, or by hand: node bench/gru256-tfjs.mjs [steps]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import '../test/peers/tfjs-chained-ops.mjs';
import { median } from './timing.mjs';

const steps = Number(process.argv[2] ?? 3);
await tf.setBackend('wasm');
await tf.ready();
const model = tfl.sequential();
model.add(tfl.layers.gru({ units: 256, returnSequences: true, inputShape: [64, 64] }));
model.add(tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 64 }) }));
model.add(tfl.layers.activation({ activation: 'softmax' }));
model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
const x = tf.randomUniform([256, 64, 64]);
const y = tf.randomUniform([256, 64, 64]);
const epoch = () => model.fit(x, y, { batchSize: 256, epochs: 1, verbose: 0 });
await epoch();
const times = [];
for (let i = 0; i < steps; i++) {
  const t = performance.now();
  await epoch();
  times.push(performance.now() - t);
}
const ms = median(times);
console.log(JSON.stringify({ backend: tf.getBackend(), steps, ms, samplesPerSecond: (256 / ms) * 1000 }));
