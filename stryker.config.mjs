// Mutation testing of the handler, the security core (`npm run mutate:handler`, the first
// half of `npm run mutate`, which `.ci/run` runs incrementally). A score under `break`
// fails the run.
import { localIncrementalFile } from './scripts/mutation-incremental.ts';

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
  // An untracked copy of the committed test/mutation/handler.incremental.json, made by
  // scripts/mutation-incremental.ts before each run: a run on a fresh clone tests only the
  // mutants whose code or tests changed since the committed results, and leaves the tree
  // clean. `npm run mutate:refresh` gives the committed file on the command line instead.
  incrementalFile: localIncrementalFile('handler'),
  concurrency: 2,
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
