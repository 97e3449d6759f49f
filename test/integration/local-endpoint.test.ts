import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, send, startLocalServer } from '../../harness/local-server.ts';
import {
  BROWSER_PREFLIGHT,
  synapseHealthHeaders,
  synapseJsonHeaders,
  synapsePreflightHeaders,
  UNRECOGNIZED,
  VERSION_PATH as VERSION,
} from '../../scripts/synapse-reference.ts';
import { consoleExamples, runExample, withoutRunDetails } from '../support/console-examples.ts';
import { expectExactHeaders } from '../support/exact-headers.ts';
import { projectCopy } from '../support/project-copy.ts';

let server: LocalServer;
let serverVersion: string;
let versionBody: string;

beforeAll(async () => {
  server = await startLocalServer({}, projectCopy());
  const match = /baked server_version: (.+) \(with/.exec(server.output());
  serverVersion = match?.[1] ?? '';
  versionBody = (await send(server.baseUrl, 'GET', VERSION)).body;
});
afterAll(async () => {
  await server?.stop();
});

// Through `npm start` every answer carries exactly the function's headers, as API Gateway
// passes them: no charset appended, no Cache-Control added, no CORS rewriting.
describe('npm start serves every row of the reference table with its exact headers', () => {
  it('printed the version it baked and the URL it serves', () => {
    expect(serverVersion).toMatch(/^1\.0\.0( \(.+\))?$/);
    expect(server.output()).toContain(`Server ready: ${server.baseUrl}`);
  });

  it('GET the version route: 200, the compact document, Synapse headers', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION);
    expect(reply.status).toBe(200);
    // The function runs on the Node that serves it: the one npm puts first on PATH.
    expect(reply.body).toBe(
      `{"server_version":${JSON.stringify(serverVersion)},"python_version":"${process.versions.node}"}`,
    );
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it('HEAD: same status and headers, no body', async () => {
    const reply = await send(server.baseUrl, 'HEAD', VERSION);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    // Content-Length 0: a Lambda answer to HEAD carries no body to measure (Synapse's
    // Twisted sends the GET body's length; see the README's differences).
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s on the route: 405 M_UNRECOGNIZED', async (m) => {
    const reply = await send(server.baseUrl, m, VERSION, { 'content-type': 'application/json' });
    expect(reply.status).toBe(405);
    expect(reply.body).toBe(UNRECOGNIZED);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it.each([`${VERSION}/`, '/_synapse/admin/v1/server_versions', '/_synapse/admin', '/'])(
    'GET %s: 404 M_UNRECOGNIZED',
    async (path) => {
      const reply = await send(server.baseUrl, 'GET', path);
      expect(reply.status).toBe(404);
      expect(reply.body).toBe(UNRECOGNIZED);
      expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
    },
  );

  it.each([VERSION, '/health', '/some/where/else'])(
    'OPTIONS %s, bare: 204, empty, the CORS headers only',
    async (path) => {
      const reply = await send(server.baseUrl, 'OPTIONS', path);
      expect(reply.status).toBe(204);
      expect(reply.body).toBe('');
      expectExactHeaders(reply, synapsePreflightHeaders(serverVersion));
    },
  );

  it.each([VERSION, '/some/where/else'])(
    'OPTIONS %s as a browser sends it: the same 204, nothing added for the Origin',
    async (path) => {
      const reply = await send(server.baseUrl, 'OPTIONS', path, BROWSER_PREFLIGHT);
      expect(reply.status).toBe(204);
      expect(reply.body).toBe('');
      expectExactHeaders(reply, synapsePreflightHeaders(serverVersion));
    },
  );

  it('GET /health: 200 text/plain OK, no Cache-Control', async () => {
    const reply = await send(server.baseUrl, 'GET', '/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('OK');
    expectExactHeaders(reply, synapseHealthHeaders(serverVersion));
  });

  it('HEAD /health: the same headers, no body', async () => {
    const reply = await send(server.baseUrl, 'HEAD', '/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    expectExactHeaders(reply, synapseHealthHeaders(serverVersion));
  });

  it('POST /health: 405 M_UNRECOGNIZED', async () => {
    const reply = await send(server.baseUrl, 'POST', '/health');
    expect(reply.status).toBe(405);
    expect(reply.body).toBe(UNRECOGNIZED);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it('ignores the query string and any Authorization header', async () => {
    const reply = await send(server.baseUrl, 'GET', `${VERSION}?access_token=x&since=1`, {
      authorization: 'Bearer not-checked',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(versionBody);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it('does not compress, whatever the client accepts', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, { 'accept-encoding': 'gzip, br' });
    expect(reply.body).toBe(versionBody);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });
});

describe('the requests the clients send', () => {
  it('a web admin page on another origin: a simple CORS fetch, answered as any GET', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, {
      origin: 'https://admin.example.net',
      accept: 'application/json',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(versionBody);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it('an admin CLI with a bearer token gets JSON', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, {
      accept: 'application/json',
      authorization: 'Bearer syt_YWRtaW4_example',
    });
    expect(reply.body).toBe(versionBody);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it('a probe asking for HTML still gets 200 and JSON', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'user-agent': 'Blackbox Exporter/0.23.0',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(versionBody);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });
});

// The README shows these as what an operator sees with `npm start` running; its port is 8008.
describe("the README's and docs' console examples print what they show", () => {
  const examples = [
    ...consoleExamples('README.md', 'open'),
    ...consoleExamples('docs/answers.md', 'open'),
  ];

  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples.map((example) => [example.where, example] as const))(
    '%s',
    async (_, example) => {
      const command = example.command.replaceAll('127.0.0.1:8008', new URL(server.baseUrl).host);
      const printed = await runExample(command);
      expect(withoutRunDetails(printed)).toEqual(withoutRunDetails(example.output));
    },
  );
});
