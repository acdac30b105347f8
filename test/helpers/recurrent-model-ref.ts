/**
 * Float64 references of small whole models around a recurrent layer (test/recurrent/): the layer
 * (LSTM, GRU, SimpleRNN, or Bidirectional of one) run by test/reference/'s cell functions, with a
 * Masking layer's mask (mask value 0), initial states made by Dense(tanh) layers from a second input,
 * a Dense(C) head on the output (mean squared error, averaged over the unmasked steps only when the
 * mask reaches it, Keras 3 — shared/SPEC-LAYERS.md §17.3) and optionally a Dense(C) head on one of
 * the final states (returnState). `recurrentModel()` builds the same model with the public API, so a
 * test can compare the two; the weights are exchanged by name (`layer/…/kernel`).
 */
import * as wl from '../../src/index.js';
import { lstmForwardRef } from '../reference/lstm.js';
import { gruForwardRef } from '../reference/gru.js';
import { simpleRnnForwardRef } from '../reference/simple-rnn.js';
import { denseRef } from '../reference/dense.js';

export type CellKind = 'lstm' | 'gru' | 'gruResetBefore' | 'simpleRNN';
export type Merge = 'concat' | 'sum' | 'mul' | 'ave' | null;

export interface RecurrentCase {
  kind: CellKind;
  units: number;
  returnSequences: boolean;
  goBackwards: boolean;
  /** Wrap the layer in Bidirectional with this merge mode (undefined: no wrapper). */
  bidirectional?: Merge;
  /** A Masking layer in front (the data then has masked steps). */
  masking: boolean;
  /** Initial states from a second input through Dense(units, tanh) layers `init0`, `init1`, … */
  initialState: boolean;
  /** returnState, with a Dense(C) head `stateHead` on this state output (index in the states list). */
  stateHead?: number;
}

export const DIMS = { B: 3, T: 5, F: 3, S: 2, C: 3 };

/** The number of states of one direction. */
export function stateCount(kind: CellKind): number {
  return kind === 'lstm' ? 2 : 1;
}

/** Initial-state count of the whole layer (both directions for Bidirectional). */
export function initialStateCount(c: RecurrentCase): number {
  return stateCount(c.kind) * (c.bidirectional !== undefined ? 2 : 1);
}

function innerLayer(c: RecurrentCase, extra: Record<string, unknown> = {}): wl.Layer {
  const common = {
    units: c.units, returnSequences: c.returnSequences, goBackwards: c.goBackwards,
    returnState: c.stateHead !== undefined, name: 'rnn', ...extra,
  };
  switch (c.kind) {
    case 'lstm': return wl.layers.lstm(common);
    case 'gru': return wl.layers.gru({ ...common, resetAfter: true });
    case 'gruResetBefore': return wl.layers.gru({ ...common, resetAfter: false });
    default: return wl.layers.simpleRNN(common);
  }
}

/** The case's model (not compiled): inputs [x] or [x, s]; outputs [head] or [head, stateHead] (mergeMode null: two heads on y, y_rev). */
export function recurrentModel(c: RecurrentCase): wl.LayersModel {
  const { T, F, S, C } = DIMS;
  const x = wl.input({ shape: [T, F], name: 'x' });
  const inputs = [x];
  let seq: wl.SymbolicTensor = x;
  if (c.masking) seq = wl.layers.masking({ maskValue: 0, name: 'masking' }).apply(seq) as wl.SymbolicTensor;
  const layer = c.bidirectional !== undefined
    ? wl.layers.bidirectional({ layer: innerLayer(c), mergeMode: c.bidirectional, name: 'bi' })
    : innerLayer(c);
  let result: wl.SymbolicTensor | wl.SymbolicTensor[];
  if (c.initialState) {
    const s = wl.input({ shape: [S], name: 's' });
    inputs.push(s);
    const states = Array.from({ length: initialStateCount(c) }, (_, i) =>
      wl.layers.dense({ units: c.units, activation: 'tanh', name: `init${i}` }).apply(s) as wl.SymbolicTensor);
    result = layer.apply(seq, { initialState: states });
  } else {
    result = layer.apply(seq);
  }
  const outs = Array.isArray(result) ? result : [result];
  const mainCount = c.bidirectional === null ? 2 : 1;
  const outputs = outs.slice(0, mainCount).map((o, i) =>
    wl.layers.dense({ units: C, name: i === 0 ? 'head' : 'head2' }).apply(o) as wl.SymbolicTensor);
  if (c.stateHead !== undefined) {
    outputs.push(wl.layers.dense({ units: C, name: 'stateHead' }).apply(outs[mainCount + c.stateHead]) as wl.SymbolicTensor);
  }
  return wl.model({ inputs, outputs });
}

