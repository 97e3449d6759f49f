import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/project-root.ts';

// Every `npm run <name>` that the docs, the tools' and the product's comments and usage lines,
// the infra files and the top-level configurations give a reader must be a script of
// package.json: a name that was renamed or never existed sends the reader nowhere.

/** The folders and files read, from the project root; folders are read whole. */
const PLACES = [
  'README.md',
  'BENCHMARKS.md',
  'docs',
  'monitoring',
  'infra',
  'scripts',
  'harness',
  'bench',
  'handler',
  'events',
  '.ci',
  'package.json',
  'serverless.yml',
  'stryker.config.mjs',
  'vitest.config.ts',
];
/** What is installed or built there, not written in the project. */
const NOT_WRITTEN = new Set(['node_modules', 'dist', 'package-lock.json']);

function filesUnder(path: string): string[] {
  const full = join(projectRoot, path);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return [];
  if (!stat.isDirectory()) return [path];
  return readdirSync(full)
    .filter((name) => !NOT_WRITTEN.has(name))
    .flatMap((name) => filesUnder(join(path, name)));
}

/**
 * The script names a text gives after `npm run`: across a line break, a comment's `//`, `#`
 * or `*` included, and past npm's own flags (`npm run -s show-version`).
 */
function npmRunNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/npm run(?:\s|\/\/|#|\*)+(?:-[\w-]+\s+)*([\w:-]+)/g)) {
    names.push((match[1] ?? '').replace(/[:-]+$/, ''));
  }
  return names;
}

const scripts: Record<string, string> = JSON.parse(
  readFileSync(join(projectRoot, 'package.json'), 'utf8'),
).scripts;

const namedIn = new Map<string, Set<string>>();
for (const file of PLACES.flatMap(filesUnder)) {
  for (const name of npmRunNames(readFileSync(join(projectRoot, file), 'utf8'))) {
    const places = namedIn.get(name) ?? new Set<string>();
    places.add(relative(projectRoot, join(projectRoot, file)));
    namedIn.set(name, places);
  }
}
const named = [...namedIn.keys()].sort();

describe('npmRunNames', () => {
  it('reads a name in prose, in a code span, after a flag and across a comment line', () => {
    const text = [
      'Run `npm run build` first; npm run smoke checks it.',
      '$ npm run -s show-version',
      '// what `npm run',
      '// load` prints: npm run mutate:handler, then `npm run sam-template`.',
      '# npm run bench -- --runs 3',
      ' * npm run',
      ' * test:browser',
      'npm run',
    ].join('\n');
    expect(npmRunNames(text)).toEqual([
      'build',
      'smoke',
      'show-version',
      'load',
      'mutate:handler',
      'sam-template',
      'bench',
      'test:browser',
    ]);
  });

  it('finds the names the project is known to give, where it gives them', () => {
    expect(namedIn.get('sam-template')).toContain('infra/shared/settings.yml');
    expect(namedIn.get('show-version')).toContain('docs/version-string.md');
    expect(namedIn.get('mutate:refresh')).toContain('docs/testing.md');
    expect(namedIn.get('mutate:handler')).toContain('package.json');
    expect(named.length).toBeGreaterThan(10);
  });
});

describe('every `npm run` name a doc or comment gives', () => {
  it.each(named)('npm run %s is a script of package.json', (name) => {
    expect(
      Object.hasOwn(scripts, name),
      `named in ${[...(namedIn.get(name) ?? [])].join(', ')}`,
    ).toBe(true);
  });
});
