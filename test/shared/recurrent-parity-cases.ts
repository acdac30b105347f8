/**
 * Recurrent parity cases for every runtime (appended to PARITY_CASES, so Node, headless Chromium and
 * Deno run them): an LSTM and a Bidirectional(LSTM) tagger trained on 2 workers as in process, and
 * an encoder-decoder whose encoder's [h, c] is the decoder's initial state, trained and predicted on
 * 2 workers as in process. Framework-free: each case resolves to null or to what failed.
 */
import type * as WL from '../../src/index.js';
import { closeness } from '../helpers/closeness.js';

export const first = (...failures: (string | null)[]) => failures.find((f) => f != null) ?? null;

/** Each step's target is the argmax of its first `classes` features: learnable from the step alone. */
function argmaxTargets(wl: typeof WL, x: WL.Tensor, classes: number): WL.Tensor {
  const [samples, steps, features] = x.shape;
  const xs = x.dataSync();
  const y = new Float32Array(samples * steps * classes);
  for (let r = 0; r < samples * steps; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (xs[r * features + c] > xs[r * features + best]) best = c;
    y[r * classes + best] = 1;
  }
  return wl.tensor(y, [samples, steps, classes]);
}

/** Same seeded weights, then `fit` in process (workers 0) or on 2 workers. */
export async function fitFrom(wl: typeof WL, build: () => WL.LayersModel, x: WL.Tensor | WL.Tensor[], y: WL.Tensor, workers: number, epochs: number, batchSize: number) {
  const model = build();
  wl.setSeed(3);
  model.setWeights(model.getWeights().map((w) => wl.randomUniform(w.shape, -0.4, 0.4)));
  const history = await model.fit(x, y, { batchSize, epochs, shuffle: false, verbose: 0, workers });
  return { model, losses: history.history.loss as number[] };
}

/** The 2-worker run's losses and weights within 1e-5 of in process, and the loss going down in both. */
export function compareRuns(label: string, here: { model: WL.LayersModel; losses: number[] }, pool: { model: WL.LayersModel; losses: number[] }): string | null {
  const weights = here.model.getWeights();
  const decreases = (losses: number[], where: string) =>
    losses.length >= 2 && losses.every(Number.isFinite) && losses.at(-1)! < losses[0] ? null : `${label} loss does not decrease ${where}: ${losses.join(', ')}`;
  return first(
    decreases(here.losses, 'in process'),
    decreases(pool.losses, 'on 2 workers'),
    closeness(pool.losses, here.losses, { tol: 1e-5, scale: 0.1, label: `${label} loss per epoch on 2 workers` }),
    ...pool.model.getWeights().map((w, i) => closeness(w.dataSync(), weights[i].dataSync(), { tol: 1e-5, scale: 1, label: `${label} weight ${i} (${w.shape}) on 2 workers` })),
  );
}

/**
 * A sequence tagger — `recurrent` (returning sequences) → TimeDistributed(Dense(4)) → softmax —
 * trained 4 epochs on 64 seeded sequences of 10 steps × 6 features, in process and on 2 workers.
 */
async function tagger(wl: typeof WL, label: string, recurrent: () => WL.Layer, expectWidth: number): Promise<string | null> {
  const build = () => {
    wl.clearSession();
    const model = wl.sequential({
      layers: [
        recurrent(),
        wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 4 }) }),
        wl.layers.activation({ activation: 'softmax' }),
      ],
    });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }) });
    return model;
  };
  wl.setSeed(21);
  const x = wl.randomUniform([64, 10, 6], -1, 1);
  const y = argmaxTargets(wl, x, 4);
  const here = await fitFrom(wl, build, x, y, 0, 4, 16);
  const pool = await fitFrom(wl, build, x, y, 2, 4, 16);
  // the Dense kernel (the second-to-last weight) reads the recurrent output's features
  const kernel = here.model.getWeights().at(-2)!.shape;
  const failure = first(
    kernel[0] === expectWidth ? null : `${label}: the Dense kernel is ${JSON.stringify(kernel)}, expected ${expectWidth} input features`,
    compareRuns(label, here, pool),
  );
  await Promise.all([here.model.dispose(), pool.model.dispose()]);
  return failure;
}

const lstmTagger = (wl: typeof WL) =>
  tagger(wl, 'LSTM(16)', () => wl.layers.lstm({ units: 16, returnSequences: true, inputShape: [10, 6] }), 16);

