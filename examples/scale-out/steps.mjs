// The JavaScript side of the scale-out route (docs/scale-out.md), as functions the example and the
// test both run: train a model here and save it as a Keras 3 .keras file; later load the .keras file
// Keras wrote back and predict with it here.
import * as wl from 'wasm-layers';

/** The model of the guide: an LSTM tagger over (steps, features) sequences. */
export function buildModel({ steps = 6, features = 4, units = 5, classes = 3 } = {}) {
  return wl.sequential({
    layers: [
      wl.layers.lstm({ units, returnSequences: true, inputShape: [steps, features] }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: classes }) }),
      wl.layers.activation({ activation: 'softmax' }),
    ],
  });
}

/** Seeded sequences whose class at each step is the argmax of its first three features. */
export function sequences(samples, { steps = 6, features = 4, classes = 3, seed = 1 } = {}) {
  wl.setSeed(seed);
  const x = wl.randomUniform([samples, steps, features], -1, 1);
  const xs = x.dataSync();
  const y = new Int32Array(samples * steps);
  for (let r = 0; r < samples * steps; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (xs[r * features + c] > xs[r * features + best]) best = c;
    y[r] = best;
  }
  return { x, y: wl.tensor(y, [samples, steps], 'int32') };
}

/** Step 1: train here (on this machine's workers), then save a .keras file Keras 3 loads. */
export async function trainAndSave(path, { epochs = 3, samples = 256 } = {}) {
  const model = buildModel();
  model.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
  const { x, y } = sequences(samples);
  const history = await model.fit(x, y, { epochs, batchSize: 32, verbose: 0 });
  // with the loss, metrics and RMSprop's state, so Keras's first step is the one training here would take next
  await model.save(`file://${path}`, { includeOptimizer: true });
  return { model, history };
}

/** Step 3: load the .keras file Keras saved after training it further, and predict here. */
export async function loadAndPredict(path, x) {
  const model = await wl.loadLayersModel(`file://${path}`);
  return { model, predictions: model.predict(x) };
}
