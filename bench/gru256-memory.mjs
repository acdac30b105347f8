// Peak memory of the GRU(256) workload alone, in a fresh process: GRU(256, returnSequences) on
// (64, 64) → TimeDistributed(Dense(64)) → softmax, 2048 samples, batch 256, two epochs on 2 workers:
// the first includes starting the pool and the workers' warm-up, the second is warm (as the
// TensorFlow.js steps it is compared with). Prints one JSON line: { peakRssMB, epochMs,
// warmEpochMs }. Run by `npm run bench`.
import * as wl from 'wasm-layers';

wl.setSeed(3);
const model = wl.sequential({
  layers: [
    wl.layers.gru({ units: 256, returnSequences: true, inputShape: [64, 64] }),
    wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 64 }) }),
    wl.layers.activation({ activation: 'softmax' }),
  ],
});
model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
const x = wl.randomUniform([2048, 64, 64]);
const y = wl.randomUniform([2048, 64, 64]);
const epoch = async () => {
  const started = performance.now();
  await model.fit(x, y, { batchSize: 256, epochs: 1, verbose: 0, workers: 2 });
  return performance.now() - started;
};
const epochMs = await epoch();
const warmEpochMs = await epoch();
await wl.shutdown();
console.log(JSON.stringify({ peakRssMB: process.resourceUsage().maxRSS / 1024, epochMs, warmEpochMs }));
