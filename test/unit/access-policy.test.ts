import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POLICY_RETRY_SECONDS } from '../../handler/access-settings.ts';
import {
  DENIED,
  NOT_FOUND,
  SERVER_ERROR,
  type SsmBehaviour,
  type SsmEndpoint,
  ssmEnvironment,
  startSsmEndpoint,
  THROTTLED,
} from '../../harness/ssm-endpoint.ts';
import { loadEvent } from '../fixtures.ts';

type Handler = (event: unknown) => Promise<unknown>;
type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string };

const TOKEN = 'svt_integration-token-aZ09_-aZ09_-aZ09_-aZ09_-aZ09';
const DIGEST = createHash('sha256').update(TOKEN).digest('hex');
// Each cold start reads a parameter of its own name, so that a read still in flight from
// an earlier instance is never counted against a later one.
let coldStarts = 0;
let parameter = '';
const readsOfThisInstance = () => ssm.calls.filter((call) => call.name === parameter);
const GOOD: SsmBehaviour = {
  kind: 'value',
  value: JSON.stringify({ tokens_sha256: [DIGEST], source_cidrs: ['203.0.113.0/24'] }),
};
const TTL_SECONDS = 1;
const MAX_STALE_SECONDS = 3;

let ssm: SsmEndpoint;
let warnings: string[];

beforeAll(async () => {
  ssm = await startSsmEndpoint(GOOD);
});
afterAll(async () => {
  await ssm.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  // Nothing logged in any scenario may carry the token, its digest or the value.
  const logged = warnings.join('\n');
  expect(logged).not.toContain(TOKEN);
  expect(logged).not.toContain(DIGEST);
});

/**
 * A cold start: the handler module evaluated afresh with a policy configured. The import
 * resolves when Lambda's init would end: after the first read of the policy.
 */
async function coldStart(behaviour: SsmBehaviour, maxStaleSeconds = 600): Promise<Handler> {
  ssm.behave(behaviour);
  coldStarts++;
  parameter = `/synapse-version/access-policy-${coldStarts}`;
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((...args) => {
    warnings.push(inspect(args));
  });
  for (const [name, value] of Object.entries(ssmEnvironment(ssm, parameter, TTL_SECONDS))) {
    vi.stubEnv(name, value);
  }
  vi.stubEnv('ACCESS_POLICY_MAX_STALE_SECONDS', String(maxStaleSeconds));
  vi.resetModules();
  return (await import('../../handler/index.ts')).handler;
}

function versionRead(authorization?: string, sourceIp = '192.0.2.10'): APIGatewayProxyEventV2 {
  const event = loadEvent('http-api-get') as unknown as APIGatewayProxyEventV2;
  if (authorization !== undefined) event.headers.authorization = authorization;
  event.requestContext.http.sourceIp = sourceIp;
  return event;
}

const ask = async (handler: Handler, event: unknown): Promise<Result> =>
  (await handler(event)) as Result;

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
const TRANSIENT: [string, SsmBehaviour][] = [
  ['throttling', THROTTLED],
  ['a 5xx', SERVER_ERROR],
  ['an endpoint that never answers', { kind: 'hang' }],
];
const DEFINITIVE: [string, SsmBehaviour][] = [
  ['parameter not found', NOT_FOUND],
  ['access denied', DENIED],
  ['a value that is not JSON', { kind: 'value', value: 'tokens: [abc]' }],
  ['a value that does not validate', { kind: 'value', value: '{"token_sha256":[]}' }],
];
// A policy that admits the token from another network, to see recovery take effect.
const OTHER_NETWORK: SsmBehaviour = {
  kind: 'value',
  value: JSON.stringify({ source_cidrs: ['198.51.100.0/24'] }),
};

describe.each([...TRANSIENT, ...DEFINITIVE])('when SSM fails with %s', (_name, fault) => {
  it('fails closed on a cold start: 503 M_UNKNOWN with Retry-After, within a few seconds', async () => {
    // Init (the first, failing read) and the first request together, as a caller waits.
    const started = performance.now();
    const handler = await coldStart(fault);
    const result = await ask(handler, versionRead(`Bearer ${TOKEN}`, '203.0.113.5'));
    const elapsed = performance.now() - started;
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toMatchObject({ errcode: 'M_UNKNOWN' });
    expect(result.headers['Retry-After']).toBe(String(POLICY_RETRY_SECONDS));
    // A bound on the answer, not a benchmark: well inside Lambda's 10 s init limit and
    // the function's 5 s timeout together.
    expect(elapsed).toBeLessThan(4_000);
    expect(warnings.join('\n')).toMatch(/access policy refresh failing: .*refusing reads \(503\)/);
  });
});

describe.each(TRANSIENT)('when a refresh fails with %s', (_name, fault) => {
  it('keeps the last good policy serving within the staleness bound, then recovers', async () => {
    const handler = await coldStart(GOOD);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(fault);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    expect((await ask(handler, versionRead())).statusCode).toBe(401);
    expect(warnings.join('\n')).toMatch(
      /access policy refresh failing: .*; transient; keeping the last good policy for at most \d+ s more/,
    );
    // Recovery: a new policy that no longer lists the token takes effect.
    ssm.behave(OTHER_NETWORK);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(403);
    expect((await ask(handler, versionRead(undefined, '198.51.100.9'))).statusCode).toBe(200);
  });
});

describe.each(DEFINITIVE)('when a refresh says %s', (_name, fault) => {
  it('answers 503 once the TTL has passed, as a cold start would, never the last good policy', async () => {
    const handler = await coldStart(GOOD);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(fault);
    await sleep(TTL_SECONDS * 1_000 + 100);
    const warm = await ask(handler, versionRead(`Bearer ${TOKEN}`, '203.0.113.5'));
    const cold = await ask(await coldStart(fault), versionRead(`Bearer ${TOKEN}`, '203.0.113.5'));
    expect(warm.statusCode).toBe(503);
    expect(warm).toEqual(cold);
  });
});

describe('the staleness bound', () => {
  it('refuses reads (503) once a stale policy has served its bound through transient faults', async () => {
    const handler = await coldStart(GOOD, MAX_STALE_SECONDS);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(THROTTLED);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    await sleep(MAX_STALE_SECONDS * 1_000);
    const refused = await ask(handler, versionRead(`Bearer ${TOKEN}`));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers.Server).toBe('Synapse');
  });
});

describe('recovery from a cold start without a policy', () => {
  it('admits again once SSM answers, without a new cold start', async () => {
    const handler = await coldStart(SERVER_ERROR);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(503);
    ssm.behave(GOOD);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(handler, versionRead(`Bearer ${TOKEN}`))).statusCode).toBe(200);
  });
});
