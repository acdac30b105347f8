// vitest globalSetup: worker threads cannot start from .ts files, so bundle the worker entry points
// (from the current sources) and the fault-injecting fixtures before any test runs.
// @ts-expect-error: a plain .mjs build script without types
import { bundleWorkers } from '../../workers/bundle.mjs';

export default async function setup(): Promise<void> {
  await bundleWorkers();
  await bundleWorkers({
    outdir: 'dist/test-fixtures',
    entries: {
      'faulty-node-worker': { src: 'test/fixtures/faulty-node-worker.ts', platform: 'node' },
      'faulty-comlink-worker': { src: 'test/fixtures/faulty-comlink-worker.ts', platform: 'node' },
    },
  });
}
