// Mutation testing of scripts/ (`npm run mutate:scripts`), with its own tests and threshold.
import handler from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...handler,
  mutate: ['scripts/**/*.ts'],
  // Forks, not threads: autocannon (npm run load) only returns its results on a main thread.
  vitest: { configFile: 'vitest.mutation.scripts.config.ts', pool: 'forks' },
  htmlReporter: { fileName: 'reports/mutation/scripts.html' },
  jsonReporter: { fileName: 'reports/mutation/scripts.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  incrementalFile: 'test/mutation/scripts.incremental.json',
  // Several tests start `npm start`, which builds the sandbox's dist/: one at a time.
  concurrency: 1,
  timeoutMS: 30_000,
};
