/**
 * Float64 LSTM, forward and backward, written from the equations of shared/SPEC-LAYERS.md §2.3 and
 * the mask rules of §1.6, one batch row and one timestep at a time (no GEMMs, no layouts): the
 * reference the kernels are checked against. Its own gradient is checked by central finite
 * differences in test/kernels/lstm.test.ts.
 */
import { act, actGrad, type RefActivationK3 } from './activations.js';
import {
  accumulate, backwardThroughTime, gateMasks, gatedMatVec, gatedMatVecBackward, runSequence,
  type RefDropout, type RefSequenceInputs, type RefWeights,
} from './sequence-common.js';

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
export type LstmRefWeights = RefWeights;

/**
 * The initial states are [h0, c0]. Training dropout (Keras 3's implementation 1, gates [i | f | c | o]):
 * x ⊙ mx_g into gate g's kernel, h ⊙ m_g into its recurrent product; c is never masked.
 */
export type LstmRefInputs = RefSequenceInputs<[Float64Array, Float64Array]> & { dropout?: RefDropout };

interface RowStep {
  tIn: number; valid: boolean; x: Float64Array; h: Float64Array; c: Float64Array;
  i: Float64Array; f: Float64Array; g: Float64Array; o: Float64Array; a: Float64Array;
  mx: Float64Array[] | null; mh: Float64Array[] | null;
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
  const rows: RowStep[][] = Array.from({ length: batch }, () => []);
  const loop = { ...cfg, batch, steps, features, mask: inputs.mask };
  const { out, finalStates: [h, c] } = runSequence(inputs.x, loop, [inputs.initialState?.[0], inputs.initialState?.[1]], (x, [h, c], { b, tIn, valid }) => {
    const mx = gateMasks(inputs.dropout?.input, b, 4, features), mh = gateMasks(inputs.dropout?.recurrent, b, 4, u);
    const z = gatedMatVec(x, mx, w.kernel, u4);
    const hu = gatedMatVec(h, mh, w.recurrentKernel, u4);
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
    rows[b].push({ tIn, valid, x, h, c, i, f, g, o, a, mx, mh });
    return [hNew, cNew];
  });
  return { out, states: [h, c], cache: { batch, steps, features, rows } };
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
  const dPre = new Float64Array(steps * batch * u4);
  const loop = { ...cfg, batch, steps, features };
  const [dh0, dc0] = backwardThroughTime(loop, dOut, dStates, (b, t) => rows[b][t].valid, (b, t, [dh, dc]) => {
    const s = rows[b][t];
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
    dx.set(gatedMatVecBackward(s.x, s.mx, dz, w.kernel, dKernel), (b * steps + s.tIn) * features);
    accumulate(dBias, dz);
    return [gatedMatVecBackward(s.h, s.mh, dz, w.recurrentKernel, dRec), dc];
  });
  return { dx, dKernel, dRecurrentKernel: dRec, dBias, dInitialState: [dh0, dc0], dPre };
}
