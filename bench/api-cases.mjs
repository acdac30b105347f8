// The 'api' part's cases (issue 27's figures), written once against the tfjs API, which both stacks
// speak: `tf` is the tensor library (wasm-layers, or tfjs-core on a backend) and `layers` the one
// with sequential() and layers.* (wasm-layers again, or tfjs-layers).
//   generate     the lstm-text-generation loop: a one-sample predict of LSTM(128) → Dense(60, softmax)
//                over 40 steps of a 60-symbol one-hot window, GENERATE_CALLS calls in a row, each
//                result read (dataSync) and disposed
//   opsMix       y = relu(a·b + c) over 1M elements, then sum(y), max(y), mean((a − mean(y))²), in
//                tidy, the three values read back
//   opsAdd       add on [128, 16], ADD_CALLS calls, each result disposed (per-call overhead)
import { rng, uniform } from './data.mjs';

export const GENERATE = { units: 128, steps: 40, symbols: 60, calls: 200 };
export const OPS = { mixElements: 1 << 20, addShape: [128, 16], addCalls: 20000 };

/** fn() runs one sample of the case; `per` says what one sample holds (for the report's units). */
export function apiCase(tf, layers, kind) {
  if (kind === 'generate') {
    const { units, steps, symbols, calls } = GENERATE;
    // tfjs's LSTM defaults on both stacks (hard sigmoid gates; the forget bias does not matter here)
    const model = layers.sequential({
      layers: [
        layers.layers.lstm({ units, recurrentActivation: 'hardSigmoid', inputShape: [steps, symbols] }),
        layers.layers.dense({ units: symbols, activation: 'softmax' }),
      ],
    });
    const window = new Float32Array(steps * symbols);
    for (let t = 0; t < steps; t++) window[t * symbols + ((t * 7) % symbols)] = 1;
    const x = tf.tensor(window, [1, steps, symbols]);
    return {
      per: calls,
      fn: () => {
        for (let i = 0; i < calls; i++) {
          const p = model.predict(x);
          p.dataSync();
          p.dispose();
        }
      },
    };
  }
  if (kind === 'opsMix') {
    const n = OPS.mixElements;
    const random = rng(n);
    const [a, b, c] = [0, 1, 2].map(() => tf.tensor(uniform(n, random, -0.5, 0.5), [n]));
    return {
      per: 1,
      fn: () => {
        const outs = tf.tidy(() => {
          const y = a.mul(b).add(c).relu();
          return [y.sum(), y.max(), a.sub(y.mean()).square().mean()];
        });
        const values = outs.map((t) => t.dataSync()[0]);
        tf.dispose(outs);
        return values;
      },
    };
  }
  if (kind === 'opsAdd') {
    const size = OPS.addShape[0] * OPS.addShape[1];
    const random = rng(size);
    const [x, y] = [0, 1].map(() => tf.tensor(uniform(size, random, -1, 1), OPS.addShape));
    return {
      per: OPS.addCalls,
      fn: () => {
        for (let i = 0; i < OPS.addCalls; i++) tf.add(x, y).dispose();
      },
    };
  }
  throw new Error(`unknown api case ${kind}`);
}
