// The test run Stryker (npm run test:mutation) uses: the node tests that exercise the mutated
// files, without the browser / Deno entries, the long soaks and the slow suites about code the run
// does not mutate (a surviving mutant re-runs every test that covers it).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/setup/bundle-workers.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: [
      'test/training/**/*.test.ts', 'test/models/**/*.test.ts', 'test/io/**/*.test.ts', 'test/net/**/*.test.ts',
      'test/parallel/**/*.test.ts', 'test/graph/**/*.test.ts', 'test/hardening/**/*.test.ts', 'test/data/**/*.test.ts',
      'test/keras3/losses.test.ts', 'test/recurrent/masks.test.ts', 'test/mutation/**/*.test.ts',
    ],
    exclude: [
      'test/hardening/soak.test.ts', 'test/hardening/soak-faults.test.ts', 'test/hardening/keras-fuzz.test.ts',
      // worker faults and lifecycle, .keras files: slow, and about code outside the mutated files
      'test/parallel/faults.test.ts', 'test/hardening/faults.test.ts', 'test/parallel/lifecycle.test.ts',
      'test/parallel/dropout-*.test.ts', 'test/io/keras-files.test.ts',
    ],
  },
});
