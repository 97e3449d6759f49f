import { defineConfig } from 'vitest/config';
import { bakedDefines } from './scripts/baked-defines.ts';
import { TEST_SERVER_VERSION } from './test/baked-for-tests.ts';

export default defineConfig({
  define: bakedDefines({ serverVersion: TEST_SERVER_VERSION, includePythonVersion: true }),
  test: {
    include: ['test/**/*.test.ts'],
    // The build, infra and integration tests share dist/ and ports: one file at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
