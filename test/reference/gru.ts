/**
 * Float64 GRU, forward and backward, written from the equations of shared/SPEC.md §2 one timestep at
 * a time (no GEMMs, no layouts): the reference the kernels are checked against, with Keras 3's
 * masked steps (shared/SPEC-LAYERS.md §1.6), an initial state and the final state's gradient. Its
 * own gradient is checked by central finite differences in test/reference/gru-reference.test.ts.
 */
import { act, actGrad, type RefActivationK3 } from './activations.js';
import {
  accumulate, backwardThroughTime, gateMasks, gatedMatVec, gatedMatVecBackward, inputStep, matVec, runSequence,
  type RefDropout, type RefWeights,
} from './sequence-common.js';

export interface GruRefConfig {
  units: number;
  resetAfter: boolean;
  recurrentActivation: RefActivationK3;
  activation: RefActivationK3;
  goBackwards: boolean;
  returnSequences: boolean;
  /** With a mask: a masked step outputs zeros instead of the previous output. */
  zeroOutputForMask?: boolean;
}

/** Optional inputs of the forward pass. */
export interface GruRefInputs {
  /** (B, T) in the input's time order (reversed with it for goBackwards), 1 valid, 0 masked. */
  mask?: ArrayLike<number> | null;
  /** h0 (B, u); zeros when absent. */
  initialState?: ArrayLike<number> | null;
  /**
   * Training dropout, Keras 3's implementation 1 (gates [z | r | h]): x ⊙ mx_g into gate g's kernel,
   * h ⊙ m_g into its recurrent product (reset_before: r ⊙ (h ⊙ m_h)); z ⊙ h reads h unmasked.
   */
  dropout?: RefDropout;
}

/** kernel (F, 3u), recurrentKernel (u, 3u), bias (3u) or (2, 3u) with resetAfter; row-major. */
export type GruRefWeights = RefWeights;

interface StepCache {
  x: Float64Array[]; h: Float64Array[]; z: Float64Array[]; r: Float64Array[]; hh: Float64Array[]; uh: Float64Array[];
  valid: boolean[];
  /** The row's dropout masks per gate (null: none). */
  mx: Float64Array[] | null; mh: Float64Array[] | null;
}

export interface GruRefResult {
  /** (B, T, u) or (B, u) */
  out: Float64Array;
  /** The final state (B, u). */
  hT: Float64Array;
  cache: { batch: number; steps: number; features: number; perStep: StepCache[] };
}

/**
 * Per step and row: new = cell(x_t, h); h = valid ? new : h; out_t = valid ? new : (zeroOutputForMask
 * ? 0 : out_{t−1}), out_{−1} = 0 (Keras 3's generic loop).
 */
export function gruForwardRef(
  x: ArrayLike<number>, [batch, steps, features]: [number, number, number], w: GruRefWeights, cfg: GruRefConfig,
  { mask, initialState, dropout }: GruRefInputs = {},
): GruRefResult {
  const u = cfg.units;
  const perStep: StepCache[] = Array.from({ length: batch }, (_, b) => ({
    x: [], h: [], z: [], r: [], hh: [], uh: [], valid: [],
    mx: gateMasks(dropout?.input, b, 3, features), mh: gateMasks(dropout?.recurrent, b, 3, u),
  }));
  const { out, finalStates: [hT] } = runSequence(x, { ...cfg, batch, steps, features, mask }, [initialState], (xt, [h], { b, valid }) => {
    const { mx, mh } = perStep[b];
    const xw = gatedMatVec(xt, mx, w.kernel, 3 * u);
    if (w.bias) for (let j = 0; j < 3 * u; j++) xw[j] += w.bias[j];
    const hu = gatedMatVec(h, mh, w.recurrentKernel, 3 * u);
    if (w.bias && cfg.resetAfter) for (let j = 0; j < 3 * u; j++) hu[j] += w.bias[3 * u + j];
    const z = new Float64Array(u), r = new Float64Array(u), hh = new Float64Array(u), uh = new Float64Array(u);
    for (let j = 0; j < u; j++) {
      z[j] = act(xw[j] + hu[j], cfg.recurrentActivation);
      r[j] = act(xw[u + j] + hu[u + j], cfg.recurrentActivation);
    }
    if (cfg.resetAfter) {
      for (let j = 0; j < u; j++) {
        uh[j] = hu[2 * u + j];
        hh[j] = act(xw[2 * u + j] + r[j] * uh[j], cfg.activation);
      }
    } else {
      const rh = h.map((v, j) => r[j] * v * (mh ? mh[2][j] : 1));
      const rhu = matVec(rh, w.recurrentKernel, 3 * u);
      for (let j = 0; j < u; j++) hh[j] = act(xw[2 * u + j] + rhu[2 * u + j], cfg.activation);
    }
    const next = new Float64Array(u);
    for (let j = 0; j < u; j++) next[j] = z[j] * h[j] + (1 - z[j]) * hh[j];
    const cache = perStep[b];
    cache.x.push(xt); cache.h.push(h); cache.z.push(z); cache.r.push(r); cache.hh.push(hh); cache.uh.push(uh);
    cache.valid.push(valid);
    return [next];
  });
  return { out, hT, cache: { batch, steps, features, perStep } };
}

