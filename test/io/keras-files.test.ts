// Keras 3 files: the config dialect, .keras (zip + HDF5) and legacy .h5 read, .keras write. Every
// shared fixture (test/fixtures/keras3/<case>: model.keras and model.h5 saved by Keras 3.15.1, with
// the outputs Keras computed) whose layers the library has loads from its config, its .keras and
// its .h5 and predicts the case's outputs within 2e-5; the others are skipped with the layer
// classes missing, found at collection (so they run once the library gains them).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { fromKerasConfig } from '../../src/io/keras/config.js';
import { Hdf5Reader } from '../../src/io/keras/hdf5-read.js';
import { writeHdf5, type H5DatasetSpec, type H5GroupSpec } from '../../src/io/keras/hdf5-write.js';
import { readZip } from '../../src/io/keras/zip.js';
import { layerClassNames } from '../../src/layers/registry.js';
import { modelFromConfig } from '../../src/models/serialization.js';
import { resetPool } from '../helpers/pool.js';
import { KERAS3_DIR, expectCaseClose, expectWeightsClose, inputTensors, maxAbsError, loadCase, targetTensors, weightTensors, type Keras3Case } from '../helpers/keras3-case.js';

const CASES = (JSON.parse(readFileSync(new URL('index.json', KERAS3_DIR), 'utf8')) as { cases: { name: string }[] }).cases.map((c) => c.name);

/** The layer classes a config names, nested ones included. */
function classesOf(config: unknown): string[] {
  if (Array.isArray(config)) return config.flatMap(classesOf);
  if (config == null || typeof config !== 'object') return [];
  const o = config as Record<string, unknown>;
  const own = typeof o.class_name === 'string' && typeof o.config === 'object' && o.module !== 'keras.initializers' && o.class_name !== 'DTypePolicy' && !o.class_name.startsWith('__') ? [o.class_name] : [];
  return [...own, ...Object.values(o).flatMap(classesOf)];
}

const MODEL_CLASSES = ['Sequential', 'Functional', 'Model'];
const MIRROR = Symbol('the forward layer\'s mirror');
/**
 * Config keys where a written file may differ from Keras's own: keys Keras writes that the library
 * leaves out (Keras then takes its default, the value the fixture holds), and keys the library
 * writes that Keras's constructor takes though it does not write them.
 */
const KEY_ALLOWANCES: Record<string, { keras: Record<string, unknown>; ours: string[] }> = {
  Dense: { keras: { quantization_config: null }, ours: ['activity_regularizer'] },
  // Keras 3's SimpleRNN takes a seed (for its dropout masks) but its get_config leaves it out
  SimpleRNN: { keras: {}, ours: ['seed'] },
  // Keras writes the backward layer it derives from `layer` (the reader checks it is the mirror)
  Bidirectional: { keras: { backward_layer: MIRROR }, ours: [] },
};

/** Inbound nodes without the call arguments Keras records at their defaults (mask: null, training: false). */
function withoutDefaultKwargs(nodes: unknown): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((n: { args: unknown; kwargs?: Record<string, unknown> }) => ({
    ...n, kwargs: Object.fromEntries(Object.entries(n.kwargs ?? {}).filter(([k, v]) => !((k === 'mask' && v === null) || (k === 'training' && v === false)))),
  }));
}

/** A layer config's keys (nested layers' as `layer.key`), less the allowances, each checked at its allowed value. */
function configKeys(className: string, config: Record<string, unknown>, side: 'keras' | 'ours'): string[] {
  const allowance = KEY_ALLOWANCES[className];
  return Object.entries(config).flatMap(([k, v]) => {
    if (side === 'keras' && allowance && k in allowance.keras) {
      if (allowance.keras[k] !== MIRROR) expect(v, `Keras's ${className}.${k}`).toEqual(allowance.keras[k]);
      return [];
    }
    if (side === 'ours' && allowance?.ours.includes(k)) {
      expect(v, `our ${className}.${k}`).toBeNull();
      return [];
    }
    const nested = v as { class_name?: string; config?: Record<string, unknown> } | null;
    if (k === 'layer' && nested?.config) return [k, ...configKeys(nested.class_name!, nested.config, side).map((n) => `layer.${n}`)];
    return [k];
  }).sort();
}
const noSharedIds = (key: string, value: unknown) => (key === 'shared_object_id' ? undefined : value);
/** Why a case cannot load yet (the layer classes the library lacks), or null. */
function missingClasses(c: Keras3Case): string | null {
  const known = new Set([...layerClassNames(), ...MODEL_CLASSES]);
  const lacking = [...new Set(classesOf(c.config))].filter((n) => !known.has(n));
  return lacking.length ? `the library has no layer class ${lacking.join(', ')}` : null;
}

