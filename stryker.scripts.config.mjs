// Mutation testing of scripts/ (`npm run mutate`), with its own threshold.
import handler from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...handler,
  mutate: ['scripts/**/*.ts'],
  htmlReporter: { fileName: 'reports/mutation/scripts.html' },
  jsonReporter: { fileName: 'reports/mutation/scripts.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  incrementalFile: 'test/mutation/scripts.incremental.json',
};
