// indexeddb://, localstorage:// and downloads:// in Node: clear errors without a browser, and the
// handlers themselves over injected stores (fake-indexeddb's IDBFactory, a Storage with a quota, a
// document whose links are captured): save → load → predict identical, a save aborted mid-
// transaction or over quota leaves the previous model loadable, tfjs's keys, listModels,
// removeModel, copyModel, moveModel. The same in real Chromium: test/browser/browser-io.test.ts.
import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { resolveObjectURL } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wl from '../../src/index.js';
import { expectIdentical } from '../helpers/compare.js';

function model(seed: number, units = 3): wl.LayersModel {
  wl.setSeed(seed);
  return wl.sequential({ layers: [wl.layers.gru({ units, inputShape: [4, 2] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
}

const x = wl.randomUniform([2, 4, 2]);
const predictions = async (m: wl.LayersModel) => ((await m.predict(x, { workers: 0 })) as wl.Tensor).dataSync();

/** An in-memory Storage that throws QuotaExceededError past `quota` characters (keys + values), as browsers do. */
class QuotaStorage implements Storage {
  private readonly items = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    const used = [...this.items].reduce((n, [k, v]) => n + (k === key ? 0 : k.length + v.length), 0);
    if (used + key.length + value.length > this.quota) throw new DOMException(`Setting the value of '${key}' exceeded the quota.`, 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
  snapshot() {
    return new Map(this.items);
  }
}

describe('browser schemes in Node', () => {
  it('save, load and removeModel say what they need and what to use instead; listModels lists nothing', async () => {
    const m = model(1);
    await expect(m.save('indexeddb://m')).rejects.toThrow('indexeddb:// needs a browser (IndexedDB), which this environment does not have; in Node use file://<directory>');
    await expect(m.save('localstorage://m')).rejects.toThrow('localstorage:// needs a browser page (localStorage), which this environment does not have; in Node use file://<directory>');
    await expect(m.save('downloads://m')).rejects.toThrow('downloads:// needs a browser page (document), which this environment does not have; in Node use file://<directory>');
    await expect(wl.loadLayersModel('indexeddb://m')).rejects.toThrow('indexeddb:// needs a browser (IndexedDB)');
    await expect(wl.loadLayersModel('downloads://m')).rejects.toThrow('downloads:// can only save');
    await expect(wl.io.removeModel('localstorage://m')).rejects.toThrow('localstorage:// needs a browser page (localStorage)');
    await expect(wl.io.removeModel('file://m')).rejects.toThrow('removeModel: expected an indexeddb://… or localstorage://… URL, got "file://m"');
    await expect(m.save('indexeddb://')).rejects.toThrow('indexeddb:// needs a model name after the scheme (e.g. indexeddb://my-model), got "indexeddb://"');
    expect(await wl.io.listModels()).toEqual({});
  });
});

describe('indexeddb:// (fake-indexeddb)', () => {
  it('save → load predicts identically; the record has tfjs\'s layout; listModels gives its sizes', async () => {
    const stores = { indexedDB: new IDBFactory() };
    const m = model(1);
    const saved = await m.save(wl.io.browserIndexedDB('m', stores));
    const loaded = await wl.loadLayersModel(wl.io.browserIndexedDB('indexeddb://m', stores));
    expectIdentical(await predictions(loaded), await predictions(m), 'loaded');
    const list = await wl.io.listModels(stores);
    expect(Object.keys(list)).toEqual(['indexeddb://m']);
    expect(list['indexeddb://m']).toEqual(saved.modelArtifactsInfo);
    expect(saved.modelArtifactsInfo.weightDataBytes).toBe(m.countParams() * 4);
    expect(saved.modelArtifactsInfo.modelTopologyBytes).toBeGreaterThan(100);
    // tfjs's database, stores and record shape (tfjs-core 4.22 src/io/indexed_db.ts)
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = stores.indexedDB.open('tensorflowjs', 1);
      open.onsuccess = () => resolve(open.result);
    });
    expect([...db.objectStoreNames].sort()).toEqual(['model_info_store', 'models_store']);
    const record = await new Promise<{ modelPath: string; modelArtifacts: wl.io.ModelArtifacts }>((resolve) => {
      const get = db.transaction('models_store').objectStore('models_store').get('m');
      get.onsuccess = () => resolve(get.result);
    });
    db.close();
    expect(record.modelPath).toBe('m');
    expect(record.modelArtifacts.weightData).toBeInstanceOf(ArrayBuffer);
    expect(record.modelArtifacts.weightSpecs.map((s) => s.name)).toEqual(m.weights.map((v) => v.name));
  });

  it('a save aborted after both writes, before commit, leaves the previous model and its info', async () => {
    const stores = { indexedDB: new IDBFactory() };
    const old = model(1);
    const first = await old.save(wl.io.browserIndexedDB('m', stores));
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = put.apply(this, args);
      if (this.name === 'models_store') request.addEventListener('success', () => this.transaction.abort());
      return request;
    };
    try {
      await expect(model(2).save(wl.io.browserIndexedDB('m', stores))).rejects.toThrow(/^Saving indexeddb:\/\/m failed \(AbortError: .*\); nothing was written, the previous model under that name \(if any\) is unchanged\. The model has 284 bytes of weights, \d+ of topology and \d+ of weight specs$/);
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expectIdentical(await predictions(await wl.loadLayersModel(wl.io.browserIndexedDB('m', stores))), await predictions(old), 'after the aborted save');
    expect((await wl.io.listModels(stores))['indexeddb://m']).toEqual(first.modelArtifactsInfo);
  });

  it('a save whose model record cannot be stored (DataCloneError) writes neither store', async () => {
    const stores = { indexedDB: new IDBFactory() };
    const handler = wl.io.browserIndexedDB('fresh', stores);
    const memory = wl.io.fromMemory();
    await model(1).save(memory);
    const artifacts = { ...memory.artifacts!, trainingConfig: { callback: () => 1 } };
    await expect(handler.save!(artifacts)).rejects.toThrow(/^Saving indexeddb:\/\/fresh failed \(DataCloneError: /);
    expect(await wl.io.listModels(stores)).toEqual({});
  });

  it('load of a missing model names it and the models there; removeModel, copyModel, moveModel', async () => {
    const stores = { indexedDB: new IDBFactory(), localStorage: new QuotaStorage() };
    await expect(wl.loadLayersModel(wl.io.browserIndexedDB('nope', stores))).rejects.toThrow('No model named "nope" in IndexedDB (indexeddb://nope); it holds no models');
    const m = model(1);
    await m.save(wl.io.browserIndexedDB('a', stores));
    await expect(wl.loadLayersModel(wl.io.browserIndexedDB('nope', stores))).rejects.toThrow('No model named "nope" in IndexedDB (indexeddb://nope); it holds ["a"]');
    await wl.io.copyModel('indexeddb://a', 'indexeddb://b', stores);
    await wl.io.moveModel('indexeddb://b', 'localstorage://c', stores);
    expect(Object.keys(await wl.io.listModels(stores)).sort()).toEqual(['indexeddb://a', 'localstorage://c']);
    expectIdentical(await predictions(await wl.loadLayersModel(wl.io.browserLocalStorage('c', stores))), await predictions(m), 'moved');
    const removed = await wl.io.removeModel('indexeddb://a', stores);
    expect(removed.weightDataBytes).toBe(m.countParams() * 4);
    await expect(wl.io.removeModel('indexeddb://a', stores)).rejects.toThrow('Cannot remove indexeddb://a: IndexedDB has no model of that name; it holds no models');
    await expect(wl.io.copyModel('localstorage://c', 'localstorage://c', stores)).rejects.toThrow('copyModel: the source and destination are the same URL "localstorage://c"');
    await expect(wl.io.moveModel('file:///tmp/x/model.json', 'indexeddb://x', stores)).rejects.toThrow('moveModel: expected an indexeddb://… or localstorage://… URL, got "file:///tmp/x/model.json"');
  });
});

describe('localstorage:// (a Storage with a quota)', () => {
  it('writes tfjs\'s five keys; save → load predicts identically', async () => {
    const storage = new QuotaStorage();
    const m = model(1);
    await m.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    await m.save(wl.io.browserLocalStorage('dir/m', { localStorage: storage }), { includeOptimizer: true });
    expect([...storage.snapshot().keys()].sort()).toEqual(['info', 'model_metadata', 'model_topology', 'weight_data', 'weight_specs'].map((k) => `tensorflowjs_models/dir/m/${k}`));
    const metadata = JSON.parse(storage.getItem('tensorflowjs_models/dir/m/model_metadata')!);
    expect(metadata).toMatchObject({ format: 'layers-model', convertedBy: null, trainingConfig: { loss: 'categorical_crossentropy' } });
    const loaded = await wl.loadLayersModel(wl.io.browserLocalStorage('localstorage://dir/m', { localStorage: storage }));
    expectIdentical(await predictions(loaded), await predictions(m), 'loaded');
    expect(loaded.optimizer?.className).toBe('Adam');
    expect(Object.keys(await wl.io.listModels({ localStorage: storage }))).toEqual(['localstorage://dir/m']);
  });

  it('a save over quota restores every key it touched, says how big the model is, and the previous model loads', async () => {
    const old = model(1);
    const storage = new QuotaStorage(6000);
    const handler = wl.io.browserLocalStorage('m', { localStorage: storage });
    await old.save(handler);
    const before = storage.snapshot();
    const big = model(2, 24); // a 24-unit GRU: 2,066 weights, 8,264 bytes, 11,020 base64 characters
    await expect(big.save(handler)).rejects.toThrow(
      /^Saving localstorage:\/\/m failed \(QuotaExceededError: .*\); the previous values of its 5 keys are restored\. The model takes \d+ characters of localStorage \(weightDataBytes=8264 as 11020 base64 characters, modelTopologyBytes=\d+, weightSpecsBytes=\d+\); localStorage holds a few MB per origin, indexeddb:\/\/m holds larger models$/,
    );
    expect(storage.snapshot()).toEqual(before);
    expectIdentical(await predictions(await wl.loadLayersModel(handler)), await predictions(old), 'after the failed save');
    // under a fresh name, nothing is left behind
    await expect(big.save(wl.io.browserLocalStorage('other', { localStorage: storage }))).rejects.toThrow('QuotaExceededError');
    expect(storage.snapshot()).toEqual(before);
  });

  it('a missing or damaged model is an error naming the key', async () => {
    const storage = new QuotaStorage();
    const stores = { localStorage: storage };
    await expect(wl.loadLayersModel(wl.io.browserLocalStorage('m', stores))).rejects.toThrow('No model named "m" in localStorage (no key "tensorflowjs_models/m/info"); it holds no models');
    await model(1).save(wl.io.browserLocalStorage('m', stores));
    storage.setItem('tensorflowjs_models/m/weight_data', '%%%');
    await expect(wl.loadLayersModel(wl.io.browserLocalStorage('m', stores))).rejects.toThrow('localStorage key "tensorflowjs_models/m/weight_data" does not hold base64 weight data (3 characters)');
    storage.removeItem('tensorflowjs_models/m/weight_specs');
    await expect(wl.loadLayersModel(wl.io.browserLocalStorage('m', stores))).rejects.toThrow('localStorage holds a model "m", but its key "tensorflowjs_models/m/weight_specs" is missing');
    const info = await wl.io.removeModel('localstorage://m', stores);
    expect(info.dateSaved).toBeInstanceOf(Date);
    expect(storage.length).toBe(0);
  });
});

describe('downloads:// (a document whose links are captured)', () => {
  it('clicks NAME.json then NAME.weights.bin, tfjs\'s names; the two files load and predict identically', async () => {
    const clicks: { download: string; href: string }[] = [];
    const document = { createElement: () => ({ download: '', href: '', click() { clicks.push({ download: this.download, href: this.href }); } }) } as unknown as Document;
    const m = model(1);
    await m.save(wl.io.browserDownloads('downloads://my-model', { document }));
    expect(clicks.map((c) => c.download)).toEqual(['my-model.json', 'my-model.weights.bin']);
    const dir = mkdtempSync(join(tmpdir(), 'wasm-layers-downloads-'));
    try {
      for (const c of clicks) writeFileSync(join(dir, c.download), new Uint8Array(await resolveObjectURL(c.href)!.arrayBuffer()));
      const json = JSON.parse(await resolveObjectURL(clicks[0].href)!.text());
      expect(json.weightsManifest[0].paths).toEqual(['./my-model.weights.bin']);
      expectIdentical(await predictions(await wl.loadLayersModel(`file://${join(dir, 'my-model.json')}`)), await predictions(m), 'downloaded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

