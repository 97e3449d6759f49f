import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../harness/local-server.ts';
import { VERSION_PATH } from '../../scripts/synapse-reference.ts';
import { type BlackboxExporter, metric, startBlackboxExporter } from '../support/blackbox.ts';
import { type DifferingServer, startDifferingServer } from '../support/differing-server.ts';
import { projectCopy } from '../support/project-copy.ts';
import { synadmVersion } from '../support/synadm.ts';

// The real clients, installed from Debian's packages, against `npm start` in open mode.
let server: LocalServer;
let exporter: BlackboxExporter;
let serverVersion: string;

beforeAll(async () => {
  [server, exporter] = await Promise.all([
    startLocalServer({}, projectCopy()),
    startBlackboxExporter(),
  ]);
  serverVersion = /baked server_version: (.+) \(with/.exec(server.output())?.[1] ?? '';
});
afterAll(async () => {
  await Promise.all([server?.stop(), exporter?.stop()]);
});

describe('the blackbox modules against a server that differs', () => {
  let differing: DifferingServer;
  beforeAll(async () => {
    differing = await startDifferingServer('9.9.9');
  });
  afterAll(async () => {
    await differing?.close();
  });
  const probe = async (module: string, path: string) =>
    metric(await exporter.probe(module, `${differing.baseUrl}${path}`), 'probe_success');

  it('tell "up, but not the version expected" from "down"', async () => {
    expect(await probe('synapse_version', VERSION_PATH)).toBe(1);
    expect(await probe('synapse_version_expected', VERSION_PATH)).toBe(0);
  });

  it('fail a preflight answered 200', async () => {
    expect(await probe('synapse_preflight', VERSION_PATH)).toBe(0);
  });
});

describe('synadm (Debian package), configured with a config file, in batch mode', () => {
  it('prints the version document and exits 0', async () => {
    const run = await synadmVersion(server.baseUrl, 'syt_any_token_is_ignored_when_open');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      server_version: serverVersion,
      python_version: process.versions.node,
    });
  });

  it('exits non-zero against a server that is not there', async () => {
    const run = await synadmVersion('http://127.0.0.1:9', 'syt_token');
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('Version could not be fetched');
  });
});

describe('Prometheus blackbox exporter (Debian package) with monitoring/blackbox.yml', () => {
  it.each([
    ['synapse_version', VERSION_PATH],
    ['synapse_version_expected', VERSION_PATH],
    ['synapse_version_head', VERSION_PATH],
    ['synapse_preflight', VERSION_PATH],
    ['synapse_health', '/health'],
  ])('module %s on %s: probe_success 1', async (module, path) => {
    const metrics = await exporter.probe(module, `${server.baseUrl}${path}`);
    expect(metric(metrics, 'probe_success'), metrics).toBe(1);
  });

  it.each([
    ['synapse_version', '/health'],
    ['synapse_version', `${VERSION_PATH}/`],
    ['synapse_health', VERSION_PATH],
  ])('module %s on the wrong path %s: probe_success 0', async (module, path) => {
    // Controls: the modules tell a wrong answer from a right one.
    const metrics = await exporter.probe(module, `${server.baseUrl}${path}`);
    expect(metric(metrics, 'probe_success'), metrics).toBe(0);
  });
});
