import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { POLICY_RETRY_SECONDS } from '../../handler/access-settings.ts';
import { NOT_FOUND, SERVER_ERROR } from '../../harness/ssm-endpoint.ts';
import { loadEvent } from '../fixtures.ts';

import {
  ask,
  coldStart,
  GOOD,
  type Handler,
  parameter,
  readsOfThisInstance,
  ssm,
  TOKEN,
  TTL_SECONDS,
  useSsmEndpoint,
  versionRead,
} from './policy-instance.ts';

useSsmEndpoint();

describe('the admission table, through the real SDK over HTTP', () => {
  it('reads the named parameter with decryption, signed, and applies it', async () => {
    const handler = await coldStart(GOOD);
    const missing = await ask(handler, versionRead());
    expect(missing.statusCode).toBe(401);
    expect(missing.body).toBe('{"errcode":"M_MISSING_TOKEN","error":"Missing access token"}');
    const unknown = await ask(handler, versionRead('Bearer svt_not-listed'));
    expect(unknown.statusCode).toBe(401);
    expect(JSON.parse(unknown.body)).toEqual({
      errcode: 'M_UNKNOWN_TOKEN',
      error: 'Invalid access token passed.',
      soft_logout: false,
    });
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    expect((await ask(handler, versionRead(undefined, '203.0.113.77'))).statusCode).toBe(200);
    expect(readsOfThisInstance()).toEqual([
      { name: parameter, withDecryption: true, signed: true },
    ]);
  });

  it('answers a networks-only policy from outside with 403 M_FORBIDDEN', async () => {
    const handler = await coldStart({
      kind: 'value',
      value: '{"source_cidrs":["203.0.113.0/24"]}',
    });
    const refused = await ask(handler, versionRead(`Bearer ${TOKEN}`, '198.51.100.1'));
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toBe('{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}');
  });

  it('never takes the source from X-Forwarded-For', async () => {
    const handler = await coldStart(GOOD);
    const event = versionRead(undefined, '192.0.2.10');
    event.headers['x-forwarded-for'] = '203.0.113.5';
    expect((await ask(handler, event)).statusCode).toBe(401);
  });

  it('keeps OPTIONS and /health open', async () => {
    const handler = await coldStart(GOOD);
    expect((await ask(handler, loadEvent('http-api-preflight'))).statusCode).toBe(204);
    expect((await ask(handler, loadEvent('http-api-health'))).statusCode).toBe(200);
  });
});

// Every request but a read of the version route is answered without the policy, by its
// route alone: a preflight 204, /health 200, a 405 or a 404, whatever the caller sends.
const UNDECIDED: [string, number, string][] = [
  ['http-api-preflight', 204, ''],
  ['http-api-health', 200, 'OK'],
  ['http-api-post', 405, '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}'],
  ['http-api-trailing-slash', 404, '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}'],
];

describe('requests the policy does not decide on', () => {
  const askEach = async (handler: Handler) => {
    for (const [name, status, body] of UNDECIDED) {
      // A refused caller's: an unknown token from outside the networks.
      const event = loadEvent(name) as unknown as APIGatewayProxyEventV2;
      event.headers.authorization = 'Bearer svt_not-listed';
      event.requestContext.http.sourceIp = '192.0.2.10';
      const result = await ask(handler, event);
      expect([name, result.statusCode, result.body]).toEqual([name, status, body]);
      expect(result.headers.Server).toBe('Synapse');
    }
  };

  it('read nothing past the TTL: with SSM not answering, each is answered at once', async () => {
    const handler = await coldStart(GOOD);
    await sleep(TTL_SECONDS * 1_000 + 100);
    ssm.behave({ kind: 'hang' });
    const started = performance.now();
    await askEach(handler);
    // A read that waited on SSM would take its 1-second request timeout at the least.
    expect(performance.now() - started).toBeLessThan(500);
    expect(readsOfThisInstance()).toHaveLength(1);
    // The TTL has passed: a read of the version route is the one that reads.
    ssm.behave(GOOD);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    expect(readsOfThisInstance()).toHaveLength(2);
  });

  it('are answered as ever while no policy is in force, and try no read of it', async () => {
    const handler = await coldStart(NOT_FOUND);
    const atInit = readsOfThisInstance().length;
    // Past the retry interval, which the TTL (1 s) bounds here.
    await sleep(TTL_SECONDS * 1_000 + 100);
    await askEach(handler);
    expect(readsOfThisInstance()).toHaveLength(atInit);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(503);
    expect(readsOfThisInstance().length).toBeGreaterThan(atInit);
  });
});

