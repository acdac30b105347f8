// Not part of `npm run bench`: one thread's predict and training step of GRU(256) and LSTM(256)
// (returnSequences on (64, 64) → TimeDistributed(Dense(64)) → softmax, batch 256), medians of 4, to
// compare the cells' efficiency per FLOP (the LSTM does 4u columns to the GRU's 3u: 1.33×).
//   node bench/recurrent-steps.mjs [--fma] [--recurrent-dropout R]
//   (--fma: the relaxed-SIMD build, V8 flag set by ready(); --recurrent-dropout: the recurrent layer's
//   recurrentDropout, training only)
import * as wl from 'wasm-layers';

const fma = process.argv.includes('--fma');
const rdAt = process.argv.indexOf('--recurrent-dropout');
const recurrentDropout = rdAt > 0 ? Number(process.argv[rdAt + 1]) : 0;
await wl.ready(fma ? { variant: 'relaxed-simd', enableRelaxedSimdFlag: true } : {});
const [B, T, F] = [256, 64, 64];
wl.setSeed(1);
const x = wl.randomUniform([B, T, F]);
const y = wl.randomUniform([B, T, 64]);
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const cells = {
  'GRU(256), tfjs math': () => wl.layers.gru({ units: 256, returnSequences: true, inputShape: [T, F], resetAfter: false, recurrentActivation: 'hard_sigmoid', recurrentDropout }),
  'LSTM(256), tfjs math': () => wl.layers.lstm({ units: 256, returnSequences: true, inputShape: [T, F], recurrentActivation: 'hard_sigmoid', recurrentDropout }),
  'LSTM(256), Keras 3 defaults': () => wl.layers.lstm({ units: 256, returnSequences: true, inputShape: [T, F], recurrentDropout }),
};
for (const [name, make] of Object.entries(cells)) {
  const m = wl.sequential({ layers: [make(), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 64 }) }), wl.layers.activation({ activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  const predict = () => m.predict(x, { workers: 0, batchSize: B });
  const step = () => m.fit(x, y, { workers: 0, batchSize: B, epochs: 1, verbose: 0 });
  await predict();
  await step();
  const times = { predict: [], step: [] };
  for (let i = 0; i < 4; i++) {
    for (const [k, f] of [['predict', predict], ['step', step]]) {
      const t0 = performance.now();
      await f();
      times[k].push(performance.now() - t0);
    }
  }
  console.log(`${name}${fma ? ' (FMA build)' : ''}${recurrentDropout ? `, recurrentDropout ${recurrentDropout}` : ''}: predict ${median(times.predict).toFixed(0)} ms, training step ${median(times.step).toFixed(0)} ms`);
  m.dispose();
}
await wl.shutdown();
