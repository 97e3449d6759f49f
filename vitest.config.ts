// The one test configuration: three projects chosen by folder, and the sets of in-process
// tests that Stryker runs against its mutants (stryker.config.mjs).
//   in-process  test/unit, test/hardening: the product and the tools' code called in this
//               process, in parallel (`npm run test:in-process`, seconds).
//   process     the tests that build, spawn or serve: each one that writes dist/ does so in
//               a project copy of its own (test/support/project-copy.ts), so they run in
//               parallel too.
//   browser     test/browser, a real Chromium: `npm run test:browser`, not `npm test`.
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { bakedDefines } from './scripts/build-defines.ts';
import { TEST_SERVER_VERSION } from './test/build-info-for-tests.ts';

export const testDefines = bakedDefines({
  serverVersion: TEST_SERVER_VERSION,
  includePythonVersion: true,
});

const inFolders = (folders: readonly string[]): string[] =>
  folders.map((folder) => `test/${folder}/**/*.test.ts`);

const project = (
  name: string,
  folders: readonly string[],
  options: TestProjectInlineConfiguration['test'] = {},
): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include: inFolders(folders), ...options },
});

const IN_PROCESS = ['unit', 'hardening'] as const;
const PROCESS = [
  'build',
  'clients',
  'docs',
  'infra',
  'integration',
  'monitoring',
  'tools',
] as const;

/**
 * What Stryker runs against each mutant, by scope: only tests that run the mutated code in
 * vitest's own process can see a mutant, which Stryker switches on there. For handler/, the
 * in-process tests; for scripts/, the unit tests and the build's and the tools' tests, which
 * call each script's main in-process.
 */
export const MUTATION_TESTS = {
  handler: IN_PROCESS,
  scripts: ['unit', 'build', 'tools'],
} as const satisfies Record<string, readonly string[]>;

// Set by stryker.config.mjs for its runs, and by nothing else.
const mutating = process.env.MUTATION_SCOPE as keyof typeof MUTATION_TESTS | undefined;
if (mutating !== undefined && !Object.hasOwn(MUTATION_TESTS, mutating)) {
  throw new Error(`MUTATION_SCOPE must be handler or scripts: ${JSON.stringify(mutating)}`);
}

export default defineConfig({
  define: testDefines,
  test: {
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // One pool for both projects, which run side by side. More workers than this machine's 2
    // cores: most tests spend their time waiting on timers, sockets and child processes.
    maxWorkers: 4,
    projects: mutating
      ? [project(`mutation-${mutating}`, MUTATION_TESTS[mutating])]
      : [
          project('in-process', IN_PROCESS),
          project('process', PROCESS),
          project('browser', ['browser'], { testTimeout: 60_000 }),
        ],
  },
});
