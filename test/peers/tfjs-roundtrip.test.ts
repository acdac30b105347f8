// Models travel both ways between wasm-layers and TensorFlow.js 4.22 (the peer, a devDependency).
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as wl from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { tfjs } from './tfjs.js';

const x = () => wl.randomUniform([6, 8, 5], 0, 1, 'float32', 3);

/** tfjs's prediction for our tensor x. */
async function tfjsPredict(model: { predict: (x: never) => unknown }, input: wl.Tensor): Promise<Float32Array> {
  const { tf } = await tfjs();
  const out = model.predict(tf.tensor(input.dataSync(), input.shape) as never) as { dataSync(): Float32Array };
  return out.dataSync();
}

describe('TensorFlow.js 4.22 round trips', () => {
  it('a GRU → TimeDistributed(Dense) → softmax model saved by tfjs loads here and predicts the same', async () => {
    const { tf, tfl } = await tfjs();
    const peer = tfl.sequential();
    peer.add(tfl.layers.gru({ units: 7, returnSequences: true, inputShape: [8, 5] }));
    peer.add(tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 4 }) }));
    peer.add(tfl.layers.activation({ activation: 'softmax' }));
    // non-zero biases so every weight matters
    peer.setWeights(peer.getWeights().map((w, i) => (i === 2 || i === 4 ? tf.randomUniform(w.shape, -0.5, 0.5) : w)));
    let saved: { modelTopology: unknown; weightSpecs: unknown; weightData: ArrayBuffer } | null = null;
    await peer.save(tf.io.withSaveHandler(async (a) => {
      saved = a as never;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const ours = await wl.loadLayersModel(wl.io.fromMemory(saved as never));
    expect(ours.layers.map((l) => l.className)).toEqual(['GRU', 'TimeDistributed', 'Activation']);
    const input = x();
    expectClose((await ours.predict(input) as wl.Tensor).dataSync(), await tfjsPredict(peer, input), { tol: 1e-5, scale: 0.1 });
  });

  it('a model saved here (reset_after=false) loads in tfjs and predicts the same', async () => {
    const { tf, tfl } = await tfjs();
    wl.setSeed(9);
    const ours = wl.sequential({
      layers: [
        wl.layers.gru({ units: 7, returnSequences: true, inputShape: [8, 5], resetAfter: false, recurrentActivation: 'hard_sigmoid', biasInitializer: wl.initializers.randomUniform({ minval: -0.5, maxval: 0.5 }) }),
        wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 4 }) }),
        wl.layers.activation({ activation: 'softmax' }),
      ],
    });
    const handler = wl.io.fromMemory();
    await ours.save(handler);
    const peer = await tfl.loadLayersModel(tf.io.fromMemory(handler.artifacts as never));
    const input = x();
    expectClose(await tfjsPredict(peer, input), (await ours.predict(input) as wl.Tensor).dataSync(), { tol: 1e-5, scale: 0.1 });
  });

  it('a reset_after=true (Keras 3) GRU saved here is refused by tfjs with its known message', async () => {
    const { tf, tfl } = await tfjs();
    const ours = wl.sequential({ layers: [wl.layers.gru({ units: 3, inputShape: [4, 2] })] });
    const handler = wl.io.fromMemory();
    await ours.save(handler);
    await expect(tfl.loadLayersModel(tf.io.fromMemory(handler.artifacts as never))).rejects.toThrow('GRUCell does not support reset_after parameter set to true.');
  });

  it('the model examples/seed saves loads in tfjs and predicts what wasm-layers predicts', async () => {
    const { tf, tfl } = await tfjs();
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['examples/seed/main.mjs'], { cwd: root, timeout: 60_000 });
    const dir = /^model1 saved to (.+)\/ \(model\.json/m.exec(stdout)?.[1];
    expect(dir, stdout).toBeDefined();
    expect(dir!.startsWith(root), 'the example writes outside the repository').toBe(false);
    const json = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8'));
    const data = readFileSync(`${dir}/weights.bin`);
    const peer = await tfl.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }));
    const ours = await wl.loadLayersModel(`file://${dir}/model.json`);
    const input = wl.randomUniform([3, 64, 15], 0, 1, 'float32', 4);
    expectClose(await tfjsPredict(peer, input), (await ours.predict(input) as wl.Tensor).dataSync(), { tol: 1e-5, scale: 0.1 });
  }, 60_000);
});
