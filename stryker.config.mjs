// Mutation testing, both halves of `npm run mutate` in one configuration: handler/, the
// security core, and scripts/, the operator's commands, each with its own files, tests,
// threshold and incremental file. MUTATION_SCOPE says which (package.json's mutate:handler
// and mutate:scripts set it; handler when unset); Stryker's workers inherit it, and
// vitest.config.ts reads it there to run that scope's in-process tests (MUTATION_TESTS).
// The scope-dependent options are getters because Stryker imports this file once per process
// and copies the options when it reads them: each read sees the variable as it is then.
import { localIncrementalFile } from './scripts/mutation-incremental.ts';

const SCOPES = {
  handler: {
    mutate: ['handler/**/*.ts'],
    thresholds: { high: 98, low: 95, break: 95 },
    concurrency: 2,
    timeoutMS: 10_000,
  },
  scripts: {
    // scripts/start.ts is npm start's supervisor alone: it spawns serverless offline, passes
    // it SIGINT and SIGTERM and watches for its own parent going, which only a process shows
    // (test/tools/start-command.test.ts holds it); what it decides is in scripts/start/,
    // mutated and tested in-process. harness/ is outside: exercised by every process test.
    mutate: ['scripts/**/*.ts', '!scripts/start.ts'],
    thresholds: { high: 95, low: 90, break: 90 },
    // Each test that starts `npm start` builds in a project copy of its own.
    concurrency: 2,
    timeoutMS: 30_000,
  },
};

function scope() {
  const name = process.env.MUTATION_SCOPE ?? 'handler';
  if (!Object.hasOwn(SCOPES, name)) {
    throw new Error(`MUTATION_SCOPE must be handler or scripts: ${JSON.stringify(name)}`);
  }
  process.env.MUTATION_SCOPE = name;
  return name;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Forks, not threads: autocannon (npm run load) only returns its results on a main thread.
  vitest: { configFile: 'vitest.config.ts', pool: 'forks' },
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  get mutate() {
    return SCOPES[scope()].mutate;
  },
  get thresholds() {
    return SCOPES[scope()].thresholds;
  },
  get concurrency() {
    return SCOPES[scope()].concurrency;
  },
  get timeoutMS() {
    return SCOPES[scope()].timeoutMS;
  },
  get htmlReporter() {
    return { fileName: `reports/mutation/${scope()}.html` };
  },
  get jsonReporter() {
    return { fileName: `reports/mutation/${scope()}.json` };
  },
  // An untracked copy of the committed test/mutation/<scope>.incremental.json, made by
  // scripts/mutation-incremental.ts before each run: a run on a fresh clone tests only the
  // mutants whose code or tests changed since the committed results, and leaves the tree
  // clean. `npm run mutate:refresh` gives the committed file on the command line instead.
  get incrementalFile() {
    return localIncrementalFile(scope());
  },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
