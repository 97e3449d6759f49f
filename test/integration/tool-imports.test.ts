import { execFileSync } from 'node:child_process';
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
