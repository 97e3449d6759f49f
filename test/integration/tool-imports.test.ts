import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/project-root.ts';

/** Every module file a tool loads to print its usage, recorded by a module hook. */
function modulesLoaded(script: string): string[] {
  const program = `
    import { registerHooks } from 'node:module';
    const files = [];
    registerHooks({ load(url, context, next) { files.push(url); return next(url, context); } });
    process.argv = [process.argv[0], ${JSON.stringify(script)}, '--help'];
    process.exitCode = 0;
    process.on('exit', () => process.stdout.write('\\nloaded: ' + JSON.stringify(files)));
    await import(${JSON.stringify(`${projectRoot}/${script}`)});`;
  const result = execFileSync(process.execPath, ['--input-type=module', '-e', program], {
    cwd: projectRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(result.slice(result.lastIndexOf('\nloaded: ') + '\nloaded: '.length));
}

// A post-deploy check and a look at dist/ need the project's path, not its bundler.
describe('tools that only read', () => {
  it.each(['scripts/smoke.ts', 'scripts/show-version.ts'])('%s loads no bundler', (script) => {
    const files = modulesLoaded(script);
    expect(files.some((url) => url.endsWith(script))).toBe(true);
    expect(files.filter((url) => /esbuild|scripts\/build\.ts/.test(url))).toEqual([]);
  });

  it('while the build does (control)', () => {
    const files = modulesLoaded('scripts/build.ts');
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
  it.each(['scripts', 'bench'])('nothing under %s/ imports from test/', (folder) => {
    const found = importsUnder(folder).filter(([, targets]) =>
      targets.some((target) => target.startsWith('test/')),
    );
    expect(found).toEqual([]);
    // The check sees imports at all (control): the tools do import the product.
    expect(
      importsUnder(folder).some(([, targets]) => targets.some((t) => t.startsWith(folder))),
    ).toBe(true);
  });

  it('nothing under handler/ imports tools or tests, and handler/access/ not the adapter', () => {
    const handler = importsUnder('handler');
    const outside = handler.filter(([, targets]) =>
      targets.some((target) => /^(scripts|bench|test)\//.test(target)),
    );
    expect(outside).toEqual([]);
    const policy = handler.filter(([file]) => file.startsWith('handler/access/'));
    expect(policy.length).toBeGreaterThan(3);
    const adapter = policy.filter(([, targets]) =>
      targets.some((target) => /^handler\/(front-doors|responder)\.ts$/.test(target)),
    );
    expect(adapter).toEqual([]);
  });
});
