import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A copy of what the build reads (no .git), inside `parent`, with the project's
 * node_modules linked in. The build writes only there, never to the project's dist/.
 */
export function exportProject(parent: string, version: string): string {
  const root = join(parent, 'export');
  for (const entry of ['handler', 'scripts', 'tsconfig.json']) {
    cpSync(join(projectRoot, entry), join(root, entry), { recursive: true });
  }
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

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
  const script = `
    const { handler } = await import(${JSON.stringify(join(root, 'dist', 'handler.js'))});
    process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)})));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/**
 * Imports a built bundle in a fresh Node process, answers `event`, and lists every file
 * that process loaded as a module, recorded by a module hook.
 */
export function filesLoaded(
  root: string,
  event: unknown,
  env: NodeJS.ProcessEnv = {},
): { result: unknown; files: string[] } {
  const script = `
    import { registerHooks } from 'node:module';
    const files = [];
    registerHooks({
      load(url, context, next) {
        if (url.startsWith('file:')) files.push(url);
        return next(url, context);
      },
    });
    const { handler } = await import(${JSON.stringify(join(root, 'dist', 'handler.js'))});
    const result = await handler(${JSON.stringify(event)});
    process.stdout.write(JSON.stringify({ result, files }));
    process.exit(0);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out);
}
