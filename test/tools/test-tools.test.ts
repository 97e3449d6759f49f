import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/project-root.ts';

// scripts/test-tools.sh, run first by `npm test`, on a PATH of this test's own: the real
// tools linked in but those a case leaves out, and stand-ins for apt-get, pip and id that
// record what they were asked and install nothing.
const TOOLS = [
  'synadm',
  'prometheus-blackbox-exporter',
  'promtool',
  'chromium',
  'moto_server',
  'aws',
  'cfn-lint',
  'dirname',
  'npm',
  'node',
];
const scratch = mkdtempSync(join(tmpdir(), 'synapse-version-test-tools-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const which = (command: string): string =>
  execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
// The interpreter itself, not a version manager's shim that needs more of PATH.
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();

/** A folder to be PATH: the tools but `without`, and recording stand-ins for the installers. */
function pathWithout(without: string[]): { path: string; log: string } {
  const dir = mkdtempSync(join(scratch, 'bin-'));
  const log = join(dir, 'installs.log');
  for (const tool of TOOLS.filter((t) => !without.includes(t))) {
    symlinkSync(which(tool), join(dir, tool));
  }
  const script = (name: string, body: string): void => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  script('apt-get', `echo "apt-get $*" >> '${log}'`);
  script('id', 'echo 0'); // as root, where the script may use apt-get
  script(
    'python3',
    `if [ "$1" = -m ] && [ "$2" = pip ]; then echo "python3 $*" >> '${log}'; exit 0; fi\nexec '${python}' "$@"`,
  );
  return { path: dir, log };
}

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}
const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

function testTools(path: string, install?: string): Promise<Run> {
  // HOME stays: Python finds packages installed with --user under it.
  const env: NodeJS.ProcessEnv = { PATH: path, HOME: process.env.HOME };
  if (install !== undefined) env.TEST_TOOLS_INSTALL = install;
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      [join(projectRoot, 'scripts/test-tools.sh')],
      { cwd: scratch, env, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout: lines(stdout),
          stderr: lines(stderr),
        }),
    );
  });
}

const SYNADM =
  'missing: synadm (Debian package synadm): the Synapse admin CLI, run against npm start (test/clients)';
const CFN_LINT =
  'missing: cfn-lint (PyPI package cfn-lint): lints infra/template.yaml and what osls package writes (test/infra)';

describe('scripts/test-tools.sh', () => {
  it('with every tool there: silent, exit 0, nothing installed', async () => {
    const { path, log } = pathWithout([]);
    expect(await testTools(path)).toEqual({ code: 0, stdout: [], stderr: [] });
    expect(existsSync(log)).toBe(false);
  });

  it('TEST_TOOLS_INSTALL=no: names what is missing and how to install it, exit 1, installs nothing', async () => {
    const { path, log } = pathWithout(['synadm', 'cfn-lint']);
    expect(await testTools(path, 'no')).toEqual({
      code: 1,
      stdout: [
        SYNADM,
        CFN_LINT,
        'install with: apt-get install synadm',
        'install with: python3 -m pip install cfn-lint',
      ],
      stderr: ['npm test stops: 2 missing, and TEST_TOOLS_INSTALL=no installs nothing'],
    });
    expect(existsSync(log)).toBe(false);
  });

  it('otherwise says what is missing, what it installs and why, before installing it', async () => {
    const { path, log } = pathWithout(['synadm', 'promtool', 'cfn-lint']);
    const run = await testTools(path);
    expect(run).toEqual({
      code: 0,
      stdout: [
        SYNADM,
        'missing: promtool (Debian package prometheus): checks monitoring/prometheus.yml and unit-tests alerts.yml (test/monitoring)',
        CFN_LINT,
        'installing: apt-get install synadm prometheus (TEST_TOOLS_INSTALL=no to stop instead)',
        'installing: python3 -m pip install cfn-lint (TEST_TOOLS_INSTALL=no to stop instead)',
      ],
      stderr: [],
    });
    // What the stand-ins were asked, in order: what the lines above announced.
    expect(lines(readFileSync(log, 'utf8'))).toEqual([
      'apt-get update -qq',
      'apt-get install -y -qq synadm prometheus',
      'python3 -m pip install -q cfn-lint',
    ]);
  });

  it('refuses a TEST_TOOLS_INSTALL it does not know, in one line, exit 2', async () => {
    const { path, log } = pathWithout(['synadm']);
    expect(await testTools(path, 'maybe')).toEqual({
      code: 2,
      stdout: [],
      stderr: ['error: TEST_TOOLS_INSTALL must be yes or no (unset: yes): "maybe"'],
    });
    expect(existsSync(log)).toBe(false);
  });

  it('prints what docs/testing.md shows it printing', async () => {
    const testing = readFileSync(join(projectRoot, 'docs/testing.md'), 'utf8');
    const shown = /```console\n\$ npm test\n…\n([^`]+)```/.exec(testing)?.[1] ?? '';
    expect(testing).toContain('`TEST_TOOLS_INSTALL=no npm test` installs nothing');
    const { path } = pathWithout(['synadm', 'cfn-lint']);
    expect((await testTools(path)).stdout).toEqual(lines(shown));
    const stopped = await testTools(path, 'no');
    for (const line of stopped.stdout.filter((l) => l.startsWith('install with: '))) {
      expect(testing.replace(/\n/g, ' ')).toContain(`\`${line}\``);
    }
  });
});
