/** Float64 softmax, categorical cross-entropy (Keras's normalise + clip) and MSE, with gradients. */
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
