import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../scripts/servers/local-server.ts';
import {
  type SsmEndpoint,
  ssmEnvironment,
  startSsmEndpoint,
} from '../../scripts/servers/ssm-endpoint.ts';

// A web admin page on another origin, as synapse-admin and Element Admin are: the browser
// itself enforces CORS, so what passes here passes for them.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VERSION = '/_synapse/admin/v1/server_version';

const TOKEN = 'svt_browser-token-0123456789-abcdefghijklmnopqrstu';

let api: LocalServer;
let locked: LocalServer;
let ssm: SsmEndpoint;
let pages: Server;
let pageOrigin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  api = await startLocalServer();
  ssm = await startSsmEndpoint({
    kind: 'value',
    value: JSON.stringify({ tokens_sha256: [createHash('sha256').update(TOKEN).digest('hex')] }),
  });
  locked = await startLocalServer(ssmEnvironment(ssm, '/synapse-version/access-policy', 300));
  // The admin page's own origin: a plain server that sends no CORS headers at all.
  pages = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>admin</title><p>admin page</p>');
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  await page.goto(`${pageOrigin}/`);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pages?.close(resolve));
  await api?.stop();
  await locked?.stop();
  await ssm?.close();
});

/** Runs `fetch` in the page, as the admin page's own script would. */
const fetchInPage = (url: string, headers: Record<string, string>) =>
  page.evaluate(
    async ({ url, headers }) => {
      try {
        const response = await fetch(url, { headers });
        return {
          ok: true,
          status: response.status,
          body: await response.text(),
          server: response.headers.get('server'),
        };
      } catch (error) {
        return { ok: false, error: String(error) };
      }
    },
    { url, headers },
  );

describe('a page on another origin, in Chromium', () => {
  it('reads the version with a simple request, as synapse-admin does on its login page', async () => {
    const result = await fetchInPage(`${api.baseUrl}${VERSION}`, { accept: 'application/json' });
    expect(result.ok).toBe(true);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body ?? '{}')).toHaveProperty('server_version');
    // Exposed by Access-Control-Expose-Headers, so the page may read it.
    expect(result.server).toMatch(/^Synapse\//);
  });

  it('sends a token after a preflight, as Element Admin does', async () => {
    const result = await fetchInPage(`${api.baseUrl}${VERSION}`, {
      authorization: 'Bearer syt_YWRtaW4_example',
    });
    expect(result.ok).toBe(true);
    expect(result.status).toBe(200);
  });

  it('control: the browser does block a cross-origin read without CORS headers', async () => {
    const other = await fetchInPage(`http://127.0.0.1:${new URL(pageOrigin).port}/`, {});
    expect(other.ok).toBe(false);
    expect(other.error).toMatch(/Failed to fetch/);
  });
});

describe('a page on another origin, against a locked endpoint', () => {
  it('reads Server: Synapse and nothing more from the 401 it gets without a token', async () => {
    const open = await fetchInPage(`${api.baseUrl}${VERSION}`, {});
    const version = JSON.parse(open.body ?? '{}').server_version as string;
    expect(version).toBeTruthy();
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer svt_not-listed' }];
    for (const headers of refused) {
      const result = await fetchInPage(`${locked.baseUrl}${VERSION}`, headers);
      expect(result.ok).toBe(true);
      expect(result.status).toBe(401);
      expect(result.server).toBe('Synapse');
      expect(result.body).not.toContain(version.split(' ')[0]);
    }
  });

  it('reads the version with the listed token, after a preflight, as Element Admin would', async () => {
    const result = await fetchInPage(`${locked.baseUrl}${VERSION}`, {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(result.status).toBe(200);
    expect(result.server).toMatch(/^Synapse\/\d+\.\d+\.\d+/);
  });
});
