// indexeddb://, localstorage:// and downloads:// in headless Chromium: save → load → predict
// identical; a save aborted mid-transaction (after both writes, before commit) leaves the previous
// model and its info; a localStorage save over Chromium's real quota restores the previous keys;
// models saved by TensorFlow.js (tfjs-core 4.22) load here and ours load there; the two downloads
// load in Node with the page's weights. The Node side of the same handlers: test/io/browser-stores.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Download, Page } from 'playwright-core';
// @ts-expect-error: the demo's plain .mjs server
import { serve } from '../../examples/web/serve.mjs';
import { chromiumAvailable, launch } from './chromium.js';
import * as wl from '../../src/index.js';

interface Server { url: string; close(): Promise<void> }

/** In the page: the library, a seeded GRU model, a fixed input, predictions as plain arrays, empty stores. */
const PRELUDE = `
  const wl = await import('/dist/browser/wasm-layers.js');
  await wl.ready();
  const model = (seed, units = 3) => { wl.setSeed(seed); return wl.sequential({ layers: [wl.layers.gru({ units, inputShape: [4, 2] }), wl.layers.dense({ units: 2, activation: 'softmax' })] }); };
  const x = wl.tensor(Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), [2, 4, 2]);
  const predict = async (m) => Array.from((await m.predict(x, { workers: 0 })).dataSync());
  const failure = (promise) => promise.then(() => null, (e) => e.message);
  // each test starts from empty stores
  localStorage.clear();
  await new Promise((done) => { const d = indexedDB.deleteDatabase('tensorflowjs'); d.onsuccess = d.onerror = d.onblocked = done; });
`;

const available = chromiumAvailable();

