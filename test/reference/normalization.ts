/**
 * Float64 references of LayerNormalization and BatchNormalization (shared/SPEC-LAYERS.md §14-15),
 * forward and backward written out by the chain rule, step by step (not the kernels' closed forms).
 */

/** LayerNormalization over rows of n: y = (x − μ)/√(σ² + ε)·γ + β (γ, β null: absent). */
export function layerNormRef(x: ArrayLike<number>, n: number, gamma: ArrayLike<number> | null, beta: ArrayLike<number> | null, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / n; r++) {
    const row = Array.from({ length: n }, (_, j) => x[r * n + j]);
    const mu = row.reduce((a, v) => a + v, 0) / n;
    const variance = row.reduce((a, v) => a + (v - mu) ** 2, 0) / n;
    const inv = 1 / Math.sqrt(variance + eps);
    row.forEach((v, j) => (y[r * n + j] = (v - mu) * inv * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0)));
  }
  return y;
}

/** dx, dγ, dβ of layerNormRef for the cotangent dy. */
export function layerNormBackwardRef(x: ArrayLike<number>, n: number, gamma: ArrayLike<number> | null, eps: number, dy: ArrayLike<number>) {
  const dx = new Float64Array(x.length);
  const dgamma = new Float64Array(n);
  const dbeta = new Float64Array(n);
  for (let r = 0; r < x.length / n; r++) {
    const o = r * n;
    let mu = 0;
    for (let j = 0; j < n; j++) mu += x[o + j] / n;
    let variance = 0;
    for (let j = 0; j < n; j++) variance += (x[o + j] - mu) ** 2 / n;
    const s = Math.sqrt(variance + eps);
    // y = c·γ/s + β with c = x − μ: back through γ, then s (via σ²), then c and μ
    let dVar = 0;
    let dMu = 0;
    for (let j = 0; j < n; j++) {
      const c = x[o + j] - mu;
      const dxhat = dy[o + j] * (gamma ? gamma[j] : 1);
      dgamma[j] += dy[o + j] * (c / s);
      dbeta[j] += dy[o + j];
      dVar += dxhat * c * (-0.5) * s ** -3;
      dMu -= dxhat / s;
    }
    for (let j = 0; j < n; j++) {
      const c = x[o + j] - mu;
      dMu += dVar * (-2 * c) / n;
    }
    for (let j = 0; j < n; j++) {
      const c = x[o + j] - mu;
      dx[o + j] = (dy[o + j] * (gamma ? gamma[j] : 1)) / s + dVar * (2 * c) / n + dMu / n;
    }
  }
  return { dx, dgamma, dbeta };
}

/** An input seen as (outer, channels, inner) around the channel axis. */
export interface Layout {
  outer: number;
  channels: number;
  inner: number;
}

const at = (l: Layout, o: number, ch: number, i: number) => (o * l.channels + ch) * l.inner + i;

/**
 * Keras 3's batch moments per channel: mean and biased variance over every other axis; with a mask
 * (one weight per (outer, inner) position) Σw·x / (Σw + 1e-7) and Σw·(w·x − μ)² / (Σw + 1e-7).
 */
export function batchMomentsRef(x: ArrayLike<number>, l: Layout, mask: ArrayLike<number> | null) {
  const mean = new Float64Array(l.channels);
  const variance = new Float64Array(l.channels);
  let weights = 0;
  for (let p = 0; p < l.outer * l.inner; p++) weights += mask ? mask[p] : 1;
  const d = mask ? weights + 1e-7 : weights;
  for (let ch = 0; ch < l.channels; ch++) {
    let s = 0;
    for (let o = 0; o < l.outer; o++) for (let i = 0; i < l.inner; i++) s += (mask ? mask[o * l.inner + i] : 1) * x[at(l, o, ch, i)];
    mean[ch] = s / d;
    let v = 0;
    for (let o = 0; o < l.outer; o++) {
      for (let i = 0; i < l.inner; i++) {
        const w = mask ? mask[o * l.inner + i] : 1;
        v += w * (w * x[at(l, o, ch, i)] - mean[ch]) ** 2;
      }
    }
    variance[ch] = v / d;
  }
  return { mean, variance, d };
}

