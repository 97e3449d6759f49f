import { defineConfig } from 'vitest/config';
import { testDefines } from './vitest.config.ts';

// The tests Stryker runs against the mutants of scripts/: those that run the scripts' code
// in vitest's own process, where Stryker switches a mutant on.
export default defineConfig({
  define: testDefines,
  test: {
    include: [
      'test/unit/cli-options.test.ts',
      'test/unit/token-script.test.ts',
      'test/unit/version-string.test.ts',
      'test/unit/synapse-reference.test.ts',
      'test/unit/build-settings.test.ts',
      'test/build/**/*.test.ts',
      'test/integration/smoke.test.ts',
      'test/integration/load.test.ts',
      'test/integration/smoke-command.test.ts',
    ],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