export interface CaseData {
  /** (B, T, F): masked steps all zeros. */
  x: Float64Array;
  /** (B, T), 1 valid; all ones without masking. */
  mask: Float64Array;
  /** (B, S) or null. */
  s: Float64Array | null;
  /** One target per output: (B, T, C) or (B, C). */
  ys: Float64Array[];
}

/** Row 0 fully valid; row 1 with its last two steps masked; row 2 with its first two and last one masked. */
export function maskPattern(B: number, T: number): Float64Array {
  const mask = new Float64Array(B * T).fill(1);
  if (B > 1) for (const t of [T - 2, T - 1]) mask[T + t] = 0;
  if (B > 2) for (const t of [0, 1, T - 1]) mask[2 * T + t] = 0;
  return mask;
}

type Weights = Map<string, Float64Array>;

function need(w: Weights, name: string): Float64Array {
  const v = w.get(name);
  if (!v) throw new Error(`reference: no weight ${name}; have ${[...w.keys()].join(', ')}`);
  return v;
}

/** One direction's float64 run: output ((B, T, u) processing order, or (B, u)) and final states. */
function runDirection(
  c: RecurrentCase, w: Weights, prefix: string, x: Float64Array, mask: Float64Array | null, init: Float64Array[] | null,
  goBackwards: boolean, zeroOutputForMask: boolean,
): { out: Float64Array; states: Float64Array[] } {
  const { B, T, F } = DIMS;
  const weights = { kernel: need(w, `${prefix}/kernel`), recurrentKernel: need(w, `${prefix}/recurrent_kernel`), bias: need(w, `${prefix}/bias`) };
  const shape: [number, number, number] = [B, T, F];
  const base = { units: c.units, returnSequences: c.returnSequences, goBackwards, zeroOutputForMask };
  if (c.kind === 'lstm') {
    const r = lstmForwardRef({ x, shape, mask, initialState: init ? [init[0], init[1]] : null }, weights, { ...base, recurrentActivation: 'sigmoid', activation: 'tanh' });
    return { out: r.out, states: r.states };
  }
  if (c.kind === 'simpleRNN') {
    const r = simpleRnnForwardRef({ x, shape, mask, initialState: init ? init[0] : null }, weights, { ...base, activation: 'tanh' });
    return { out: r.out, states: [r.state] };
  }
  const r = gruForwardRef(x, shape, weights, { ...base, resetAfter: c.kind === 'gru', recurrentActivation: 'sigmoid', activation: 'tanh' }, { mask, initialState: init ? init[0] : null });
  return { out: r.out, states: [r.hT] };
}

/** (B, T, u) with the time axis reversed. */
function reverseTime(a: Float64Array, B: number, T: number, u: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(a.subarray((b * T + t) * u, (b * T + t + 1) * u), (b * T + T - 1 - t) * u);
  return out;
}

/** Float64 forward of the whole case: the layer's outputs [out(s)..., ...states] and the model's outputs. */
export function referenceForward(c: RecurrentCase, w: Weights, data: CaseData): { layerOutputs: Float64Array[]; modelOutputs: Float64Array[] } {
  const layerOutputs = referenceLayer(c, w, data);
  return { layerOutputs, modelOutputs: referenceHeads(c, w, layerOutputs) };
}

