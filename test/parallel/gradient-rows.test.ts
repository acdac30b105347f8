// GradientBuffers with a row-sparse variable: the rows recorded by scatterAddEmbeddings (int32 or
// float ids) are packed into a chunk's slot with their list, and summing packed slots, scaling and
// the finite check give bit for bit what the dense block of the same values gives.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { GradientBuffers } from '../../src/runtime/gradient-buffers.js';
import { LayerVariable } from '../../src/layers/variable.js';
import { scatterAddEmbeddings } from '../../src/ops/embedding.js';
import { Scratch } from '../../src/ops/device-tensor.js';
import { expectIdentical } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';

const [ROWS, DIM] = [40, 6];

function variables(rowSparse = true) {
  const table = new LayerVariable('emb/embeddings', [ROWS, DIM], new Float32Array(ROWS * DIM));
  table.rowSparse = rowSparse;
  return [new LayerVariable('a', [5], new Float32Array(5)), table, new LayerVariable('b', [3], new Float32Array(3))];
}

describe('row-sparse gradient buffers', () => {
  it('a scatter records the rows of its ids (int32 or float), first seen first; packInto packs them, zero() clears them', async () => {
    const engine = await testEngine();
    const vars = variables();
    const grads = new GradientBuffers(engine, vars);
    const scratch = new Scratch(engine);
    try {
      const table = vars[1];
      const rows = grads.rows.get(table)!;
      const ids = [7, 3, 7, 39, 0, 3];
      const dOut = scratch.from(Float32Array.from({ length: ids.length * DIM }, (_, i) => i + 1), [ids.length, DIM]);
      scatterAddEmbeddings(engine, scratch.from(Int32Array.from(ids), [ids.length]), dOut, DIM, grads.map, table);
      scatterAddEmbeddings(engine, scratch.from(Float32Array.of(12, 39), [2]), scratch.from(new Float32Array(2 * DIM).fill(0.5), [2, DIM]), DIM, grads.map, table);
      expect(Array.from(rows.read())).toEqual([7, 3, 39, 0, 12]);
      const slot = new Float32Array(grads.length).fill(-1);
      const [list] = grads.packInto(slot);
      expect(Array.from(list)).toEqual([7, 3, 39, 0, 12]);
      const start = 8; // after a's 5 floats padded to 8
      const dense = grads.read(table);
      list.forEach((row, k) => expectIdentical(slot.subarray(start + k * DIM, start + (k + 1) * DIM), dense.subarray(row * DIM, (row + 1) * DIM), `packed row ${row}`));
      expect(Array.from(slot.subarray(start + list.length * DIM, start + ROWS * DIM)).every((v) => v === -1), 'the rest of the slice is not written').toBe(true);
      expect(grads.work.packed).toBe(8 + 4 + list.length * DIM);
      grads.zero();
      expect(rows.count).toBe(0);
      expect(grads.view().every((v) => v === 0)).toBe(true);
    } finally {
      scratch.release();
      grads.dispose();
    }
  });

  it('summing packed slots, scaling and checking give the dense block\'s sums bit for bit', async () => {
    const engine = await testEngine();
    // no −0: a gradient starts at +0 and only adds, and +0 + x is −0 for no x, so no slot holds one
    const float = fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.uniqueArray(fc.integer({ min: 0, max: ROWS - 1 }), { maxLength: ROWS }), fc.array(float, { minLength: 300, maxLength: 300 })), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        async (parts, factor) => {
          const vars = variables();
          const grads = new GradientBuffers(engine, vars);
          const reference = new GradientBuffers(engine, variables(false));
          try {
            const start = 8;
            const denseSlots: Float32Array[] = [], packedSlots: Float32Array[] = [], lists: Int32Array[][] = [];
            for (const [rows, values] of parts) {
              const dense = Float32Array.from({ length: grads.length }, (_, k) => values[k % values.length]);
              dense.fill(0, start, start + ROWS * DIM); // rows not listed are zero
              const packed = dense.slice();
              rows.forEach((row, k) => {
                for (let j = 0; j < DIM; j++) dense[start + row * DIM + j] = packed[start + k * DIM + j] = values[(row * 7 + j) % values.length];
              });
              denseSlots.push(dense);
              packedSlots.push(packed);
              lists.push([Int32Array.from(rows)]);
            }
            reference.sumOf(denseSlots);
            grads.sumOf(packedSlots, lists);
            expectIdentical(grads.view(), reference.view(), 'sums');
            expect(grads.rows.get(vars[1])!.count).toBe(new Set(parts.flatMap(([rows]) => rows)).size);
            grads.scale(vars, factor);
            const expected = reference.view().slice();
            // the JS loop scale() replaced, over each variable's values (not the padding)
            for (const [from, to] of [[0, 5], [start, start + ROWS * DIM], [start + ROWS * DIM, start + ROWS * DIM + 3]]) {
              for (let k = from; k < to; k++) expected[k] *= factor;
            }
            expectIdentical(grads.view(), expected, 'scaled');
            expect(grads.allFinite()).toBe(expected.every(Number.isFinite));
          } finally {
            grads.dispose();
            reference.dispose();
          }
        },
      ),
      { seed: 5, numRuns: 150 },
    );
  });

  it('the finite check sees a recorded row; sumOf wants one row list per row-sparse variable and slot', async () => {
    const engine = await testEngine();
    const vars = variables();
    const grads = new GradientBuffers(engine, vars);
    try {
      const slot = new Float32Array(grads.length);
      slot[8 + DIM + 2] = Number.POSITIVE_INFINITY; // the second packed row
      grads.sumOf([slot], [[Int32Array.of(4, 17)]]);
      expect(grads.read(vars[1])[17 * DIM + 2]).toBe(Number.POSITIVE_INFINITY);
      expect(grads.allFinite()).toBe(false);
      expect(() => grads.sumOf([slot])).toThrow('GradientBuffers.sumOf: 1 slots need 1 row lists of 1 each, got none');
    } finally {
      grads.dispose();
    }
  });
});
