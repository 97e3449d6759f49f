// Mutation testing of the handler, the security core (`npm run mutate:handler`, the first
// half of `npm run mutate`, which `.ci/run` runs incrementally). A score under `break`
// fails the run.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['handler/**/*.ts'],
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/handler.html' },
  jsonReporter: { fileName: 'reports/mutation/handler.json' },
  thresholds: { high: 98, low: 95, break: 95 },
  // Committed, so that a run on a clean clone tests only the mutants whose code or tests
  // changed since it was written.
  incrementalFile: 'test/mutation/handler.incremental.json',
  concurrency: 2,
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