async function expectOutputs(model: wl.LayersModel, c: Keras3Case, how: string): Promise<void> {
  const x = inputTensors(c);
  const out = await model.predict(x.length === 1 ? x[0] : x, { workers: 0 });
  const outs = Array.isArray(out) ? out : [out];
  expect(outs.length, `${c.name} (${how}): number of outputs`).toBe(c.outputs.length);
  outs.forEach((t, i) => {
    expect(t.shape, `${c.name} (${how}): output ${i} shape`).toEqual(c.outputs[i].shape);
    expectCaseClose(t.dataSync(), c.outputs[i].data, { caseName: c.name, field: `outputs via ${how}`, index: i, shape: c.outputs[i].shape });
  });
}

describe('Keras 3 config dialect (the fixtures\' config.json)', () => {
  for (const name of CASES) {
    const c = loadCase(name);
    const skip = missingClasses(c);
    it.skipIf(skip != null)(`${name}: builds from its Keras 3 config and, with its weights, predicts Keras's outputs${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const model = modelFromConfig(fromKerasConfig(c.config, 'keras3'));
      model.setWeights(weightTensors(c));
      expect(model.countParams()).toBe(c.weights.reduce((n, w) => n + w.data.length, 0));
      await expectOutputs(model, c, 'config');
    });
  }
});

/** A copy of a fixture's config with `edit` applied to its layer `index`'s config. */
function editedConfig(name: string, index: number, edit: (layer: Record<string, unknown>) => void): unknown {
  const config = structuredClone(loadCase(name).config) as { config: { layers: Record<string, unknown>[] } };
  edit(config.config.layers[index]);
  return config;
}

describe('Keras 3 config dialect: what is refused or mapped', () => {
  it('a mixed_float16 dtype policy is refused naming the policy, never loaded as float32', () => {
    const config = editedConfig('stacked_gru', 1, (l) => {
      (l.config as Record<string, unknown>).dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'mixed_float16' }, registered_name: null };
    });
    expect(() => fromKerasConfig(config, 'keras3')).toThrow(/GRU gru: the dtype policy "mixed_float16" is not supported \(float32 only\)/);
  });
  it('quantization_config null is accepted; a quantization config is refused by name', () => {
    const last = loadCase('stacked_gru').config as { config: { layers: unknown[] } };
    const at = last.config.layers.length - 1;
    expect(() => modelFromConfig(fromKerasConfig(editedConfig('stacked_gru', at, () => {}), 'keras3'))).not.toThrow();
    const quantized = editedConfig('stacked_gru', at, (l) => {
      (l.config as Record<string, unknown>).quantization_config = { class_name: 'Int8QuantizationConfig', config: {} };
    });
    expect(() => fromKerasConfig(quantized, 'keras3')).toThrow(/Dense dense: quantization_config=.*Int8QuantizationConfig.* is not supported/);
  });
  it('an unknown layer class is refused by name (nothing is dropped)', () => {
    const config = editedConfig('stacked_gru', 2, (l) => {
      l.class_name = 'Lambda';
    });
    expect(() => modelFromConfig(fromKerasConfig(config, 'keras3'))).toThrow(/Unknown layer class: "Lambda"/);
  });
  it('an option the layer does not support is refused by name', () => {
    const config = editedConfig('stacked_gru', 1, (l) => {
      (l.config as Record<string, unknown>).kernel_regularizer = { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null };
    });
    expect(() => modelFromConfig(fromKerasConfig(config, 'keras3'))).toThrow(/GRU config: kernel_regularizer=.*L2.* is not supported.*regularizers are not supported yet/);
  });
  it('hard_sigmoid means Keras 3\'s in a Keras 3 config and Keras 2 / tfjs\'s in a Keras 2 one', () => {
    const c = loadCase('gru_reset_after_false_hard_sigmoid_k3');
    const recurrentActivation = (dialect: 'keras3' | 'keras2') =>
      ((fromKerasConfig(c.config, dialect).config.layers as { config: Record<string, unknown> }[])[1].config.recurrent_activation);
    expect(recurrentActivation('keras3')).toBe('keras3_hard_sigmoid');
    expect(recurrentActivation('keras2')).toBe('hard_sigmoid');
  });
  it('a Bidirectional backward_layer that is not the forward layer\'s mirror is refused', () => {
    const config = editedConfig('bidirectional_lstm_mul', 1, (l) => {
      const backward = (l.config as Record<string, { config: Record<string, unknown> }>).backward_layer;
      backward.config.units = 7;
    });
    expect(() => fromKerasConfig(config, 'keras3')).toThrow(/backward_layer="LSTM" differs from the forward layer's mirror/);
  });
});

const fixtureFile = (name: string, file: 'model.keras' | 'model.h5') => fileURLToPath(new URL(`${name}/${file}`, KERAS3_DIR));

describe('.keras and legacy .h5 files saved by Keras 3.15 (the fixtures\' model.keras and model.h5)', () => {
  for (const name of CASES) {
    const c = loadCase(name);
    const skip = missingClasses(c);
    const why = skip ? ` (skipped: ${skip})` : '';
    it.skipIf(skip != null)(`${name}: loadLayersModel('file://…/model.keras') predicts Keras's outputs and holds its weights${why}`, async () => {
      const model = await wl.loadLayersModel(`file://${fixtureFile(name, 'model.keras')}`);
      expectWeights(model, c);
      await expectOutputs(model, c, 'model.keras');
    });
    it.skipIf(skip != null)(`${name}: loadLayersModel('file://…/model.h5') predicts Keras's outputs and holds its weights${why}`, async () => {
      const model = await wl.loadLayersModel(`file://${fixtureFile(name, 'model.h5')}`);
      expectWeights(model, c);
      await expectOutputs(model, c, 'model.h5');
    });
  }

  it('a Bidirectional keeps Keras\'s names for its halves (the saved layer is forward_lstm: not prefixed twice)', async () => {
    const model = await wl.loadLayersModel(`file://${fixtureFile('bidirectional_lstm_mul', 'model.keras')}`);
    const bidi = model.layers[0] as unknown as { forwardLayer: wl.Layer; backwardLayer: wl.Layer };
    // Keras 3: "forward_" + removeprefix(name, "forward_"), "backward_" + removeprefix(name, "backward_")
    expect([bidi.forwardLayer.name, bidi.backwardLayer.name]).toEqual(['forward_lstm', 'backward_forward_lstm']);
  });

  it('a model loaded from a .keras file trains on the worker pool as in process (one SGD step, within 1e-5)', async () => {
    const c = loadCase('bidirectional_lstm_concat_seq');
    const step = async (workers: 0 | 2) => {
      const model = await wl.loadLayersModel(`file://${fixtureFile(c.name, 'model.keras')}`);
      model.compile({ loss: c.loss as wl.LossIdentifier, optimizer: wl.optimizers.sgd({ learningRate: 0.1 }) });
      await model.fit(inputTensors(c)[0], targetTensors(c)[0], { epochs: 1, batchSize: c.sizes.B, shuffle: false, verbose: 0, workers });
      return model.getWeights().map((t) => t.dataSync());
    };
    const [alone, pooled] = [await step(0), await step(2)];
    alone.forEach((w, i) => expect(maxAbsError(pooled[i], w).max, `weight ${i} after a step, workers: 2 vs 0`).toBeLessThanOrEqual(1e-5));
    expectWeightsClose(c, 'weights_after_sgd', alone.map((w, i) => wl.tensor(w, c.weights[i].shape)));
  });

  it('loads from an ArrayBuffer, a Uint8Array and a Blob as from the path', async () => {
    const c = loadCase('stacked_gru');
    const bytes = readFileSync(fixtureFile('stacked_gru', 'model.keras'));
    const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const source of [u8.slice().buffer, u8, new Blob([u8])]) await expectOutputs(await wl.loadLayersModel(source), c, `bytes (${source.constructor.name})`);
  });
});

