/**
 * Float64 SimpleRNN, forward and backward, written from the equations of shared/SPEC-LAYERS.md §3
 * and the mask rules of §1.6, one batch row and one timestep at a time: the reference the kernels
 * are checked against. Its own gradient is checked by central finite differences in
 * test/kernels/simple-rnn.test.ts.
 */
import { act, actGrad, type RefActivationK3 } from './activations.js';
import {
  accumulate, backwardThroughTime, gateMasks, gatedMatVec, gatedMatVecBackward, runSequence,
  type RefDropout, type RefSequenceInputs, type RefWeights,
} from './sequence-common.js';

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
export type SimpleRnnRefWeights = RefWeights;

/** The initial state is h0 (B, u); training dropout: x ⊙ m_x and h_prev ⊙ m_h (one gate), Keras 3. */
export type SimpleRnnRefInputs = RefSequenceInputs<Float64Array> & { dropout?: RefDropout };

interface RowStep { tIn: number; valid: boolean; x: Float64Array; h: Float64Array; hNew: Float64Array; mx: Float64Array[] | null; mh: Float64Array[] | null }

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
  const rows: RowStep[][] = Array.from({ length: batch }, () => []);
  const { out, finalStates } = runSequence(inputs.x, { ...cfg, batch, steps, features, mask: inputs.mask }, [inputs.initialState], (x, [h], { b, tIn, valid }) => {
    const mx = gateMasks(inputs.dropout?.input, b, 1, features), mh = gateMasks(inputs.dropout?.recurrent, b, 1, u);
    const z = gatedMatVec(x, mx, w.kernel, u);
    const hu = gatedMatVec(h, mh, w.recurrentKernel, u);
    const hNew = z.map((v, j) => act(v + hu[j] + (w.bias ? w.bias[j] : 0), cfg.activation));
    rows[b].push({ tIn, valid, x, h, hNew, mx, mh });
    return [hNew];
  });
  return { out, state: finalStates[0], cache: { batch, steps, features, rows } };
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
  const dPre = new Float64Array(steps * batch * u);
  const loop = { ...cfg, batch, steps, features };
  const [dh0] = backwardThroughTime(loop, dOut, [dState], (b, t) => rows[b][t].valid, (b, t, [dh]) => {
    const s = rows[b][t];
    const dz = dh.map((v, j) => v * actGrad(s.hNew[j], cfg.activation));
    dPre.set(dz, (t * batch + b) * u);
    dx.set(gatedMatVecBackward(s.x, s.mx, dz, w.kernel, dKernel), (b * steps + s.tIn) * features);
    accumulate(dBias, dz);
    return [gatedMatVecBackward(s.h, s.mh, dz, w.recurrentKernel, dRec)];
  });
  return { dx, dKernel, dRecurrentKernel: dRec, dBias, dInitialState: dh0, dPre };
}
