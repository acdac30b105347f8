/**
 * Float64 LSTM, forward and backward, written from the equations of shared/SPEC-LAYERS.md §2.3 and
 * the mask rules of §1.6, one batch row and one timestep at a time (no GEMMs, no layouts): the
 * reference the kernels are checked against. Its own gradient is checked by central finite
 * differences in test/kernels/lstm.test.ts.
 */
import { act, actGrad, type RefActivationK3 } from './activations.js';

export interface LstmRefConfig {
  units: number;
  /** σ of the i, f, o gates. */
  recurrentActivation: RefActivationK3;
  /** φ of the candidate and of the carry. */
  activation: RefActivationK3;
  returnSequences: boolean;
  goBackwards: boolean;
  /** Keras's zero_output_for_mask: a masked step outputs 0 instead of the previous output. */
  zeroOutputForMask?: boolean;
}

/** kernel (F, 4u), recurrentKernel (u, 4u), bias (4u) or null; column blocks [i | f | c | o]. */
export interface LstmRefWeights {
  kernel: Float64Array;
  recurrentKernel: Float64Array;
  bias: Float64Array | null;
}

/** x (B, T, F); mask (B, T), 1 = valid, in input order; initial [h0, c0], each (B, u), or zeros. */
export interface LstmRefInputs {
  x: ArrayLike<number>;
  shape: [number, number, number];
  mask?: ArrayLike<number> | null;
  initialState?: [Float64Array, Float64Array] | null;
}

interface RowStep {
  tIn: number; valid: boolean; x: Float64Array; h: Float64Array; c: Float64Array;
  i: Float64Array; f: Float64Array; g: Float64Array; o: Float64Array; a: Float64Array;
}

export interface LstmRefResult {
  /** (B, T, u) in processing order with returnSequences, else (B, u). */
  out: Float64Array;
  /** Final [h, c], each (B, u). */
  states: [Float64Array, Float64Array];
  cache: { batch: number; steps: number; features: number; rows: RowStep[][] };
}

export function lstmForwardRef(inputs: LstmRefInputs, w: LstmRefWeights, cfg: LstmRefConfig): LstmRefResult {
  const [batch, steps, features] = inputs.shape;
  const u = cfg.units, u4 = 4 * u;
  const out = new Float64Array(cfg.returnSequences ? batch * steps * u : batch * u);
  const states: [Float64Array, Float64Array] = [new Float64Array(batch * u), new Float64Array(batch * u)];
  const rows: RowStep[][] = [];
  for (let b = 0; b < batch; b++) {
    const row: RowStep[] = [];
    let h = inputs.initialState ? inputs.initialState[0].slice(b * u, (b + 1) * u) : new Float64Array(u);
    let c = inputs.initialState ? inputs.initialState[1].slice(b * u, (b + 1) * u) : new Float64Array(u);
    let last = new Float64Array(u);
    for (let t = 0; t < steps; t++) {
      const tIn = cfg.goBackwards ? steps - 1 - t : t;
      const valid = !inputs.mask || inputs.mask[b * steps + tIn] !== 0;
      const x = Float64Array.from({ length: features }, (_, k) => inputs.x[(b * steps + tIn) * features + k]);
      const z = matVec(x, w.kernel, u4);
      const hu = matVec(h, w.recurrentKernel, u4);
      for (let j = 0; j < u4; j++) z[j] += hu[j] + (w.bias ? w.bias[j] : 0);
      const i = new Float64Array(u), f = new Float64Array(u), g = new Float64Array(u), o = new Float64Array(u);
      const cNew = new Float64Array(u), a = new Float64Array(u), hNew = new Float64Array(u);
      for (let j = 0; j < u; j++) {
        i[j] = act(z[j], cfg.recurrentActivation);
        f[j] = act(z[u + j], cfg.recurrentActivation);
        g[j] = act(z[2 * u + j], cfg.activation);
        o[j] = act(z[3 * u + j], cfg.recurrentActivation);
        cNew[j] = f[j] * c[j] + i[j] * g[j];
        a[j] = act(cNew[j], cfg.activation);
        hNew[j] = o[j] * a[j];
      }
      row.push({ tIn, valid, x, h, c, i, f, g, o, a });
      if (valid) {
        h = hNew; c = cNew; last = hNew;
      } else if (cfg.zeroOutputForMask) {
        last = new Float64Array(u);
      }
      if (cfg.returnSequences) out.set(last, (b * steps + t) * u);
    }
    if (!cfg.returnSequences) out.set(last, b * u);
    states[0].set(h, b * u);
    states[1].set(c, b * u);
    rows.push(row);
  }
  return { out, states, cache: { batch, steps, features, rows } };
}

