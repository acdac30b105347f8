// The test run Stryker (npm run test:mutation) uses: the node tests that exercise the mutated
// files, without the browser / Deno entries and the long soaks (a mutant that only they would
// catch is not worth a 20 s run per mutant).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/setup/bundle-workers.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: [
      'test/training/**/*.test.ts', 'test/models/**/*.test.ts', 'test/io/**/*.test.ts', 'test/net/**/*.test.ts',
      'test/parallel/**/*.test.ts', 'test/graph/**/*.test.ts', 'test/hardening/**/*.test.ts', 'test/data/**/*.test.ts',
      'test/keras3/losses.test.ts', 'test/mutation/**/*.test.ts',
    ],
    exclude: ['test/hardening/soak.test.ts', 'test/hardening/soak-faults.test.ts', 'test/hardening/keras-fuzz.test.ts'],
  },
});
