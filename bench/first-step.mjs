// Latency of a cold start: from before `import 'wasm-layers'` to the end of the first training step
// of the seed model1 (batch 128), in a fresh process. Prints one JSON line.
const started = performance.now();
const wl = await import('wasm-layers');
const imported = performance.now();
const model = wl.sequential({
  layers: [
    wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15], resetAfter: false, recurrentActivation: 'hard_sigmoid' }),
    wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }),
    wl.layers.activation({ activation: 'softmax' }),
  ],
});
model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
await model.fit(wl.randomUniform([128, 64, 15]), wl.randomUniform([128, 64, 8]), { batchSize: 128, epochs: 1, verbose: 0, workers: 0 });
const done = performance.now();
console.log(JSON.stringify({ importMs: imported - started, firstStepMs: done - started, sinceProcessStartMs: done }));
