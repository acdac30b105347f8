// A .keras file saved with includeOptimizer holds Keras 3's compile_config and optimizer/vars
// (iteration int64, learning_rate float32, then the slots in Keras's build order), and loading it
// gives a compiled model whose next step is the one the saved model would have taken: fit 1 step,
// save, load, fit 1 more == fit 2 steps in one model (RMSprop plain / momentum+centered, Adam, SGD
// plain / Nesterov momentum, GRU + Dense), as through the TF.js format. A file whose optimizer
// state disagrees with the model is refused naming the variable; mutated files load or are
// refused with a ValueError (300 here; test/hardening/keras-fuzz.test.ts fuzzes a Keras file 1,000 times).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { Hdf5Reader } from '../../src/io/keras/hdf5-read.js';
import type { H5DatasetSpec, H5GroupSpec } from '../../src/io/keras/hdf5-write.js';
import { kerasBytesOf } from '../../src/models/keras-files.js';
import { expectClose, expectIdentical } from '../helpers/compare.js';
import { readH5Tree, treeAt, writeHdf5 } from '../helpers/h5-tree.js';
import { fuzzKerasBytes } from '../helpers/keras-fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'wasm-layers-optstate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type OptimizerCase = { name: string; make: () => wl.Optimizer; slots: string[][] };
const OPTIMIZERS: OptimizerCase[] = [
  { name: 'RMSprop', make: () => wl.optimizers.rmsprop({ learningRate: 0.01 }), slots: [['velocity']] },
  { name: 'RMSprop momentum centered', make: () => wl.optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true }), slots: [['velocity'], ['momentum'], ['average_gradient']] },
  { name: 'Adam', make: () => wl.optimizers.adam({ learningRate: 0.01 }), slots: [['momentum', 'velocity']] },
  { name: 'SGD', make: () => wl.optimizers.sgd({ learningRate: 0.1 }), slots: [] },
  { name: 'SGD Nesterov momentum', make: () => wl.optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), slots: [['momentum']] },
];

function gruDense(optimizer: wl.Optimizer): wl.LayersModel {
  wl.clearSession();
  wl.setSeed(7);
  const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [5, 3] }), wl.layers.dense({ units: 2 })] });
  m.compile({ loss: 'meanSquaredError', optimizer, metrics: ['mae'] });
  return m;
}
const x = () => wl.randomUniform([8, 5, 3], -1, 1, 'float32', 1);
const y = () => wl.randomUniform([8, 2], -1, 1, 'float32', 2);
/** One epoch of one batch: one optimizer step. */
const step = (m: wl.LayersModel, epochs = 1) => m.fit(x(), y(), { epochs, batchSize: 8, shuffle: false, verbose: 0, workers: 0 });

function expectSameWeights(actual: wl.LayersModel, expected: wl.LayersModel, label: string) {
  const want = expected.getWeights();
  actual.getWeights().forEach((w, i) => {
    expectClose(w.dataSync(), want[i].dataSync(), { tol: 1e-6, label: `${label}: weight ${i}` });
    expectIdentical(w.dataSync(), want[i].dataSync(), `${label}: weight ${i}`);
  });
}

describe('.keras with includeOptimizer: training resumes with the same next step', () => {
  for (const c of OPTIMIZERS) {
    it(`${c.name}: fit 1, save .keras, load, fit 1 == fit 2 (and the same through the TF.js format)`, async () => {
      const straight = gruDense(c.make());
      await step(straight, 2);
      const first = gruDense(c.make());
      await step(first);
      const path = join(dir, `${c.name.replace(/ /g, '-')}.keras`);
      await first.save(`file://${path}`, { includeOptimizer: true });
      await first.save(`file://${join(dir, c.name.replace(/ /g, '-'))}`, { includeOptimizer: true });
      const resumed = await wl.loadLayersModel(`file://${path}`);
      expect(resumed.optimizer!.className).toBe(c.make().className);
      expect(resumed.optimizer!.getConfig()).toEqual(c.make().getConfig());
      expect(resumed.optimizer!.iterations).toBe(1);
      expect(resumed.loss).toBe('mean_squared_error');
      expect(resumed.metricNames).toEqual(['mae']);
      await step(resumed);
      expectSameWeights(resumed, straight, '.keras');
      const viaTfjs = await wl.loadLayersModel(`file://${join(dir, c.name.replace(/ /g, '-'))}/model.json`);
      await step(viaTfjs);
      expectSameWeights(viaTfjs, straight, 'tfjs format');
    });
  }

  it('a model compiled but not trained saves zero slots and step 0; loaded from bytes it trains as the original', async () => {
    const a = gruDense(wl.optimizers.adam());
    const bytes = kerasBytesOf(a, { includeOptimizer: true });
    const h5 = new Hdf5Reader(unzipSync(bytes)['model.weights.h5'], 'model.weights.h5');
    expect(h5.keys('optimizer/vars')).toHaveLength(2 + 2 * 5);
    expect(h5.integer('optimizer/vars/0').values).toEqual([0]);
    const b = await wl.loadLayersModel(bytes);
    await step(a);
    await step(b);
    expectSameWeights(b, a, 'from bytes');
  });
});

