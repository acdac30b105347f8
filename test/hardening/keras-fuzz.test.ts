// Untrusted .keras files: 1,000 mutations of a real Keras 3 file (test/fixtures/keras3, made by
// Keras 3.15) — bytes flipped anywhere (the zip's headers, config.json, the HDF5 weights), truncated,
// or extended — each loads and predicts, or is refused with a ValueError; none crashes another way,
// hangs or pollutes a prototype (fast-check, fixed seed).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as wl from '../../src/index.js';
import { KERAS3_DIR } from '../helpers/keras3-case.js';

const original = new Uint8Array(readFileSync(new URL('lstm_seq/model.keras', KERAS3_DIR)));

describe('fuzzing .keras files (fast-check, fixed seed)', () => {
  it('1,000 mutated files: each loads (and predicts) or is refused with a ValueError', async () => {
    const outcomes = { loaded: 0, refused: 0 };
    const flips = fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(flips, fc.integer({ min: 0, max: 9 }), fc.nat(original.length), async (changes, kind, cut) => {
        let bytes = original.slice();
        for (const [at, xor] of changes) bytes[at] ^= xor;
        if (kind === 0) bytes = bytes.slice(0, cut);
        if (kind === 1) bytes = Uint8Array.from([...bytes, ...bytes.slice(0, 64)]);
        try {
          const model = await wl.loadLayersModel(bytes.buffer as never);
          const out = model.predict(wl.zeros([1, 6, 4])) as wl.Tensor;
          expect(out.shape[0]).toBe(1);
          outcomes.loaded++;
        } catch (e) {
          if (!(e instanceof wl.ValueError)) throw new Error(`a mutated file threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
          expect((e as Error).message.length).toBeLessThan(2000);
          outcomes.refused++;
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 1000, seed: 20261207 },
    );
    // both outcomes happen: the fuzz reaches past the first check
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 120_000);
});