/** The model's weights (get_weights() order) equal the case's exactly: loading copies float32 values. */
function expectWeights(model: wl.LayersModel, c: Keras3Case): void {
  const got = model.getWeights();
  expect(got.map((t) => t.shape), `${c.name}: weight shapes`).toEqual(c.weights.map((w) => w.shape));
  got.forEach((t, i) => expect(Array.from(t.dataSync()), `${c.name}: weight ${i} (${c.weights[i].path})`).toEqual(Array.from(Float32Array.from(c.weights[i].data))));
}

/** The entries of a .keras file: names in order, config.json, and model.weights.h5's groups and datasets with shapes. */
function archiveOutline(bytes: Uint8Array) {
  const names = Object.keys(unzipSync(bytes));
  const entries = readZip(bytes, ['metadata.json', 'config.json', 'model.weights.h5']);
  const h5 = new Hdf5Reader(entries.get('model.weights.h5')!, 'model.weights.h5');
  const tree: Record<string, unknown> = {};
  const walk = (p: string) => {
    for (const k of h5.keys(p)) {
      const child = p ? `${p}/${k}` : k;
      if (h5.isGroup(child)) {
        tree[child] = 'group';
        walk(child);
      } else tree[child] = h5.float32(child).shape;
    }
  };
  walk('');
  return { names, config: JSON.parse(new TextDecoder().decode(entries.get('config.json'))) as Record<string, unknown>, tree, h5 };
}

