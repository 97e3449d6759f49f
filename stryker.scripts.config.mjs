// Mutation testing of scripts/ (`npm run mutate:scripts`), with its own tests and threshold.
import { localIncrementalFile } from './scripts/mutation-incremental.ts';
import handler from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...handler,
  // scripts/servers/ holds the loopback servers that npm run load, npm run bench and the tests
  // share: harness, exercised by every integration test, kept out of the score as it was
  // when it lived under test/.
  // scripts/start.ts is npm start's supervisor alone: it spawns serverless offline, passes it
  // SIGINT and SIGTERM and watches for its own parent going, which only a process shows
  // (test/tools/start-command.test.ts holds it); what it decides is in scripts/start/,
  // mutated and tested in-process.
  mutate: ['scripts/**/*.ts', '!scripts/servers/**', '!scripts/start.ts'],
  // Forks, not threads: autocannon (npm run load) only returns its results on a main thread.
  vitest: { configFile: 'vitest.mutation.scripts.config.ts', pool: 'forks' },
  htmlReporter: { fileName: 'reports/mutation/scripts.html' },
  jsonReporter: { fileName: 'reports/mutation/scripts.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  incrementalFile: localIncrementalFile('scripts'),
  // Several tests start `npm start`, which builds the sandbox's dist/: one at a time.
  concurrency: 1,
  timeoutMS: 30_000,
};