describe('the layout is Keras 3.15\'s', () => {
  for (const c of OPTIMIZERS) {
    it(`${c.name}: optimizer/vars = iteration (int64), learning_rate (float32), then ${c.slots.map((g) => g.join('+')).join(', ') || 'no slots'} over the trainable weights`, async () => {
      const m = gruDense(c.make());
      await step(m);
      const files = unzipSync(kerasBytesOf(m, { includeOptimizer: true }));
      const h5 = new Hdf5Reader(files['model.weights.h5'], 'model.weights.h5');
      const trainable = m.trainableWeights;
      const expected = c.slots.flatMap((group) => trainable.flatMap((v) => group.map(() => v.shape)));
      expect(h5.keys('optimizer/vars').map(Number).sort((a, b) => a - b)).toEqual([...Array(2 + expected.length).keys()]);
      expect(h5.attr('optimizer/vars', 'name')).toBe({ RMSprop: 'rm_sprop', Adam: 'adam', SGD: 'sgd' }[m.optimizer!.className]);
      expect(h5.dtype('optimizer/vars/0')).toBe('<i8');
      expect(h5.integer('optimizer/vars/0')).toEqual({ shape: [], values: [1] });
      expect(h5.dtype('optimizer/vars/1')).toBe('<f4');
      expect(h5.float32('optimizer/vars/1').values[0]).toBe(Math.fround(m.optimizer!.learningRate));
      expected.forEach((shape, i) => expect(h5.float32(`optimizer/vars/${i + 2}`).shape, `optimizer/vars/${i + 2}`).toEqual(shape));
      // Adam interleaves (momentum, velocity) per variable: the first slot after one step is the momentum (1 - β1)·g, the second the velocity (1 - β2)·g²
      if (m.optimizer!.className === 'Adam') {
        const mom = h5.float32('optimizer/vars/2').values;
        const vel = h5.float32('optimizer/vars/3').values;
        mom.forEach((g, i) => expect(vel[i]).toBeCloseTo(((g / 0.1) ** 2) * 0.001, 9));
      }
      const text = new TextDecoder().decode(files['config.json']);
      // Python's json must read these as floats (Keras refuses an int learning_rate or SGD momentum)
      for (const [k, v] of Object.entries(m.optimizer!.getConfig())) if (typeof v === 'number' && Number.isInteger(v)) expect(text).toContain(`"${k}": ${v}.0`.replace(': ', ':'));
      const config = JSON.parse(text);
      expect(config.compile_config).toMatchObject({
        optimizer: { module: 'keras.optimizers', class_name: m.optimizer!.className, registered_name: null, config: { ...m.optimizer!.getConfig(), weight_decay: null, clipnorm: null, use_ema: false, gradient_accumulation_steps: null } },
        loss: 'mean_squared_error', loss_weights: null, metrics: ['mae'], weighted_metrics: null, steps_per_execution: 1,
      });
    });
  }

  it('without includeOptimizer there is no compile_config and no optimizer group; compile: false loads the model alone', async () => {
    const m = gruDense(wl.optimizers.adam());
    await step(m);
    const files = unzipSync(kerasBytesOf(m));
    expect(JSON.parse(new TextDecoder().decode(files['config.json'])).compile_config).toBeUndefined();
    expect(new Hdf5Reader(files['model.weights.h5'], 'w').isGroup('optimizer')).toBe(false);
    expect((await wl.loadLayersModel(kerasBytesOf(m))).optimizer).toBeNull();
    expect((await wl.loadLayersModel(kerasBytesOf(m, { includeOptimizer: true }), { compile: false })).optimizer).toBeNull();
  });
});

