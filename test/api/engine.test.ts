import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
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

describe('choosing the kernel build', () => {
  it("variant: 'simd' always gives the SIMD build; 'relaxed-simd' says why this runtime cannot run it", async () => {
    const { compileKernels } = await import('../../src/backend/wasm-source.js');
    expect((await compileKernels({}, { variant: 'simd' })).variant).toBe('simd');
    expect((await compileKernels({}, { variant: 'auto' })).variant).toBe('simd');
    await expect(compileKernels({}, { variant: 'relaxed-simd' })).rejects.toThrow(
      /asked for \(variant: 'relaxed-simd'\), but this runtime does not validate relaxed SIMD.*Node 20 does with --experimental-wasm-relaxed-simd or ready\(\{ enableRelaxedSimdFlag: true \}\)/,
    );
  });

  it('rejects bad options before loading anything, and a build other than the running one', async () => {
    await wl.shutdown();
    await expect(wl.ready({ variant: 'fma' as never })).rejects.toThrow(
      `ready(): received an invalid value for variant, expected 'auto', 'simd' or 'relaxed-simd'. Received: variant="fma"`,
    );
    await expect(wl.ready({ enableRelaxedSimdFlag: 'yes' as never })).rejects.toThrow('expected a boolean. Received: enableRelaxedSimdFlag="yes"');
    await expect(wl.ready({ varient: 'simd' } as never)).rejects.toThrow('ready(): unknown option varient. Known options: variant, enableRelaxedSimdFlag, wasm');
    expect(wl.poolInfo()).toBeNull();

    // a failed start is forgotten: the next use starts the default build
    await expect(wl.ready({ variant: 'relaxed-simd' })).rejects.toThrow('does not validate relaxed SIMD');
    expect((await wl.ready()).variant).toBe('simd');
    await expect(wl.ready({ variant: 'relaxed-simd' })).rejects.toThrow(
      "ready(): the engine already runs the 'simd' kernel build, expected 'relaxed-simd'; call shutdown() before asking for another build",
    );
    expect((await wl.ready({ variant: 'simd' })).variant).toBe('simd');
  });

  // The flag is process-wide, so this runs in a process of its own.
  it('enableRelaxedSimdFlag runs the FMA build on Node 20, in workers too, close to the SIMD build', async () => {
    const script = `
      import * as wl from 'wasm-layers';
      const info = await wl.ready({ enableRelaxedSimdFlag: true });
      wl.setSeed(7);
      const m = wl.sequential({ layers: [wl.layers.gru({ units: 32, returnSequences: true, inputShape: [12, 8] }), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 4, activation: 'softmax' }) })] });
      m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
      const x = wl.randomUniform([256, 12, 8]);
      const y = wl.oneHot(Array.from({ length: 256 }, (_, i) => Array.from({ length: 12 }, (_, t) => (i + t) % 4)), 4);
      const h = await m.fit(x, y, { workers: 2, batchSize: 128, epochs: 2, verbose: 0 });
      const relaxed = (await m.predict(x)).dataSync();
      const workers = wl.poolInfo()?.liveWorkers;
      await wl.shutdown();
      const simd = (await wl.ready({ variant: 'simd' })).variant;
      const plain = (await m.predict(x)).dataSync();
      let worst = 0;
      for (let i = 0; i < plain.length; i++) worst = Math.max(worst, Math.abs(plain[i] - relaxed[i]));
      console.log(JSON.stringify({ variant: info.variant, simd, workers, losses: h.history.loss, worst, differs: worst > 0 }));
      await wl.shutdown();
    `;
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 30_000 }).catch((e: { code?: unknown; signal?: unknown; stdout?: string; stderr?: string }) => {
      // the child's exit code or signal and its output, so that a failure says what happened
      throw new Error(`the child process failed (exit code ${String(e.code)}, signal ${String(e.signal)})\nstdout: ${e.stdout}\nstderr: ${e.stderr}`);
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.variant).toBe('relaxed-simd');
    expect(result.simd).toBe('simd');
    expect(result.workers).toBe(2);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    // fused multiply-adds round once where the SIMD build rounds twice: close, not identical
    expect(result.worst).toBeLessThan(1e-5);
    expect(result.differs).toBe(true);
  });
});