export interface GruRefGrads {
  dx: Float64Array;
  dKernel: Float64Array;
  dRecurrentKernel: Float64Array;
  dBias: Float64Array | null;
  /** [da_z | da_r | da_h] per row and processed step, (B, T, 3u): the gradient of x·W + b. */
  dPre: Float64Array;
  /** da_h ⊙ r (B, T, u): the gradient of u_h = h·U_h + br_h (reset_after; zeros otherwise). */
  dUh: Float64Array;
  /** dL/dh0 (B, u). */
  dh0: Float64Array;
}

/**
 * Backward through time for the loss Σ dOut ⊙ out + Σ dhT ⊙ hT (SPEC §2's step equations). The
 * output's gradient runs through the last-output chain dLast: dLast += dOut_t; a valid step moves
 * it into dh, a masked one keeps it for the previous output (or drops it with zeroOutputForMask) and
 * passes dh through unchanged.
 */
export function gruBackwardRef(
  result: GruRefResult, dOut: ArrayLike<number>, w: GruRefWeights, cfg: GruRefConfig, dhT?: ArrayLike<number> | null,
): GruRefGrads {
  const { batch, steps, features, perStep } = result.cache;
  const u = cfg.units, u3 = 3 * u;
  const dx = new Float64Array(batch * steps * features);
  const dKernel = new Float64Array(features * u3);
  const dRec = new Float64Array(u * u3);
  const dBias = w.bias ? new Float64Array(w.bias.length) : null;
  const dPre = new Float64Array(batch * steps * u3), dUh = new Float64Array(batch * steps * u);
  const U = w.recurrentKernel;
  const loop = { ...cfg, batch, steps, features };
  const [dh0] = backwardThroughTime(loop, dOut, [dhT], (b, t) => perStep[b].valid[t], (b, t, [dh]) => {
    const c = perStep[b];
    const tIn = inputStep(t, steps, cfg.goBackwards);
    const h = c.h[t], z = c.z[t], r = c.r[t], hh = c.hh[t], uh = c.uh[t], xt = c.x[t], mh = c.mh;
    const daZ = new Float64Array(u), daR = new Float64Array(u), daH = new Float64Array(u);
    const recGrad = new Float64Array(u3); // gradient of the recurrent projection, per column of U
    const dhPrev = new Float64Array(u);
    for (let j = 0; j < u; j++) {
      daH[j] = dh[j] * (1 - z[j]) * actGrad(hh[j], cfg.activation);
      daZ[j] = dh[j] * (h[j] - hh[j]) * actGrad(z[j], cfg.recurrentActivation);
      dhPrev[j] = dh[j] * z[j];
    }
    if (cfg.resetAfter) {
      for (let j = 0; j < u; j++) daR[j] = daH[j] * uh[j] * actGrad(r[j], cfg.recurrentActivation);
      for (let j = 0; j < u; j++) {
        recGrad[j] = daZ[j]; recGrad[u + j] = daR[j]; recGrad[2 * u + j] = daH[j] * r[j];
      }
      const dRecurrent = gatedMatVecBackward(h, mh, recGrad, U, dRec);
      for (let i = 0; i < u; i++) dhPrev[i] += dRecurrent[i];
      accumulate(dBias, recGrad, u3);
    } else {
      // the candidate's product reads r ⊙ h̃ with h̃ = h ⊙ m_h (h without recurrent dropout)
      const hm = h.map((v, i) => v * (mh ? mh[2][i] : 1));
      const drh = new Float64Array(u);
      for (let i = 0; i < u; i++) for (let j = 0; j < u; j++) drh[i] += daH[j] * U[i * u3 + 2 * u + j];
      for (let j = 0; j < u; j++) daR[j] = drh[j] * hm[j] * actGrad(r[j], cfg.recurrentActivation);
      for (let i = 0; i < u; i++) {
        dhPrev[i] += drh[i] * r[i] * (mh ? mh[2][i] : 1);
        for (let j = 0; j < u; j++) dRec[i * u3 + 2 * u + j] += r[i] * hm[i] * daH[j];
      }
      const zr = [...daZ, ...daR, ...new Float64Array(u)];
      const dRecurrent = gatedMatVecBackward(h, mh, zr, U, dRec);
      for (let i = 0; i < u; i++) dhPrev[i] += dRecurrent[i];
    }
    const da = [...daZ, ...daR, ...daH];
    dPre.set(da, (b * steps + t) * u3);
    if (cfg.resetAfter) for (let j = 0; j < u; j++) dUh[(b * steps + t) * u + j] = daH[j] * r[j];
    dx.set(gatedMatVecBackward(xt, c.mx, da, w.kernel, dKernel), (b * steps + tIn) * features);
    accumulate(dBias, da);
    return [dhPrev];
  });
  return { dx, dKernel, dRecurrentKernel: dRec, dBias, dPre, dUh, dh0 };
}