const bidirectionalTagger = (wl: typeof WL) =>
  tagger(wl, 'Bidirectional(LSTM(8), concat)', () => wl.layers.bidirectional({
    layer: wl.layers.lstm({ units: 8, returnSequences: true }), mergeMode: 'concat', inputShape: [10, 6],
  }), 16);

/**
 * Encoder LSTM(8, returnState) over [6, 4]; its [h, c] is the initial state of a decoder
 * LSTM(8, returnSequences) over [5, 3]; TimeDistributed(Dense(3, softmax)). Trained 3 epochs in
 * process and on 2 workers (the initial states' gradients cross the shards), then each trained model
 * predicts on 2 workers and in process.
 */
async function encoderDecoder(wl: typeof WL): Promise<string | null> {
  const build = () => {
    wl.clearSession();
    const encIn = wl.input({ shape: [6, 4], name: 'encoder_in' });
    const decIn = wl.input({ shape: [5, 3], name: 'decoder_in' });
    const encoded = wl.layers.lstm({ units: 8, returnState: true, name: 'encoder' }).apply(encIn);
    if (!Array.isArray(encoded) || encoded.length !== 3) throw new Error(`LSTM(returnState) gave ${Array.isArray(encoded) ? encoded.length : 1} outputs, expected [output, h, c]`);
    const [, h, c] = encoded;
    const decoded = wl.layers.lstm({ units: 8, returnSequences: true, name: 'decoder' }).apply(decIn, { initialState: [h, c] }) as WL.SymbolicTensor;
    const out = wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3, activation: 'softmax' }) }).apply(decoded) as WL.SymbolicTensor;
    const model = wl.model({ inputs: [encIn, decIn], outputs: out });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }) });
    return model;
  };
  wl.setSeed(22);
  const enc = wl.randomUniform([48, 6, 4], -1, 1);
  const dec = wl.randomUniform([48, 5, 3], -1, 1);
  // the target at each decoder step: argmax of the encoder's first step's first 3 features plus the
  // decoder step's features (needs the carried state and the decoder's own input)
  const es = enc.dataSync(), ds = dec.dataSync();
  const y = new Float32Array(48 * 5 * 3);
  for (let s = 0; s < 48; s++) for (let t = 0; t < 5; t++) {
    let best = 0, bestValue = -Infinity;
    for (let k = 0; k < 3; k++) {
      const v = es[s * 24 + k] + ds[(s * 5 + t) * 3 + k];
      if (v > bestValue) [best, bestValue] = [k, v];
    }
    y[(s * 5 + t) * 3 + best] = 1;
  }
  const target = wl.tensor(y, [48, 5, 3]);
  const here = await fitFrom(wl, build, [enc, dec], target, 0, 3, 16);
  const pool = await fitFrom(wl, build, [enc, dec], target, 2, 3, 16);
  const trained = compareRuns('encoder-decoder', here, pool);
  // predictions of the in-process-trained model: 2 workers vs in process (each sample is the same
  // computation wherever it runs)
  const inProcess = (await here.model.predict([enc, dec], { workers: 0, batchSize: 16 })) as WL.Tensor;
  const onWorkers = (await here.model.predict([enc, dec], { workers: 2, batchSize: 16 })) as WL.Tensor;
  const failure = first(
    trained,
    JSON.stringify(onWorkers.shape) === '[48,5,3]' ? null : `encoder-decoder predict shape ${JSON.stringify(onWorkers.shape)}, expected [48,5,3]`,
    closeness(onWorkers.dataSync(), inProcess.dataSync(), { tol: 1e-6, scale: 1e-3, label: 'encoder-decoder predictions on 2 workers' }),
  );
  await Promise.all([here.model.dispose(), pool.model.dispose()]);
  return failure;
}

export const RECURRENT_PARITY_CASES = [
  { name: 'LSTM(16, returnSequences) → TimeDistributed(Dense) → softmax: 2 workers train as in process, the loss decreases', run: (wl: typeof WL) => lstmTagger(wl) },
  { name: 'Bidirectional(LSTM(8), concat) tagger: 2 workers train as in process, the loss decreases', run: (wl: typeof WL) => bidirectionalTagger(wl) },
  { name: "encoder-decoder (the encoder LSTM's [h, c] as the decoder's initialState): trained and predicted on 2 workers as in process", run: (wl: typeof WL) => encoderDecoder(wl) },
];