describe('events of no known shape, in locked mode', () => {
  // What the function cannot tell from a request body that a REST API non-proxy
  // integration passes on: a direct invocation, another service's event, any JSON.
  it.each([
    ['the empty event', loadEvent('direct-invoke')],
    ['an arbitrary JSON object (a non-proxy request body)', { server_version: 'please' }],
    ['null', null],
    ['a string', 'GET /_synapse/admin/v1/server_version'],
    [
      'a VPC Lattice event (version 2.0, no requestContext.http)',
      {
        version: '2.0',
        path: '/_synapse/admin/v1/server_version',
        method: 'GET',
        headers: {},
        requestContext: { serviceNetworkArn: 'arn:aws:vpc-lattice:…', identity: {} },
      },
    ],
    [
      'a VPC Lattice event, version 1.0',
      { raw_path: '/_synapse/admin/v1/server_version', method: 'GET', headers: {} },
    ],
    [
      'an API Gateway WebSocket event',
      {
        requestContext: { routeKey: '$default', eventType: 'MESSAGE', connectionId: 'c1' },
        body: '{}',
        isBase64Encoded: false,
      },
    ],
  ])('%s: fails, naming the formats answered, with no version and no stack', async (_n, event) => {
    const handler = await coldStart(GOOD);
    const failure = await handler(event).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure?.message).toMatch(
      /^not an HTTP event this function answers: with an access policy, only API Gateway HTTP API \(payload 2\.0 or 1\.0\), REST API proxy integration, Application Load Balancer and Lambda function URL events are answered$/,
    );
    expect(failure?.stack).toBe(`Error: ${failure?.message}`);
    expect(JSON.stringify(failure)).not.toContain('server_version');
  });
});

describe("Lambda's init", () => {
  it('ends only once the first read has completed: the first request reads nothing', async () => {
    const handler = await coldStart(GOOD);
    expect(readsOfThisInstance()).toHaveLength(1);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    expect(readsOfThisInstance()).toHaveLength(1);
  });

  it('answers Synapse 500, no Retry-After, when the policy code cannot be loaded; loads again later', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args) => {
      errors.push(inspect(args));
    });
    const loadFailures = () =>
      errors.filter((line) => line.includes('loading the access-policy code failed')).length;
    // The function's clock, fixed, so that the retry interval's bounds are exact.
    const start = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(start);
    const at = (offsetMs: number) => clock.mockReturnValue(start + offsetMs);
    const retryMs = POLICY_RETRY_SECONDS * 1_000;
    vi.doMock('../../handler/access/guard.ts', () => {
      throw new Error('chunk missing from the package');
    });
    let handler: Handler;
    try {
      handler = await coldStart(GOOD);
      for (const event of [
        versionRead(`Bearer ${TOKEN}`, '203.0.113.5'),
        loadEvent('http-api-health'),
      ]) {
        const result = await ask(handler, event);
        expect(result.statusCode).toBe(500);
        expect(result.body).toBe('{"errcode":"M_UNKNOWN","error":"Internal server error"}');
        expect(result.headers).not.toHaveProperty('Retry-After');
        expect(result.headers.Server).toBe('Synapse');
      }
      // Once at init, not again within the interval; then once more, failing again.
      expect(loadFailures()).toBe(1);
      at(retryMs - 1);
      expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(500);
      expect(loadFailures()).toBe(1);
      at(retryMs);
      expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(500);
      expect(loadFailures()).toBe(2);
      at(2 * retryMs - 1);
      expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(500);
      expect(loadFailures()).toBe(2);
    } finally {
      vi.doUnmock('../../handler/access/guard.ts');
    }
    // The next load, a full interval after the last, finds the code and reads the policy.
    at(2 * retryMs);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    expect(loadFailures()).toBe(2);
  });
});

describe('after a failed read', () => {
  it('reads again only after the retry interval (5 s), not on every request', async () => {
    const handler = await coldStart(SERVER_ERROR);
    // One read at init (its calls include the SDK's second attempt).
    const atInit = readsOfThisInstance().length;
    expect(atInit).toBeGreaterThan(0);
    await sleep(100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(503);
    expect(readsOfThisInstance()).toHaveLength(atInit);
  });
});

describe('caching', () => {
  it('fetches once per TTL however many requests arrive together', async () => {
    const handler = await coldStart(GOOD);
    const first = await Promise.all(
      Array.from({ length: 100 }, () => ask(handler, versionRead(`Bearer ${TOKEN}`))),
    );
    expect(first.every((result) => result.statusCode === 200)).toBe(true);
    expect(readsOfThisInstance()).toHaveLength(1);
    await sleep(TTL_SECONDS * 1_000 + 100);
    await Promise.all(
      Array.from({ length: 50 }, () => ask(handler, versionRead(`Bearer ${TOKEN}`))),
    );
    expect(readsOfThisInstance()).toHaveLength(2);
  });
});

// Faults that say nothing about the policy, and SSM's answers that there is none to use.
