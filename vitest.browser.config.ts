import { defineConfig } from 'vitest/config';
import { testDefines } from './vitest.config.ts';

// `npm run test:browser`: the tests that drive a real Chromium (Debian's package), kept
// out of `npm test` so that the quick start needs no browser.
export default defineConfig({
  define: testDefines,
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
