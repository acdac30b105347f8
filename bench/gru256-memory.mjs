// Peak memory of the GRU(256) workload alone, in a fresh process: GRU(256, returnSequences) on
// (64, 64) → TimeDistributed(Dense(64)) → softmax, 2048 samples, batch 256, two epochs on 2 workers:
// the first includes starting the pool and the workers' warm-up, the second is warm (as the
// TensorFlow.js steps it is compared with). Prints one JSON line: { peakRssMB, epochMs,
// warmEpochMs }. Run by `npm run bench`.
import * as wl from 'wasm-layers';
import { GRU256 } from './config.mjs';

const { units, steps, features, outputs, batchSize, samples, workers } = GRU256;
wl.setSeed(3);
const model = wl.sequential({
  layers: [
    wl.layers.gru({ units, returnSequences: true, inputShape: [steps, features] }),
    wl.layers.timeDistributed({ layer: wl.layers.dense({ units: outputs }) }),
    wl.layers.activation({ activation: 'softmax' }),
  ],
});
model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
const x = wl.randomUniform([samples, steps, features]);
const y = wl.randomUniform([samples, steps, outputs]);
const epoch = async () => {
  const started = performance.now();
  await model.fit(x, y, { batchSize, epochs: 1, verbose: 0, workers });
  return performance.now() - started;
};
const epochMs = await epoch();
const warmEpochMs = await epoch();
await wl.shutdown();
console.log(JSON.stringify({ peakRssMB: process.resourceUsage().maxRSS / 1024, epochMs, warmEpochMs }));