/** The recurrent layer's outputs [out (or y, y_rev), ...states] in float64. */
export function referenceLayer(c: RecurrentCase, w: Weights, data: CaseData): Float64Array[] {
  const { B, T, S } = DIMS;
  const u = c.units;
  const mask = c.masking ? data.mask : null;
  const init = c.initialState
    ? Array.from({ length: initialStateCount(c) }, (_, i) => denseRef(data.s!, B, S, need(w, `init${i}/kernel`), need(w, `init${i}/bias`), u, 'tanh'))
    : null;
  const n = stateCount(c.kind);
  let layerOutputs: Float64Array[];
  if (c.bidirectional === undefined) {
    const r = runDirection(c, w, 'rnn', data.x, mask, init, c.goBackwards, false);
    layerOutputs = [r.out, ...r.states];
  } else {
    const zero = c.returnSequences; // Keras forces zero_output_for_mask = return_sequences
    const f = runDirection(c, w, 'bi/forward_rnn', data.x, mask, init ? init.slice(0, n) : null, c.goBackwards, zero);
    const b = runDirection(c, w, 'bi/backward_rnn', data.x, mask, init ? init.slice(n) : null, !c.goBackwards, zero);
    const y = f.out;
    const yRev = c.returnSequences ? reverseTime(b.out, B, T, u) : b.out;
    let merged: Float64Array[];
    const rows = y.length / u;
    if (c.bidirectional === null) merged = [y, yRev];
    else if (c.bidirectional === 'concat') {
      const out = new Float64Array(rows * 2 * u);
      for (let r = 0; r < rows; r++) {
        out.set(y.subarray(r * u, (r + 1) * u), r * 2 * u);
        out.set(yRev.subarray(r * u, (r + 1) * u), r * 2 * u + u);
      }
      merged = [out];
    } else {
      const op = c.bidirectional;
      merged = [y.map((v, i) => (op === 'sum' ? v + yRev[i] : op === 'mul' ? v * yRev[i] : (v + yRev[i]) / 2))];
    }
    layerOutputs = [...merged, ...f.states, ...b.states];
  }
  return layerOutputs;
}

/** The Dense heads on the layer's outputs: the model's outputs in float64. */
export function referenceHeads(c: RecurrentCase, w: Weights, layerOutputs: Float64Array[]): Float64Array[] {
  const { B, T, C } = DIMS;
  const u = c.units;
  const mainCount = c.bidirectional === null ? 2 : 1;
  const modelOutputs = layerOutputs.slice(0, mainCount).map((o, i) => {
    const name = i === 0 ? 'head' : 'head2';
    const width = o.length / (c.returnSequences ? B * T : B);
    return denseRef(o, o.length / width, width, need(w, `${name}/kernel`), need(w, `${name}/bias`), C);
  });
  if (c.stateHead !== undefined) {
    const state = layerOutputs[mainCount + c.stateHead];
    modelOutputs.push(denseRef(state, B, u, need(w, 'stateHead/kernel'), need(w, 'stateHead/bias'), C));
  }
  return modelOutputs;
}

/**
 * Mean squared error of one output, Keras 3's reduction (§17.3): per row (step) the mean over the
 * last axis, then the mean over all rows, or over the unmasked rows only when `rowMask` is given.
 */
export function maskedMse(p: ArrayLike<number>, y: ArrayLike<number>, width: number, rowMask: ArrayLike<number> | null): number {
  const rows = p.length / width;
  let sum = 0, count = 0;
  for (let r = 0; r < rows; r++) {
    const m = rowMask ? rowMask[r] : 1;
    if (!m) continue;
    let l = 0;
    for (let j = 0; j < width; j++) l += (p[r * width + j] - y[r * width + j]) ** 2;
    sum += l / width;
    count++;
  }
  return count ? sum / count : 0;
}

/** The model's total loss (Σ over outputs, MSE each), float64. */
export function referenceLoss(c: RecurrentCase, w: Weights, data: CaseData, layerOutputs?: Float64Array[]): number {
  const modelOutputs = referenceHeads(c, w, layerOutputs ?? referenceLayer(c, w, data));
  const mainCount = c.bidirectional === null ? 2 : 1;
  return modelOutputs.reduce((sum, p, i) => {
    const masked = i < mainCount && c.masking && c.returnSequences;
    return sum + maskedMse(p, data.ys[i], DIMS.C, masked ? data.mask : null);
  }, 0);
}

/** The model's weights by name, without the `model/` scope, as float64. */
export function weightsByName(model: wl.LayersModel): Weights {
  const values = model.getWeights();
  return new Map(model.weights.map((v, i) => [v.name, Float64Array.from(values[i].dataSync())]));
}

