// A two-input, two-output model (two independent GRU(16) → Dense(8, softmax) branches over (64, 15))
// against its two branches as separate models, on this thread: one epoch of 1000 samples and one
// predict of 1000, alternated, the median of the paired ratios (combined / sum of the parts).
// node bench/multi-input-parts.mjs [batchSize]
import * as wl from 'wasm-layers';
const batchSize = Number(process.argv[2] ?? 128);
const branch = (name) => {
  const x = wl.input({ shape: [64, 15], name: `${name}_in` });
  const y = wl.layers.dense({ units: 8, activation: 'softmax', name: `${name}_out` }).apply(wl.layers.gru({ units: 16, returnSequences: true, name: `${name}_gru` }).apply(x));
  return { x, y };
};
wl.setSeed(1);
const a = branch('a'), b = branch('b');
const both = wl.model({ inputs: [a.x, b.x], outputs: [a.y, b.y] });
const onlyA = wl.model({ inputs: a.x, outputs: a.y }), onlyB = wl.model({ inputs: b.x, outputs: b.y });
for (const m of [both, onlyA, onlyB]) m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
const xa = wl.randomUniform([1000, 64, 15]), xb = wl.randomUniform([1000, 64, 15]);
const ya = wl.randomUniform([1000, 64, 8]), yb = wl.randomUniform([1000, 64, 8]);
const opts = { batchSize, epochs: 1, verbose: 0, workers: 0 };
const runs = {
  both: () => both.fit([xa, xb], [ya, yb], opts),
  parts: async () => { await onlyA.fit(xa, ya, opts); await onlyB.fit(xb, yb, opts); },
  bothPredict: () => both.predict([xa, xb], { batchSize: 1000, workers: 0 }),
  partsPredict: async () => { await onlyA.predict(xa, { batchSize: 1000, workers: 0 }); await onlyB.predict(xb, { batchSize: 1000, workers: 0 }); },
};
for (const f of Object.values(runs)) for (let i = 0; i < 3; i++) await f();
const ratios = { fit: [], predict: [] };
for (let r = 0; r < 31; r++) {
  for (const [kind, one, two] of [['fit', 'both', 'parts'], ['predict', 'bothPredict', 'partsPredict']]) {
    const time = async (f) => { const t = performance.now(); await f(); return performance.now() - t; };
    let tBoth, tParts;
    if (r % 2) { tBoth = await time(runs[one]); tParts = await time(runs[two]); } else { tParts = await time(runs[two]); tBoth = await time(runs[one]); }
    ratios[kind].push(tBoth / tParts);
  }
}
for (const [k, v] of Object.entries(ratios)) { v.sort((p, q) => p - q); console.log(`batch ${batchSize}, ${k}: two-input model / sum of its parts, median ${v[15].toFixed(3)} (middle half ${v[8].toFixed(3)}–${v[23].toFixed(3)}, 31 pairs)`); }
await wl.shutdown();
