// A character-level text model, end to end: an LSTM reads 24 characters and predicts the next one
// (the shape of TensorFlow.js's lstm-text-generation example), a Bidirectional(GRU) tagger marks
// where words start in the same text, and both train on the worker pool. After training, the LSTM
// writes text by sampling one character at a time.
// Run: node examples/char-lstm/main.mjs [epochs]
import * as wl from 'wasm-layers';

const TEXT = `the quick brown fox jumps over the lazy dog. a recurrent network reads a sequence one step
at a time and carries what it has seen in its state. the long short-term memory cell keeps a second
state, its carry, and three gates decide what to forget, what to add and what to show. trained on
enough text, it learns which letters follow which, then words, then a little of their order. the
quick brown fox jumps over the lazy dog again, because repetition is how a small model learns.`
  .replace(/\s+/g, ' ');
const STEPS = 24;
const EPOCHS = Number(process.argv[2] ?? 40);

const chars = [...new Set(TEXT)].sort();
const index = new Map(chars.map((c, i) => [c, i]));
const V = chars.length;

/** One-hot windows of STEPS characters and, for each, the next character. */
function windows(stride = 1) {
  const starts = [];
  for (let s = 0; s + STEPS < TEXT.length; s += stride) starts.push(s);
  const x = new Float32Array(starts.length * STEPS * V);
  const y = new Float32Array(starts.length * V);
  starts.forEach((s, n) => {
    for (let t = 0; t < STEPS; t++) x[(n * STEPS + t) * V + index.get(TEXT[s + t])] = 1;
    y[n * V + index.get(TEXT[s + STEPS])] = 1;
  });
  return { x: wl.tensor(x, [starts.length, STEPS, V]), y: wl.tensor(y, [starts.length, V]), count: starts.length };
}

/** For the tagger: 1 where a character starts a word, per step. */
function wordStarts(x, count) {
  const data = x.dataSync();
  const tags = new Float32Array(count * STEPS * 2);
  const space = index.get(' ');
  for (let n = 0; n < count; n++) {
    for (let t = 0; t < STEPS; t++) {
      const isSpace = (k) => k < 0 || data[(n * STEPS + k) * V + space] === 1;
      const start = !isSpace(t) && isSpace(t - 1) ? 1 : 0;
      tags[(n * STEPS + t) * 2 + start] = 1;
    }
  }
  return wl.tensor(tags, [count, STEPS, 2]);
}

/** Samples an index from probabilities sharpened by `temperature`. */
function sample(probs, temperature, random) {
  const logits = Array.from(probs, (p) => Math.log(Math.max(p, 1e-9)) / temperature);
  const max = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - max));
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) <= 0) return i;
  return weights.length - 1;
}

wl.setSeed(7);
const { variant } = await wl.ready();
console.log(`wasm-layers (${variant} kernels): ${TEXT.length} characters, vocabulary of ${V}\n`);
const { x, y, count } = windows();

// 1. the next-character LSTM
const lstm = wl.sequential({
  layers: [
    wl.layers.lstm({ units: 96, inputShape: [STEPS, V] }),
    wl.layers.dense({ units: V, activation: 'softmax' }),
  ],
});
lstm.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }), metrics: ['accuracy'] });
lstm.summary();
const t0 = performance.now();
const history = await lstm.fit(x, y, { epochs: EPOCHS, batchSize: 64, verbose: 0 });
const seconds = (performance.now() - t0) / 1000;
const { loss, accuracy } = history.history;
console.log(`\nLSTM: ${EPOCHS} epochs of ${count} windows in ${seconds.toFixed(1)} s; loss ${loss[0].toFixed(3)} → ${loss.at(-1).toFixed(3)}, accuracy ${accuracy.at(-1).toFixed(3)}`);

let seed = TEXT.slice(0, STEPS);
let written = '';
let state = 1;
const random = () => ((state = (state * 48271) % 2147483647) / 2147483647);
for (let i = 0; i < 120; i++) {
  const window = new Float32Array(STEPS * V);
  [...seed].forEach((c, t) => (window[t * V + index.get(c)] = 1));
  const probs = lstm.predict(wl.tensor(window, [1, STEPS, V])).dataSync();
  const next = chars[sample(probs, 0.5, random)];
  written += next;
  seed = seed.slice(1) + next;
}
console.log(`sampled (temperature 0.5): "${TEXT.slice(0, STEPS)}|${written}"\n`);

// 2. a Bidirectional GRU that tags word starts: each step sees the characters on both sides
const tagger = wl.sequential({
  layers: [
    wl.layers.bidirectional({ layer: wl.layers.gru({ units: 16, returnSequences: true }), inputShape: [STEPS, V] }),
    wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 2, activation: 'softmax' }) }),
  ],
});
tagger.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }), metrics: ['accuracy'] });
const tags = wordStarts(x, count);
const tagged = await tagger.fit(x, tags, { epochs: Math.max(3, EPOCHS / 2), batchSize: 64, verbose: 0 });
console.log(`Bidirectional(GRU) word-start tagger: accuracy ${tagged.history.accuracy.at(-1).toFixed(3)} (${tagger.countParams()} parameters)`);

await wl.shutdown();
