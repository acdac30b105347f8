// Row claims (src/parallel/row-claims.ts): however the claims interleave, the chunks tile the batch
// exactly once, in order, shrinking as it runs out, in multiples of 4 rows but for the last.
import { describe, it, expect } from 'vitest';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import fc from 'fast-check';
import { chunkRows, claimRows, minChunkRows, type ClaimPolicy } from '../../src/parallel/row-claims.js';

const policies = fc.record({
  rows: fc.integer({ min: 1, max: 5000 }),
  shares: fc.integer({ min: 1, max: 8 }),
  minRows: fc.integer({ min: 1, max: 64 }),
});

function claimAll(policy: ClaimPolicy): [number, number][] {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const chunks: [number, number][] = [];
  for (let c = claimRows(counter, policy); c; c = claimRows(counter, policy)) chunks.push(c);
  return chunks;
}

describe('row claims', () => {
  it('tile [0, rows) in order, each chunk at least minRows (but the last) and a multiple of 4, never growing', () => {
    fc.assert(
      fc.property(policies, (policy) => {
        const chunks = claimAll(policy);
        expect(chunks[0][0]).toBe(0);
        expect(chunks.at(-1)![1]).toBe(policy.rows);
        chunks.forEach(([start, end], i) => {
          if (i > 0) expect(start).toBe(chunks[i - 1][1]);
          const size = end - start;
          expect(size).toBeGreaterThan(0);
          if (i < chunks.length - 1) {
            expect(size % 4).toBe(0);
            expect(size).toBeGreaterThanOrEqual(policy.minRows);
          }
          if (i > 0) expect(size).toBeLessThanOrEqual(chunks[i - 1][1] - chunks[i - 1][0]);
        });
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('threads racing on one counter get each row exactly once', async () => {
    // the built module (dist/, as the pool's workers load it), claimed from four threads at once
    const moduleUrl = new URL('../../dist/parallel/row-claims.js', import.meta.url).href;
    const policy = { rows: 1_000_000, shares: 64, minRows: 4 }; // 1,040 small chunks: many contended claims
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const times = new Int32Array(new SharedArrayBuffer(4 * policy.rows));
    const source = `
      const { workerData: { moduleUrl, counter, ready, times, policy } } = await import('node:worker_threads');
      const { claimRows } = await import(moduleUrl);
      Atomics.add(ready, 0, 1);
      while (Atomics.load(ready, 0) < 4); // all four start claiming together
      let chunks = 0;
      for (let c = claimRows(counter, policy); c; c = claimRows(counter, policy), chunks++) {
        for (let r = c[0]; r < c[1]; r++) Atomics.add(times, r, 1);
      }
      (await import('node:worker_threads')).parentPort.postMessage(chunks);`;
    const threads = Array.from({ length: 4 }, () => new Worker(source, { eval: true, workerData: { moduleUrl, counter, ready, times, policy } } as WorkerOptions & { eval: true }));
    const chunks = await Promise.all(threads.map((t) => new Promise<number>((resolve, reject) => {
      t.once('message', resolve);
      t.once('error', reject);
    })));
    await Promise.all(threads.map((t) => t.terminate()));
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(claimAll(policy).length);
    expect(times.every((n) => n === 1)).toBe(true);
  });

  it('the first chunk is a quarter of the batch for two claimants, and chunks shrink to the minimum', () => {
    const policy = { rows: 1000, shares: 2, minRows: 12 };
    expect(chunkRows(1000, policy)).toBe(252);
    expect(claimAll(policy).map(([s, e]) => e - s)).toEqual([252, 188, 140, 108, 80, 60, 44, 32, 24, 20, 16, 12, 12, 12]);
    expect(minChunkRows(206_848)).toBe(10); // the seed model1's forward pass: ≥ 2 MFLOP per chunk
    expect(minChunkRows(1e9)).toBe(4);
  });
});
