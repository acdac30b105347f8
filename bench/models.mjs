// The benchmark's models as wasm-layers builds them, given the library (`wl`): the seed's three
// (its Keras 2 GRU: reset_after=false, hard_sigmoid — the same math as tfjs's GRU) and GRU(256).
// stack-ours.mjs and ab-build.mjs both build them here.
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
