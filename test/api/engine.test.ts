import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { Arena } from '../../src/backend/arena.js';
import { supportedVariant } from '../../src/backend/wasm-source.js';
import { getEngine } from '../../src/backend/engine.js';

describe('engine', () => {
  it('picks the SIMD build on Node 20 (relaxed SIMD needs a flag there)', async () => {
    expect(supportedVariant()).toBe('simd');
    expect((await wl.ready()).variant).toBe('simd');
  });

  it('shutdown() releases the memory; models keep their weights and work in the next engine', async () => {
    wl.setSeed(4);
    const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [3, 2] }), wl.layers.dense({ units: 2 })] });
    m.compile({ loss: 'mse', optimizer: 'rmsprop' });
    const x = wl.randomUniform([5, 3, 2]);
    const y = wl.randomUniform([5, 2]);
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    const first = await getEngine();
    const before = (await m.predict(x)).dataSync().slice();
    await wl.shutdown();
    expect(first.isDisposed).toBe(true);
    expect(m.getWeights()[0].shape).toEqual([2, 12]);
    expect((await m.predict(x)).dataSync()).toEqual(before);
    expect(await getEngine()).not.toBe(first);
    await m.fit(x, y, { epochs: 1, verbose: 0 });
  });

  it('frees what a step allocates: memory in use returns to the level of the weights and optimizer slots', async () => {
    const m = wl.sequential({ layers: [wl.layers.gru({ units: 8, returnSequences: true, inputShape: [10, 3] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
    const x = wl.randomUniform([64, 10, 3]);
    const y = wl.randomUniform([64, 10, 2]);
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    const engine = await getEngine();
    const settled = engine.memoryStats().bytesInUse;
    await m.fit(x, y, { epochs: 3, verbose: 0 });
    await m.predict(x);
    expect(engine.memoryStats().bytesInUse).toBe(settled);
    m.dispose();
    expect(engine.memoryStats().bytesInUse).toBeLessThan(settled);
  });
});

describe('Arena allocator', () => {
  it('aligns to 64 bytes, reuses and merges freed blocks, and grows the memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const arena = new Arena(memory, 100);
    const a = arena.alloc(10);
    const b = arena.alloc(100);
    const c = arena.alloc(10);
    expect([a % 64, b % 64, c % 64]).toEqual([0, 0, 0]);
    expect(a).toBeGreaterThanOrEqual(100);
    arena.release(a);
    arena.release(b);
    expect(arena.alloc(150)).toBe(a); // a and b merged
    const big = arena.alloc(200_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 200_000);
    expect(() => arena.release(12345)).toThrow('12345 is not an allocated block');
    expect(() => arena.alloc(5 * 2 ** 30)).toThrow(/Out of engine memory: a block of 5.0 GiB is needed/);
  });
});

describe('loading the kernels', () => {
  it('takes the module as bytes handed in by the user', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(new URL('../../build/kernels-simd.wasm', import.meta.url));
    const { Engine } = await import('../../src/backend/engine.js');
    const engine = await Engine.create({ wasm: { simd: bytes } });
    expect(engine.variant).toBe('simd');
    engine.dispose();
  });

  it('says so clearly where WebAssembly SIMD is missing', async () => {
    const { vi } = await import('vitest');
    const spy = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      const { compileKernels } = await import('../../src/backend/wasm-source.js');
      await expect(compileKernels()).rejects.toThrow('wasm-layers needs WebAssembly with fixed-width SIMD');
    } finally {
      spy.mockRestore();
    }
  });
});
