import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, send, startLocalServer } from '../support/local-server.ts';

const VERSION = '/_synapse/admin/v1/server_version';
const UNRECOGNIZED = '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}';

let server: LocalServer;
let serverVersion: string;

beforeAll(async () => {
  server = await startLocalServer();
  const match = /baked server_version: (.+) \(with/.exec(server.output());
  serverVersion = match?.[1] ?? '';
});
afterAll(async () => {
  await server?.stop();
});

// serverless-offline answers through hapi, which appends "; charset=utf-8" to a
// Content-Type; API Gateway passes the function's value through unchanged.
const mediaType = (value: unknown): string => String(value).split(';')[0] ?? '';

function expectSynapseJsonHeaders(headers: Record<string, unknown>): void {
  expect(mediaType(headers['content-type'])).toBe('application/json');
  expect(headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
  expect(headers['access-control-allow-origin']).toBe('*');
  expect(headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
  expect(headers['access-control-allow-headers']).toBe(
    'X-Requested-With, Content-Type, Authorization, Date',
  );
  expect(headers['access-control-expose-headers']).toBe('Synapse-Trace-Id, Server');
  expect(headers.server).toBe(`Synapse/${serverVersion}`);
}

describe('npm start serves the reference table over HTTP', () => {
  it('printed the version it baked and the URL it serves', () => {
    expect(serverVersion).toMatch(/^1\.0\.0( \(.+\))?$/);
    expect(server.output()).toContain(`Server ready: ${server.baseUrl}`);
  });

  it('GET the version route: 200, the compact document, Synapse headers', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION);
    expect(reply.status).toBe(200);
    // The function runs on the Node that serves it: the one npm puts first on PATH.
    expect(reply.body).toMatch(/^\{"server_version":"[^"]+","python_version":"\d+\.\d+\.\d+"\}$/);
    expect(JSON.parse(reply.body).server_version).toBe(serverVersion);
    expectSynapseJsonHeaders(reply.headers);
  });

  it('HEAD: same status and headers, no body', async () => {
    const reply = await send(server.baseUrl, 'HEAD', VERSION);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    expectSynapseJsonHeaders(reply.headers);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s on the route: 405 M_UNRECOGNIZED', async (m) => {
    const reply = await send(server.baseUrl, m, VERSION, { 'content-type': 'application/json' });
    expect(reply.status).toBe(405);
    expect(reply.body).toBe(UNRECOGNIZED);
    expectSynapseJsonHeaders(reply.headers);
  });

  it.each([`${VERSION}/`, '/_synapse/admin/v1/server_versions', '/_synapse/admin', '/'])(
    'GET %s: 404 M_UNRECOGNIZED',
    async (path) => {
      const reply = await send(server.baseUrl, 'GET', path);
      expect(reply.status).toBe(404);
      expect(reply.body).toBe(UNRECOGNIZED);
      expectSynapseJsonHeaders(reply.headers);
    },
  );

  it('OPTIONS on any path: 204, empty, with the CORS headers', async () => {
    for (const path of [VERSION, '/health', '/some/where/else']) {
      const reply = await send(server.baseUrl, 'OPTIONS', path);
      expect(reply.status).toBe(204);
      expect(reply.body).toBe('');
      expect(reply.headers['access-control-allow-origin']).toBe('*');
      expect(reply.headers['access-control-allow-headers']).toContain('Authorization');
      expect(reply.headers.server).toBe(`Synapse/${serverVersion}`);
    }
  });

  it('GET /health: 200 text/plain OK', async () => {
    const reply = await send(server.baseUrl, 'GET', '/health');
    expect(reply.status).toBe(200);
    expect(mediaType(reply.headers['content-type'])).toBe('text/plain');
    expect(reply.body).toBe('OK');
  });

  it('ignores the query string and any Authorization header', async () => {
    const plain = await send(server.baseUrl, 'GET', VERSION);
    const reply = await send(server.baseUrl, 'GET', `${VERSION}?access_token=x&since=1`, {
      authorization: 'Bearer not-checked',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(plain.body);
  });
});

describe('the clients that read it', () => {
  it('a web admin page on another origin: a simple CORS fetch it may read', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, {
      origin: 'https://admin.example.net',
      accept: 'application/json',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(reply.body)).toHaveProperty('server_version', serverVersion);
  });

  it('a browser client with a token: its preflight is allowed to send Authorization', async () => {
    const reply = await send(server.baseUrl, 'OPTIONS', VERSION, {
      origin: 'https://admin.example.net',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    });
    expect(reply.status).toBeGreaterThanOrEqual(200);
    expect(reply.status).toBeLessThan(300);
    const allowed = String(reply.headers['access-control-allow-headers']).toLowerCase();
    expect(allowed.split(/,\s*/)).toContain('authorization');
  });

  it('an admin CLI with a bearer token gets JSON', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, {
      accept: 'application/json',
      authorization: 'Bearer syt_YWRtaW4_example',
    });
    expect(mediaType(reply.headers['content-type'])).toBe('application/json');
    expect(JSON.parse(reply.body).server_version).toBe(serverVersion);
  });

  it('a Prometheus probe asking for HTML still gets 200 and JSON', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'user-agent': 'Blackbox Exporter/0.25.0',
    });
    expect(reply.status).toBe(200);
    expect(mediaType(reply.headers['content-type'])).toBe('application/json');
    expect(JSON.parse(reply.body).server_version).toBe(serverVersion);
  });
});
