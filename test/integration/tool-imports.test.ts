import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modulesLoaded } from '../../harness/modules-loaded.ts';
import { projectRoot } from '../../harness/project-root.ts';

/** Every module file a tool loads to print its usage. */
const loadedBy = (script: string): string[] =>
  modulesLoaded([script, '--help'], { cwd: projectRoot }).files;

// A post-deploy check and a look at dist/ need the project's path, not its bundler.
describe('tools that only read', () => {
  it.each(['scripts/smoke.ts', 'scripts/show-version.ts'])('%s loads no bundler', (script) => {
    const files = loadedBy(script);
    expect(files.some((url) => url.endsWith(script))).toBe(true);
    expect(files.filter((url) => /esbuild|scripts\/build\.ts/.test(url))).toEqual([]);
  });

  it('while the build does (control)', () => {
    const files = loadedBy('scripts/build.ts');
    expect(files.some((url) => url.includes('/node_modules/esbuild/'))).toBe(true);
  });
});

/** The module specifiers each file under `folder` imports, by file. */
function importsUnder(folder: string): [string, string[]][] {
  const files = readdirSync(join(projectRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mjs|js)$/.test(file) && !file.includes('node_modules'))
    .map((file) => join(folder, file));
  return files.map((file) => {
    const source = readFileSync(join(projectRoot, file), 'utf8');
    const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map(
      (match) => match[1] ?? '',
    );
    return [file, specifiers.map((specifier) => join(dirname(file), specifier))];
  });
}

// Tests → tools → product: nothing points back.
describe('arrows that run one way', () => {
  it.each(['scripts', 'bench', 'harness'])('nothing under %s/ imports from test/', (folder) => {
    const found = importsUnder(folder).filter(([, targets]) =>
      targets.some((target) => target.startsWith('test/')),
    );
    expect(found).toEqual([]);
    // The check sees imports at all (control): the tools do import the product.
    expect(
      importsUnder(folder).some(([, targets]) => targets.some((t) => t.startsWith(folder))),
    ).toBe(true);
  });

  // The harness is what the tools and tests share: it stands below both, beside the product.
  it('nothing under harness/ imports the tools it serves', () => {
    const found = importsUnder('harness').filter(([, targets]) =>
      targets.some((target) => /^(scripts|bench)\//.test(target)),
    );
    expect(found).toEqual([]);
  });

  it('nothing under handler/ imports tools or tests, and handler/access/ not the adapter', () => {
    const handler = importsUnder('handler');
    const outside = handler.filter(([, targets]) =>
      targets.some((target) => /^(scripts|bench|harness|test)\//.test(target)),
    );
    expect(outside).toEqual([]);
    const policy = handler.filter(([file]) => file.startsWith('handler/access/'));
    expect(policy.length).toBeGreaterThan(3);
    const adapter = policy.filter(([, targets]) =>
      targets.some((target) => /^handler\/(http-events|responder)\.ts$/.test(target)),
    );
    expect(adapter).toEqual([]);
  });
});
