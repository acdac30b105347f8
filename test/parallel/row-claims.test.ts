// Chunk claims (src/parallel/row-claims.ts): the grid tiles the batch exactly once, in order,
// shrinking as it runs out, in multiples of 4 rows but for the last; threads racing on one counter
// get each chunk exactly once.
import { describe, it, expect } from 'vitest';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import fc from 'fast-check';
import { abandonChunks, awaitChunk, chunkBounds, chunkPolicy, chunkRows, claimCounters, publishChunks } from '../../src/parallel/row-claims.js';

const policies = fc.record({
  rows: fc.integer({ min: 1, max: 5000 }),
  shares: fc.integer({ min: 1, max: 8 }),
  minRows: fc.integer({ min: 1, max: 64 }),
});

describe('chunk claims', () => {
  it('the grid tiles [0, rows) in order, each chunk at least minRows (but the last) and a multiple of 4, never growing', () => {
    fc.assert(
      fc.property(policies, (policy) => {
        const bounds = chunkBounds(policy);
        expect(bounds[0]).toBe(0);
        expect(bounds.at(-1)).toBe(policy.rows);
        const sizes = bounds.slice(1).map((end, i) => end - bounds[i]);
        sizes.forEach((size, i) => {
          expect(size).toBeGreaterThan(0);
          if (i < sizes.length - 1) {
            expect(size % 4).toBe(0);
            expect(size).toBeGreaterThanOrEqual(policy.minRows);
          }
          if (i > 0) expect(size).toBeLessThanOrEqual(sizes[i - 1]);
        });
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('threads racing on one counter get each chunk exactly once', async () => {
    // the built module (dist/, as the pool's workers load it), claimed from four threads at once
    const moduleUrl = new URL('../../dist/parallel/row-claims.js', import.meta.url).href;
    const bounds = chunkBounds({ rows: 1_000_000, shares: 64, minRows: 4 }); // 1,040 small chunks: many contended claims
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const times = new Int32Array(new SharedArrayBuffer(4 * (bounds.length - 1)));
    const source = `
      const { workerData: { moduleUrl, counter, ready, times, chunks }, parentPort } = await import('node:worker_threads');
      const { claimChunk } = await import(moduleUrl);
      Atomics.add(ready, 0, 1);
      while (Atomics.load(ready, 0) < 4); // all four start claiming together
      let claimed = 0;
      for (let i = claimChunk(counter, chunks); i >= 0; i = claimChunk(counter, chunks), claimed++) {
        for (let spin = 0; spin < 2000; spin++); // some work per chunk
        Atomics.add(times, i, 1);
      }
      parentPort.postMessage(claimed);`;
    const workerData = { moduleUrl, counter, ready, times, chunks: bounds.length - 1 };
    const threads = Array.from({ length: 4 }, () => new Worker(source, { eval: true, workerData } as WorkerOptions & { eval: true }));
    const claimed = await Promise.all(threads.map((t) => new Promise<number>((resolve, reject) => {
      t.once('message', resolve);
      t.once('error', reject);
    })));
    await Promise.all(threads.map((t) => t.terminate()));
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(bounds.length - 1);
    expect(times.every((n) => n === 1)).toBe(true);
  });

  it('a worker waits for a chunk until its rows are published, and fails when they are abandoned or never come', async () => {
    const moduleUrl = new URL('../../dist/parallel/row-claims.js', import.meta.url).href;
    // the worker awaits chunk 2, then reports the rows it saw; the caller writes them after a delay
    const source = `
      const { workerData: { moduleUrl, counters, rows, index, timeoutMs }, parentPort } = await import('node:worker_threads');
      const { awaitChunk } = await import(moduleUrl);
      try {
        awaitChunk(counters, index, timeoutMs);
        parentPort.postMessage({ seen: Array.from(rows) });
      } catch (e) {
        parentPort.postMessage({ error: e.message });
      }`;
    const waitIn = (workerData: object) => {
      const thread = new Worker(source, { eval: true, workerData: { moduleUrl, ...workerData } } as WorkerOptions & { eval: true });
      return new Promise<{ seen?: number[]; error?: string }>((resolve, reject) => {
        thread.once('message', (m) => void thread.terminate().then(() => resolve(m)));
        thread.once('error', reject);
      });
    };
    const pause = () => new Promise((r) => setTimeout(r, 50));

    let counters = claimCounters();
    const rows = new Float32Array(new SharedArrayBuffer(12));
    let result = waitIn({ counters, rows, index: 2, timeoutMs: 10_000 });
    await pause();
    rows.set([1, 2], 0);
    publishChunks(counters, 2); // chunks 0 and 1: not yet the one it waits for
    await pause();
    rows[2] = 3;
    publishChunks(counters, 3);
    expect(await result).toEqual({ seen: [1, 2, 3] });

    counters = claimCounters();
    result = waitIn({ counters, rows, index: 1, timeoutMs: 10_000 });
    await pause();
    abandonChunks(counters);
    expect((await result).error).toBe("The batch was abandoned before chunk 1's rows arrived");

    expect((await waitIn({ counters: claimCounters(), rows, index: 0, timeoutMs: 20 })).error).toBe("Chunk 0's rows did not arrive within 20 ms");
    // published rows need no wait, on any thread
    counters = claimCounters();
    publishChunks(counters, 5);
    expect(() => awaitChunk(counters, 4)).not.toThrow();
  });

  it('the seed predict and the GRU(256) training step, on this thread and one worker', () => {
    // predict of 1000 seed samples (206,848 FLOPs each): chunks down to 2 MFLOP, 12 rows
    const predict = chunkPolicy(1000, 2, 206_848);
    expect(predict.minRows).toBe(10);
    expect(chunkRows(1000, predict)).toBe(252);
    const sizes = (b: number[]) => b.slice(1).map((end, i) => end - b[i]);
    expect(sizes(chunkBounds(predict))).toEqual([252, 188, 140, 108, 80, 60, 44, 32, 24, 20, 16, 12, 12, 12]);
    // a GRU(256) training step of 256 samples (3 × 47 MFLOP per sample): down to 4 rows
    expect(sizes(chunkBounds(chunkPolicy(256, 2, 3 * 47e6, 30)))).toEqual([64, 48, 36, 28, 20, 16, 12, 8, 8, 4, 4, 4, 4]);
    // with room for 7 gradient slots only, the smallest chunk grows until 7 chunks cover the step
    expect(sizes(chunkBounds(chunkPolicy(256, 2, 3 * 47e6, 7)))).toEqual([64, 48, 36, 28, 28, 28, 24]);
  });

  it('a cap on the chunks holds for any batch with the smallest chunks it allows, never below one chunk per thread', () => {
    fc.assert(
      fc.property(policies, fc.integer({ min: 1, max: 40 }), ({ rows, shares }, maxChunks) => {
        const policy = chunkPolicy(rows, shares, 1e5, maxChunks);
        const count = (minRows: number) => chunkBounds({ ...policy, minRows }).length - 1;
        expect(count(policy.minRows)).toBeLessThanOrEqual(Math.max(maxChunks, shares));
        expect(chunkBounds(policy).at(-1)).toBe(rows);
        // the smallest chunk is as small as the cap allows (or as MIN_FLOPS_PER_CHUNK: 20 rows here)
        if (policy.minRows > 20) expect(count(policy.minRows - 1)).toBeGreaterThan(Math.max(maxChunks, shares));
      }),
      { seed: 7, numRuns: 200 },
    );
    const large = chunkPolicy(1_000_000, 2, 1e5, 30);
    expect(chunkBounds(large).length - 1).toBeLessThanOrEqual(30);
    expect(chunkBounds({ ...large, minRows: large.minRows - 1 }).length - 1).toBeGreaterThan(30);
  });
});

describe('awaitChunk on this thread (Node lets the main thread block)', () => {
  const published = (count: number) => {
    const counters = claimCounters();
    publishChunks(counters, count);
    return counters;
  };

  it('returns at once for a chunk already published', () => {
    expect(() => awaitChunk(published(3), 2, 1)).not.toThrow();
    expect(() => awaitChunk(published(1), 0, 1)).not.toThrow();
  });

  it('waits for the chunk right after the published ones, and times out naming it', () => {
    expect(() => awaitChunk(published(2), 2, 5)).toThrow("Chunk 2's rows did not arrive within 5 ms");
    expect(() => awaitChunk(published(0), 0, 5)).toThrow("Chunk 0's rows did not arrive within 5 ms");
  });

  it('wakes when another thread publishes the chunk while it waits', async () => {
    const counters = claimCounters();
    // publishes chunk 0 20 ms after starting, with the Atomics calls publishChunks makes
    const source = `
      const { workerData: { counters } } = await import('node:worker_threads');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      Atomics.store(counters, 1, 1);
      Atomics.notify(counters, 1);`;
    const thread = new Worker(source, { eval: true, workerData: { counters } } as WorkerOptions & { eval: true });
    try {
      await new Promise((resolve) => thread.once('online', resolve));
      expect(() => awaitChunk(counters, 0, 10_000)).not.toThrow();
    } finally {
      await thread.terminate();
    }
  });

  it('fails at once when the batch was abandoned', () => {
    const counters = claimCounters();
    abandonChunks(counters);
    expect(() => awaitChunk(counters, 0, 60_000)).toThrow("The batch was abandoned before chunk 0's rows arrived");
  });
});
