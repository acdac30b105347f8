/**
 * Float64 Conv1D (shared/SPEC-LAYERS.md §10), written from the formula rather than from the GEMM
 * layout: y[b, t, f] = act(bias[f] + Σ_k Σ_c xp[b, t·s + k·d, c] · W[k, c, f]), with its backward.
 */
import { act, actGrad, type RefActivation } from './activations.js';

export interface Conv1DRefShape {
  batch: number;
  steps: number;
  channels: number;
  filters: number;
  taps: number;
  stride: number;
  dilation: number;
  padding: 'valid' | 'same' | 'causal';
  activation?: RefActivation;
}

/** Output length and zeros before the sequence (TensorFlow's rules, §10.3 table). */
export function conv1dRefGeometry(s: Conv1DRefShape): { out: number; before: number } {
  const span = s.dilation * (s.taps - 1) + 1;
  if (s.padding === 'valid') return { out: Math.floor((s.steps - span) / s.stride) + 1, before: 0 };
  const out = Math.ceil(s.steps / s.stride);
  if (s.padding === 'causal') return { out, before: span - 1 };
  return { out, before: Math.floor(Math.max((out - 1) * s.stride + span - s.steps, 0) / 2) };
}

/** Calls visit(b, t, f, xIndex, wIndex) for every product term of the convolution (padding skipped). */
function forEachTerm(s: Conv1DRefShape, visit: (yIndex: number, xIndex: number, wIndex: number) => void): void {
  const { out, before } = conv1dRefGeometry(s);
  for (let b = 0; b < s.batch; b++) {
    for (let t = 0; t < out; t++) {
      for (let k = 0; k < s.taps; k++) {
        const u = t * s.stride + k * s.dilation - before;
        if (u < 0 || u >= s.steps) continue;
        for (let c = 0; c < s.channels; c++) {
          for (let f = 0; f < s.filters; f++) visit((b * out + t) * s.filters + f, (b * s.steps + u) * s.channels + c, (k * s.channels + c) * s.filters + f);
        }
      }
    }
  }
}

/** y (B, out, F) (plain loops: the finite differences call it many times). */
export function conv1dRef(s: Conv1DRefShape, x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  const { out, before } = conv1dRefGeometry(s);
  const { channels: C, filters: F } = s;
  const y = new Float64Array(s.batch * out * F);
  const z = new Float64Array(F);
  for (let b = 0; b < s.batch; b++) {
    for (let t = 0; t < out; t++) {
      for (let f = 0; f < F; f++) z[f] = bias ? bias[f] : 0;
      for (let k = 0; k < s.taps; k++) {
        const u = t * s.stride + k * s.dilation - before;
        if (u < 0 || u >= s.steps) continue;
        for (let c = 0; c < C; c++) {
          const xv = x[(b * s.steps + u) * C + c];
          for (let f = 0; f < F; f++) z[f] += xv * w[(k * C + c) * F + f];
        }
      }
      for (let f = 0; f < F; f++) y[(b * out + t) * F + f] = act(z[f], s.activation ?? 'linear');
    }
  }
  return y;
}

/** dx, dW, db of L = Σ dy ⊙ y, from y = conv1dRef(...). */
export function conv1dRefBackward(s: Conv1DRefShape, x: ArrayLike<number>, w: ArrayLike<number>, y: ArrayLike<number>, dy: ArrayLike<number>) {
  const dz = Float64Array.from(dy, (g, i) => g * actGrad(y[i], s.activation ?? 'linear'));
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length), db = new Float64Array(s.filters);
  dz.forEach((g, i) => (db[i % s.filters] += g));
  forEachTerm(s, (yi, xi, wi) => {
    dx[xi] += dz[yi] * w[wi];
    dw[wi] += dz[yi] * x[xi];
  });
  return { dx, dw, db };
}
