// The mutation tests' incremental files. test/mutation/ holds the committed results, the
// starting point of every run: CI's, on a fresh clone, and a developer's. `npm run mutate`
// reads and writes an untracked copy under reports/mutation/ (git-ignored), so that a local
// run leaves the tree clean and the next build does not bake `,dirty` into the version;
// `npm run mutate:refresh` runs against the committed files themselves, to commit new results.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../harness/project-root.ts';
import { readCommandLine, refuse, runScript, type ScriptOutput } from './command-line.ts';

/** The two halves of `npm run mutate`, each with its own Stryker configuration. */
export const MUTATION_SCOPES = ['handler', 'scripts'] as const;
export type MutationScope = (typeof MUTATION_SCOPES)[number];

/** The committed results of a scope, from the project root. */
export function committedIncrementalFile(scope: MutationScope): string {
  return `test/mutation/${scope}.incremental.json`;
}

/** The untracked copy that a local run works on, from the project root. */
export function localIncrementalFile(scope: MutationScope): string {
  return `reports/mutation/${scope}.incremental.json`;
}

export type Seeding = 'seeded' | 'kept' | 'no-committed-file';

function modifiedAt(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}

/**
 * Copies the committed results over the local copy when the copy is missing or older, as
 * after a fresh clone or a pull that brought new results; a copy that a later local run
 * wrote is kept, so that the next run goes on from it.
 */
export function seedIncrementalFile(root: string, scope: MutationScope): Seeding {
  const committed = join(root, committedIncrementalFile(scope));
  const local = join(root, localIncrementalFile(scope));
  const committedAt = modifiedAt(committed);
  if (committedAt === undefined) return 'no-committed-file';
  // A missing copy is older than any committed file.
  const localAt = modifiedAt(local) ?? -Infinity;
  if (localAt >= committedAt) return 'kept';
  mkdirSync(dirname(local), { recursive: true });
  copyFileSync(committed, local);
  return 'seeded';
}

const USAGE = `usage: node scripts/mutation-incremental.ts handler|scripts

Readies reports/mutation/<scope>.incremental.json, the untracked file that \`npm run mutate\`
works on: copies test/mutation/<scope>.incremental.json, the committed results, when the copy
is missing or older. \`npm run mutate:refresh\` works on the committed files instead.`;

function isScope(name: string | undefined): name is MutationScope {
  return MUTATION_SCOPES.some((scope) => scope === name);
}

export function main(args: string[], output: ScriptOutput, root: string = projectRoot): number {
  const { positionals } = readCommandLine({}, USAGE, args);
  const [scope] = positionals;
  if (positionals.length !== 1 || !isScope(scope)) {
    refuse(`give one scope, handler or scripts: ${JSON.stringify(positionals.join(' '))}`);
  }
  const local = localIncrementalFile(scope);
  const committed = committedIncrementalFile(scope);
  const lines: Record<Seeding, string> = {
    seeded: `${local}: copied from ${committed}, the committed results`,
    kept: `${local}: kept, newer than ${committed}`,
    'no-committed-file': `${committed}: missing; Stryker runs every mutant`,
  };
  output.out(lines[seedIncrementalFile(root, scope)]);
  return 0;
}

await runScript(import.meta.url, main);
