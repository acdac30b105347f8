// Properties of how a batch is divided between threads: the fixed shards of the copy transport
// (shardSizes / shardRanges), the chunk grid the threads claim from with shared memory (chunkPolicy /
// chunkBounds, and the claim counter), and the row views cut from a batch (batchRows). For any batch
// and any thread count the pieces tile the batch: in order, no overlap, no row lost.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
// The library internals under test, all imported here (their paths may move in a refactor).
import { shardRanges, shardSizes } from '../../src/parallel/shards.js';
import { chunkBounds, chunkPolicy, claimChunk, claimCounters } from '../../src/parallel/row-claims.js';
import { batchRows, type Batch, type HostTensor } from '../../src/training/executor.js';

const rows = fc.integer({ min: 1, max: 5000 });
const threads = fc.integer({ min: 1, max: 64 });
/** FLOPs per sample from tiny to large models (the grid's smallest chunk depends on it). */
const flops = fc.oneof(fc.constant(0), fc.double({ min: 1, max: 1e9, noNaN: true }), fc.integer({ min: 1, max: 1e6 }));
const maxChunks = fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 200 }));

/** [start, end) ranges from boundaries [0, b1, …, rows]. */
const rangesOf = (bounds: number[]): [number, number][] => bounds.slice(0, -1).map((b, i) => [b, bounds[i + 1]]);

/** Asserts that the ranges tile [0, total): each non-empty, each starting where the previous ended. */
function expectTiling(ranges: [number, number][], total: number): void {
  expect(ranges.length).toBeGreaterThan(0);
  let at = 0;
  for (const [i, [start, end]] of ranges.entries()) {
    if (!Number.isInteger(start) || !Number.isInteger(end)) expect.fail(`piece ${i} [${start}, ${end}) has a non-integer bound`);
    if (start !== at) expect.fail(`piece ${i} starts at row ${start}, the previous ended at ${at} (${start > at ? 'rows lost' : 'overlap'})`);
    if (end <= start) expect.fail(`piece ${i} [${start}, ${end}) is empty`);
    at = end;
  }
  expect(at, 'the last piece ends at the batch size').toBe(total);
}

describe('fixed shards (shardSizes, shardRanges)', () => {
  it('tile the batch for any worker count: min(batch, workers) shards, sizes within one of each other, larger first', () => {
    fc.assert(fc.property(rows, threads, (batch, workers) => {
      const sizes = shardSizes(batch, workers);
      const ranges = shardRanges(batch, workers);
      expect(sizes.length).toBe(Math.min(batch, workers));
      expect(ranges.map(([s, e]) => e - s)).toEqual(sizes);
      expectTiling(ranges, batch);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(batch);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
    }));
  });

  it('one worker (or more workers than rows) gives the whole batch / one row each', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), (batch) => {
      expect(shardRanges(batch, 1)).toEqual([[0, batch]]);
      expect(shardSizes(batch, batch + 3)).toEqual(Array(batch).fill(1));
    }));
  });
});

describe('the chunk grid (chunkPolicy, chunkBounds)', () => {
  it('tiles the batch for any thread count, model size and chunk cap', () => {
    fc.assert(fc.property(rows, threads, flops, maxChunks, (n, shares, f, cap) => {
      const policy = chunkPolicy(n, shares, f, cap);
      expect(policy.rows).toBe(n);
      expect(policy.shares).toBe(shares);
      const bounds = chunkBounds(policy);
      expect(bounds[0]).toBe(0);
      expect(bounds.at(-1)).toBe(n);
      expectTiling(rangesOf(bounds), n);
    }));
  });

  it('keeps to the chunk cap (at least one chunk per thread allowed), chunks of at least minRows but the last, shrinking towards the end', () => {
    fc.assert(fc.property(rows, threads, flops, maxChunks, (n, shares, f, cap) => {
      const policy = chunkPolicy(n, shares, f, cap);
      const sizes = rangesOf(chunkBounds(policy)).map(([s, e]) => e - s);
      expect(sizes.length).toBeLessThanOrEqual(Math.max(cap, shares));
      expect(policy.minRows).toBeGreaterThanOrEqual(1);
      sizes.slice(0, -1).forEach((size, i) => {
        if (size < policy.minRows) expect.fail(`chunk ${i} of ${sizes.length} has ${size} rows, fewer than minRows ${policy.minRows}`);
        if (size % 4 !== 0) expect.fail(`chunk ${i} has ${size} rows, not a multiple of 4 (the recurrent kernels take rows four at a time)`);
        if (size < sizes[i + 1]) expect.fail(`chunk ${i} (${size} rows) is smaller than chunk ${i + 1} (${sizes[i + 1]})`);
      });
    }));
  });

  it('depends only on its arguments (the same grid every call: reruns sum in the same order)', () => {
    fc.assert(fc.property(rows, threads, flops, maxChunks, (n, shares, f, cap) => {
      expect(chunkBounds(chunkPolicy(n, shares, f, cap))).toEqual(chunkBounds(chunkPolicy(n, shares, f, cap)));
    }));
  });

  it('the claim counter hands each chunk to exactly one claimant, whatever the interleaving', () => {
    const schedule = fc.array(fc.nat(), { minLength: 1, maxLength: 400 });
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 8 }), schedule, (chunks, claimants, order) => {
      const counters = claimCounters();
      const got: number[][] = Array.from({ length: claimants }, () => []);
      const done = new Set<number>();
      // claimants take turns in the order given, then round-robin until every one sees -1
      const turns = [...order.map((o) => o % claimants), ...Array.from({ length: (chunks + 1) * claimants }, (_, i) => i % claimants)];
      for (const who of turns) {
        if (done.has(who)) continue;
        const index = claimChunk(counters, chunks);
        if (index < 0) done.add(who);
        else got[who].push(index);
      }
      expect(done.size).toBe(claimants);
      const all = got.flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: chunks }, (_, i) => i));
    }));
  });
});

