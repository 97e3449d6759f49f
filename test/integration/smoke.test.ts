import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smoke } from '../../scripts/smoke.ts';
import { type DifferingServer, startDifferingServer } from '../support/differing-server.ts';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
/** `npm run smoke -- <args>`, as a CD pipeline runs it. */
const runSmoke = (...args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'smoke', '--', ...args],
      { cwd: projectRoot, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

let server: LocalServer;
let differing: DifferingServer;
let serverVersion: string;

beforeAll(async () => {
  [server, differing] = await Promise.all([startLocalServer(), startDifferingServer()]);
  serverVersion = /baked server_version: (.+) \(with/.exec(server.output())?.[1] ?? '';
});
afterAll(async () => {
  await Promise.all([server?.stop(), differing?.close()]);
});

describe('npm run smoke', () => {
  it('passes npm start, taking the expected version from dist/, one line per check', async () => {
    const run = await runSmoke(server.baseUrl);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('ok   ')).length).toBeGreaterThanOrEqual(11);
    expect(run.stdout).not.toContain('FAIL');
    expect(run.stdout).toContain(`ok   server_version is ${JSON.stringify(serverVersion)}`);
  });

  it('fails a server that differs, naming each difference', async () => {
    const run = await runSmoke(differing.baseUrl, '--expect-version', serverVersion);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `FAIL server_version is ${JSON.stringify(serverVersion)}: it is "9.9.9"`,
    );
    expect(run.stdout).toMatch(
      /FAIL GET \/health: .*content-type: "text\/plain; charset=utf-8", expected "text\/plain"/,
    );
    expect(run.stdout).toMatch(
      /FAIL OPTIONS .*status 200, expected 204.*unexpected header access-control-allow-credentials/,
    );
    expect(run.stdout).toMatch(
      /FAIL GET \/_synapse\/admin\/v1\/server_version\/: 404 M_UNRECOGNIZED: status 200, expected 404/,
    );
    expect(run.stderr).toMatch(/^\nsmoke failed, \d+ check\(s\) differ:/);
  });

  it('fails a base URL with a path: web admin pages need the host root', async () => {
    const lines: string[] = [];
    const failures = await smoke(`${server.baseUrl}/matrix`, serverVersion, undefined, (l) =>
      lines.push(l),
    );
    expect(failures).toEqual([
      'the base URL is the root of its host (web admin pages need it): it has the path /matrix',
    ]);
    expect(lines).toHaveLength(11);
  });

  it('refuses a missing URL in one line', async () => {
    const run = await runSmoke();
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'error: give one base URL, such as https://matrix-admin.example.org (--help for usage)',
    );
  });
});