const tempDir = mkdtempSync(join(tmpdir(), 'wasm-layers-keras-'));
afterAll(async () => {
  rmSync(tempDir, { recursive: true, force: true });
  await resetPool();
});

describe('.keras write: model.save(\'file://…/m.keras\')', () => {
  for (const name of CASES) {
    const c = loadCase(name);
    const skip = missingClasses(c);
    it.skipIf(skip != null)(`${name}: save → load round trip equals, and the file has the structure of Keras's own${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const original = readFileSync(fixtureFile(name, 'model.keras'));
      const model = await wl.loadLayersModel(`file://${fixtureFile(name, 'model.keras')}`);
      const path = join(tempDir, `${name}.keras`);
      await model.save(`file://${path}`);
      const again = await wl.loadLayersModel(`file://${path}`);
      expectWeights(again, c);
      await expectOutputs(again, c, 'saved .keras');
      const ours = archiveOutline(readFileSync(path));
      const keras = archiveOutline(original);
      expect(ours.names).toEqual(keras.names);
      expect(ours.tree).toEqual(keras.tree);
      const layerOutline = (config: Record<string, unknown>, side: 'keras' | 'ours') => ((config.config as { layers: Record<string, unknown>[] }).layers).map((l) => ({
        class_name: l.class_name, name: l.name, inbound_nodes: withoutDefaultKwargs(l.inbound_nodes), build_config: l.build_config, keys: Object.keys(l).sort(),
        configKeys: configKeys(l.class_name as string, l.config as Record<string, unknown>, side),
      }));
      const strip = (config: Record<string, unknown>) => ({ ...config, config: { ...(config.config as object), layers: undefined }, compile_config: undefined });
      expect(layerOutline(ours.config, 'ours')).toEqual(layerOutline(keras.config, 'keras'));
      expect(JSON.parse(JSON.stringify(strip(ours.config)), noSharedIds)).toEqual(JSON.parse(JSON.stringify(strip(keras.config)), noSharedIds));
    });
  }
});

