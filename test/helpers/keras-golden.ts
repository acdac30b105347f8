/**
 * Keras's GRU golden cases (keras/src/layers/rnn/gru_test.py, test_correctness), framework-free so
 * Node, the browser and Deno share them:
 *
 *   sequence = np.arange(72).reshape((3, 6, 4)).astype("float32")
 *   layer = layers.GRU(3, kernel_initializer=initializers.Constant(0.01),
 *                      recurrent_initializer=initializers.Constant(0.02),
 *                      bias_initializer=initializers.Constant(0.03), **variant)
 *   output = layer(sequence)   # compared with atol=1e-5, rtol=1e-5
 */
import type * as WL from '../../src/index.js';

export const GOLDEN_GRU: [string, Partial<WL.GRULayerArgs>, number[]][] = [
  ['Keras 3 defaults', {}, [0.5217289, 0.6371659, 0.39384964]],
  ['go_backwards=True', { goBackwards: true }, [0.24406259, 0.611516, 0.3928808]],
  ['reset_after=False', { resetAfter: false }, [0.51447755, 0.6426879, 0.40208298]],
  ['use_bias=False', { useBias: false }, [0.49988455, 0.64701194, 0.4103359]],
];

/** The golden layer's output on arange(72).reshape(3, 6, 4), and the expected values (each row's value three times). */
export async function goldenGru(wl: typeof WL, variant: Partial<WL.GRULayerArgs>, perRow: number[]) {
  const sequence = wl.tensor(Float32Array.from({ length: 72 }, (_, i) => i), [3, 6, 4]);
  const model = wl.sequential({
    layers: [wl.layers.gru({
      units: 3, inputShape: [6, 4],
      kernelInitializer: wl.initializers.constant({ value: 0.01 }),
      recurrentInitializer: wl.initializers.constant({ value: 0.02 }),
      biasInitializer: wl.initializers.constant({ value: 0.03 }),
      ...variant,
    })],
  });
  const out = await model.predict(sequence, { workers: 0 });
  return { out, expected: perRow.flatMap((v) => [v, v, v]) };
}
