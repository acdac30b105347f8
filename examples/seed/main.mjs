// The seed question (docs/seed-question.md): GRU(return_sequences) followed by TimeDistributed(Dense)
// or a plain Dense — the same function with the same 136 parameters — and the shape error when a
// sequence target meets a model that returns one vector per sample.
// Run: npm start
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wl from 'wasm-layers';

const InputSize = 15;
const MaxLen = 64;
const HiddenSize = 16;
const OutputSize = 8;
const nSamples = 1000;

// The seed's Keras 2.0 GRU (reset_after=False, hard_sigmoid): 1536 parameters. Keras 3's defaults
// (reset_after=True, sigmoid) give 1584.
const gru = (returnSequences) =>
  wl.layers.gru({ units: HiddenSize, returnSequences, inputShape: [MaxLen, InputSize], resetAfter: false, recurrentActivation: 'hard_sigmoid' });

wl.setSeed(42);
const { variant } = await wl.ready();
console.log(`wasm-layers: kernels built for ${variant}\n`);

const model1 = wl.sequential();
model1.add(gru(true));
model1.add(wl.layers.timeDistributed({ layer: wl.layers.dense({ units: OutputSize }) }));
model1.add(wl.layers.activation({ activation: 'softmax' }));
model1.compile({ loss: 'categorical_crossentropy', optimizer: 'rmsprop' });

const model2 = wl.sequential();
model2.add(gru(true));
model2.add(wl.layers.dense({ units: OutputSize }));
model2.add(wl.layers.activation({ activation: 'softmax' }));
model2.compile({ loss: 'categorical_crossentropy', optimizer: 'rmsprop' });

const model3 = wl.sequential();
model3.add(gru(false));
model3.add(wl.layers.dense({ units: OutputSize }));
model3.add(wl.layers.activation({ activation: 'softmax' }));
model3.compile({ loss: 'categorical_crossentropy', optimizer: 'rmsprop' });

const X = wl.randomUniform([nSamples, MaxLen, InputSize]);
const Y1 = wl.randomUniform([nSamples, MaxLen, OutputSize]);
const Y2 = wl.randomUniform([nSamples, OutputSize]);

for (const [name, model] of [['model1', model1], ['model2', model2], ['model3', model3]]) {
  console.log(`${name}.summary()`);
  model.summary();
  console.log();
}

for (const [name, model, Y] of [['model1', model1, Y1], ['model2', model2, Y1], ['model3', model3, Y2]]) {
  console.log(`${name}.fit(X, ${name === 'model3' ? 'Y2' : 'Y1'}, batch_size=128, epochs=1)`);
  const started = performance.now();
  await model.fit(X, Y, { batchSize: 128, epochs: 1 });
  console.log(`(${(performance.now() - started).toFixed(0)} ms)\n`);
}

// TimeDistributed(Dense) and Dense on a 3-D input are the same function: give model2 model1's weights.
model2.setWeights(model1.getWeights());
const [p1, p2] = [model1.predict(X, { batchSize: 128 }), model2.predict(X, { batchSize: 128 })];
let maxDiff = 0;
const [a, b] = [p1.dataSync(), p2.dataSync()];
for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
console.log(`model2 given model1's weights: predictions ${p1.shape.join('×')}, largest difference ${maxDiff}`);
console.log('=> Dense on a 3-D input applies to the last axis: it is TimeDistributed(Dense), with the same 136 parameters.\n');

// A per-sequence model cannot be fitted to a per-timestep target: Keras's shape error, before training.
console.log('model3.fit(X, Y1, batch_size=128, epochs=1)');
try {
  await model3.fit(X, Y1, { batchSize: 128, epochs: 1 });
} catch (error) {
  console.log(`${error.name}: ${error.message}`);
}

// The trained model1 in the TF.js layers format: TensorFlow.js loads it (and Keras through tfjs's converter).
// It goes to a fresh folder under the system's temporary directory, never into the repository.
const saved = mkdtempSync(join(tmpdir(), 'wasm-layers-seed-model1-'));
await model1.save(`file://${saved}`);
console.log(`\nmodel1 saved to ${saved}/ (model.json + weights.bin, the TF.js layers format)`);

await wl.shutdown();
