import { describe, expect, it } from 'vitest';
import { createResponder, type HttpRequest } from '../../handler/responder.ts';

const document = {
  server_version: '1.140.0 (b=HEAD,t=v1.140.0,3f2a9c1)',
  python_version: '24.1.0',
};
const respond = createResponder(document);

const request = (method: string, path: string): HttpRequest => ({ method, path });

const VERSION = '/_synapse/admin/v1/server_version';
const JSON_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization, Date',
  'Access-Control-Expose-Headers': 'Synapse-Trace-Id, Server',
  Server: 'Synapse/1.140.0 (b=HEAD,t=v1.140.0,3f2a9c1)',
};
const UNRECOGNIZED = '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}';

describe('the version route', () => {
  it('answers GET with the compact document and Synapse headers', () => {
    const answer = respond(request('GET', VERSION));
    expect(answer).toEqual({
      status: 200,
      headers: JSON_HEADERS,
      body: '{"server_version":"1.140.0 (b=HEAD,t=v1.140.0,3f2a9c1)","python_version":"24.1.0"}',
    });
  });

  it('answers HEAD as GET without a body', () => {
    const answer = respond(request('HEAD', VERSION));
    expect(answer).toEqual({ status: 200, headers: JSON_HEADERS, body: '' });
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'get'])('answers %s with 405', (method) => {
    expect(respond(request(method, VERSION))).toEqual({
      status: 405,
      headers: JSON_HEADERS,
      body: UNRECOGNIZED,
    });
  });

  it('leaves python_version out when the document has none', () => {
    const modern = createResponder({ server_version: '1.140.0' });
    expect(modern(request('GET', VERSION)).body).toBe('{"server_version":"1.140.0"}');
    expect(modern(request('GET', VERSION)).headers.Server).toBe('Synapse/1.140.0');
  });
});

describe('other paths', () => {
  it.each([
    `${VERSION}/`,
    '/_synapse/admin/v1/server_version/x',
    '/_synapse/admin/v2/server_version',
    '/_SYNAPSE/admin/v1/server_version',
    '/',
    '',
    '/health/',
  ])('answers GET %j with 404', (path) => {
    expect(respond(request('GET', path))).toEqual({
      status: 404,
      headers: JSON_HEADERS,
      body: UNRECOGNIZED,
    });
  });

  it('answers OPTIONS on any path with an empty 204 carrying the CORS headers', () => {
    for (const path of [VERSION, '/health', '/anything/else', '']) {
      expect(respond(request('OPTIONS', path))).toEqual({
        status: 204,
        headers: {
          'Content-Length': '0',
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
          'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization, Date',
          'Access-Control-Expose-Headers': 'Synapse-Trace-Id, Server',
          Server: JSON_HEADERS.Server,
        },
        body: '',
      });
    }
  });

  it('answers /health with a plain OK, and HEAD on it without a body', () => {
    const headers = { 'Content-Type': 'text/plain', Server: JSON_HEADERS.Server };
    expect(respond(request('GET', '/health'))).toEqual({ status: 200, headers, body: 'OK' });
    expect(respond(request('HEAD', '/health'))).toEqual({ status: 200, headers, body: '' });
  });

  it('answers writes to /health with a Matrix 405', () => {
    expect(respond(request('POST', '/health'))).toEqual({
      status: 405,
      headers: JSON_HEADERS,
      body: UNRECOGNIZED,
    });
  });
});

