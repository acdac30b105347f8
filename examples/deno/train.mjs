// Deno: deno run --allow-read examples/deno/train.mjs
// The ESM bundle finds its .wasm kernels and its Web Worker script next to itself (read permission).
import * as wl from '../../dist/browser/wasm-layers.js';

const model = wl.sequential({
  layers: [
    wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15] }),
    wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }),
    wl.layers.activation({ activation: 'softmax' }),
  ],
});
model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
model.summary();

const x = wl.randomUniform([512, 64, 15]);
const y = wl.randomUniform([512, 64, 8]);
const history = await model.fit(x, y, { batchSize: 128, epochs: 2, workers: 2, verbose: 0 });
console.log(`loss per epoch: ${history.loss.map((l) => l.toFixed(4)).join(', ')}`);
console.log(`workers: ${JSON.stringify(wl.poolInfo())}`);
await wl.shutdown();
