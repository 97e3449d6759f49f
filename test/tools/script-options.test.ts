import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The options of npm run load and npm run bench are read before anything starts: a bad one
// is one line and exit 2, --help the usage and exit 0.
const script = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const run = (path: string, ...args: string[]) =>
  spawnSync(process.execPath, [script(path), ...args], { encoding: 'utf8', timeout: 30_000 });

describe.each(['scripts/load.ts', 'bench/run.ts'])('%s', (path) => {
  it('prints its usage for --help', () => {
    const help = run(path, '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run (load|bench)/);
  });

  it('refuses an unknown option in one line', () => {
    const refused = run(path, '--nope');
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toBe("error: Unknown option '--nope' (--help for usage)");
  });
});

describe('npm run load', () => {
  it.each(['9', '0', 'ten'])('refuses --warm-up %s, stating the minimum', (value) => {
    const refused = run('scripts/load.ts', '--warm-up', value);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^error: --warm-up must be a whole number, at least 10 seconds/);
  });
});

describe('npm run bench', () => {
  it('refuses fewer than 25 runs, stating the minimum', () => {
    const refused = run('bench/run.ts', '--runs', '3');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^error: --runs must be a whole number, at least 25/);
  });
});
