// Every layer's gradient, through whole models, against central finite differences of a float64
// model (test/reference). The weights are the model's own (float32 values), so only the engine's
// float32 arithmetic separates the two.
import { describe, it, beforeEach } from 'vitest';
import * as wl from '../../src/index.js';
import { gruForwardRef, type GruRefConfig } from '../reference/gru.js';
import { denseRef, meanCrossentropyRef, meanSquaredErrorRef } from '../reference/dense.js';
import { softmaxRef } from '../reference/losses.js';
import { checkGradients } from '../helpers/gradients.js';
import { testRng, uniform } from '../helpers/rng.js';

const [B, T, F, U, C] = [3, 5, 4, 5, 3];

function data(seed: number, outputShape: number[], soft = false) {
  const rng = testRng(seed);
  const x = wl.tensor(Float32Array.from(uniform(rng, B * T * F)), [B, T, F]);
  const n = outputShape.reduce((a, b) => a * b, 1);
  const k = outputShape[outputShape.length - 1];
  const y = new Float32Array(n);
  if (soft) y.set(uniform(rng, n, 0, 1));
  else for (let r = 0; r < n / k; r++) y[r * k + Math.floor(rng() * k)] = 1;
  return { x, y: wl.tensor(y, outputShape), xs: x.dataSync(), ys: y };
}

function gruCfg(layer: wl.GRULayerArgs): GruRefConfig {
  return {
    units: layer.units,
    resetAfter: layer.resetAfter ?? true,
    returnSequences: layer.returnSequences ?? false,
    goBackwards: layer.goBackwards ?? false,
    recurrentActivation: layer.recurrentActivation === 'hard_sigmoid' ? 'hardSigmoid' : 'sigmoid',
    activation: 'tanh',
  };
}

describe('gradients through whole models vs finite differences (float64)', () => {
  beforeEach(() => wl.setSeed(3));

  it('GRU(reset_after=false, hard_sigmoid, sequences) → TimeDistributed(Dense) → softmax, cross-entropy (the seed model1)', async () => {
    const gru: wl.GRULayerArgs = { units: U, returnSequences: true, resetAfter: false, recurrentActivation: 'hard_sigmoid', inputShape: [T, F] };
    const m = wl.sequential({ layers: [wl.layers.gru(gru), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: C }) }), wl.layers.activation({ activation: 'softmax' })] });
    const { x, y, xs, ys } = data(1, [B, T, C], true);
    await checkGradients(m, 'categoricalCrossentropy', x, y, ([k, rk, b, dk, db]) => {
      const h = gruForwardRef(xs, [B, T, F], { kernel: k, recurrentKernel: rk, bias: b }, gruCfg(gru)).out;
      return meanCrossentropyRef(denseRef(h, B * T, U, dk, db, C, 'softmax'), ys, C);
    });
  });

  it('GRU(reset_after=true, sigmoid, sequences, goBackwards) → Dense on 3-D input → softmax, cross-entropy (model2)', async () => {
    const gru: wl.GRULayerArgs = { units: U, returnSequences: true, goBackwards: true, inputShape: [T, F] };
    const m = wl.sequential({ layers: [wl.layers.gru(gru), wl.layers.dense({ units: C }), wl.layers.activation({ activation: 'softmax' })] });
    const { x, y, xs, ys } = data(2, [B, T, C]);
    await checkGradients(m, 'categoricalCrossentropy', x, y, ([k, rk, b, dk, db]) => {
      const h = gruForwardRef(xs, [B, T, F], { kernel: k, recurrentKernel: rk, bias: b }, gruCfg(gru)).out;
      return meanCrossentropyRef(denseRef(h, B * T, U, dk, db, C, 'softmax'), ys, C);
    });
  });

  for (const resetAfter of [true, false]) {
    it(`GRU(reset_after=${resetAfter}, last state, goBackwards) → Dense(softmax), cross-entropy (model3)`, async () => {
      const gru: wl.GRULayerArgs = { units: U, resetAfter, goBackwards: true, inputShape: [T, F] };
      const m = wl.sequential({ layers: [wl.layers.gru(gru), wl.layers.dense({ units: C, activation: 'softmax' })] });
      const { x, y, xs, ys } = data(3, [B, C]);
      await checkGradients(m, 'categoricalCrossentropy', x, y, ([k, rk, b, dk, db]) => {
        const h = gruForwardRef(xs, [B, T, F], { kernel: k, recurrentKernel: rk, bias: b }, gruCfg(gru)).out;
        return meanCrossentropyRef(denseRef(h, B, U, dk, db, C, 'softmax'), ys, C);
      });
    });
  }

  it('Dense(tanh) on 3-D input → Dense, mean squared error', async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: U, activation: 'tanh', inputShape: [T, F] }), wl.layers.dense({ units: C })] });
    const { x, y, xs, ys } = data(4, [B, T, C], true);
    await checkGradients(m, 'meanSquaredError', x, y, ([k1, b1, k2, b2]) =>
      meanSquaredErrorRef(denseRef(denseRef(xs, B * T, F, k1, b1, U, 'tanh'), B * T, U, k2, b2, C), ys));
  });

  it('TimeDistributed(Dense(sigmoid)) with cross-entropy on non-softmax outputs (normalise + clip path)', async () => {
    const m = wl.sequential({ layers: [wl.layers.timeDistributed({ layer: wl.layers.dense({ units: C, activation: 'sigmoid' }), inputShape: [T, F] })] });
    const { x, y, xs, ys } = data(5, [B, T, C], true);
    await checkGradients(m, 'categoricalCrossentropy', x, y, ([k, b]) => meanCrossentropyRef(denseRef(xs, B * T, F, k, b, C, 'sigmoid'), ys, C));
  });

  it('a layer applied twice (functional API) accumulates both calls\' gradients; relu and softmax Activation layers', async () => {
    const input = wl.input({ shape: [T, F] });
    // a nonzero bias keeps pre-activations off relu's kink at 0 (rows of zeros from the first call)
    const shared = wl.layers.dense({ units: F, activation: 'relu', biasInitializer: wl.initializers.randomUniform({ minval: -0.5, maxval: 0.5 }) });
    const out = wl.layers.activation({ activation: 'softmax' }).apply(shared.apply(shared.apply(input)));
    const m = wl.model({ inputs: input, outputs: out });
    const { x, y, xs, ys } = data(6, [B, T, F], true);
    await checkGradients(m, 'categoricalCrossentropy', x, y, ([k, b]) => {
      const once = denseRef(xs, B * T, F, k, b, F, 'relu');
      const twice = denseRef(once, B * T, F, k, b, F, 'relu');
      return meanCrossentropyRef(softmaxRef(twice, B * T, F), ys, F);
    });
  });
});
