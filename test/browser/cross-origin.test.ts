import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as pause } from 'node:timers/promises';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, send, startLocalServer } from '../../harness/local-server.ts';
import { type SsmEndpoint, ssmEnvironment, startSsmEndpoint } from '../../harness/ssm-endpoint.ts';
import { projectCopy } from '../support/project-copy.ts';

// A web admin page on another origin, as synapse-admin and Element Admin are: the browser
// itself enforces CORS, so what passes here passes for them.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VERSION = '/_synapse/admin/v1/server_version';

const TOKEN = 'svt_browser-token-0123456789-abcdefghijklmnopqrstu';

let api: LocalServer;
let locked: LocalServer;
let ssm: SsmEndpoint;
// A locked endpoint whose policy admits the browser's own address (loopback) by network,
// its policy switched between tests: TTL 1 s.
let networked: LocalServer;
let networkSsm: SsmEndpoint;
const NETWORK_TTL_SECONDS = 1;
const LOOPBACK = '127.0.0.0/8';
const NETWORKS_ONLY = JSON.stringify({ source_cidrs: [LOOPBACK] });
let pages: Server;
let pageOrigin: string;
let otherOrigin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  api = await startLocalServer({}, projectCopy());
  ssm = await startSsmEndpoint({
    kind: 'value',
    value: JSON.stringify({ tokens_sha256: [createHash('sha256').update(TOKEN).digest('hex')] }),
  });
  locked = await startLocalServer(
    ssmEnvironment(ssm, '/synapse-version/access-policy', 300),
    projectCopy(),
  );
  networkSsm = await startSsmEndpoint({ kind: 'value', value: NETWORKS_ONLY });
  networked = await startLocalServer(
    ssmEnvironment(networkSsm, '/synapse-version/access-policy', NETWORK_TTL_SECONDS),
    projectCopy(),
  );
  // The admin page's own origin: a plain server that sends no CORS headers at all.
  pages = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>admin</title><p>admin page</p>');
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  // The same server under another name is another origin: a second, unlisted page.
  otherOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
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
  await networked?.stop();
  await networkSsm?.close();
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

// Synapse's refusals, written out from the reference (synapse/api/errors.py).
const MISSING_TOKEN = '{"errcode":"M_MISSING_TOKEN","error":"Missing access token"}';
const FORBIDDEN = '{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}';

interface PageRead {
  ok: boolean;
  status?: number;
  body?: string;
  /** Every header the page's script may read (safelisted and exposed ones). */
  readable?: [string, string][];
  error?: string;
  /** The page's own origin, as its script sees it ("null" when opaque). */
  origin: string;
  /** The whole answer as it reached the browser, every header included. */
  wire?: { headers: Record<string, string>; requestOrigin: string | undefined };
}

/**
 * `fetch` run by the script of `frame` (a page, or a frame within one), with what reached
 * the browser recorded from the network: the request's Origin and every answer header.
 */
