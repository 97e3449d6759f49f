// What vitest.config.ts defines for the globals of handler/build-info.ts: a version string with
// every part Synapse can put in it, so the tests see the same shape production does.
export const TEST_SERVER_VERSION = '1.139.0 (b=develop,1d2ddbc76e,dirty)';
