// The demo page: trains the seed's model1 with Web Workers and draws the loss per batch live.
// Query parameters: ?epochs=5&autostart=1&workers=2 (tests use them).
import * as wl from '../../dist/browser/wasm-layers.js';
import { drawCurve } from './curve.js';

const params = new URLSearchParams(location.search);
const epochs = Number(params.get('epochs') ?? 5);
const workers = Number(params.get('workers') ?? Math.max(2, navigator.hardwareConcurrency || 2));
const $ = (id) => document.getElementById(id);

/** 1000 sequences of 64 steps × 15 features; the target at each step is the argmax of features 0–7. */
function data(samples = 1000, steps = 64, features = 15, classes = 8) {
  const x = wl.randomUniform([samples, steps, features]);
  const xs = x.dataSync();
  const y = new Float32Array(samples * steps * classes);
  for (let r = 0; r < samples * steps; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (xs[r * features + c] > xs[r * features + best]) best = c;
    y[r * classes + best] = 1;
  }
  return { x, y: wl.tensor(y, [samples, steps, classes]) };
}

function buildModel() {
  const model = wl.sequential();
  model.add(wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15], resetAfter: false, recurrentActivation: 'hard_sigmoid' }));
  model.add(wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }));
  model.add(wl.layers.activation({ activation: 'softmax' }));
  model.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }) });
  return model;
}

let frames = 0;
(function beat() {
  $('heartbeat').textContent = String(++frames);
  requestAnimationFrame(beat);
})();

const state = { losses: [], epochTimes: [], frames: () => frames, done: null, error: null };
window.demo = state;

async function train() {
  $('train').disabled = true;
  wl.setSeed(1);
  const { variant } = await wl.ready();
  $('variant').textContent = variant;
  $('workers').textContent = String(workers);
  $('shared').textContent = globalThis.crossOriginIsolated ? 'yes (SharedArrayBuffer, cross-origin isolated)' : 'no (transferred buffers: the page is not cross-origin isolated)';
  const model = buildModel();
  const lines = [];
  model.summary({ printFn: (l) => lines.push(l) });
  $('summary').textContent = lines.join('\n');
  const { x, y } = data();
  let started = performance.now();
  await model.fit(x, y, {
    batchSize: 128, epochs, workers, verbose: 0,
    callbacks: {
      onEpochBegin: () => { started = performance.now(); },
      onBatchEnd: (_, logs) => {
        state.losses.push(logs.loss);
        drawCurve($('curve'), state.losses);
      },
      onEpochEnd: (epoch, logs) => {
        state.epochTimes.push(performance.now() - started);
        $('epochs').textContent = state.epochTimes.map((t, i) => `${i + 1}: ${t.toFixed(0)} ms`).join(', ') + ` — loss ${logs.loss.toFixed(4)}`;
        $('status').textContent = `epoch ${epoch + 1}/${epochs}`;
      },
    },
  });
  $('status').textContent = 'done';
  $('train').disabled = false;
}

$('train').addEventListener('click', () => {
  state.done = train().catch((e) => {
    state.error = String(e?.stack ?? e);
    $('status').textContent = `error: ${e.message}`;
  });
});
if (params.get('autostart')) $('train').click();
