// vitest globalSetup: worker threads cannot start from .ts files, so bundle the worker entry points
// (from the current sources), the browser bundle, the browser / Deno test entries and the
// fault-injecting fixtures before any test runs.
// @ts-expect-error: a plain .mjs build script without types
import { bundleBrowser, bundleWorkers } from '../../workers/bundle.mjs';

export default async function setup(): Promise<void> {
  await bundleWorkers();
  await bundleBrowser();
  // the browser and Deno entries of the shared parity suite (the library itself stays external:
  // they import dist/browser/wasm-layers.js at run time)
  await bundleWorkers({ outdir: 'dist/test-browser', entries: { 'parity-page': { src: 'test/browser/pages/parity-page.ts', platform: 'browser' } } });
  await bundleWorkers({ outdir: 'dist/test-deno', entries: { 'deno-entry': { src: 'test/deno/deno-entry.ts', platform: 'browser' } } });
  await bundleWorkers({
    outdir: 'dist/test-fixtures',
    entries: {
      'faulty-node-worker': { src: 'test/fixtures/faulty-node-worker.ts', platform: 'node' },
      'faulty-comlink-worker': { src: 'test/fixtures/faulty-comlink-worker.ts', platform: 'node' },
      'echo-worker': { src: 'test/fixtures/echo-worker.ts', platform: 'node' },
    },
  });
}
