/** TensorFlow.js 4.22 (cpu backend) for round-trip tests against the peer. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
// plain .mjs shared with the benchmarks
import './tfjs-chained-ops.mjs';

let ready: Promise<boolean> | null = null;

/** tfjs on its cpu backend, its Node banner silenced. */
export async function tfjs(): Promise<{ tf: typeof tf; tfl: typeof tfl }> {
  ready ??= (async () => {
    tf.env().set('IS_TEST', true);
    return tf.setBackend('cpu');
  })();
  await ready;
  return { tf, tfl };
}
