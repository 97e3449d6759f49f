import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type LocalServer, send, startLocalServer } from '../../harness/local-server.ts';
import { type SsmEndpoint, ssmEnvironment, startSsmEndpoint } from '../../harness/ssm-endpoint.ts';
import { selfSignedCertificate } from '../../harness/tls.ts';
import { escapeRegExp, main, smoke } from '../../scripts/smoke.ts';
import { MISSING_TOKEN, UNKNOWN_TOKEN } from '../../scripts/synapse-reference.ts';
import { type DifferingServer, startDifferingServer } from '../support/differing-server.ts';
import { projectCopy } from '../support/project-copy.ts';
import { runMain } from '../support/run-main.ts';

const VERSION = '/_synapse/admin/v1/server_version';
const TOKEN = 'svt_smoke-token-0123456789-abcdefghijklmnopqrstuvwx';

/** The checks, in order, as `npm run smoke` names them. */
const checkNames = (version: string) => [
  'the base URL is the root of its host (web admin pages need it)',
  `GET ${VERSION}: 200, the version document, Synapse's headers`,
  `server_version is ${JSON.stringify(version)}`,
  `HEAD ${VERSION}: 200, no body, the same headers`,
  'a query string is ignored',
  `POST ${VERSION}: 405 M_UNRECOGNIZED`,
  `GET ${VERSION}/: 404 M_UNRECOGNIZED`,
  'GET /_synapse/admin/v1/server_versions: 404 M_UNRECOGNIZED',
  'GET /: 404 M_UNRECOGNIZED',
  `OPTIONS ${VERSION} as a browser sends it: 204, the CORS headers only`,
  'GET /health: 200 text/plain OK',
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run smoke -- <args>` in this process, with `env` as its environment. */
// The open server's own project copy: the smoke command takes the expected version from
// the dist/ it serves.
const openRoot = projectCopy();

const smokeCommand = (args: string[], env: NodeJS.ProcessEnv = {}, root = openRoot) =>
  runMain((a, output) => main(a, output, env, root), args);

/** `npm run smoke -- <args>`, as a CD pipeline runs it. */
const runSmoke = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'smoke', '--', ...args],
      { cwd: openRoot, timeout: 60_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * A loopback stand-in for what sits between a caller and the function: forwards each
 * request to `target` and adds headers to the answer, as API Gateway and a CDN do.
 */
async function startProxy(
  target: string,
  added: Record<string, string | string[]>,
  splitCacheControl = false,
) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const upstream = request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        const headers: [string, string][] = [];
        for (const [name, value] of Object.entries(answer.headersDistinct)) {
          for (const item of value ?? []) {
            // An intermediary may send a list header on several lines; HTTP makes it one.
            if (splitCacheControl && name === 'cache-control') {
              for (const part of item.split(', ')) headers.push([name, part]);
            } else headers.push([name, item]);
          }
        }
        for (const [name, value] of Object.entries(added)) {
          for (const item of [value].flat()) headers.push([name, item]);
        }
        res.writeHead(answer.statusCode ?? 502, headers.flat());
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await listen(server);
  return { baseUrl: baseUrlOf(server), seen, close: () => close(server) };
}

const listen = (server: Server | ReturnType<typeof createTcpServer>) =>
  new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrlOf = (server: { address: () => AddressInfo | string | null }, scheme = 'http') =>
  `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
const close = (server: { close: (done: () => void) => unknown }) =>
  new Promise<void>((resolve) => server.close(() => resolve()));

let open: LocalServer;
let locked: LocalServer;
let ssm: SsmEndpoint;
let differing: DifferingServer;
let served: string;

beforeAll(async () => {
  ssm = await startSsmEndpoint({
    kind: 'value',
    value: JSON.stringify({ tokens_sha256: [createHash('sha256').update(TOKEN).digest('hex')] }),
  });
  // Side by side: each `npm start` builds the dist/ of a project copy of its own.
  [open, locked] = await Promise.all([
    startLocalServer({}, openRoot),
    startLocalServer(ssmEnvironment(ssm, '/synapse-version/access-policy', 300), projectCopy()),
  ]);
  differing = await startDifferingServer();
  served = /baked server_version: (.+) \(with/.exec(open.output())?.[1] ?? '';
}, 180_000);
afterAll(async () => {
  await Promise.all([open?.stop(), locked?.stop(), ssm?.close(), differing?.close()]);
});

describe('npm run smoke', () => {
  it('passes npm start, taking the expected version from dist/, one line per check', async () => {
    expect(served).not.toBe('');
    const run = await smokeCommand([open.baseUrl]);
    expect(run).toEqual({
      code: 0,
      out: [
        ...checkNames(served).map((name) => `ok   ${name}`),
        '\nsmoke passed: the endpoint answers as Synapse does',
      ],
      err: [],
    });
  });

  it('passes behind intermediaries that add their own headers or split a list header', async () => {
    const proxy = await startProxy(
      open.baseUrl,
      {
        'apigw-requestid': 'abc=',
        'x-amzn-requestid': 'c0ffee',
        'x-amzn-trace-id': 'Root=1-0-0',
        'x-amz-apigw-id': 'abc=',
        via: '1.1 abc.cloudfront.net (CloudFront)',
        'x-cache': 'Miss from cloudfront',
        'x-amz-cf-pop': 'FRA56-P1',
        'x-amz-cf-id': 'abc==',
        age: '0',
        'alt-svc': 'h3=":443"; ma=86400',
        'strict-transport-security': 'max-age=31536000',
      },
      true,
    );
    try {
      const lines: string[] = [];
      const failures = await smoke(proxy.baseUrl, served, { print: (l) => lines.push(l) });
      expect(failures).toEqual([]);
      expect(lines).toHaveLength(11);
    } finally {
      await proxy.close();
    }
  });

  it('fails any other header, naming it on every check', async () => {
    const proxy = await startProxy(open.baseUrl, {
      'x-powered-by': 'Express',
      'set-cookie': ['a=1', 'b=2'],
    });
    try {
      const failures = await smoke(proxy.baseUrl, served, { print: () => {} });
      expect(failures).toEqual(
        checkNames(served)
          .slice(1)
          .filter((name) => !name.startsWith('server_version is'))
          .map((name) => `${name}: unexpected header x-powered-by; unexpected header set-cookie`),
      );
    } finally {
      await proxy.close();
    }
  });

  it('sends what a client sends: its name, a browser preflight, the token only where due', async () => {
    const proxy = await startProxy(locked.baseUrl, {});
    try {
      expect(await smoke(proxy.baseUrl, served, { token: TOKEN, print: () => {} })).toEqual([]);
      const withToken = proxy.seen.filter((s) => s.headers.authorization !== undefined);
      expect(withToken.map((s) => `${s.method} ${s.url}`)).toEqual([
        `GET ${VERSION}`,
        `GET ${VERSION}`,
        `HEAD ${VERSION}`,
        // Never a token, nor any access_token, in a URL.
        `GET ${VERSION}?since=1`,
      ]);
      for (const s of withToken) expect(s.headers.authorization).toBe(`Bearer ${TOKEN}`);
      for (const s of proxy.seen.filter((s) => s.method !== 'OPTIONS')) {
        expect(s.headers['user-agent']).toBe('synapse-version-smoke');
      }
      expect(proxy.seen[0]?.headers.accept).toBe('application/json');
      const preflight = proxy.seen.find((s) => s.method === 'OPTIONS');
      expect(preflight?.headers).toMatchObject({
        origin: expect.stringMatching(/^https:\/\/[a-z.-]+$/),
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
        'sec-fetch-mode': 'cors',
        'sec-fetch-site': 'cross-site',
        'sec-fetch-dest': 'empty',
        accept: '*/*',
        'user-agent': expect.stringMatching(/^Mozilla\/5\.0 .* Chrome\/\d+/),
      });
    } finally {
      await proxy.close();
    }
  });

  it('passes a locked endpoint with the token from SMOKE_TOKEN', async () => {
    const run = await smokeCommand([locked.baseUrl], { SMOKE_TOKEN: TOKEN });
    expect(run.code).toBe(0);
    expect(run.err).toEqual([]);
    expect(run.out).toContain(
      `ok   GET ${VERSION} without the token: 401 M_MISSING_TOKEN, no version`,
    );
  });

  it('passes a locked endpoint with the token from --token-file (0600, a final newline)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-token-file-'));
    try {
      const file = join(dir, 'synapse-version.token');
      writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
      const run = await smokeCommand([locked.baseUrl, '--token-file', file]);
      expect(run.err).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.out).toContain(
        `ok   GET ${VERSION} without the token: 401 M_MISSING_TOKEN, no version`,
      );
      writeFileSync(file, 'svt_not-the-listed-token\n');
      const refused = await smokeCommand([locked.baseUrl, '--token-file', file]);
      expect(refused.code).toBe(1);
      expect(refused.out[1]).toContain(`body ${JSON.stringify(UNKNOWN_TOKEN)}`);
      expect(refused.out.join('\n')).not.toContain('svt_not-the-listed-token');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says that a locked endpoint wants --token-file when no token is given', async () => {
    const lines: string[] = [];
    const failures = await smoke(locked.baseUrl, served, { print: (l) => lines.push(l) });
    const missing = `body ${JSON.stringify(MISSING_TOKEN)}, expected /^\\{"server_version"`;
    expect(failures[0]).toMatch(
      /^GET \/_synapse\/admin\/v1\/server_version: 200, the version document, Synapse's headers: the endpoint is locked: pass --token-file; status 401, expected 200; body /,
    );
    expect(failures[0]).toContain(missing);
    expect(lines[1]).toBe(`FAIL ${failures[0]}`);
    // The four reads, and every answer that no longer tells a stranger the version.
    expect(failures).toHaveLength(10);
    for (const failure of failures.slice(4)) {
      expect(failure).toMatch(
        new RegExp(
          `: server: "Synapse", expected ${escapeRegExp(JSON.stringify(`Synapse/${served}`))}$`,
        ),
      );
    }
  });

  it('with a token, fails an endpoint that tells strangers the version', async () => {
    const failures = await smoke(open.baseUrl, served, { token: TOKEN, print: () => {} });
    expect(failures[0]).toBe(
      `GET ${VERSION} without the token: 401 M_MISSING_TOKEN, no version: status 200, expected 401; body ${JSON.stringify((await send(open.baseUrl, 'GET', VERSION)).body)}, expected ${MISSING_TOKEN}; server: ${JSON.stringify(`Synapse/${served}`)}, expected "Synapse"`,
    );
    expect(failures).toHaveLength(7);
    for (const failure of failures.slice(1)) {
      expect(failure).toMatch(/server: "Synapse\/.+", expected "Synapse"$/);
    }
  });

  it('does not blame the token it was given for a refusal', async () => {
    const failures = await smoke(locked.baseUrl, served, { token: 'wrong', print: () => {} });
    expect(failures[0]).toMatch(/: status 401, expected 200; body /);
    expect(failures[0]).toContain(`body ${JSON.stringify(UNKNOWN_TOKEN)}`);
    expect(failures[0]).not.toContain('pass --token');
  });

  it('fails a server that differs, naming each difference', async () => {
    const run = await smokeCommand([differing.baseUrl, '--expect-version', served]);
    expect(run.code).toBe(1);
    const failed = run.out.filter((line) => line.startsWith('FAIL'));
    expect(run.out.filter((line) => line.startsWith('ok   '))).toEqual([
      `ok   ${checkNames(served)[0]}`,
    ]);
    expect(failed).toHaveLength(10);
    expect(failed).toContain(`FAIL server_version is ${JSON.stringify(served)}: it is "9.9.9"`);
    const get = failed[0] ?? '';
    expect(get).toContain(`body "{\\"server_version\\":\\"9.9.9\\"}", expected /^`);
    expect(get).toContain('no cache-control header');
    expect(get).toContain(
      `server: "Synapse/9.9.9", expected ${JSON.stringify(`Synapse/${served}`)}`,
    );
    expect(get).not.toContain('status');
    expect(failed).toContain(
      `FAIL GET /health: 200 text/plain OK: content-type: "text/plain; charset=utf-8", expected "text/plain"; no server header; unexpected header transfer-encoding`,
    );
    expect(failed.find((line) => line.startsWith('FAIL OPTIONS'))).toMatch(
      /: status 200, expected 204; access-control-allow-origin: "https:\/\/admin\.example\.net", expected "\*"; no access-control-allow-methods header;.*; unexpected header access-control-allow-credentials; unexpected header transfer-encoding$/,
    );
    expect(failed).toContain(
      'FAIL GET /: 404 M_UNRECOGNIZED: content-type: "application/json; charset=utf-8", expected "application/json"; no cache-control header; no access-control-allow-methods header; no access-control-allow-headers header; no access-control-expose-headers header; server: "Synapse/9.9.9", expected ' +
        `${JSON.stringify(`Synapse/${served}`)}; unexpected header transfer-encoding`,
    );
    expect(failed.find((line) => line.startsWith(`FAIL GET ${VERSION}/:`))).toMatch(
      /^FAIL GET \/_synapse\/admin\/v1\/server_version\/: 404 M_UNRECOGNIZED: status 200, expected 404; body /,
    );
    expect(run.err).toEqual([
      `\nsmoke failed, 10 check(s) differ:\n  ${failed.map((l) => l.slice(5)).join('\n  ')}`,
    ]);
  });

  it.each([
    ['/matrix', 'it has the path /matrix'],
    ['/?x=1', 'it has the path /?x=1'],
  ])(
    'fails a base URL with more than the host (%s): web admin pages need the root',
    async (suffix, found) => {
      const failures = await smoke(`${open.baseUrl}${suffix}`, served, { print: () => {} });
      expect(failures).toEqual([
        `the base URL is the root of its host (web admin pages need it): ${found}`,
      ]);
    },
  );

  it('checks an https endpoint over TLS, refusing a certificate it cannot verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-tls-'));
    const tls = createTlsServer(selfSignedCertificate(dir), (_req, res: ServerResponse) => {
      res.end('OK');
    });
    try {
      await listen(tls);
      const failures = await smoke(baseUrlOf(tls, 'https'), served, { print: () => {} });
      expect(failures).toHaveLength(10);
      for (const failure of failures) expect(failure).toMatch(/: self-signed certificate(;|$)/);
    } finally {
      await close(tls);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails each check in bounded time when nothing answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await listen(silent);
    try {
      const failures = await smoke(baseUrlOf(silent), served, { print: () => {}, timeoutMs: 200 });
      expect(failures).toHaveLength(10);
      for (const failure of failures) expect(failure).toMatch(/: no answer within 0\.2 s$/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(silent);
    }
  });

  it('fails each check when the connection is refused', async () => {
    const port = await freePort();
    const failures = await smoke(`http://127.0.0.1:${port}`, served, { print: () => {} });
    expect(failures).toHaveLength(10);
    for (const failure of failures) expect(failure).toMatch(/: connect ECONNREFUSED 127\.0\.0\.1:/);
  });

  it.each([
    [[], 'error: give one base URL, such as https://matrix-admin.example.org (--help for usage)'],
    [
      ['matrix.example.org'],
      'error: give one base URL, such as https://matrix-admin.example.org (--help for usage)',
    ],
    [
      ['https://a.example', 'https://b.example'],
      'error: give one base URL, such as https://matrix-admin.example.org (--help for usage)',
    ],
    [
      ['https://a.example', '--nope'],
      "error: Unknown option '--nope'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--nope\" (--help for usage)",
    ],
  ])('refuses %j in one line, exit 2, checking nothing', async (args, message) => {
    expect(await smokeCommand(args)).toEqual({ code: 2, out: [], err: [message] });
  });

  it('refuses to guess the expected version when nothing is built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'smoke-no-dist-'));
    try {
      expect(await smokeCommand(['https://a.example'], {}, empty)).toEqual({
        code: 2,
        out: [],
        err: [
          'error: no dist/ to take the expected version from: npm run build, or --expect-version (--help for usage)',
        ],
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('prints its usage for --help', async () => {
    const run = await smokeCommand(['--help']);
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(/^usage: npm run smoke -- <base URL> \[--expect-version/);
  });

  it('runs as `npm run smoke`: exit 0 passed, exit 1 with the differences on stderr', async () => {
    const passed = await runSmoke([open.baseUrl]);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/\nsmoke passed: the endpoint answers as Synapse does\n$/);
    const failed = await runSmoke([differing.baseUrl, '--expect-version', served]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^\nsmoke failed, 10 check\(s\) differ:/);
  });
});
