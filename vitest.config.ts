import { configDefaults, defineConfig } from 'vitest/config';
import { bakedDefines } from './scripts/baked-defines.ts';
import { TEST_SERVER_VERSION } from './test/baked-for-tests.ts';

export const testDefines = bakedDefines({
  serverVersion: TEST_SERVER_VERSION,
  includePythonVersion: true,
});

export default defineConfig({
  define: testDefines,
  test: {
    include: ['test/**/*.test.ts'],
    // The browser tests need Chromium: `npm run test:browser` (vitest.browser.config.ts).
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    // The build, infra and integration tests share dist/ and ports: one file at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
