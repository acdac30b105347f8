// Mutation testing (npm run test:mutation; opt-in, not part of npm test). Scope and results:
// docs/RELIABILITY.md, "Mutation score".
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner', './test/mutation/ignore-messages.mjs', './test/mutation/live-results.mjs'],
  ignorers: ['messages'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  // where a wrong result would be silent (docs/RELIABILITY.md says why the rest is left out);
  // STRYKER_MUTATE=a.ts,b.ts runs a part
  mutate: process.env.STRYKER_MUTATE?.split(',') ?? [
    'src/training/losses.ts', 'src/training/metrics.ts', 'src/training/targets.ts', 'src/training/optimizers.ts',
    'src/parallel/shards.ts', 'src/parallel/row-claims.ts', 'src/runtime/gradient-buffers.ts',
    'src/models/compile.ts', 'src/models/summary.ts', 'src/io/artifacts.ts',
  ],
  // module-level constants (name tables, defaults) need every test per mutant: ~1 min each here
  ignoreStatic: true,
  disableTypeChecks: 'src/**/*.ts',
  warnings: { slow: false },
  checkers: [],
  reporters: ['clear-text', 'progress', 'json', 'html', 'live'],
  jsonReporter: { fileName: `reports/mutation/${process.env.STRYKER_REPORT ?? 'mutation'}.json` },
  htmlReporter: { fileName: `reports/mutation/${process.env.STRYKER_REPORT ?? 'mutation'}.html` },
  tempDirName: '.stryker-tmp',
  timeoutMS: 10_000,
  ignorePatterns: ['reports', 'docs/api', 'bench', 'examples'],
};
