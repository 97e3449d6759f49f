import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../harness/local-server.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { VERSION_PATH } from '../../scripts/synapse-reference.ts';
import {
  BLACKBOX_CONFIG,
  type BlackboxExporter,
  metric,
  startBlackboxExporter,
} from '../support/blackbox.ts';
import { EMULATOR_CREDENTIALS, type Moto, startMoto } from '../support/moto.ts';
import { projectCopy } from '../support/project-copy.ts';

// monitoring/blackbox.yml's synapse_version_locked module against a locked `npm start`:
// the policy in moto_server, the monitor's token in a file of its own, as the monitoring
// README sets them up. The module is the shipped one; only its token file's path is this
// test's own.
const PARAMETER = '/synapse-version/access-policy';
const TOKEN_PATH = '/etc/prometheus/synapse-version.token';
const scratch = mkdtempSync(join(tmpdir(), 'synapse-version-locked-monitor-'));
const tokenFile = join(scratch, 'synapse-version.token');
const listed = randomBytes(32).toString('base64url');
const unlisted = randomBytes(32).toString('base64url');
/** Tokens the policy command wrote, for the check that no output shows one. */
const written: string[] = [];
const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Writes the token file by hand, 0600, ending in a newline as an editor leaves it. */
const writeToken = (token: string): void => {
  rmSync(tokenFile, { force: true });
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
};
const TTL_SECONDS = 1;

let moto: Moto;
let server: LocalServer;
let exporter: BlackboxExporter;
let target: string;

beforeAll(async () => {
  const shipped = readFileSync(BLACKBOX_CONFIG, 'utf8');
  expect(shipped).toContain(`credentials_file: ${TOKEN_PATH}`);
  const config = join(scratch, 'blackbox.yml');
  writeFileSync(config, shipped.replaceAll(TOKEN_PATH, tokenFile));
  writeToken(listed);
  moto = await startMoto();
  await moto.putSecureString(PARAMETER, JSON.stringify({ tokens_sha256: [digest(listed)] }));
  [server, exporter] = await Promise.all([
    startLocalServer(
      {
        ACCESS_POLICY_PARAMETER: PARAMETER,
        ACCESS_POLICY_TTL_SECONDS: String(TTL_SECONDS),
        AWS_ENDPOINT_URL_SSM: moto.url,
        ...EMULATOR_CREDENTIALS,
      },
      projectCopy(),
    ),
    startBlackboxExporter(config),
  ]);
  target = `${server.baseUrl}${VERSION_PATH}`;
}, 180_000);
afterAll(async () => {
  await Promise.all([server?.stop(), exporter?.stop(), moto?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

/** probe_success and the HTTP status of one probe of the version route. */
const probe = async (module: string) => {
  const metrics = await exporter.probe(module, target);
  return {
    success: metric(metrics, 'probe_success'),
    status: metric(metrics, 'probe_http_status_code'),
    metrics,
  };
};

describe('synapse_version_locked against a locked npm start', () => {
  it('reads the token file as written: 0600, the token on one line', () => {
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  });

  it('succeeds with the listed token from the file: 200 and the version document', async () => {
    const { success, status, metrics } = await probe('synapse_version_locked');
    expect(status, metrics).toBe(200);
    expect(success, metrics).toBe(1);
  });

  it('fails the open module there: no token, 401', async () => {
    const { success, status } = await probe('synapse_version');
    expect(status).toBe(401);
    expect(success).toBe(0);
  });

  it('fails with a token the policy does not list, read anew without a restart', async () => {
    writeToken(unlisted);
    const { success, status } = await probe('synapse_version_locked');
    expect(status).toBe(401);
    expect(success).toBe(0);
  });

  it('fails when the token file is missing', async () => {
    rmSync(tokenFile, { force: true });
    expect((await probe('synapse_version_locked')).success).toBe(0);
  });

  it('succeeds again once the listed token is back in the file (a rotation)', async () => {
    writeToken(listed);
    expect((await probe('synapse_version_locked')).success).toBe(1);
  });

  it('succeeds with a token that npm run policy -- add-token --token-file wrote there', async () => {
    rmSync(tokenFile, { force: true }); // the command never overwrites a token file
    const added = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        'npm',
        ['run', 'policy', '--', 'add-token', '--token-file', tokenFile, '--parameter', PARAMETER],
        {
          cwd: projectRoot,
          env: { ...process.env, ...EMULATOR_CREDENTIALS, AWS_ENDPOINT_URL_SSM: moto.url },
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    expect(added.code, added.output).toBe(0);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(added.output).not.toContain(token);
    await pause(TTL_SECONDS * 1_000 + 300);
    const { success, status } = await probe('synapse_version_locked');
    expect(status).toBe(200);
    expect(success).toBe(1);
    written.push(token); // checked below: never in any output
  });

  it('shows the token in neither the probe’s debug output nor the server’s', async () => {
    const { metrics } = await probe('synapse_version_locked');
    // The debug output dumps the module: the file's path, never what it holds.
    expect(metrics).toContain(`credentials_file: ${tokenFile}`);
    for (const token of [listed, unlisted, ...written]) {
      expect(metrics).not.toContain(token);
      expect(server.output()).not.toContain(token);
    }
  });
});
