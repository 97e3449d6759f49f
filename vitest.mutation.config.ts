import { defineConfig } from 'vitest/config';
import { testDefines } from './vitest.config.ts';

// The tests Stryker runs against each mutant of handler/: those that exercise the code in
// vitest's own process, where Stryker switches a mutant on. Tests that only drive child
// processes (npm start, built bundles, CLIs) cannot see a mutant and would only cost time.
export default defineConfig({
  define: testDefines,
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/hardening/**/*.test.ts',
      'test/integration/access-policy.test.ts',
      'test/integration/settings-refused.test.ts',
    ],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
