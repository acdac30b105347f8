/**
 * The scaffolding the float64 recurrent references (simple-rnn.ts, lstm.ts, gru.ts) share: Keras 3's
 * generic loop over rows and timesteps with masks, initial states and the last-output chain
 * (shared/SPEC-LAYERS.md §1.6), its backward through time, and the products of a step. Each
 * reference supplies only its cell.
 */

/** A cell's weights, row-major, for G gate blocks: kernel (F, G·u), recurrentKernel (u, G·u), bias (G·u) or null. */
export interface RefWeights {
  kernel: Float64Array;
  recurrentKernel: Float64Array;
  bias: Float64Array | null;
}

/** x (B, T, F); mask (B, T), 1 = valid, in input order; the initial state(s) S, each (B, u), or zeros. */
export interface RefSequenceInputs<S> {
  x: ArrayLike<number>;
  shape: [number, number, number];
  mask?: ArrayLike<number> | null;
  initialState?: S | null;
}

/** The sequence a reference runs over: x (B, T, F), mask (B, T) in input order, 1 = valid. */
export interface SequenceLoop {
  batch: number;
  steps: number;
  features: number;
  units: number;
  goBackwards: boolean;
  returnSequences: boolean;
  /** A masked step outputs 0 instead of the previous output. */
  zeroOutputForMask?: boolean;
  mask?: ArrayLike<number> | null;
}

/** Where a cell step is: row b, processing step t, input step tIn; valid is false on a masked step. */
export interface StepPlace { b: number; t: number; tIn: number; valid: boolean }

/** The input step of processing step t: reversed with goBackwards. */
export function inputStep(t: number, steps: number, goBackwards: boolean): number {
  return goBackwards ? steps - 1 - t : t;
}

/** Row b of a (B, u) array, or zeros when there is none. */
function rowOf(a: ArrayLike<number> | null | undefined, b: number, u: number): Float64Array {
  return Float64Array.from({ length: u }, (_, j) => a?.[b * u + j] ?? 0);
}

/**
 * Runs `cell` over each row and processing step. The cell sees the step's features and the current
 * states (h first) and returns the new ones; a valid step takes them and outputs the new h, a masked
 * one keeps the states and repeats the previous output (0 with zeroOutputForMask; out_{−1} = 0).
 * Returns out, (B, T, u) in processing order with returnSequences else (B, u), and the final states,
 * each (B, u). `initial` holds one (B, u) initial state per state (null: zeros).
 */
export function runSequence(
  x: ArrayLike<number>, loop: SequenceLoop, initial: (ArrayLike<number> | null | undefined)[],
  cell: (xt: Float64Array, states: Float64Array[], at: StepPlace) => Float64Array[],
): { out: Float64Array; finalStates: Float64Array[] } {
  const { batch, steps, features, units: u, mask } = loop;
  const out = new Float64Array(loop.returnSequences ? batch * steps * u : batch * u);
  const finalStates = initial.map(() => new Float64Array(batch * u));
  for (let b = 0; b < batch; b++) {
    let states = initial.map((s) => rowOf(s, b, u));
    let last: Float64Array = new Float64Array(u);
    for (let t = 0; t < steps; t++) {
      const tIn = inputStep(t, steps, loop.goBackwards);
      const valid = !mask || mask[b * steps + tIn] !== 0;
      const xt = Float64Array.from({ length: features }, (_, k) => x[(b * steps + tIn) * features + k]);
      const next = cell(xt, states, { b, t, tIn, valid });
      if (valid) {
        states = next;
        last = next[0];
      } else if (loop.zeroOutputForMask) {
        last = new Float64Array(u);
      }
      if (loop.returnSequences) out.set(last, (b * steps + t) * u);
    }
    if (!loop.returnSequences) out.set(last, b * u);
    finalStates.forEach((s, i) => s.set(states[i], b * u));
  }
  return { out, finalStates };
}

/**
 * Backward through time of runSequence for the loss Σ dOut ⊙ out + Σ dFinal ⊙ final states (null
 * entries are zero), each row from its last processing step. The output's gradient runs through the
 * last-output chain dLast: dLast += dOut_t; a valid step moves it into dh (the first state's
 * gradient) and `cell` turns the step's state gradients into the previous step's; a masked step
 * passes them through unchanged and keeps dLast for the previous output (drops it with
 * zeroOutputForMask). Returns the initial states' gradients, each (B, u).
 */
