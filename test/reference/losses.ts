/**
 * Float64 softmax, categorical and sparse categorical cross-entropy (Keras's normalise + clip), binary
 * cross-entropy (clipped), MSE, MAE and Huber, with gradients.
 */
// Keras clips in float32: [1e-7, 1 − 1e-7] with 1 − 1e-7 rounded to float32 (0.99999988).
const EPS = Math.fround(1e-7);
const ONE_MINUS_EPS = Math.fround(1 - 1e-7);

export function softmaxRef(x: ArrayLike<number>, rows: number, n: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[r * n + j]);
    let s = 0;
    for (let j = 0; j < n; j++) s += (out[r * n + j] = Math.exp(x[r * n + j] - m));
    for (let j = 0; j < n; j++) out[r * n + j] /= s;
  }
  return out;
}

/** Σ over rows of −Σ y·log(clip(p/Σp)) */
export function categoricalCrossentropyRef(p: ArrayLike<number>, y: ArrayLike<number>, rows: number, n: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += p[r * n + j];
    for (let j = 0; j < n; j++) {
      const q = Math.min(Math.max(p[r * n + j] / s, EPS), ONE_MINUS_EPS);
      total -= y[r * n + j] * Math.log(q);
    }
  }
  return total;
}

/** d/dlogits of Σ CE(softmax(logits)) without the clip: p·Σy − y per row. */
export function softmaxCrossentropyGradRef(p: ArrayLike<number>, y: ArrayLike<number>, rows: number, n: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let ys = 0;
    for (let j = 0; j < n; j++) ys += y[r * n + j];
    for (let j = 0; j < n; j++) out[r * n + j] = p[r * n + j] * ys - y[r * n + j];
  }
  return out;
}

export function sumSquaredErrorRef(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - y[i]) ** 2;
  return s;
}

const clip = (v: number) => Math.min(Math.max(v, EPS), ONE_MINUS_EPS);
/** Whether the clip passes p's gradient (strictly inside [ε, 1 − ε]; a measure-zero choice at the ends). */
const insideClip = (v: number) => v > EPS && v < ONE_MINUS_EPS;

/** Σ over rows of Keras's sparse CE of probabilities: −log(c_k / Σ c), c = clip(p, ε, 1 − ε), k = the row's class. */
export function sparseCrossentropyRef(p: ArrayLike<number>, k: ArrayLike<number>, rows: number, n: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += clip(p[r * n + j]);
    total += Math.log(s) - Math.log(clip(p[r * n + k[r]]));
  }
  return total;
}

/** d/dp of sparseCrossentropyRef through the clip: 1/Σc − [j = k]/c_k inside the clip, 0 outside. */
export function sparseCrossentropyGradRef(p: ArrayLike<number>, k: ArrayLike<number>, rows: number, n: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += clip(p[r * n + j]);
    for (let j = 0; j < n; j++) {
      const v = p[r * n + j];
      out[r * n + j] = insideClip(v) ? 1 / s - (j === k[r] ? 1 / clip(v) : 0) : 0;
    }
  }
  return out;
}

/** d/dlogits of Σ sparse CE(softmax(logits)) without the clip: p − onehot(k) per row. */
export function sparseSoftmaxCrossentropyGradRef(p: ArrayLike<number>, k: ArrayLike<number>, rows: number, n: number): Float64Array {
  const out = Float64Array.from(p);
  for (let r = 0; r < rows; r++) out[r * n + k[r]] -= 1;
  return out;
}

/** Σ over elements of −[y·log c + (1 − y)·log(1 − c)], c = clip(p, ε, 1 − ε). */
export function binaryCrossentropyRef(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    const c = clip(p[i]);
    total -= y[i] * Math.log(c) + (1 - y[i]) * Math.log(1 - c);
  }
  return total;
}

/** d/dp of binaryCrossentropyRef through the clip: (c − y)/(c(1 − c)) inside it, 0 outside. */
export function binaryCrossentropyGradRef(p: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  return Float64Array.from(p, (v, i) => (insideClip(v) ? (v - y[i]) / (v * (1 - v)) : 0));
}

export function sumAbsoluteErrorRef(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - y[i]);
  return s;
}

/** d/dp of sumAbsoluteErrorRef: sign(p − y), 0 where p = y. */
export function sumAbsoluteErrorGradRef(p: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  return Float64Array.from(p, (v, i) => Math.sign(v - y[i]));
}

/** Σ over elements of Huber(e = p − y): 0.5e² where |e| ≤ δ, δ|e| − 0.5δ² elsewhere. */
export function huberRef(p: ArrayLike<number>, y: ArrayLike<number>, delta = 1): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.abs(p[i] - y[i]);
    s += a <= delta ? 0.5 * a * a : delta * a - 0.5 * delta * delta;
  }
  return s;
}

/** d/dp of huberRef: e inside the threshold, δ·sign(e) outside. */
export function huberGradRef(p: ArrayLike<number>, y: ArrayLike<number>, delta = 1): Float64Array {
  return Float64Array.from(p, (v, i) => {
    const e = v - y[i];
    return Math.abs(e) <= delta ? e : delta * Math.sign(e);
  });
}
