// The same random data for every stack: X uniform in [0, 1), one-hot targets. Plain Float32Arrays;
// each stack wraps them in its own tensors.
import { SEED } from './config.mjs';

/** mulberry32: a small seeded PRNG, so every process builds identical data. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [lo, hi). */
export function uniform(count, random, lo = 0, hi = 1) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

function oneHot(rows, depth, random) {
  const out = new Float32Array(rows * depth);
  for (let i = 0; i < rows; i++) out[i * depth + Math.floor(random() * depth)] = 1;
  return out;
}

/** GRU(256)'s x [n, steps, features] and one-hot y [n, steps, outputs] (config.mjs GRU256). */
export function gru256Data(n, { steps, features, outputs }) {
  const random = rng(256);
  return {
    x: { values: uniform(n * steps * features, random), shape: [n, steps, features] },
    y: { values: oneHot(n * steps, outputs, random), shape: [n, steps, outputs] },
  };
}

/** X [n, T, F], Y1 [n, T, C] (models 1 and 2), Y2 [n, C] (model 3), with their shapes. */
export function seedData() {
  const { samples: n, maxLen: t, inputSize: f, outputSize: c } = SEED;
  const random = rng(42);
  return {
    x: { values: uniform(n * t * f, random), shape: [n, t, f] },
    y1: { values: oneHot(n * t, c, random), shape: [n, t, c] },
    y2: { values: oneHot(n, c, random), shape: [n, c] },
  };
}

/**
 * A copy of x [n, steps, features] with each row's last k steps set to `maskValue` in every feature,
 * k drawn uniformly from 0..maskedMax (seeded): padding of varied length, maskedMax / 2 / steps of the
 * steps on average (25% for 0..32 of 64). Returns the copy and the masked fraction.
 */
export function maskedTail(x, { steps, features, maskedMax, maskValue = 0 }) {
  const random = rng(25);
  const values = Float32Array.from(x.values);
  const n = x.shape[0];
  let masked = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.floor(random() * (maskedMax + 1));
    values.fill(maskValue, (i * steps + steps - k) * features, (i + 1) * steps * features);
    masked += k;
  }
  return { x: { values, shape: x.shape }, maskedFraction: masked / (n * steps) };
}

/**
 * Token ids [n, steps] (int32) distributed as word ranks in text: id r in [1, ids) with probability
 * ∝ 1/r (Zipf's law, s = 1), seeded; labels as idsData. Real text repeats its ids (a 2000-token chunk
 * of these holds ~880 distinct ids, of uniform ids ~1800), which the per-distinct-id input projection
 * of a recurrent layer after an Embedding (src/ops/token-projection.ts) turns into fewer GEMM rows.
 */
export function zipfIdsData(n, { steps, ids }) {
  const random = rng(27);
  const cumulative = new Float64Array(ids - 1);
  let total = 0;
  for (let r = 1; r < ids; r++) cumulative[r - 1] = total += 1 / r;
  const x = new Int32Array(n * steps);
  for (let i = 0; i < x.length; i++) {
    const u = random() * total;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    x[i] = lo + 1;
  }
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = random() < 0.5 ? 0 : 1;
  return { x: { values: x, shape: [n, steps], dtype: 'int32' }, y: { values: y, shape: [n, 1] } };
}

/**
 * Token ids [n, steps] (int32), uniform in [1, ids) (seeded; 0 stays free for padding), and random
 * binary labels [n, 1]: the text classifiers of the sequence part (config.mjs SEQUENCE.sentiment, textConv).
 */
export function idsData(n, { steps, ids }) {
  const random = rng(26);
  const x = new Int32Array(n * steps);
  for (let i = 0; i < x.length; i++) x[i] = 1 + Math.floor(random() * (ids - 1));
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = random() < 0.5 ? 0 : 1;
  return { x: { values: x, shape: [n, steps], dtype: 'int32' }, y: { values: y, shape: [n, 1] } };
}
