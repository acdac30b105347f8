// The cross-runtime parity cases, here in Node; test/browser and test/deno run the same file.
import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { PARITY_CASES } from './parity-cases.js';
import { Engine } from '../../src/backend/engine.js';

describe('shared parity cases (Node)', () => {
  for (const c of PARITY_CASES) {
    it(c.name, async () => {
      const engine = await Engine.create();
      expect(await c.run(wl, engine)).toBeNull();
      engine.dispose();
    });
  }
});