describe('refusals from the access policy', () => {
  it.each([
    ['missing-token', 401, '{"errcode":"M_MISSING_TOKEN","error":"Missing access token"}'],
    [
      'mixed-token-sources',
      401,
      '{"errcode":"M_MISSING_TOKEN","error":"Mixing Authorization headers and access_token query parameters."}',
    ],
    [
      'too-many-authorization-headers',
      401,
      '{"errcode":"M_MISSING_TOKEN","error":"Too many Authorization headers."}',
    ],
    [
      'invalid-authorization-header',
      401,
      '{"errcode":"M_MISSING_TOKEN","error":"Invalid Authorization header."}',
    ],
    [
      'unknown-token',
      401,
      '{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed.","soft_logout":false}',
    ],
    ['forbidden', 403, '{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}'],
  ] as const)('answers %s with %i and Synapse body', (refusal, status, body) => {
    expect(respond(request('GET', VERSION), refusal)).toEqual({
      status,
      headers: JSON_HEADERS,
      body,
    });
  });

  it('answers a function that cannot enforce its settings with Synapse 500 on everything but preflights, without Retry-After', () => {
    for (const [method, path] of [
      ['GET', VERSION],
      ['HEAD', VERSION],
      ['POST', VERSION],
      ['GET', '/health'],
      ['GET', '/nope'],
    ] as const) {
      const answer = respond(request(method, path), 'unenforceable');
      expect(answer).toEqual({
        status: 500,
        headers: JSON_HEADERS,
        body: method === 'HEAD' ? '' : '{"errcode":"M_UNKNOWN","error":"Internal server error"}',
      });
    }
    expect(respond(request('OPTIONS', VERSION), 'unenforceable').status).toBe(204);
  });

  it('answers an unreadable policy with 503 and Retry-After', () => {
    const answer = respond(request('GET', VERSION), 'unavailable');
    expect(answer).toEqual({
      status: 503,
      headers: { ...JSON_HEADERS, 'Retry-After': '5' },
      body: '{"errcode":"M_UNKNOWN","error":"Access policy unavailable"}',
    });
  });

  it('still routes first: 405, 404 and OPTIONS do not depend on the refusal', () => {
    expect(respond(request('POST', VERSION), 'missing-token').status).toBe(405);
    expect(respond(request('GET', '/nope'), 'missing-token').status).toBe(404);
    expect(respond(request('OPTIONS', VERSION), 'missing-token').status).toBe(204);
    expect(respond(request('GET', '/health'), 'forbidden').status).toBe(200);
  });
});

describe('the 500 of last resort', () => {
  it("is Synapse's 500 with the public Server header, the same answer as a GET to a function that cannot enforce its settings", () => {
    expect(respond.serverError).toEqual({
      status: 500,
      headers: JSON_HEADERS,
      body: '{"errcode":"M_UNKNOWN","error":"Internal server error"}',
    });
    expect(respond.serverError).toBe(respond(request('GET', VERSION), 'unenforceable'));
  });

  it('says Server: Synapse and nothing of the version when locked', () => {
    const { serverError } = createResponder(document, true);
    expect(serverError.headers).toEqual({ ...JSON_HEADERS, Server: 'Synapse' });
    expect(JSON.stringify(serverError)).not.toContain('1.140');
  });
});

describe('locked: only an admitted read learns the version', () => {
  const locked = createResponder(document, true);
  const LOCKED_HEADERS = { ...JSON_HEADERS, Server: 'Synapse' };

  it("gives an admitted read Synapse's whole header set, version included", () => {
    expect(locked(request('GET', VERSION))).toEqual(respond(request('GET', VERSION)));
    expect(locked(request('HEAD', VERSION))).toEqual(respond(request('HEAD', VERSION)));
  });

  it.each([
    ['missing-token', 'GET', VERSION, 401],
    ['unknown-token', 'GET', VERSION, 401],
    ['forbidden', 'HEAD', VERSION, 403],
    ['unavailable', 'GET', VERSION, 503],
    ['unenforceable', 'GET', '/health', 500],
    [undefined, 'POST', VERSION, 405],
    [undefined, 'GET', `${VERSION}/`, 404],
  ] as const)(
    '%s %s %s: %i says Server: Synapse and nothing of the version',
    (refusal, method, path, status) => {
      const answer = locked(request(method, path), refusal);
      expect(answer.status).toBe(status);
      expect(answer.headers.Server).toBe('Synapse');
      const { 'Retry-After': _retry, ...rest } = answer.headers;
      expect(rest).toEqual(LOCKED_HEADERS);
      expect(JSON.stringify(answer)).not.toContain('1.140');
      expect(JSON.stringify(answer)).not.toContain('3f2a9c1');
    },
  );

  it('keeps the version out of preflights and /health', () => {
    for (const answer of [
      locked(request('OPTIONS', VERSION)),
      locked(request('GET', '/health')),
      locked(request('HEAD', '/health')),
    ]) {
      expect(answer.headers.Server).toBe('Synapse');
      expect(JSON.stringify(answer)).not.toContain('1.140');
    }
  });
});
