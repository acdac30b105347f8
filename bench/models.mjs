// The benchmark's models as wasm-layers builds them, given the library (`wl`): the seed's three
// (its Keras 2 GRU: reset_after=false, hard_sigmoid — the same math as tfjs's GRU), GRU(256) and the
// sequence part's models (sequenceModel, and textModel, which tfjs-layers builds from the same
// code). stack-ours.mjs, stack-tfjs.mjs, ab-build.mjs and sequence-layers.mjs build them here.
import { GRU256, SEED } from './config.mjs';

/** The seed's model1 (TimeDistributed(Dense)), model2 (Dense on 3-D) or model3 (last state), compiled. */
export function seedModel(wl, kind) {
  const m = wl.sequential();
  m.add(wl.layers.gru({
    units: SEED.hidden, returnSequences: kind !== 'model3', inputShape: [SEED.maxLen, SEED.inputSize],
    resetAfter: false, recurrentActivation: 'hard_sigmoid',
  }));
  const dense = wl.layers.dense({ units: SEED.outputSize });
  m.add(kind === 'model1' ? wl.layers.timeDistributed({ layer: dense }) : dense);
  m.add(wl.layers.activation({ activation: 'softmax' }));
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

/** GRU(256) → TimeDistributed(Dense) → softmax, compiled. */
export function gru256Model(wl) {
  const { units, steps, features, outputs } = GRU256;
  const m = wl.sequential({
    layers: [
      wl.layers.gru({ units, returnSequences: true, inputShape: [steps, features], resetAfter: false, recurrentActivation: 'hard_sigmoid' }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: outputs }) }),
      wl.layers.activation({ activation: 'softmax' }),
    ],
  });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

/**
 * One recurrent layer with tfjs's math: recurrentActivation hard_sigmoid (tfjs's default; ours and
 * Keras 3 default to sigmoid), GRU reset_after=false, LSTM unitForgetBias false (tfjs's default; it
 * only sets the initial forget bias). `cell`: 'lstm' | 'gru' | 'simpleRNN' | 'biGru'
 * (Bidirectional(GRU), mergeMode concat).
 */
export function recurrentLayer(wl, cell, { units, inputShape, dropout = 0, recurrentActivation = 'hard_sigmoid' }) {
  const common = { units, returnSequences: true, ...(inputShape ? { inputShape } : {}) };
  if (cell === 'lstm') return wl.layers.lstm({ ...common, recurrentActivation, unitForgetBias: false, ...(dropout ? { dropout } : {}) });
  if (cell === 'simpleRNN') return wl.layers.simpleRNN({ ...common, ...(dropout ? { dropout } : {}) });
  const gru = (args) => wl.layers.gru({ ...args, resetAfter: false, recurrentActivation, ...(dropout ? { dropout } : {}) });
  if (cell === 'gru') return gru(common);
  if (cell === 'biGru') {
    const { inputShape: shape, ...inner } = common;
    return wl.layers.bidirectional({ layer: gru(inner), mergeMode: 'concat', ...(shape ? { inputShape: shape } : {}) });
  }
  throw new Error(`unknown recurrent cell ${cell}`);
}

/**
 * The sequence part's models (config.mjs SEQUENCE): [Masking(0) →] recurrent(units, returnSequences)
 * on (steps, features) → TimeDistributed(Dense(outputs)) → softmax, categoricalCrossentropy + rmsprop.
 */
export function sequenceModel(wl, { cell, units, steps, features, outputs, masked = false, dropout = 0, recurrentActivation }) {
  const inputShape = [steps, features];
  const layers = masked
    ? [wl.layers.masking({ maskValue: 0, inputShape }), recurrentLayer(wl, cell, { units, dropout, recurrentActivation })]
    : [recurrentLayer(wl, cell, { units, inputShape, dropout, recurrentActivation })];
  const m = wl.sequential({
    layers: [...layers, wl.layers.timeDistributed({ layer: wl.layers.dense({ units: outputs }) }), wl.layers.activation({ activation: 'softmax' })],
  });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

/**
 * The sequence part's text classifiers (config.mjs SEQUENCE), compiled with binaryCrossentropy +
 * `optimizer` (default adam): an int32 id input of `steps` → Embedding(vocab, outputDim) → LSTM(units) (kind 'sentiment')
 * or Conv1D(filters, kernelSize, relu) → GlobalMaxPooling1D (kind 'textConv') → Dense(1, sigmoid).
 * `lib` is wasm-layers or tfjs-layers (the same API); `lstmArgs` sets the LSTM's math (ours passes
 * tfjs's: hard_sigmoid, unitForgetBias false, which tfjs has by default).
 */
export function textModel(lib, kind, { vocab, outputDim, steps, units, filters, kernelSize }, lstmArgs = {}, optimizer = 'adam') {
  const body = kind === 'sentiment'
    ? [lib.layers.lstm({ units, ...lstmArgs })]
    : [lib.layers.conv1d({ filters, kernelSize, activation: 'relu' }), lib.layers.globalMaxPooling1d()];
  const m = lib.sequential({
    layers: [
      lib.layers.inputLayer({ inputShape: [steps], dtype: 'int32' }),
      lib.layers.embedding({ inputDim: vocab, outputDim }),
      ...body,
      lib.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  m.compile({ loss: 'binaryCrossentropy', optimizer });
  return m;
}