export interface LstmRefGrads {
  dx: Float64Array;
  dKernel: Float64Array;
  dRecurrentKernel: Float64Array;
  dBias: Float64Array | null;
  /** dL/dh0, dL/dc0, each (B, u). */
  dInitialState: [Float64Array, Float64Array];
  /** The gradient of the pre-activations z, (T, B, 4u) in processing order (the kernel's dxproj). */
  dPre: Float64Array;
}

/**
 * Backward through time for the loss Σ dOut ⊙ out + Σ dStates ⊙ states (the final [h, c]; null
 * entries are zero).
 */
export function lstmBackwardRef(
  result: LstmRefResult, dOut: ArrayLike<number>, w: LstmRefWeights, cfg: LstmRefConfig,
  dStates: [ArrayLike<number> | null, ArrayLike<number> | null] = [null, null],
): LstmRefGrads {
  const { batch, steps, features, rows } = result.cache;
  const u = cfg.units, u4 = 4 * u;
  const dx = new Float64Array(batch * steps * features);
  const dKernel = new Float64Array(features * u4), dRec = new Float64Array(u * u4);
  const dBias = w.bias ? new Float64Array(u4) : null;
  const dh0 = new Float64Array(batch * u), dc0 = new Float64Array(batch * u);
  const dPre = new Float64Array(steps * batch * u4);
  const U = w.recurrentKernel;
  for (let b = 0; b < batch; b++) {
    const dh = Float64Array.from({ length: u }, (_, j) => dStates[0]?.[b * u + j] ?? 0);
    const dc = Float64Array.from({ length: u }, (_, j) => dStates[1]?.[b * u + j] ?? 0);
    const dLast = new Float64Array(u);
    for (let t = steps - 1; t >= 0; t--) {
      const s = rows[b][t];
      if (cfg.returnSequences) for (let j = 0; j < u; j++) dLast[j] += dOut[(b * steps + t) * u + j];
      else if (t === steps - 1) for (let j = 0; j < u; j++) dLast[j] += dOut[b * u + j];
      if (!s.valid) {
        // the step is the identity on the states; its output is the previous one (or zero)
        if (cfg.zeroOutputForMask) dLast.fill(0);
        continue;
      }
      for (let j = 0; j < u; j++) dh[j] += dLast[j];
      dLast.fill(0);
      const dz = new Float64Array(u4);
      for (let j = 0; j < u; j++) {
        const dct = dc[j] + dh[j] * s.o[j] * actGrad(s.a[j], cfg.activation);
        dz[j] = dct * s.g[j] * actGrad(s.i[j], cfg.recurrentActivation);
        dz[u + j] = dct * s.c[j] * actGrad(s.f[j], cfg.recurrentActivation);
        dz[2 * u + j] = dct * s.i[j] * actGrad(s.g[j], cfg.activation);
        dz[3 * u + j] = dh[j] * s.a[j] * actGrad(s.o[j], cfg.recurrentActivation);
        dc[j] = dct * s.f[j];
      }
      dPre.set(dz, (t * batch + b) * u4);
      for (let k = 0; k < features; k++) {
        let sum = 0;
        for (let col = 0; col < u4; col++) {
          dKernel[k * u4 + col] += s.x[k] * dz[col];
          sum += dz[col] * w.kernel[k * u4 + col];
        }
        dx[(b * steps + s.tIn) * features + k] = sum;
      }
      if (dBias) for (let col = 0; col < u4; col++) dBias[col] += dz[col];
      for (let k = 0; k < u; k++) {
        let sum = 0;
        for (let col = 0; col < u4; col++) {
          dRec[k * u4 + col] += s.h[k] * dz[col];
          sum += dz[col] * U[k * u4 + col];
        }
        dh[k] = sum;
      }
    }
    dh0.set(dh, b * u);
    dc0.set(dc, b * u);
  }
  return { dx, dKernel, dRecurrentKernel: dRec, dBias, dInitialState: [dh0, dc0], dPre };
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
