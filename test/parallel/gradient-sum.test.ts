// The pool's gradient reduction (GradientBuffers.sumOf): the chunks' slots added in order in engine
// memory give, bit for bit, the float32 sums of adding them in JS, one slot after another.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { GradientBuffers } from '../../src/runtime/gradient-buffers.js';
import { LayerVariable } from '../../src/layers/variable.js';
import { testEngine } from '../helpers/engine.js';

describe('summing gradient slots', () => {
  it('matches slot-by-slot float32 addition for any values, sizes and slot counts', async () => {
    const engine = await testEngine();
    const float = fc.float({ noNaN: true, noDefaultInfinity: true });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 6 }), fc.array(float, { minLength: 200, maxLength: 200 }), async (size, count, pool) => {
        const variables = [new LayerVariable('a', [size], new Float32Array(size)), new LayerVariable('b', [3], new Float32Array(3))];
        const grads = new GradientBuffers(engine, variables);
        try {
          const slots = Array.from({ length: count }, (_, s) => Float32Array.from({ length: grads.length }, (_, k) => pool[(s * 37 + k * 11) % pool.length]));
          const expected = slots[0].slice();
          for (const slot of slots.slice(1)) for (let k = 0; k < expected.length; k++) expected[k] += slot[k];
          grads.sumOf(slots);
          expect(Array.from(grads.view())).toEqual(Array.from(expected));
        } finally {
          grads.dispose();
        }
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it('leaves engine memory as it found it (the addend is released)', async () => {
    const engine = await testEngine();
    const grads = new GradientBuffers(engine, [new LayerVariable('a', [5], new Float32Array(5))]);
    try {
      const before = engine.memoryStats().bytesInUse;
      grads.sumOf([new Float32Array(grads.length).fill(1), new Float32Array(grads.length).fill(2), new Float32Array(grads.length).fill(3)]);
      expect(engine.memoryStats().bytesInUse).toBe(before);
      expect(Array.from(grads.read(grads.map.keys().next().value!))).toEqual([6, 6, 6, 6, 6]);
    } finally {
      grads.dispose();
    }
  });

  it('pads each variable\'s slice to a multiple of 4 floats, and dispose() frees the block', async () => {
    const engine = await testEngine();
    const variables = [new LayerVariable('a', [5], new Float32Array(5)), new LayerVariable('b', [4], new Float32Array(4)), new LayerVariable('c', [1], new Float32Array(1))];
    expect(GradientBuffers.lengthFor(variables)).toBe(8 + 4 + 4);
    expect(GradientBuffers.lengthFor([])).toBe(1);
    const before = engine.memoryStats().bytesInUse;
    const grads = new GradientBuffers(engine, variables);
    expect(grads.length).toBe(16);
    expect(variables.map((v) => (grads.map.get(v)! - grads.map.get(variables[0])!) / 4)).toEqual([0, 8, 12]);
    grads.dispose();
    expect(engine.memoryStats().bytesInUse).toBe(before);
  });
});
