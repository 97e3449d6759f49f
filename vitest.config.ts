import { defineConfig } from 'vitest/config';
import { bakedDefines } from './scripts/baked-defines.ts';

// The same globals the build defines, with a version string that has every part.
export const TEST_SERVER_VERSION = '1.139.0 (b=develop,1d2ddbc76e,dirty)';

export default defineConfig({
  define: bakedDefines({ serverVersion: TEST_SERVER_VERSION, includePythonVersion: true }),
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
