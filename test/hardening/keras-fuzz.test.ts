// Untrusted .keras files: 1,000 mutations of a real Keras 3 file (test/fixtures/keras3, made by
// Keras 3.15) — bytes flipped anywhere (the zip's headers, config.json, the HDF5 weights), truncated,
// or extended — each loads and predicts, or is refused with a ValueError; none crashes another way,
// hangs or pollutes a prototype (fast-check, fixed seed).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { KERAS3_DIR } from '../helpers/keras3-case.js';
import { fuzzKerasBytes } from '../helpers/keras-fuzz.js';

const original = new Uint8Array(readFileSync(new URL('lstm_seq/model.keras', KERAS3_DIR)));

describe('fuzzing .keras files (fast-check, fixed seed)', () => {
  it('1,000 mutated files: each loads (and predicts) or is refused with a ValueError', async () => {
    const outcomes = await fuzzKerasBytes(original, {
      numRuns: 1000,
      seed: 20261207,
      check: (model) => {
        expect((model.predict(wl.zeros([1, 6, 4])) as wl.Tensor).shape[0]).toBe(1);
      },
    });
    // both outcomes happen: the fuzz reaches past the first check
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 120_000);
});
