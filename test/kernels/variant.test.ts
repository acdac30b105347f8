import { it, expect } from 'vitest';
import { testEngine } from '../helpers/engine.js';

// The relaxed-simd project runs these suites with Node's relaxed-SIMD flag: make sure the engine
// really picked that build there (and the plain SIMD build otherwise).
it('runs the kernel build this project is meant to test', async () => {
  const engine = await testEngine();
  expect(engine.variant).toBe(process.env.WASM_LAYERS_EXPECT_VARIANT ?? 'simd');
});
