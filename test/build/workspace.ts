import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANSWER_EVENT, bundleModulesLoaded } from '../../harness/modules-loaded.ts';
import { projectRoot } from '../../harness/project-root.ts';

export { exportProject } from '../support/project-copy.ts';
export { projectRoot };

export const freshDir = (): string => mkdtempSync(join(tmpdir(), 'synapse-version-build-'));

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Build Test',
      GIT_AUTHOR_EMAIL: 'build@test.invalid',
      GIT_COMMITTER_NAME: 'Build Test',
      GIT_COMMITTER_EMAIL: 'build@test.invalid',
    },
  }).trim();
}

/** Imports a built bundle in a fresh Node process and answers `event` with it. */
export function runBundle(root: string, event: unknown): unknown {
  const bundle = join(root, 'dist', 'handler.js');
  return JSON.parse(
    execFileSync(process.execPath, [ANSWER_EVENT, bundle, JSON.stringify(event)], {
      encoding: 'utf8',
    }),
  );
}

/**
 * Imports a built bundle in a fresh Node process, answers `event`, and lists every file
 * that process loaded as a module.
 */
export function filesLoaded(
  root: string,
  event: unknown,
  env: NodeJS.ProcessEnv = {},
): { result: unknown; files: string[] } {
  const bundle = join(root, 'dist', 'handler.js');
  return bundleModulesLoaded(bundle, JSON.stringify(event), { ...process.env, ...env });
}