export interface BatchNormRefOptions {
  gamma: ArrayLike<number> | null;
  beta: ArrayLike<number> | null;
  eps: number;
  /** Training: the batch's statistics (masked with `mask`); else movingMean / movingVariance. */
  training: boolean;
  mask?: ArrayLike<number> | null;
  movingMean?: ArrayLike<number>;
  movingVariance?: ArrayLike<number>;
}

/** BatchNormalization forward: y and the statistics used. */
export function batchNormRef(x: ArrayLike<number>, l: Layout, o: BatchNormRefOptions) {
  const stats = o.training ? batchMomentsRef(x, l, o.mask ?? null) : { mean: Float64Array.from(o.movingMean!), variance: Float64Array.from(o.movingVariance!) };
  const y = new Float64Array(x.length);
  for (let p = 0; p < l.outer; p++) {
    for (let ch = 0; ch < l.channels; ch++) {
      const s = Math.sqrt(stats.variance[ch] + o.eps);
      for (let i = 0; i < l.inner; i++) {
        const k = at(l, p, ch, i);
        y[k] = ((x[k] - stats.mean[ch]) / s) * (o.gamma ? o.gamma[ch] : 1) + (o.beta ? o.beta[ch] : 0);
      }
    }
  }
  return { y, ...stats };
}

/** dx, dγ, dβ of batchNormRef for the cotangent dy (through the batch statistics in training). */
export function batchNormBackwardRef(x: ArrayLike<number>, l: Layout, o: BatchNormRefOptions, dy: ArrayLike<number>) {
  const { mean, variance } = batchNormRef(x, l, o);
  const mask = o.training ? o.mask ?? null : null;
  const { d } = batchMomentsRef(x, l, mask);
  const dx = new Float64Array(x.length);
  const dgamma = new Float64Array(l.channels);
  const dbeta = new Float64Array(l.channels);
  const w = (p: number, i: number) => (mask ? mask[p * l.inner + i] : 1);
  for (let ch = 0; ch < l.channels; ch++) {
    const s = Math.sqrt(variance[ch] + o.eps);
    const g = o.gamma ? o.gamma[ch] : 1;
    let dVar = 0;
    let dMu = 0;
    for (let p = 0; p < l.outer; p++) {
      for (let i = 0; i < l.inner; i++) {
        const k = at(l, p, ch, i);
        const c = x[k] - mean[ch];
        dgamma[ch] += dy[k] * (c / s);
        dbeta[ch] += dy[k];
        dVar += dy[k] * g * c * (-0.5) * s ** -3;
        dMu -= (dy[k] * g) / s;
      }
    }
    if (o.training) {
      // σ² = Σw·(w·x − μ)²/d also depends on μ (exactly 0 unmasked: tf.nn.moments stops that path)
      if (mask) for (let p = 0; p < l.outer; p++) for (let i = 0; i < l.inner; i++) dMu += dVar * (-2 * w(p, i) * (w(p, i) * x[at(l, p, ch, i)] - mean[ch])) / d;
    }
    for (let p = 0; p < l.outer; p++) {
      for (let i = 0; i < l.inner; i++) {
        const k = at(l, p, ch, i);
        let v = (dy[k] * g) / s;
        if (o.training) v += dVar * (2 * w(p, i) * w(p, i) * (w(p, i) * x[k] - mean[ch])) / d + (dMu * w(p, i)) / d;
        dx[k] = v;
      }
    }
  }
  return { dx, dgamma, dbeta };
}

/** Keras's moving statistic after a step: moving·momentum + batch·(1 − momentum). */
export function movingAverageRef(moving: ArrayLike<number>, batch: ArrayLike<number>, momentum: number): Float64Array {
  return Float64Array.from(moving, (m, i) => m * momentum + batch[i] * (1 - momentum));
}
