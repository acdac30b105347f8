// Saving and loading in the TF.js layers format: round trips here (memory, file://, http://), with
// the optimizer's state so training continues exactly, and the Keras field names on disk.
import { describe, it, expect, beforeEach, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wl from '../../src/index.js';
import { seedModels } from '../helpers/seed-models.js';
import { expectIdentical } from '../helpers/compare.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wasm-layers-io-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function samePredictions(a: wl.LayersModel, b: wl.LayersModel, shape: number[]) {
  const x = wl.randomUniform(shape);
  expectIdentical((await b.predict(x, { workers: 0 }) as wl.Tensor).dataSync(), (await a.predict(x, { workers: 0 }) as wl.Tensor).dataSync(), 'predictions');
}

describe('save → load', () => {
  beforeEach(() => {
    wl.clearSession();
    wl.setSeed(21);
  });

  it('the seed models, and GRUs with either reset_after, round-trip through memory with identical predictions', async () => {
    const { model1, model3 } = seedModels();
    const keras3 = wl.sequential({ layers: [wl.layers.gru({ units: 6, goBackwards: true, inputShape: [7, 3] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
    for (const [m, shape] of [[model1, [4, 64, 15]], [model3, [4, 64, 15]], [keras3, [5, 7, 3]]] as const) {
      const handler = wl.io.fromMemory();
      await m.save(handler);
      const loaded = await wl.loadLayersModel(handler);
      expect(loaded.getConfig()).toEqual(m.getConfig());
      await samePredictions(m, loaded, [...shape]);
    }
  });

  it('a functional model with a shared layer round-trips through file://', async () => {
    const input = wl.input({ shape: [5, 3] });
    const shared = wl.layers.dense({ units: 3, activation: 'tanh' });
    const m = wl.model({ inputs: input, outputs: wl.layers.dense({ units: 2, activation: 'softmax' }).apply(shared.apply(shared.apply(input))) });
    const dir = tempDir();
    await m.save(`file://${dir}`);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'layers-model', convertedBy: null, modelTopology: { module: 'keras.src.models.functional', class_name: 'Functional' } });
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    await samePredictions(m, await wl.loadLayersModel(`file://${join(dir, 'model.json')}`), [3, 5, 3]);
  });

  it('writes a reset_after=true GRU with the Keras field names and its (2, 3u) bias', async () => {
    const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [3, 2] })] });
    const handler = wl.io.fromMemory();
    await m.save(handler);
    const { modelTopology, weightSpecs } = handler.artifacts!;
    const layers = (modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    expect(layers[0]).toMatchObject({ class_name: 'InputLayer', config: { batch_shape: [null, 3, 2], batch_input_shape: [null, 3, 2] } });
    expect(layers[1].config).toMatchObject({ reset_after: true, recurrent_activation: 'sigmoid', units: 4 });
    expect(weightSpecs).toEqual([
      { name: 'gru_1/kernel', shape: [2, 12], dtype: 'float32' },
      { name: 'gru_1/recurrent_kernel', shape: [4, 12], dtype: 'float32' },
      { name: 'gru_1/bias', shape: [2, 12], dtype: 'float32' },
    ]);
  });

  for (const optimizer of ['rmsprop', 'adam', 'sgd-momentum'] as const) {
    it(`with includeOptimizer, training continues exactly as an uninterrupted run (${optimizer})`, async () => {
      const make = () => {
        wl.clearSession();
        wl.setSeed(5);
        const m = wl.sequential({ layers: [wl.layers.gru({ units: 5, returnSequences: true, inputShape: [6, 3] }), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3 }) }), wl.layers.activation({ activation: 'softmax' })] });
        const opt = optimizer === 'rmsprop' ? wl.optimizers.rmsprop({ momentum: 0.5, centered: true }) : optimizer === 'adam' ? 'adam' : wl.optimizers.sgd({ learningRate: 0.1, momentum: 0.9 });
        m.compile({ loss: 'categoricalCrossentropy', optimizer: opt, metrics: ['accuracy'] });
        return m;
      };
      const x = wl.randomUniform([40, 6, 3], 0, 1, 'float32', 1);
      const y = wl.randomUniform([40, 6, 3], 0, 1, 'float32', 2);
      const fit = (m: wl.LayersModel, epochs: number) => m.fit(x, y, { epochs, batchSize: 16, shuffle: false, verbose: 0, workers: 0 });
      const straight = make();
      await fit(straight, 4);
      const first = make();
      await fit(first, 2);
      const dir = tempDir();
      await first.save(`file://${dir}`, { includeOptimizer: true });
      const resumed = await wl.loadLayersModel(`file://${dir}/model.json`);
      expect(resumed.loss).toBe('categorical_crossentropy');
      expect(resumed.metricNames).toEqual(['accuracy']);
      expect(resumed.optimizer!.iterations).toBe(6);
      await fit(resumed, 2);
      const expected = straight.getWeights();
      resumed.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), expected[i].dataSync(), `weight ${i}`));
    });
  }

  it('loads over http:// (fetch) and saves by POSTing model.json and model.weights.bin', async () => {
    const m = seedModels().model1;
    const dir = tempDir();
    await m.save(`file://${dir}`);
    const received: Record<string, number> = {};
    const server = createServer(async (req, res) => {
      if (req.method === 'POST') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const form = await new Request('http://x/', { method: 'POST', headers: req.headers as HeadersInit, body: Buffer.concat(chunks) }).formData();
        for (const [k, v] of form) received[k] = (v as Blob).size;
        res.end('ok');
        return;
      }
      try {
        res.end(readFileSync(join(dir, req.url!.slice(1))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await samePredictions(m, await wl.loadLayersModel(`${url}/model.json`), [2, 64, 15]);
      await m.save(`${url}/upload`);
      expect(Object.keys(received).sort()).toEqual(['model.json', 'model.weights.bin']);
      expect(received['model.weights.bin']).toBe(1672 * 4);
      await expect(wl.loadLayersModel(`${url}/missing/model.json`)).rejects.toThrow(`Loading ${url}/missing/model.json failed: HTTP 404`);
    } finally {
      server.close();
    }
  });

  it('refuses weights that do not match the model, naming them', async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 2, inputShape: [3] })] });
    const handler = wl.io.fromMemory();
    await m.save(handler);
    const a = handler.artifacts!;
    await expect(wl.loadLayersModel({ ...a, weightSpecs: [a.weightSpecs[0]], weightData: a.weightData.slice(0, 24) })).rejects.toThrow(
      'The model config declares a weight of shape [2] (2 values), more than the 0 values the weight data has left',
    );
    await expect(wl.loadLayersModel({ ...a, weightSpecs: [a.weightSpecs[0], { ...a.weightSpecs[1], name: 'other/bias' }] })).rejects.toThrow(
      'The saved weights lack dense_1/bias; they hold "dense_1/kernel", "other/bias"',
    );
    const wrong = [{ ...a.weightSpecs[0], shape: [2, 3] }, a.weightSpecs[1]];
    await expect(wl.loadLayersModel({ ...a, weightSpecs: wrong })).rejects.toThrow('Saved weight dense_1/kernel has shape [2, 3], but the model\'s dense_1/kernel has shape [3, 2]');
    await expect(wl.loadLayersModel({ ...a, weightData: a.weightData.slice(0, 20) })).rejects.toThrow('needs 24 bytes at offset 0, but the weight data has 20 bytes');
  });
});
