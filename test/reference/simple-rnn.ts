/**
 * Float64 SimpleRNN, forward and backward, written from the equations of shared/SPEC-LAYERS.md §3
 * and the mask rules of §1.6, one batch row and one timestep at a time: the reference the kernels
 * are checked against. Its own gradient is checked by central finite differences in
 * test/kernels/simple-rnn.test.ts.
 */
import { act, actGrad, type RefActivationK3 } from './activations.js';

export interface SimpleRnnRefConfig {
  units: number;
  /** φ: h = φ(x W + b + h_prev U). */
  activation: RefActivationK3;
  returnSequences: boolean;
  goBackwards: boolean;
  /** Keras's zero_output_for_mask: a masked step outputs 0 instead of the previous output. */
  zeroOutputForMask?: boolean;
}

/** kernel (F, u), recurrentKernel (u, u), bias (u) or null. */
export interface SimpleRnnRefWeights {
  kernel: Float64Array;
  recurrentKernel: Float64Array;
  bias: Float64Array | null;
}

/** x (B, T, F); mask (B, T), 1 = valid, in input order; initial h0 (B, u), or zeros. */
export interface SimpleRnnRefInputs {
  x: ArrayLike<number>;
  shape: [number, number, number];
  mask?: ArrayLike<number> | null;
  initialState?: Float64Array | null;
}

interface RowStep { tIn: number; valid: boolean; x: Float64Array; h: Float64Array; hNew: Float64Array }

export interface SimpleRnnRefResult {
  /** (B, T, u) in processing order with returnSequences, else (B, u). */
  out: Float64Array;
  /** The final state (B, u). */
  state: Float64Array;
  cache: { batch: number; steps: number; features: number; rows: RowStep[][] };
}

export function simpleRnnForwardRef(inputs: SimpleRnnRefInputs, w: SimpleRnnRefWeights, cfg: SimpleRnnRefConfig): SimpleRnnRefResult {
  const [batch, steps, features] = inputs.shape;
  const u = cfg.units;
  const out = new Float64Array(cfg.returnSequences ? batch * steps * u : batch * u);
  const state = new Float64Array(batch * u);
  const rows: RowStep[][] = [];
  for (let b = 0; b < batch; b++) {
    const row: RowStep[] = [];
    let h = inputs.initialState ? inputs.initialState.slice(b * u, (b + 1) * u) : new Float64Array(u);
    let last = new Float64Array(u);
    for (let t = 0; t < steps; t++) {
      const tIn = cfg.goBackwards ? steps - 1 - t : t;
      const valid = !inputs.mask || inputs.mask[b * steps + tIn] !== 0;
      const x = Float64Array.from({ length: features }, (_, k) => inputs.x[(b * steps + tIn) * features + k]);
      const z = matVec(x, w.kernel, u);
      const hu = matVec(h, w.recurrentKernel, u);
      const hNew = z.map((v, j) => act(v + hu[j] + (w.bias ? w.bias[j] : 0), cfg.activation));
      row.push({ tIn, valid, x, h, hNew });
      if (valid) {
        h = hNew; last = hNew;
      } else if (cfg.zeroOutputForMask) {
        last = new Float64Array(u);
      }
      if (cfg.returnSequences) out.set(last, (b * steps + t) * u);
    }
    if (!cfg.returnSequences) out.set(last, b * u);
    state.set(h, b * u);
    rows.push(row);
  }
  return { out, state, cache: { batch, steps, features, rows } };
}

export interface SimpleRnnRefGrads {
  dx: Float64Array;
  dKernel: Float64Array;
  dRecurrentKernel: Float64Array;
  dBias: Float64Array | null;
  /** dL/dh0 (B, u). */
  dInitialState: Float64Array;
  /** The gradient of the pre-activations, (T, B, u) in processing order (the kernel's dxproj). */
  dPre: Float64Array;
}

/** Backward through time for the loss Σ dOut ⊙ out + Σ dState ⊙ state (the final h; null is zero). */
export function simpleRnnBackwardRef(
  result: SimpleRnnRefResult, dOut: ArrayLike<number>, w: SimpleRnnRefWeights, cfg: SimpleRnnRefConfig,
  dState: ArrayLike<number> | null = null,
): SimpleRnnRefGrads {
  const { batch, steps, features, rows } = result.cache;
  const u = cfg.units;
  const dx = new Float64Array(batch * steps * features);
  const dKernel = new Float64Array(features * u), dRec = new Float64Array(u * u);
  const dBias = w.bias ? new Float64Array(u) : null;
  const dh0 = new Float64Array(batch * u);
  const dPre = new Float64Array(steps * batch * u);
  for (let b = 0; b < batch; b++) {
    const dh = Float64Array.from({ length: u }, (_, j) => dState?.[b * u + j] ?? 0);
    const dLast = new Float64Array(u);
    for (let t = steps - 1; t >= 0; t--) {
      const s = rows[b][t];
      if (cfg.returnSequences) for (let j = 0; j < u; j++) dLast[j] += dOut[(b * steps + t) * u + j];
      else if (t === steps - 1) for (let j = 0; j < u; j++) dLast[j] += dOut[b * u + j];
      if (!s.valid) {
        if (cfg.zeroOutputForMask) dLast.fill(0);
        continue;
      }
      for (let j = 0; j < u; j++) dh[j] += dLast[j];
      dLast.fill(0);
      const dz = dh.map((v, j) => v * actGrad(s.hNew[j], cfg.activation));
      dPre.set(dz, (t * batch + b) * u);
      for (let k = 0; k < features; k++) {
        let sum = 0;
        for (let j = 0; j < u; j++) {
          dKernel[k * u + j] += s.x[k] * dz[j];
          sum += dz[j] * w.kernel[k * u + j];
        }
        dx[(b * steps + s.tIn) * features + k] = sum;
      }
      if (dBias) for (let j = 0; j < u; j++) dBias[j] += dz[j];
      for (let k = 0; k < u; k++) {
        let sum = 0;
        for (let j = 0; j < u; j++) {
          dRec[k * u + j] += s.h[k] * dz[j];
          sum += dz[j] * w.recurrentKernel[k * u + j];
        }
        dh[k] = sum;
      }
    }
    dh0.set(dh, b * u);
  }
  return { dx, dKernel, dRecurrentKernel: dRec, dBias, dInitialState: dh0, dPre };
}

/** v (n) · M (n, cols) */
function matVec(v: Float64Array, M: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < v.length; i++) {
    const vi = v[i];
    for (let j = 0; j < cols; j++) out[j] += vi * M[i * cols + j];
  }
  return out;
}
