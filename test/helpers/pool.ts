/** Helpers for worker-pool tests. */
import * as wl from '../../src/index.js';
import { poolStats } from '../../src/parallel/pool-registry.js';

export const fixtureUrl = (name: 'faulty-node-worker' | 'faulty-comlink-worker') =>
  new URL(`../../dist/test-fixtures/${name}.js`, import.meta.url);

export { poolStats };

/** Ends the pool and restores default pool options. */
export async function resetPool(): Promise<void> {
  await wl.shutdown();
  wl.setPoolOptions({});
}

/** A fresh pool on the comlink transport (with copying-comlink-pool.ts mocked in: the copy transport). */
export async function useCopyTransport(): Promise<void> {
  await resetPool();
  wl.setPoolOptions({ transport: 'comlink' });
}
