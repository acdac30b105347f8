// Mutation testing (npm run test:mutation; opt-in, not part of npm test). Scope and results:
// docs/RELIABILITY.md, "Mutation score".
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner', './test/mutation/ignore-messages.mjs'],
  ignorers: ['messages'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  mutate: (process.env.STRYKER_MUTATE ?? [
    'src/training/losses.ts', 'src/training/metrics.ts', 'src/parallel/shards.ts',
  ].join(',')).split(','),
  checkers: [],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  timeoutMS: 30_000,
  ignorePatterns: ['reports', 'docs/api', 'bench', 'examples'],
};
