// Fuzzing a .keras file's bytes (fast-check, fixed seed): up to 8 bytes flipped anywhere, then
// truncated (1 run in 10), extended by 64 bytes (1 in 10) or left as is. Each mutated file must load
// and pass `check`, or be refused with a ValueError of under 2,000 characters; nothing else may be
// thrown, and Object.prototype stays untouched.
import { expect } from 'vitest';
import fc from 'fast-check';
import * as wl from '../../src/index.js';

/** Counts of how the runs ended, keyed by what `check` returned ('loaded' by default) and 'refused'. */
export async function fuzzKerasBytes(original: Uint8Array, options: { numRuns: number; seed: number; check: (model: wl.LayersModel) => string | void }): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = { refused: 0 };
  const flips = fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(flips, fc.integer({ min: 0, max: 9 }), fc.nat(original.length), async (changes, kind, cut) => {
      let bytes = original.slice();
      for (const [at, xor] of changes) bytes[at] ^= xor;
      if (kind === 0) bytes = bytes.slice(0, cut);
      if (kind === 1) bytes = Uint8Array.from([...bytes, ...bytes.slice(0, 64)]);
      try {
        const model = await wl.loadLayersModel(bytes.buffer as never);
        const outcome = options.check(model) ?? 'loaded';
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      } catch (e) {
        if (!(e instanceof wl.ValueError)) throw new Error(`a mutated file threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        expect((e as Error).message.length).toBeLessThan(2000);
        outcomes.refused++;
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }),
    { numRuns: options.numRuns, seed: options.seed },
  );
  return outcomes;
}