describe('optimizer state that disagrees with the model is refused naming the variable', () => {
  const saved = async () => {
    const m = gruDense(wl.optimizers.rmsprop({ momentum: 0.5 }));
    await step(m);
    return unzipSync(kerasBytesOf(m, { includeOptimizer: true }));
  };
  const withH5 = (files: Record<string, Uint8Array>, edit: (tree: H5GroupSpec) => void) => {
    const tree = readH5Tree(files['model.weights.h5']);
    edit(tree);
    return zipSync({ ...files, 'model.weights.h5': writeHdf5(tree) }, { level: 0 });
  };
  const withConfig = (files: Record<string, Uint8Array>, edit: (compile: Record<string, any>) => void) => {
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    edit(config.compile_config);
    return zipSync({ ...files, 'config.json': new TextEncoder().encode(JSON.stringify(config)) }, { level: 0 });
  };
  const vars = (tree: H5GroupSpec) => treeAt(tree, 'optimizer/vars') as H5GroupSpec;

  it('count, shape, dtype, non-finite values and a negative step count', async () => {
    const files = await saved();
    await expect(wl.loadLayersModel(withH5(files, (t) => vars(t).members.delete('11')))).rejects.toThrow(/model.weights.h5: optimizer\/vars holds 11 variables, but RMSprop\(.*\) keeps 12 for this model \(iteration, learning_rate, then 10 slots for its 5 trainable weights\)/);
    await expect(wl.loadLayersModel(withH5(files, (t) => vars(t).members.set('3', { shape: [4, 3], data: new Float32Array(12) })))).rejects.toThrow(/model.weights.h5: optimizer\/vars\/3 \(velocity of gru\w*\/recurrent_kernel\) has shape \[4, 3\], but gru\w*\/recurrent_kernel has shape \[4, 12\]/);
    await expect(wl.loadLayersModel(withH5(files, (t) => vars(t).members.set('0', { shape: [], data: Float32Array.of(1) })))).rejects.toThrow(/optimizer\/vars\/0 \(iteration\) holds "<f4" values; the step count is an int64 \(or int32\) scalar/);
    await expect(wl.loadLayersModel(withH5(files, (t) => vars(t).members.set('0', { shape: [], data: BigInt64Array.of(-3n) })))).rejects.toThrow(/optimizer\/vars\/0 \(iteration\) must be one non-negative integer, got 1 value\(s\) starting -3/);
    await expect(wl.loadLayersModel(withH5(files, (t) => vars(t).members.set('7', { shape: [3, 12], data: new BigInt64Array(36) })))).rejects.toThrow(/optimizer\/vars\/7 \(momentum of gru\w*\/kernel\) holds "<i8" values; optimizer state is float32/);
    const nan = withH5(files, (t) => ((vars(t).members.get('8') as H5DatasetSpec).data as Float32Array)[5] = Number.POSITIVE_INFINITY);
    await expect(wl.loadLayersModel(nan)).rejects.toThrow(/optimizer\/vars\/8 \(momentum of gru\w*\/recurrent_kernel\) holds Infinity at \[0, 5\]; optimizer state must be finite/);
    await expect(wl.loadLayersModel(nan, { allowNonFiniteWeights: true })).resolves.toBeDefined();
  });

  it('optimizer options, losses and settings this library does not have are refused by name, with compile: false as the way out', async () => {
    const files = await saved();
    const refused = async (edit: (c: Record<string, any>) => void, message: RegExp) => {
      const file = withConfig(files, edit);
      await expect(wl.loadLayersModel(file)).rejects.toThrow(message);
      await expect(wl.loadLayersModel(file, { compile: false })).resolves.toBeDefined();
    };
    await refused((c) => { c.optimizer.config.clipnorm = 1; }, /compile_config has RMSprop clipnorm=1, which this library does not support .*load with \{compile: false\}/);
    await refused((c) => { c.optimizer.config.weight_decay = 0.01; }, /RMSprop weight_decay=0.01/);
    await refused((c) => { c.optimizer.class_name = 'AdamW'; }, /has optimizer "AdamW": this library has RMSprop, Adam and SGD/);
    await refused((c) => { c.optimizer = { module: 'keras.optimizers', class_name: 'Adam', config: { learning_rate: 0.001, amsgrad: true }, registered_name: null }; }, /Adam amsgrad=true/);
    await refused((c) => { c.optimizer.config.learning_rate = { module: 'keras.optimizers.schedules', class_name: 'ExponentialDecay', config: {} }; }, /learning_rate "ExponentialDecay": only a constant learning rate/);
    await refused((c) => { c.loss = { module: 'keras.losses', class_name: 'MeanSquaredError', config: {} }; }, /loss "MeanSquaredError": only loss names/);
    await refused((c) => { c.loss = 'kl_divergence'; }, /compile_config: Unknown loss.*kl_divergence/);
    await refused((c) => { c.weighted_metrics = ['mae']; }, /weighted_metrics/);
  });

  it('a learning rate changed in Keras (the variable, not the config) is the one used', async () => {
    const files = await saved();
    const file = withH5(files, (t) => { (vars(t).members.get('1') as H5DatasetSpec).data = Float32Array.of(0.25); });
    expect((await wl.loadLayersModel(file)).optimizer!.learningRate).toBe(0.25);
  });
});

describe('fuzzing .keras files with optimizer state (fast-check, fixed seed)', () => {
  it('300 mutations (bytes flipped, truncated, extended): each loads (compiled or not) and predicts, or is refused with a ValueError', async () => {
    const m = gruDense(wl.optimizers.adam());
    await step(m);
    const original = kerasBytesOf(m, { includeOptimizer: true });
    const outcomes = await fuzzKerasBytes(original, {
      numRuns: 300,
      seed: 20261208,
      check: (model) => {
        expect((model.predict(wl.zeros([1, 5, 3])) as wl.Tensor).shape).toEqual([1, 2]);
        return model.optimizer ? 'compiled' : 'uncompiled';
      },
    });
    expect(outcomes.compiled).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 120_000);
});

describe('Keras 3 fixtures (saved uncompiled) still load uncompiled', () => {
  it('stacked_gru', async () => {
    const path = new URL('../fixtures/keras3/stacked_gru/model.keras', import.meta.url);
    const model = await wl.loadLayersModel(new Uint8Array(readFileSync(path)));
    expect(model.optimizer).toBeNull();
  });
});