describe('Keras 3 models saved back in the TF.js layers format', () => {
  for (const name of CASES) {
    const c = loadCase(name);
    const skip = missingClasses(c);
    it.skipIf(skip != null)(`${name}: loaded from model.keras, saved as model.json + weights, reloaded: Keras's weights and outputs${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const model = await wl.loadLayersModel(`file://${fixtureFile(name, 'model.keras')}`);
      const handler = wl.io.fromMemory();
      await model.save(handler);
      const again = await wl.loadLayersModel(handler);
      expectWeights(again, c);
      await expectOutputs(again, c, 'saved in the tfjs format');
    });
  }
});

describe('bad Keras files and saves give clear errors', () => {
  const keras = () => new Uint8Array(readFileSync(fixtureFile('stacked_gru', 'model.keras')));
  const entries = () => unzipSync(keras());
  /** The fixture's archive with entries replaced (undefined: removed). */
  const rezip = (changes: Record<string, Uint8Array | undefined>) => {
    const all: Record<string, Uint8Array> = { ...entries() };
    for (const [k, v] of Object.entries(changes)) {
      if (v) all[k] = v;
      else delete all[k];
    }
    return zipSync(all, { level: 0 });
  };
  const configWith = (edit: (config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }) => void) => {
    const config = JSON.parse(new TextDecoder().decode(entries()['config.json']));
    edit(config);
    return new TextEncoder().encode(JSON.stringify(config));
  };

  it('a truncated .keras file', async () => {
    const bytes = keras();
    await expect(wl.loadLayersModel(bytes.slice(0, bytes.length >> 1))).rejects.toThrow(/is not a readable zip archive: .*\(truncated or damaged\?\)/);
  });
  it('a .keras file without model.weights.h5, or with it only under ../', async () => {
    await expect(wl.loadLayersModel(rezip({ 'model.weights.h5': undefined }))).rejects.toThrow(/has no model.weights.h5 entry; a .keras archive holds metadata.json, config.json and model.weights.h5 \(found: metadata.json, config.json\)/);
    const escaped = rezip({ 'model.weights.h5': undefined, '../model.weights.h5': entries()['model.weights.h5'] });
    await expect(wl.loadLayersModel(escaped)).rejects.toThrow(/has no model.weights.h5 entry/);
  });
  it('entries declaring more than the cap uncompressed (a zip bomb) are refused before inflating', async () => {
    const bytes = keras();
    // the central directory's uncompressed size (offset 24 of each "PK\x01\x02" record)
    const view = new DataView(bytes.buffer);
    for (let i = bytes.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 0xfffffff0, true);
    }
    await expect(wl.loadLayersModel(bytes)).rejects.toThrow(/is refused: its entries declare more than 2147483648 bytes uncompressed/);
  });
  it('a mixed_float16 dtype policy in config.json is refused naming it', async () => {
    const file = rezip({ 'config.json': configWith((c) => {
      c.config.layers[1].config.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'mixed_float16' }, registered_name: null };
    }) });
    await expect(wl.loadLayersModel(file)).rejects.toThrow(/GRU gru: the dtype policy "mixed_float16" is not supported \(float32 only\)/);
  });
  it('an unknown layer class in config.json is refused by name', async () => {
    const file = rezip({ 'config.json': configWith((c) => {
      c.config.layers[2].class_name = 'Lambda';
    }) });
    await expect(wl.loadLayersModel(file)).rejects.toThrow(/Unknown layer class: "Lambda"/);
  });
  it('weights whose shape disagrees with the model, missing or extra weights', async () => {
    const h5 = (members: Map<string, H5GroupSpec | H5DatasetSpec>) => writeHdf5({ members });
    const vars = (...shapes: number[][]): H5GroupSpec => ({ members: new Map(shapes.map((s, i) => [String(i), { shape: s, data: new Float32Array(s.reduce((a, b) => a * b, 1)) }])) });
    const layers = (dense: H5GroupSpec, extra?: [string, H5GroupSpec]) => new Map<string, H5GroupSpec | H5DatasetSpec>([
      ['layers', { members: new Map([['gru', { members: new Map([['cell', { members: new Map([['vars', vars([4, 15], [5, 15], [2, 15])]]) }]]) }],
        ['gru_1', { members: new Map([['cell', { members: new Map([['vars', vars([5, 15], [5, 15], [2, 15])]]) }]]) }], ['dense', { members: new Map([['vars', dense]]) }], ...(extra ? [extra] : [])]) }],
    ]);
    await expect(wl.loadLayersModel(rezip({ 'model.weights.h5': h5(layers(vars([5, 3], [3]))) }))).resolves.toBeDefined();
    await expect(wl.loadLayersModel(rezip({ 'model.weights.h5': h5(layers(vars([5, 4], [3]))) }))).rejects.toThrow(/model.weights.h5: layers\/dense\/vars\/0 has shape \[5, 4\], but the model's dense\/kernel has shape \[5, 3\]/);
    await expect(wl.loadLayersModel(rezip({ 'model.weights.h5': h5(layers(vars([5, 3]))) }))).rejects.toThrow(/layers\/dense\/vars holds 1 weights \(0\), but the model's dense has 2/);
    await expect(wl.loadLayersModel(rezip({ 'model.weights.h5': h5(layers(vars([5, 3], [3]), ['dense_9', { members: new Map([['vars', vars([2])]]) }])) }))).rejects.toThrow(/holds weights the model does not have: layers\/dense_9\/vars\/0/);
    const nan = vars([5, 3], [3]);
    (nan.members.get('1') as H5DatasetSpec).data[2] = Number.NaN;
    const withNaN = rezip({ 'model.weights.h5': h5(layers(nan)) });
    await expect(wl.loadLayersModel(withNaN)).rejects.toThrow(/model.weights.h5: layers\/dense\/vars\/1 holds NaN at \[2\]; weights must be finite \(load with \{allowNonFiniteWeights: true\} to accept them\)/);
    await expect(wl.loadLayersModel(withNaN, { allowNonFiniteWeights: true })).resolves.toBeDefined();
  });
  it('an HDF5 dataset whose declared shape is larger than the file is refused before reading', () => {
    const bytes = writeHdf5({ members: new Map([['w', { shape: [5, 3], data: new Float32Array(15) }]]) });
    // the dataspace message: version 1, rank 2, max dims present, then dims and max dims (u64)
    const view = new DataView(bytes.buffer);
    let patched = 0;
    for (let i = 0; i + 40 <= bytes.length; i++) {
      if (bytes[i] === 1 && bytes[i + 1] === 2 && bytes[i + 2] === 1 && view.getBigUint64(i + 8, true) === 5n && view.getBigUint64(i + 16, true) === 3n) {
        view.setBigUint64(i + 8, 1_000_000n, true);
        view.setBigUint64(i + 24, 1_000_000n, true);
        patched++;
      }
    }
    expect(patched).toBe(1);
    expect(() => new Hdf5Reader(bytes, 'crafted.h5').float32('w')).toThrow(/crafted.h5: w declares shape \[1000000, 3\] \(12000000 bytes\), more than the whole file's \d+ bytes/);
  });
  it('a file that is neither, and an .h5 holding weights only', async () => {
    await expect(wl.loadLayersModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).rejects.toThrow(/is neither a .keras archive \(zip\) nor a Keras .h5 file \(HDF5\)/);
    await expect(wl.loadLayersModel(entries()['model.weights.h5'])).rejects.toThrow(/has no model_config attribute: it holds weights only/);
  });
  it('save: .h5 and tfjs\'s hard_sigmoid are refused for .keras', async () => {
    const model = wl.sequential({ layers: [wl.layers.gru({ units: 3, recurrentActivation: 'hardSigmoid', inputShape: [4, 2] })] });
    await expect(model.save(`file://${join(tempDir, 'm.h5')}`)).rejects.toThrow(/legacy .h5 files are read but not written; save as .keras/);
    await expect(model.save(`file://${join(tempDir, 'm.keras')}`)).rejects.toThrow(/recurrent_activation "hard_sigmoid" is tfjs's clip\(0.2x \+ 0.5, 0, 1\), which Keras 3 does not have/);
  });
});
