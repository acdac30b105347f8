// The browser suite: the shared parity cases and worker training in headless Chromium, in a
// cross-origin-isolated page (SharedArrayBuffer) and in one that is not (transferred buffers), and
// the demo page trained to the end and checked from its canvas.
import { PARITY_CASES } from '../shared/parity-cases.js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
// @ts-expect-error: the demo's plain .mjs server
import { serve } from '../../examples/web/serve.mjs';
import { chromiumAvailable, launch } from './chromium.js';
import type { AutoReport } from '../shared/auto-workers.js';

interface Server { url: string; close(): Promise<void> }
interface ParityReport {
  results: { name: string; failure: string | null }[];
  training: { losses: number[]; pool: { size: number; sharedMemory: boolean; transport: string } | null; variant: string; error: string | null };
  auto: AutoReport;
  crossOriginIsolated: boolean;
  /** A synchronous predict before the kernels loaded (its error message) and after wl.ready() (its shape). */
  syncPredict: { beforeReady: string | null; afterReady: number[] };
}

const available = chromiumAvailable();

describe.skipIf(!available)('in headless Chromium', () => {
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let isolated: Server;
  let plain: Server;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    isolated = await serve({ port: 0, isolation: true });
    plain = await serve({ port: 0, isolation: false });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    return page;
  }

  /** Waits for `expression` to be truthy in the page, failing at once on an uncaught page error. */
  async function waitFor(page: Page, expression: string): Promise<void> {
    const failed = new Promise<never>((_, reject) => page.on('pageerror', (e) => reject(e)));
    await Promise.race([page.waitForFunction(expression, null, { timeout: 60_000 }), failed]);
  }

  for (const [name, server] of [['cross-origin isolated (shared memory)', () => isolated], ['not isolated (transferred buffers)', () => plain]] as const) {
    it(`parity cases, 2-worker training of the seed model1 and 'auto' on the page, ${name}`, async () => {
      const page = await open(`${server().url}/test/browser/pages/parity.html`);
      const report = (await page.evaluate('window.parity')) as ParityReport;
      await page.close();
      for (const r of report.results) expect(r.failure, r.name).toBeNull();
      expect(report.results).toHaveLength(PARITY_CASES.length);
      const shared = server() === isolated;
      expect(report.crossOriginIsolated).toBe(shared);
      expect(report.training.error).toBeNull();
      expect(report.training.variant).toBe('relaxed-simd');
      expect(report.training.pool).toMatchObject({ size: 2, transport: 'comlink', sharedMemory: shared });
      expect(report.training.losses).toHaveLength(2);
      expect(report.training.losses[1]).toBeLessThan(report.training.losses[0]);
      // 'auto' on the page's UI thread: training keeps every shard on workers (two qualify at 79
      // MFLOP per step), predict takes a share here and gives the in-process predictions
      expect(report.auto.error).toBeNull();
      expect(report.auto.trainingPool).toBe(2);
      expect(report.auto.predictShape).toEqual([256, 64, 8]);
      expect(report.auto.predictDiff).toBe(0); // each sample's prediction is the same computation wherever it runs
      // the page's main thread cannot start the kernels synchronously: predict says what to do first
      expect(report.syncPredict.beforeReady).toMatch(/predict runs synchronously on the kernels, which have not loaded yet.*Call `await wl\.ready\(\)`/);
      expect(report.syncPredict.afterReady).toEqual([1, 2]);
      expect(errors).toEqual([]);
    }, 120_000);
  }

  it('loads a Keras 3 .keras file by URL and from a fetched ArrayBuffer, predicting Keras\'s outputs within 2e-5', async () => {
    const page = await open(`${plain.url}/test/fixtures/keras3/README.md`);
    // a string, so vitest does not rewrite the page's import()
    const diffs = (await page.evaluate(`(async () => {
      const wl = await import('/dist/browser/wasm-layers.js');
      const dir = '/test/fixtures/keras3/stacked_gru/';
      const c = await (await fetch(dir + 'case.json')).json();
      const x = wl.tensor(Float32Array.from(c.inputs[0].data), c.inputs[0].shape);
      const out = [];
      for (const source of [location.origin + dir + 'model.keras', await (await fetch(dir + 'model.keras')).arrayBuffer()]) {
        const y = (await (await wl.loadLayersModel(source)).predict(x, { workers: 0 })).dataSync();
        out.push(Math.max(...c.outputs[0].data.map((v, i) => Math.abs(v - y[i]))));
      }
      return out;
    })()`)) as number[];
    await page.close();
    expect(diffs).toHaveLength(2);
    for (const d of diffs) expect(d).toBeLessThanOrEqual(2e-5);
    expect(errors).toEqual([]);
  }, 60_000);

  it('the README browser example (examples/web/minimal.html) trains on 2 workers', async () => {
    const page = await open(`${isolated.url}/examples/web/minimal.html`);
    await waitFor(page, 'window.result');
    const loss = (await page.evaluate('window.result')) as number[];
    expect(loss).toHaveLength(2);
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(await page.textContent('#out')).toContain('"size":2');
    await page.close();
  }, 120_000);

  it('the demo page trains model1 for 5 epochs with 2 workers, draws a decreasing curve and stays responsive', async () => {
    const page = await open(`${isolated.url}/examples/web/?epochs=5&workers=2&autostart=1`);
    await waitFor(page, 'window.demo && window.demo.done');
    await page.evaluate('window.demo.done');
    const demo = (await page.evaluate('({ error: window.demo.error, losses: window.demo.losses, epochs: window.demo.epochTimes.length, frames: window.demo.frames() })')) as
      { error: string | null; losses: number[]; epochs: number; frames: number };
    expect(demo.error).toBeNull();
    expect(demo.epochs).toBe(5);
    expect(demo.losses).toHaveLength(5 * 8);
    expect(await page.textContent('#status')).toBe('done');
    expect(await page.textContent('#shared')).toMatch(/^yes/);
    expect(await page.textContent('#summary')).toContain('Total params: 1,672');
    // the page kept painting while training ran in the workers
    expect(demo.frames).toBeGreaterThan(10);
    // the canvas: red curve pixels, higher on the left (large loss) than on the right (small loss)
    const curve = (await page.evaluate(`(() => {
      const c = document.getElementById('curve');
      const { data, width, height } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      const red = (x, y) => { const i = 4 * (y * width + x); return data[i] > 180 && data[i + 1] < 90 && data[i + 2] < 90; };
      let count = 0; const rows = (x0, x1) => { let s = 0, n = 0; for (let x = x0; x < x1; x++) for (let y = 0; y < height; y++) if (red(x, y)) { s += y; n++; } return n ? s / n : null; };
      for (let x = 0; x < width; x++) for (let y = 0; y < height; y++) if (red(x, y)) count++;
      return { count, left: rows(40, 110), right: rows(width - 110, width - 40), height };
    })()`)) as { count: number; left: number; right: number; height: number };
    expect(curve.count).toBeGreaterThan(500);
    expect(curve.right - curve.left).toBeGreaterThan(curve.height / 4);
    mkdirSync('dist/test-browser', { recursive: true });
    await page.screenshot({ path: 'dist/test-browser/demo.png', fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);
});
