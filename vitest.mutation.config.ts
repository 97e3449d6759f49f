import { defineConfig } from 'vitest/config';
import { testDefines } from './vitest.config.ts';

// The tests Stryker runs against each mutant of handler/: the in-process kinds (test/unit,
// test/hardening), where Stryker switches a mutant on. Tests that drive child processes
// (npm start, built bundles, CLIs) or read templates cannot see a mutant and would only
// cost time; they live in other folders, so a new in-process test is picked up by its place.
export default defineConfig({
  define: testDefines,
  test: {
    include: ['test/unit/**/*.test.ts', 'test/hardening/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