describe.skipIf(!available)('browser save/load handlers in headless Chromium', () => {
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let server: Server;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    server = await serve({ port: 0, isolation: false });
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/test/browser/pages/blank.html`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Runs `body` (after the prelude) in the page; a string, so vitest does not rewrite its import(). */
  const run = <T>(body: string) => page.evaluate(`(async () => { ${PRELUDE} ${body} })()`) as Promise<T>;

  it('indexeddb://: save → load predicts identically; a save aborted before commit leaves the previous model and its info', async () => {
    const r = await run<Record<string, unknown>>(`
      const old = model(1);
      const first = await old.save('indexeddb://m');
      const loaded = await predict(await wl.loadLayersModel('indexeddb://m'));
      // the failure: the transaction aborts once the model record's put has succeeded (the info's too)
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        const request = put.apply(this, args);
        if (this.name === 'models_store') request.addEventListener('success', () => this.transaction.abort());
        return request;
      };
      const aborted = await failure(model(2).save('indexeddb://m')).finally(() => { IDBObjectStore.prototype.put = put; });
      const afterAbort = await predict(await wl.loadLayersModel('indexeddb://m'));
      const listed = (await wl.io.listModels())['indexeddb://m'];
      const replacement = model(2);
      await replacement.save('indexeddb://m');
      return {
        expected: await predict(old), loaded, aborted, afterAbort,
        firstDate: first.modelArtifactsInfo.dateSaved.getTime(), listedDate: listed.dateSaved.getTime(),
        replaced: await predict(await wl.loadLayersModel('indexeddb://m')), replacement: await predict(replacement),
        missing: await failure(wl.loadLayersModel('indexeddb://nope')),
      };
    `);
    expect(r.loaded).toEqual(r.expected);
    expect(r.aborted).toMatch(/^Saving indexeddb:\/\/m failed \(AbortError: .*\); nothing was written, the previous model under that name \(if any\) is unchanged\. The model has 284 bytes of weights/);
    expect(r.afterAbort).toEqual(r.expected);
    expect(r.listedDate).toBe(r.firstDate);
    expect(r.replaced).toEqual(r.replacement);
    expect(r.replaced).not.toEqual(r.expected);
    expect(r.missing).toBe('No model named "nope" in IndexedDB (indexeddb://nope); it holds ["m"]');
    expect(errors).toEqual([]);
  }, 60_000);

  it('localstorage://: a save over Chromium\'s quota restores every key it touched and the previous model loads', async () => {
    const r = await run<Record<string, unknown>>(`
      const old = model(1);
      await old.save('localstorage://m');
      const snapshot = () => Object.keys(localStorage).sort().map((k) => [k, localStorage.getItem(k)]);
      const before = snapshot();
      // 3,001,000 weights: 12 MB, 16 million base64 characters, over any browser's localStorage quota
      const big = wl.sequential({ layers: [wl.layers.dense({ units: 1000, inputShape: [3000] })] });
      const message = await failure(big.save('localstorage://m'));
      const after = snapshot();
      return {
        message, keys: before.map(([k]) => k), unchanged: JSON.stringify(before) === JSON.stringify(after),
        expected: await predict(old), loaded: await predict(await wl.loadLayersModel('localstorage://m')),
      };
    `);
    expect(r.message).toMatch(/^Saving localstorage:\/\/m failed \(QuotaExceededError: .*\); the previous values of its 5 keys are restored\. The model takes \d+ characters of localStorage \(weightDataBytes=12004000 as 16005336 base64 characters, /);
    expect(r.keys).toEqual(['info', 'model_metadata', 'model_topology', 'weight_data', 'weight_specs'].map((k) => `tensorflowjs_models/m/${k}`));
    expect(r.unchanged).toBe(true);
    expect(r.loaded).toEqual(r.expected);
    expect(errors).toEqual([]);
  }, 60_000);

  it('models saved by TensorFlow.js (tfjs-core 4.22) load here, ours load there; listModels and removeModel agree', async () => {
    await page.addScriptTag({ url: '/node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js' });
    const r = await run<Record<string, unknown>>(`
      const memory = wl.io.fromMemory();
      const m = model(3);
      await m.save(memory);
      const a = memory.artifacts;
      // tfjs's own handlers, through its router as tf.loadLayersModel / model.save reach them
      const tfjs = (url) => ({ save: (x) => tf.io.getSaveHandlers(url)[0].save(x), load: () => tf.io.getLoadHandlers(url)[0].load() });
      await tfjs('indexeddb://by-tfjs').save(a);
      await tfjs('localstorage://by-tfjs').save(a);
      await m.save('indexeddb://by-us');
      await m.save('localstorage://by-us');
      const same = (b) => JSON.stringify(b.modelTopology) === JSON.stringify(a.modelTopology) && JSON.stringify(b.weightSpecs) === JSON.stringify(a.weightSpecs)
        && new Uint8Array(b.weightData).join() === new Uint8Array(a.weightData).join();
      const out = {
        expected: await predict(m),
        fromTfjsIndexedDB: await predict(await wl.loadLayersModel('indexeddb://by-tfjs')),
        fromTfjsLocalStorage: await predict(await wl.loadLayersModel('localstorage://by-tfjs')),
        tfjsReadsIndexedDB: same(await tfjs('indexeddb://by-us').load()),
        tfjsReadsLocalStorage: same(await tfjs('localstorage://by-us').load()),
        ours: Object.keys(await wl.io.listModels()).sort(), theirs: Object.keys(await tf.io.listModels()).sort(),
      };
      await wl.io.removeModel('indexeddb://by-tfjs');
      await wl.io.moveModel('localstorage://by-tfjs', 'indexeddb://moved');
      out.theirsAfter = Object.keys(await tf.io.listModels()).sort();
      out.moved = await predict(await wl.loadLayersModel('indexeddb://moved'));
      return out;
    `);
    expect(r.fromTfjsIndexedDB).toEqual(r.expected);
    expect(r.fromTfjsLocalStorage).toEqual(r.expected);
    expect(r.tfjsReadsIndexedDB).toBe(true);
    expect(r.tfjsReadsLocalStorage).toBe(true);
    expect(r.ours).toEqual(['indexeddb://by-tfjs', 'indexeddb://by-us', 'localstorage://by-tfjs', 'localstorage://by-us']);
    expect(r.theirs).toEqual(r.ours);
    expect(r.theirsAfter).toEqual(['indexeddb://by-us', 'indexeddb://moved', 'localstorage://by-us']);
    expect(r.moved).toEqual(r.expected);
    expect(errors).toEqual([]);
  }, 60_000);

  it('downloads://: NAME.json and NAME.weights.bin download, and load in Node with the page\'s weights', async () => {
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    const weights = await run<number[][]>(`
      const m = model(4);
      await m.save('downloads://my-model');
      return m.getWeights().map((w) => Array.from(w.dataSync()));
    `);
    await expect.poll(() => downloads.length, { timeout: 20_000 }).toBe(2);
    expect(downloads.map((d) => d.suggestedFilename())).toEqual(['my-model.json', 'my-model.weights.bin']);
    const dir = mkdtempSync(join(tmpdir(), 'wasm-layers-downloads-'));
    try {
      for (const d of downloads) await d.saveAs(join(dir, d.suggestedFilename()));
      const loaded = await wl.loadLayersModel(`file://${join(dir, 'my-model.json')}`);
      expect(loaded.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  }, 60_000);

  it('downloads://NAME.keras: one Keras 3 file downloads, and loads in Node compiled, with the page\'s weights and optimizer state', async () => {
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    const weights = await run<number[][]>(`
      const m = model(4);
      m.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
      await m.fit(wl.ones([4, 4, 2]), wl.zeros([4, 2]), { epochs: 1, verbose: 0 });
      await m.save('downloads://my-model.keras', { includeOptimizer: true });
      return m.getWeights().map((w) => Array.from(w.dataSync()));
    `);
    await expect.poll(() => downloads.length, { timeout: 20_000 }).toBe(1);
    expect(downloads[0].suggestedFilename()).toBe('my-model.keras');
    const dir = mkdtempSync(join(tmpdir(), 'wasm-layers-downloads-'));
    try {
      await downloads[0].saveAs(join(dir, 'my-model.keras'));
      const loaded = await wl.loadLayersModel(`file://${join(dir, 'my-model.keras')}`);
      expect(loaded.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
      expect(loaded.optimizer?.className).toBe('Adam');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
