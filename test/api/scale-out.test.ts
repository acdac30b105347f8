// The JavaScript side of docs/scale-out.md, as examples/scale-out runs it: train here and save a
// .keras file (which loads back with the same predictions), then load a .keras file Keras 3 trained
// — the shared fixture lstm_seq, the guide's model exactly, stands in for the one
// continue_in_keras.py writes — and predict Keras's outputs; and the script itself, both passes.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: an example in plain JavaScript (it imports the built package, dist/)
import { buildModel, loadAndPredict, trainAndSave } from '../../examples/scale-out/steps.mjs';
import { KERAS3_DIR, loadCase } from '../helpers/keras3-case.js';
import * as wl from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-layers-scale-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('lstm_seq/model.keras', KERAS3_DIR));

describe('scale-out route (docs/scale-out.md)', () => {
  it('trains here and saves model.keras, which loads back with the same predictions', async () => {
    const path = join(dir, 'model.keras');
    const { model, history } = await trainAndSave(path, { epochs: 2, samples: 64 });
    expect(history.history.loss).toHaveLength(2);
    expect(existsSync(path)).toBe(true);
    const x = wl.randomUniform([4, 6, 4]);
    const { predictions } = await loadAndPredict(path, x.dataSync());
    const here = model.predict(x.dataSync());
    expect(Array.from(predictions.dataSync())).toEqual(Array.from(here.dataSync()));
    // saved with its training state: 2 epochs of 2 batches of 32
    const resumed = await wl.loadLayersModel(`file://${path}`);
    expect(resumed.optimizer?.className).toBe('RMSprop');
    expect(resumed.optimizer?.iterations).toBe(4);
  });

  it('the guide model has the fixture\'s architecture, and the Keras-trained file predicts Keras\'s outputs', async () => {
    const c = loadCase('lstm_seq');
    expect(buildModel().countParams()).toBe(c.weights.reduce((n, w) => n + w.data.length, 0));
    const { predictions } = await loadAndPredict(fixture, Float32Array.from(c.inputs[0].data));
    const got = predictions.dataSync();
    c.outputs[0].data.forEach((v, i) => expect(Math.abs(got[i] - v), `output ${i}`).toBeLessThan(2e-5));
  });

  it('examples/scale-out/main.mjs: the first run trains and saves, the second loads trained.keras and predicts', () => {
    const script = fileURLToPath(new URL('../../examples/scale-out/main.mjs', import.meta.url));
    const run = join(dir, 'run');
    const first = execFileSync(process.execPath, [script, run], { encoding: 'utf8' });
    expect(first).toMatch(/^Trained here: loss [\d.]+ → [\d.]+ → [\d.]+; wrote .*model\.keras/);
    copyFileSync(fixture, join(run, 'trained.keras')); // what continue_in_keras.py would write
    const second = execFileSync(process.execPath, [script, run], { encoding: 'utf8' });
    expect(second).toMatch(/^Loaded .*trained\.keras \(trained further in Keras\): accuracy on fresh sequences [01]\.\d{3}/);
  });
});
