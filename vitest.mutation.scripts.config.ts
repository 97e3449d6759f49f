import { defineConfig } from 'vitest/config';
import { testDefines } from './vitest.config.ts';

// The tests Stryker runs against the mutants of scripts/: the in-process unit tests, the
// build's tests and the tools' own (test/tools), which run the scripts' code in vitest's
// process, where Stryker switches a mutant on. Chosen by folder, so a new test is picked up
// by its place; a test that covers no script costs Stryker only its first, unmutated run.
export default defineConfig({
  define: testDefines,
  test: {
    include: ['test/unit/**/*.test.ts', 'test/build/**/*.test.ts', 'test/tools/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
