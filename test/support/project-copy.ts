// A copy of the project for a test that builds or serves it: the process tests run side by
// side, and each one that writes dist/ (a build, `npm start`, `osls package`) writes its
// own, so that none replaces the bundle another is serving or packaging.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../harness/project-root.ts';

/** What the commands read: the product, its tools, both deployments, the sample events. */
const COPIED = [
  'handler',
  'harness',
  'scripts',
  'infra',
  'events',
  'serverless.yml',
  'tsconfig.json',
] as const;

/**
 * A copy of what the build and the commands read (no .git, no dist/), inside `parent`, with
 * the project's node_modules linked in; package.json's version is `version` when given.
 */
export function exportProject(parent: string, version?: string): string {
  const root = join(parent, 'export');
  for (const entry of COPIED) {
    cpSync(join(projectRoot, entry), join(root, entry), { recursive: true });
  }
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ ...pkg, version: version ?? pkg.version }, null, 2),
  );
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

const made: string[] = [];
process.once('exit', () => {
  for (const parent of made) rmSync(parent, { recursive: true, force: true });
});

/** A fresh export of the project of its own, removed when this test process exits. */
export function projectCopy(): string {
  const parent = mkdtempSync(join(tmpdir(), 'synapse-version-project-'));
  made.push(parent);
  return exportProject(parent);
}