describe('batch row views (batchRows) over shards and chunks', () => {
  /** A tensor of `n` rows of shape `tail`, of one of the host dtypes, with distinct values (a misplaced row shows). */
  const tensorArb = (n: number) => fc.record({
    tail: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 2 }),
    dtype: fc.constantFrom('float32', 'int32', 'bool'),
    offset: fc.integer({ min: 0, max: 1000 }),
  }).map(({ tail, dtype, offset }): HostTensor => {
    const length = n * tail.reduce((a, b) => a * b, 1);
    const data = dtype === 'float32' ? Float32Array.from({ length }, (_, i) => offset + i + 0.25)
      : dtype === 'int32' ? Int32Array.from({ length }, (_, i) => offset - i)
      : Uint8Array.from({ length }, (_, i) => (offset + i) % 2);
    return { data, shape: [n, ...tail] };
  });
  /** A batch of n rows: one or two inputs, none (predict) to two targets. */
  const batchArb = fc.integer({ min: 1, max: 300 }).chain((n) => fc.record({
    inputs: fc.array(tensorArb(n), { minLength: 1, maxLength: 2 }),
    targets: fc.array(tensorArb(n), { minLength: 0, maxLength: 2 }),
  }));
  const rowsIn = (batch: Batch) => batch.inputs[0].shape[0];

  /** Checks that the parts of `ranges` are views with the right shapes and concatenate to the batch. */
  function expectConcatenates(batch: Batch, ranges: [number, number][]): void {
    const parts = ranges.map(([s, e]) => batchRows(batch, s, e));
    for (const kind of ['inputs', 'targets'] as const) {
      batch[kind].forEach((whole, t) => {
        let at = 0;
        parts.forEach((part, i) => {
          const piece = part[kind][t];
          const label = `${kind}[${t}], part ${i} [${ranges[i][0]}, ${ranges[i][1]})`;
          if (part[kind].length !== batch[kind].length) expect.fail(`${label}: ${part[kind].length} ${kind}, expected ${batch[kind].length}`);
          const shape = JSON.stringify([ranges[i][1] - ranges[i][0], ...whole.shape.slice(1)]);
          if (JSON.stringify(piece.shape) !== shape) expect.fail(`${label}: shape ${JSON.stringify(piece.shape)}, expected ${shape}`);
          if (piece.data.buffer !== whole.data.buffer || piece.data.constructor !== whole.data.constructor) expect.fail(`${label}: not a view of the batch's array`);
          for (let j = 0; j < piece.data.length; j++) {
            if (!Object.is(piece.data[j], whole.data[at + j])) expect.fail(`${label}: element ${at + j} is ${piece.data[j]}, expected ${whole.data[at + j]}`);
          }
          at += piece.data.length;
        });
        expect(at, `${kind}[${t}]: the parts hold every element`).toBe(whole.data.length);
      });
    }
  }

  it('the shards of any worker count concatenate back to the batch (every input and target)', () => {
    fc.assert(fc.property(batchArb, threads, (batch, workers) => {
      expectConcatenates(batch, shardRanges(rowsIn(batch), workers));
    }));
  });

  it('the chunks of any grid concatenate back to the batch (every input and target)', () => {
    fc.assert(fc.property(batchArb, threads, flops, maxChunks, (batch, shares, f, cap) => {
      expectConcatenates(batch, rangesOf(chunkBounds(chunkPolicy(rowsIn(batch), shares, f, cap))));
    }));
  });
});
