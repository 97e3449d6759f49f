import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../harness/project-root.ts';
import { DEBIAN, requireTool } from '../support/tools.ts';

// The monitoring kit, checked with the real Prometheus tools from Debian's packages.
const monitoring = fileURLToPath(new URL('../../monitoring', import.meta.url));
/** Where the monitor's token lives, in the module and in every command the docs show. */
const TOKEN_FILE = '/etc/prometheus/synapse-version.token';
const scratch = mkdtempSync(join(tmpdir(), 'synapse-version-monitoring-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number;
  output: string;
}
const run = (command: string, args: string[], cwd = monitoring): Promise<Run> =>
  new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
const promtool = () => requireTool('promtool', DEBIAN('prometheus'));
const exporter = () =>
  requireTool('prometheus-blackbox-exporter', DEBIAN('prometheus-blackbox-exporter'));

/** A copy of the kit in a scratch folder, with `file` rewritten by `edit`. */
function editedKit(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(scratch, 'kit-'));
  for (const name of ['alerts.yml', 'alerts.test.yml', 'blackbox.yml', 'prometheus.yml']) {
    copyFileSync(join(monitoring, name), join(dir, name));
  }
  const path = join(dir, file);
  const edited = edit(readFileSync(path, 'utf8'));
  expect(edited).not.toBe(readFileSync(join(monitoring, file), 'utf8'));
  writeFileSync(path, edited);
  return dir;
}

describe('promtool', () => {
  it('accepts prometheus.yml and the alerts.yml it loads', async () => {
    const checked = await run(promtool(), ['check', 'config', 'prometheus.yml']);
    expect(checked.output).toContain('SUCCESS: 4 rules found');
    expect(checked.code).toBe(0);
  });

  it('passes the alerting rules’ unit tests', async () => {
    const tested = await run(promtool(), ['test', 'rules', 'alerts.test.yml']);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.code).toBe(0);
  });

  it('fails those unit tests when an alert fires too soon (control)', async () => {
    const dir = editedKit('alerts.yml', (text) => text.replace('for: 5m', 'for: 1m'));
    const tested = await run(promtool(), ['test', 'rules', 'alerts.test.yml'], dir);
    expect(tested.code).not.toBe(0);
    expect(tested.output).toContain('FAILED');
  });
});

describe('prometheus-blackbox-exporter --config.check', () => {
  it('accepts blackbox.yml', async () => {
    const checked = await run(exporter(), ['--config.file=blackbox.yml', '--config.check']);
    expect(checked.output).toContain('Config file is ok');
    expect(checked.code).toBe(0);
  });

  it('refuses a module with a broken regular expression (control)', async () => {
    const dir = editedKit('blackbox.yml', (text) => text.replace('"^OK$"', '"^(OK$"'));
    const checked = await run(exporter(), ['--config.file=blackbox.yml', '--config.check'], dir);
    expect(checked.code).not.toBe(0);
  });
});

describe('the kit agrees with itself and with this checkout', () => {
  const blackbox = parse(readFileSync(join(monitoring, 'blackbox.yml'), 'utf8'));
  const alerts = readFileSync(join(monitoring, 'alerts.yml'), 'utf8');
  const scrape = readFileSync(join(monitoring, 'prometheus.yml'), 'utf8');

  it('scrapes every module and alerts only on modules that exist', () => {
    const modules = Object.keys(blackbox.modules).sort();
    for (const module of modules) expect(scrape).toContain(`- ${module} https://`);
    const named = [...alerts.matchAll(/module(?:=~?)"([^"]+)"/g)].flatMap((m) =>
      (m[1] ?? '').split('|'),
    );
    for (const module of named) expect(modules).toContain(module);
  });

  it('reads the locked endpoint with synapse_version’s checks and a token from the docs’ file', () => {
    const { authorization, ...checks } = blackbox.modules.synapse_version_locked.http;
    expect(checks).toEqual(blackbox.modules.synapse_version.http);
    expect(blackbox.modules.synapse_version_locked.timeout).toBe(
      blackbox.modules.synapse_version.timeout,
    );
    expect(authorization).toEqual({ type: 'Bearer', credentials_file: TOKEN_FILE });
    // The token setup, the smoke run and the module name one file, wherever the docs show it.
    const pages = [
      'README.md',
      'monitoring/README.md',
      ...readdirSync(join(projectRoot, 'docs')).map((name) => `docs/${name}`),
    ];
    const given = pages.flatMap((page) =>
      // A path given, not a placeholder such as `<file>`.
      [
        ...readFileSync(join(projectRoot, page), 'utf8').matchAll(/--token-file (\/[^\s`,)]+)/g),
      ].map((match) => match[1]),
    );
    expect(given.length).toBeGreaterThanOrEqual(4);
    // A rotation writes the new token beside the file, then moves it over the file.
    for (const path of given) expect([TOKEN_FILE, `${TOKEN_FILE}.new`]).toContain(path);
  });

  it('expects the version this checkout builds (package.json)', () => {
    const version = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
    ).version as string;
    const [regexp] = blackbox.modules.synapse_version_expected.http.fail_if_body_not_matches_regexp;
    expect(new RegExp(regexp).test(`{"server_version":"${version} (b=main,abc1234)"}`)).toBe(true);
    expect(new RegExp(regexp).test(`{"server_version":"${version}"}`)).toBe(true);
    expect(new RegExp(regexp).test(`{"server_version":"${version}1"}`)).toBe(false);
  });
});
