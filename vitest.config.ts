import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/setup/bundle-workers.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'] },
      },
      {
        // The kernel, layer, recurrent, model and Keras 3 fixture suites on the relaxed-SIMD build (fused multiply-add), which
        // Node 20 runs only behind a flag; browsers and Deno pick it by default.
        extends: true,
        test: {
          name: 'relaxed-simd',
          include: [
            'test/kernels/**/*.test.ts', 'test/models/**/*.test.ts', 'test/layers/**/*.test.ts', 'test/recurrent/**/*.test.ts',
            'test/keras3/**/*.test.ts', 'test/hardening/kernel-variants.test.ts',
          ],
          execArgv: ['--experimental-wasm-relaxed-simd'],
          env: { WASM_LAYERS_EXPECT_VARIANT: 'relaxed-simd' },
        },
      },
    ],
  },
});
