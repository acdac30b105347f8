// The comlink pool as a page without cross-origin isolation makes it, for tests of the copy transport
// (Node always shares memory with its comlink workers). Use it from a vi.mock factory, which may not
// touch imports, through a dynamic import:
//   vi.mock('../../src/parallel/comlink-pool.js', async (importOriginal) =>
//     (await import('../helpers/copying-comlink-pool.js')).withCopyingComlinkPool(await importOriginal()));
import type * as ComlinkPoolModule from '../../src/parallel/comlink-pool.js';

/** `mod` with its ComlinkPool reporting no shared memory: the `sharedMemory` constructor argument forced false. */
export function withCopyingComlinkPool(mod: typeof ComlinkPoolModule): typeof ComlinkPoolModule {
  class CopyingComlinkPool extends mod.ComlinkPool {
    constructor(...args: ConstructorParameters<typeof mod.ComlinkPool>) {
      const [size, spawn, , timeoutMs] = args;
      super(size, spawn, false, timeoutMs);
    }
  }
  return { ...mod, ComlinkPool: CopyingComlinkPool };
}