export function backwardThroughTime(
  loop: SequenceLoop, dOut: ArrayLike<number>, dFinal: (ArrayLike<number> | null | undefined)[],
  valid: (b: number, t: number) => boolean, cell: (b: number, t: number, dStates: Float64Array[]) => Float64Array[],
): Float64Array[] {
  const { batch, steps, units: u } = loop;
  const dInitial = dFinal.map(() => new Float64Array(batch * u));
  for (let b = 0; b < batch; b++) {
    let dStates = dFinal.map((d) => rowOf(d, b, u));
    const dLast = new Float64Array(u);
    for (let t = steps - 1; t >= 0; t--) {
      if (loop.returnSequences) for (let j = 0; j < u; j++) dLast[j] += dOut[(b * steps + t) * u + j];
      else if (t === steps - 1) for (let j = 0; j < u; j++) dLast[j] += dOut[b * u + j];
      if (!valid(b, t)) {
        // the step is the identity on the states; its output is the previous one (or zero)
        if (loop.zeroOutputForMask) dLast.fill(0);
        continue;
      }
      const dh = dStates[0];
      for (let j = 0; j < u; j++) dh[j] += dLast[j];
      dLast.fill(0);
      dStates = cell(b, t, dStates);
    }
    dInitial.forEach((d, i) => d.set(dStates[i], b * u));
  }
  return dInitial;
}

/** v (n) · M (n, cols) */
export function matVec(v: Float64Array, M: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < v.length; i++) {
    const vi = v[i];
    for (let j = 0; j < cols; j++) out[j] += vi * M[i * cols + j];
  }
  return out;
}

/** The backward of y = v · M, M (n, cols) with cols = dy.length: dM += vᵀ dy; returns dv = dy · Mᵀ (n). */
export function matVecBackward(v: ArrayLike<number>, dy: ArrayLike<number>, M: Float64Array, dM: Float64Array): Float64Array {
  const cols = dy.length;
  const dv = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      dM[k * cols + j] += v[k] * dy[j];
      sum += dy[j] * M[k * cols + j];
    }
    dv[k] = sum;
  }
  return dv;
}

/** dst[offset + i] += src[i]: a bias gradient, when there is a bias. */
export function accumulate(dst: Float64Array | null, src: ArrayLike<number>, offset = 0): void {
  if (dst) for (let i = 0; i < src.length; i++) dst[offset + i] += src[i];
}

/**
 * Training dropout masks of a reference run (Keras 3, SPEC-LAYERS §1.7): one mask per gate and row,
 * the same at every step, entries 0 or 1/(1 − rate).
 */
export interface RefDropout {
  /** (B, G·F): row b's gate-g input mask at b·G·F + g·F …; null: x reaches every gate unmasked. */
  input?: ArrayLike<number> | null;
  /** (B, G·u): row b's gate-g recurrent mask (h_{t−1} before gate g's recurrent product); null: none. */
  recurrent?: ArrayLike<number> | null;
}

/** Row b's G gate masks of n floats each from a (B, G·n) array, or null without masks. */
export function gateMasks(masks: ArrayLike<number> | null | undefined, b: number, gates: number, n: number): Float64Array[] | null {
  if (!masks) return null;
  return Array.from({ length: gates }, (_, g) => Float64Array.from({ length: n }, (_, i) => masks[(b * gates + g) * n + i]));
}

/** v · M with each gate's columns reading v ⊙ m_g: out[g·c + j] = Σ_i v[i]·m_g[i]·M[i, g·c + j] (c = cols / G). */
export function gatedMatVec(v: Float64Array, masks: Float64Array[] | null, M: Float64Array, cols: number): Float64Array {
  if (!masks) return matVec(v, M, cols);
  const c = cols / masks.length, out = new Float64Array(cols);
  masks.forEach((m, g) => {
    const part = matVec(v.map((vi, i) => vi * m[i]), M, cols);
    out.set(part.subarray(g * c, (g + 1) * c), g * c);
  });
  return out;
}

/** The backward of gatedMatVec: dM[i, g·c + j] += v[i]·m_g[i]·dy[g·c + j]; returns dv = Σ_g m_g ⊙ (dy_g · M_gᵀ). */
export function gatedMatVecBackward(v: Float64Array, masks: Float64Array[] | null, dy: ArrayLike<number>, M: Float64Array, dM: Float64Array): Float64Array {
  if (!masks) return matVecBackward(v, dy, M, dM);
  const cols = dy.length, c = cols / masks.length, dv = new Float64Array(v.length);
  masks.forEach((m, g) => {
    const dyg = Float64Array.from({ length: cols }, (_, j) => (j >= g * c && j < (g + 1) * c ? dy[j] : 0));
    const part = matVecBackward(v.map((vi, i) => vi * m[i]), dyg, M, dM);
    for (let i = 0; i < v.length; i++) dv[i] += m[i] * part[i];
  });
  return dv;
}