async function readFrom(
  target: Page,
  frame: Frame,
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<PageRead> {
  const method = init.method ?? 'GET';
  const answered = target
    .waitForResponse(
      (response) => response.url() === url && response.request().method() === method,
      { timeout: 15_000 },
    )
    .then(async (response) => ({
      headers: await response.allHeaders(),
      requestOrigin: (await response.request().allHeaders()).origin,
    }))
    .catch(() => undefined);
  const read = await frame.evaluate(
    async ({ url, method, headers }) => {
      try {
        const response = await fetch(url, { method, headers });
        return {
          ok: true,
          status: response.status,
          body: await response.text(),
          readable: [...response.headers.entries()],
          origin: (globalThis as { origin?: string }).origin ?? '',
        };
      } catch (error) {
        return {
          ok: false,
          error: String(error),
          origin: (globalThis as { origin?: string }).origin ?? '',
        };
      }
    },
    { url, method, headers: init.headers ?? {} },
  );
  return { ...read, wire: await answered };
}

let version = '';
/** Every piece of the version string: none may reach a page that was refused. */
const versionFragments = (): string[] => [version, ...version.split(/[ (),]+/).filter(Boolean)];

function expectRefused(read: PageRead, status: number, body: string, method = 'GET'): void {
  expect(read.ok, read.error).toBe(true);
  expect(read.status).toBe(status);
  expect(read.body).toBe(method === 'HEAD' ? '' : body);
  // The page reads Server: Synapse, the product alone.
  expect(Object.fromEntries(read.readable ?? []).server).toBe('Synapse');
  expect(read.wire?.headers.server).toBe('Synapse');
  const seen = JSON.stringify({ read, wire: read.wire });
  for (const fragment of versionFragments()) expect(seen).not.toContain(fragment);
}

function expectAdmitted(read: PageRead): void {
  expect(read.ok, read.error).toBe(true);
  expect(read.status).toBe(200);
  expect(JSON.parse(read.body ?? '{}').server_version).toBe(version);
  expect(Object.fromEntries(read.readable ?? []).server).toBe(`Synapse/${version}`);
}

/** Switches the networked endpoint's policy and waits out its TTL. */
async function networkPolicy(policy: object): Promise<void> {
  networkSsm.behave({ kind: 'value', value: JSON.stringify(policy) });
  await pause(NETWORK_TTL_SECONDS * 1_000 + 300);
}

/** A new sandboxed iframe (allow-scripts only) in `host`: its origin is opaque, its Origin null. */
async function sandboxedFrame(host: Page): Promise<Frame> {
  // A string, run in the page: this file is type-checked without the DOM's types. It
  // resolves to the iframe element once its document has loaded.
  const element = await host.evaluateHandle(`new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.srcdoc = '<!doctype html><p>sandboxed</p>';
    frame.onload = () => resolve(frame);
    document.body.append(frame);
  })`);
  const frame = await element.asElement()?.contentFrame();
  if (!frame) throw new Error('the sandboxed frame did not load');
  return frame;
}

describe('pages in a browser inside a network the policy admits', () => {
  let other: Page;
  const url = () => `${networked.baseUrl}${VERSION}`;
  const TOKEN_DIGEST = createHash('sha256').update(TOKEN).digest('hex');

  beforeAll(async () => {
    const open = await send(api.baseUrl, 'GET', VERSION);
    version = JSON.parse(open.body).server_version;
    other = await browser.newPage();
    await other.goto(`${otherOrigin}/`);
  });

  it('networks only: a page on another origin is refused 403, GET and HEAD; a client without Origin is admitted', async () => {
    await networkPolicy({ source_cidrs: [LOOPBACK] });
    // Control: from the same address (loopback), no Origin: admitted, version and all.
    const plain = await send(networked.baseUrl, 'GET', VERSION);
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body).server_version).toBe(version);
    const get = await readFrom(page, page.mainFrame(), url());
    expect(get.wire?.requestOrigin).toBe(pageOrigin);
    expectRefused(get, 403, FORBIDDEN);
    const head = await readFrom(page, page.mainFrame(), url(), { method: 'HEAD' });
    expect(head.wire?.requestOrigin).toBe(pageOrigin);
    expectRefused(head, 403, FORBIDDEN, 'HEAD');
  });

  it('networks only: a sandboxed page (Origin: null) is refused 403', async () => {
    await networkPolicy({ source_cidrs: [LOOPBACK] });
    const frame = await sandboxedFrame(page);
    const read = await readFrom(page, frame, url());
    expect(read.origin).toBe('null');
    expect(read.wire?.requestOrigin).toBe('null');
    expectRefused(read, 403, FORBIDDEN);
    expectRefused(await readFrom(page, frame, url(), { method: 'HEAD' }), 403, FORBIDDEN, 'HEAD');
  });

  it('networks and tokens: a page is asked for a token (401), sandboxed or not; the listed token admits it from any origin', async () => {
    await networkPolicy({ tokens_sha256: [TOKEN_DIGEST], source_cidrs: [LOOPBACK] });
    expect((await send(networked.baseUrl, 'GET', VERSION)).status).toBe(200);
    expectRefused(await readFrom(page, page.mainFrame(), url()), 401, MISSING_TOKEN);
    expectRefused(
      await readFrom(page, page.mainFrame(), url(), { method: 'HEAD' }),
      401,
      MISSING_TOKEN,
      'HEAD',
    );
    const frame = await sandboxedFrame(page);
    expectRefused(await readFrom(page, frame, url()), 401, MISSING_TOKEN);
    const authorization = `Bearer ${TOKEN}`;
    expectAdmitted(await readFrom(page, page.mainFrame(), url(), { headers: { authorization } }));
    expectAdmitted(await readFrom(other, other.mainFrame(), url(), { headers: { authorization } }));
    expectAdmitted(await readFrom(page, frame, url(), { headers: { authorization } }));
  });

  it('page_origins: the listed page reads the version; an unlisted page and a sandboxed one are refused', async () => {
    await networkPolicy({ source_cidrs: [LOOPBACK], page_origins: [pageOrigin] });
    const listed = await readFrom(page, page.mainFrame(), url());
    expect(listed.wire?.requestOrigin).toBe(pageOrigin);
    expectAdmitted(listed);
    const unlisted = await readFrom(other, other.mainFrame(), url());
    expect(unlisted.wire?.requestOrigin).toBe(otherOrigin);
    expectRefused(unlisted, 403, FORBIDDEN);
    expectRefused(
      await readFrom(other, other.mainFrame(), url(), { method: 'HEAD' }),
      403,
      FORBIDDEN,
      'HEAD',
    );
    // A sandboxed frame within the listed page has no origin of its own: null, unlisted.
    expectRefused(await readFrom(page, await sandboxedFrame(page), url()), 403, FORBIDDEN);
  });
});
