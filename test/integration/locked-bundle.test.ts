import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_FAILING } from '../../handler/access/policy-cache.ts';
import { POLICY_RETRY_SECONDS } from '../../handler/access-settings.ts';
import {
  DENIED,
  NOT_FOUND,
  type SsmBehaviour,
  type SsmEndpoint,
  ssmEnvironment,
  startSsmEndpoint,
  THROTTLED,
} from '../../harness/ssm-endpoint.ts';
import { build } from '../../scripts/build.ts';
import { VERSION_PATH } from '../../scripts/synapse-reference.ts';
import { exportProject, freshDir } from '../build/workspace.ts';
import { loadEvent } from '../fixtures.ts';
import { type BundleProcess, startBundle } from '../support/bundle-process.ts';

// Locked mode as an attacker meets it: the bundle `npm run build` writes, in a process of
// its own as Lambda holds an instance, reading its policy over HTTP from a loopback SSM.
const VERSION = '1.141.0 (b=secret-branch,t=v1.141.0,abc1234,dirty)';
// Any of these in an answer tells a stranger something of the version.
const FRAGMENTS = ['1.141', 'secret-branch', 'abc1234', 'dirty', process.versions.node];
const TOKEN = 'svt_locked-bundle-token-0123456789-abcdefghijklmnop';
const DIGEST = createHash('sha256').update(TOKEN).digest('hex');
const TTL_SECONDS = 1;
const GOOD_VALUE = JSON.stringify({ tokens_sha256: [DIGEST], source_cidrs: ['203.0.113.0/24'] });
const GOOD: SsmBehaviour = { kind: 'value', value: GOOD_VALUE };
// What `printf %s "$UNSET" | sha256sum` prints: the digest of the empty token.
const EMPTY_DIGEST = createHash('sha256').update('').digest('hex');
const value = (policy: unknown): SsmBehaviour => ({
  kind: 'value',
  value: JSON.stringify(policy),
});

interface Answer {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
}

let parent: string;
let root: string;
let ssm: SsmEndpoint;
let instances: BundleProcess[] = [];
let parameters = 0;

beforeAll(async () => {
  parent = freshDir();
  root = exportProject(parent, '1.141.0');
  await build({ SYNAPSE_VERSION_STRING: VERSION }, root);
  ssm = await startSsmEndpoint(GOOD);
}, 120_000);
afterEach(() => {
  for (const instance of instances) {
    // Nothing an instance logs may carry the token or its digest.
    expect(instance.log()).not.toContain(TOKEN);
    expect(instance.log()).not.toContain(DIGEST);
    instance.stop();
  }
  instances = [];
});
afterAll(async () => {
  await ssm?.close();
  rmSync(parent, { recursive: true, force: true });
});

/** A cold start of the bundle in `at` (the export's root by default), reading `behaviour`. */
async function coldStart(
  behaviour: SsmBehaviour,
  env: Record<string, string> = {},
  at: string = root,
): Promise<BundleProcess> {
  ssm.behave(behaviour);
  parameters++;
  const instance = await startBundle(at, {
    ...ssmEnvironment(ssm, `/locked-bundle/policy-${parameters}`, TTL_SECONDS),
    ACCESS_POLICY_MAX_STALE_SECONDS: '600',
    ...env,
  });
  instances.push(instance);
  return instance;
}

function read(authorization?: string, sourceIp = '192.0.2.10'): Record<string, unknown> {
  const event = loadEvent('http-api-get') as {
    headers: Record<string, string>;
    requestContext: { http: { sourceIp: string } };
  };
  if (authorization !== undefined) event.headers.authorization = authorization;
  event.requestContext.http.sourceIp = sourceIp;
  return event;
}

const ask = async (instance: BundleProcess, event: unknown): Promise<Answer> =>
  (await instance.ask(event)) as Answer;

const serverOf = (answer: Answer): string | undefined =>
  answer.headers?.Server ?? answer.multiValueHeaders?.Server?.[0];

/** The whole answer, every header and the body, says nothing of the version. */
function expectNothingOfTheVersion(answer: Answer): void {
  const whole = JSON.stringify(answer);
  for (const fragment of FRAGMENTS)
    expect(whole, `${fragment} in ${whole}`).not.toContain(fragment);
  expect(serverOf(answer)).toBe('Synapse');
}

describe('a caller the policy did not admit learns nothing of the version', () => {
  it('from any refusal, preflight, /health, 404 or 405, through every event format', async () => {
    const instance = await coldStart(GOOD);
    const answers: [string, Answer, number][] = [];
    const note = async (name: string, event: unknown, status: number) => {
      answers.push([name, await ask(instance, event), status]);
    };
    await note('no token', read(), 401);
    await note('a wrong token', read('Bearer svt_wrong'), 401);
    await note('HEAD, no token', loadEvent('http-api-head'), 401);
    await note('payload 1.0, no token', loadEvent('rest-api-get'), 401);
    await note('ALB, no token', loadEvent('alb-get'), 401);
    await note('ALB multi-value, no token', loadEvent('alb-multi-value-get'), 401);
    await note('a preflight', loadEvent('http-api-preflight'), 204);
    await note('/health', loadEvent('http-api-health'), 200);
    await note('a trailing slash', loadEvent('http-api-trailing-slash'), 404);
    await note('a POST', loadEvent('http-api-post'), 405);
    for (const [name, answer, status] of answers) {
      expect(answer.statusCode, name).toBe(status);
      expectNothingOfTheVersion(answer);
    }
  });

  it('from a networks-only policy (403), an unreadable one (503), and an unusable setting (500)', async () => {
    const networks = await coldStart(value({ source_cidrs: ['203.0.113.0/24'] }));
    const forbidden = await ask(networks, read(`Bearer ${TOKEN}`));
    expect(forbidden.statusCode).toBe(403);
    expectNothingOfTheVersion(forbidden);

    const unreadable = await coldStart(DENIED);
    const unavailable = await ask(unreadable, read(`Bearer ${TOKEN}`, '203.0.113.5'));
    expect(unavailable.statusCode).toBe(503);
    expectNothingOfTheVersion(unavailable);

    const misconfigured = await coldStart(GOOD, { ACCESS_POLICY_TTL_SECONDS: 'ten' });
    for (const event of [read(`Bearer ${TOKEN}`), loadEvent('http-api-health')]) {
      const broken = await ask(misconfigured, event);
      expect(broken.statusCode).toBe(500);
      expectNothingOfTheVersion(broken);
    }
  });

  it("while an admitted read gets Synapse's whole answer, version included", async () => {
    const instance = await coldStart(GOOD);
    for (const event of [read(`Bearer ${TOKEN}`), read(undefined, '203.0.113.5')]) {
      const admitted = await ask(instance, event);
      expect(admitted.statusCode).toBe(200);
      expect(serverOf(admitted)).toBe(`Synapse/${VERSION}`);
      expect(JSON.parse(admitted.body).server_version).toBe(VERSION);
    }
  });

  it('an event of no known shape gets no version: the invocation fails, naming the formats', async () => {
    // Once a direct invocation got the document; but a REST API non-proxy integration
    // passes the request body as the event, and the function cannot tell the two apart.
    const instance = await coldStart(GOOD);
    const shapes = [
      {},
      { httpMethodx: 'GET', server_version: 1 },
      { version: '2.0', path: VERSION_PATH, method: 'GET', requestContext: { identity: {} } },
      { raw_path: VERSION_PATH, method: 'GET', headers: {} },
      { requestContext: { routeKey: '$default', eventType: 'MESSAGE', connectionId: 'c' } },
    ];
    for (const shape of shapes) {
      const failed = (await instance.ask(shape)) as Record<string, unknown>;
      expect(failed.errorMessage).toMatch(
        /^not an HTTP event this function answers: .* function URL events are answered$/,
      );
      // The message alone: no stack, no file, nothing of the version.
      expect(failed.stackTrace).toEqual([`Error: ${failed.errorMessage}`]);
      for (const fragment of FRAGMENTS) expect(JSON.stringify(failed)).not.toContain(fragment);
    }
  });

  it('an open bundle still answers a direct invocation with the document', async () => {
    const open = await startBundle(root, { ACCESS_POLICY_PARAMETER: '' });
    instances.push(open);
    expect(await open.ask({})).toEqual({
      server_version: VERSION,
      python_version: process.versions.node,
    });
  });
});

describe("Synapse's token rules, through every event format", () => {
  const MISSING = (error: string) => JSON.stringify({ errcode: 'M_MISSING_TOKEN', error });
  const UNKNOWN = JSON.stringify({
    errcode: 'M_UNKNOWN_TOKEN',
    error: 'Invalid access token passed.',
    soft_logout: false,
  });
  const withQuery = (format: string, query: Record<string, string[]>, authorization?: string) => {
    const event = loadEvent(format) as Record<string, unknown> & {
      headers?: Record<string, string>;
    };
    const pairs = Object.entries(query).flatMap(([k, vs]) =>
      vs.map((v): [string, string] => [k, v]),
    );
    const headers: Record<string, string> = authorization ? { authorization } : {};
    switch (format) {
      case 'http-api-get':
      case 'function-url-get':
        event.rawQueryString = new URLSearchParams(pairs).toString();
        event.headers = { ...event.headers, ...headers };
        break;
      case 'rest-api-get':
        event.queryStringParameters = Object.fromEntries(pairs);
        event.multiValueQueryStringParameters = query;
        event.headers = { ...event.headers, ...headers };
        event.multiValueHeaders = Object.fromEntries(
          Object.entries(headers).map(([k, v]) => [k, [v]]),
        );
        break;
      case 'alb-get':
        // As sent, percent-encoded: the load balancer decodes nothing.
        event.queryStringParameters = Object.fromEntries(
          pairs.map(([k, v]) => [k, encodeURIComponent(v as string)]),
        );
        event.headers = { ...event.headers, ...headers };
        break;
      case 'alb-multi-value-get':
        event.multiValueQueryStringParameters = Object.fromEntries(
          Object.entries(query).map(([k, vs]) => [k, vs.map(encodeURIComponent)]),
        );
        event.multiValueHeaders = {
          ...(event.multiValueHeaders as object),
          ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        };
        break;
    }
    return event;
  };
  const FORMATS = [
    'http-api-get',
    'function-url-get',
    'rest-api-get',
    'alb-get',
    'alb-multi-value-get',
  ];

  it.each(FORMATS)('%s: the access_token parameter, or the header, never both', async (format) => {
    const instance = await coldStart(value({ tokens_sha256: [DIGEST] }));
    const lastOnly = format === 'alb-get';
    const cases: [Record<string, string[]>, string | undefined, number, string | undefined][] = [
      [{ access_token: [TOKEN] }, undefined, 200, undefined],
      // Synapse reads the first value. An ALB without multi-value headers passes only the
      // last value of a repeated parameter (docs/access-policy.md says so): that one counts.
      [{ access_token: [TOKEN, 'second'] }, undefined, lastOnly ? 401 : 200, undefined],
      [{ access_token: ['first', TOKEN] }, undefined, lastOnly ? 200 : 401, undefined],
      [{ access_token: [''] }, undefined, 401, UNKNOWN],
      [
        { access_token: [TOKEN] },
        `Bearer ${TOKEN}`,
        401,
        MISSING('Mixing Authorization headers and access_token query parameters.'),
      ],
      [
        { access_token: [''] },
        `Bearer ${TOKEN}`,
        401,
        MISSING('Mixing Authorization headers and access_token query parameters.'),
      ],
      [{}, `bearer ${TOKEN}`, 401, MISSING('Invalid Authorization header.')],
      [{}, `Bearer ${TOKEN}, Bearer x`, 401, MISSING('Invalid Authorization header.')],
      [{}, 'Bearer ', 401, UNKNOWN],
      [{}, undefined, 401, MISSING('Missing access token')],
      [{ x: ['1'] }, `Bearer ${TOKEN}`, 200, undefined],
    ];
    for (const [query, authorization, status, body] of cases) {
      const answer = await ask(instance, withQuery(format, query, authorization));
      const name = `${JSON.stringify(query)} ${authorization}`;
      expect(answer.statusCode, name).toBe(status);
      if (body !== undefined) {
        expect(answer.body, name).toBe(body);
        expectNothingOfTheVersion(answer);
      }
    }
  });

  it('two Authorization values, as an ALB with multi-value headers passes them: too many', async () => {
    const instance = await coldStart(value({ tokens_sha256: [DIGEST] }));
    const event = loadEvent('alb-multi-value-get') as Record<string, unknown>;
    event.multiValueHeaders = { authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] };
    const answer = await ask(instance, event);
    expect(answer.statusCode).toBe(401);
    expect(answer.body).toBe(MISSING('Too many Authorization headers.'));
  });
});

describe('a web page inside an admitted network', () => {
  const fromPage = (origin: string | undefined, authorization?: string, head = false) => {
    const event = read(authorization, '203.0.113.5') as { headers: Record<string, string> };
    if (origin !== undefined) event.headers.origin = origin;
    if (head)
      (
        event as unknown as { requestContext: { http: { method: string } } }
      ).requestContext.http.method = 'HEAD';
    return event;
  };

  it('is not admitted by the address the browser lends it, GET or HEAD, whatever its origin', async () => {
    const networks = await coldStart(value({ source_cidrs: ['203.0.113.0/24'] }));
    const both = await coldStart(GOOD);
    for (const origin of ['https://evil.example', 'null', 'https://admin.example.org']) {
      for (const head of [false, true]) {
        const forbidden = await ask(networks, fromPage(origin, undefined, head));
        expect(forbidden.statusCode).toBe(403);
        expectNothingOfTheVersion(forbidden);
        const missing = await ask(both, fromPage(origin, undefined, head));
        expect(missing.statusCode).toBe(401);
        expectNothingOfTheVersion(missing);
      }
    }
    // Control: the same request without Origin, as curl or a probe sends it.
    expect((await ask(networks, fromPage(undefined))).statusCode).toBe(200);
    // A token admits a page from anywhere.
    expect((await ask(both, fromPage('https://evil.example', `Bearer ${TOKEN}`))).statusCode).toBe(
      200,
    );
  });

  it('is admitted by the network when the policy lists its origin, and no other page is', async () => {
    const instance = await coldStart(
      value({ source_cidrs: ['203.0.113.0/24'], page_origins: ['https://admin.example.org'] }),
    );
    const listed = await ask(instance, fromPage('https://admin.example.org'));
    expect(listed.statusCode).toBe(200);
    expect(JSON.parse(listed.body).server_version).toBe(VERSION);
    const other = await ask(instance, fromPage('https://admin.example.org.evil.example'));
    expect(other.statusCode).toBe(403);
    expectNothingOfTheVersion(other);
  });
});

describe('a policy without rules admits nobody', () => {
  it.each([
    {},
    { tokens_sha256: [] },
    { tokens_sha256: null },
    { source_cidrs: [] },
    { tokens_sha256: [], source_cidrs: [] },
  ])('%j: 401 with or without the token that was listed', async (policy) => {
    const instance = await coldStart(value(policy));
    expect((await ask(instance, read())).statusCode).toBe(401);
    expect((await ask(instance, read(`Bearer ${TOKEN}`, '203.0.113.5'))).statusCode).toBe(401);
    expect((await ask(instance, read(undefined, '2001:db8::1'))).statusCode).toBe(401);
  });

  it('revokes in place: emptying the list of a warm instance locks everyone out within the TTL', async () => {
    const instance = await coldStart(value({ tokens_sha256: [DIGEST] }));
    expect((await ask(instance, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(value({ tokens_sha256: [] }));
    await sleep(TTL_SECONDS * 1_000 + 100);
    const revoked = await ask(instance, read(`Bearer ${TOKEN}`));
    expect(revoked.statusCode).toBe(401);
    expect(JSON.parse(revoked.body).errcode).toBe('M_UNKNOWN_TOKEN');
  });
});

describe('a warm instance answers what a cold start would once the TTL has passed', () => {
  it.each([
    ['the parameter deleted', NOT_FOUND],
    ['read permission removed', DENIED],
    ['a value that is not JSON', { kind: 'value', value: '{"tokens_sha256":' } as const],
    ['a value that does not validate', value({ tokens_sha256: ['not-a-digest'] })],
    [
      'a key given twice, a revocation written first',
      { kind: 'value', value: `{"tokens_sha256":[],"tokens_sha256":["${DIGEST}"]}` } as const,
    ],
    ['a network with host bits set', value({ source_cidrs: ['198.51.100.99/24'] })],
    ['an IPv6 zone id', value({ source_cidrs: ['fe80::1%eth0'], tokens_sha256: [DIGEST] })],
    ['a prefix with a leading zero', value({ source_cidrs: ['10.0.0.0/08'] })],
    ['a StringList', { kind: 'value', value: GOOD_VALUE, type: 'StringList' } as const],
    ['an IPv4-mapped network', value({ source_cidrs: ['::ffff:0:0/96'] })],
    ['the digest of an empty token', value({ tokens_sha256: [DIGEST, EMPTY_DIGEST] })],
    ['an answer SSM never sends', { kind: 'malformed', body: `<html>${DIGEST}` } as const],
  ])('%s: 503, never the last good policy', async (_name, fault) => {
    const warm = await coldStart(GOOD);
    expect((await ask(warm, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(fault);
    await sleep(TTL_SECONDS * 1_000 + 100);
    const fromWarm = await ask(warm, read(`Bearer ${TOKEN}`));
    const fromCold = await ask(await coldStart(fault), read(`Bearer ${TOKEN}`));
    expect(fromWarm.statusCode).toBe(503);
    expect(fromWarm).toEqual(fromCold);
    expect(warm.log()).toContain(`${REFRESH_FAILING}: `);
  });

  it('throttling keeps the last good policy only within ACCESS_POLICY_MAX_STALE_SECONDS', async () => {
    const warm = await coldStart(GOOD, { ACCESS_POLICY_MAX_STALE_SECONDS: '3' });
    expect((await ask(warm, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    ssm.behave(THROTTLED);
    await sleep(TTL_SECONDS * 1_000 + 100);
    expect((await ask(warm, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    await sleep(3_000);
    const past = await ask(warm, read(`Bearer ${TOKEN}`));
    expect(past.statusCode).toBe(503);
    expectNothingOfTheVersion(past);
    // One line per failed read, each saying what it did, none carrying the value.
    const failures = warm
      .log()
      .split('\n')
      .filter((line) => line.includes(REFRESH_FAILING));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]).toMatch(/ThrottlingException.*; transient; keeping the last good policy/);
    expect(failures.at(-1)).toMatch(/; transient; refusing reads \(503\) until a read succeeds/);
  });
});

describe('source networks', () => {
  it.each(['::/0', '::/64', '::/80', '::/96'])(
    '%s admits no IPv4 caller, and IPv6 callers by their own rule',
    async (cidr) => {
      const instance = await coldStart(value({ source_cidrs: [cidr] }));
      for (const sourceIp of ['203.0.113.9', '198.51.100.1', '::ffff:203.0.113.9']) {
        expect((await ask(instance, read(undefined, sourceIp))).statusCode, sourceIp).toBe(403);
      }
      if (cidr === '::/0')
        expect((await ask(instance, read(undefined, '2001:db8::1'))).statusCode).toBe(200);
    },
  );
});

describe('digests', () => {
  it('admit a token listed by an upper-case digest, as PowerShell prints it', async () => {
    const instance = await coldStart(value({ tokens_sha256: [DIGEST.toUpperCase()] }));
    expect((await ask(instance, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    expect((await ask(instance, read('Bearer svt_other'))).statusCode).toBe(401);
  });
});

describe('what a policy says, read as written', () => {
  it('a value after a byte-order mark is the policy it spells', async () => {
    const instance = await coldStart({ kind: 'value', value: `\uFEFF${GOOD_VALUE}` });
    expect((await ask(instance, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
  });

  it('a refused policy is logged by the position of the fault, never its content', async () => {
    // A token pasted where a key belongs: the log must not carry it.
    const instance = await coldStart({
      kind: 'value',
      value: `{"source_cidrs":[],"${TOKEN}":[]}`,
    });
    expect((await ask(instance, read(`Bearer ${TOKEN}`))).statusCode).toBe(503);
    const failures = instance
      .log()
      .split('\n')
      .filter((line) => line.includes(REFRESH_FAILING));
    expect(failures).toEqual([
      `${REFRESH_FAILING}: PolicyError: key 2 of the object is unknown (known: tokens_sha256, source_cidrs, page_origins); definitive; refusing reads (503) until a read succeeds`,
    ]);
  });

  it("SSM's refusals are logged by name and status, not by SSM's message", async () => {
    const instance = await coldStart(DENIED);
    expect((await ask(instance, read())).statusCode).toBe(503);
    expect(instance.log()).toContain(
      `${REFRESH_FAILING}: AccessDeniedException (HTTP 400); definitive;`,
    );
    expect(instance.log()).not.toContain('(injected)');
  });
});

describe('policy code that does not load', () => {
  it('answers Synapse 500 without Retry-After, logs why, and loads it on a later request', async () => {
    // A package of its own, whose chunks (the policy code and the SDK) go missing.
    const copy = mkdtempSync(join(tmpdir(), 'synapse-version-chunks-'));
    try {
      cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
      renameSync(join(copy, 'dist/chunks'), join(copy, 'chunks-aside'));
      const instance = await coldStart(GOOD, {}, copy);
      for (const event of [read(`Bearer ${TOKEN}`), loadEvent('http-api-health')]) {
        const answer = await ask(instance, event);
        expect(answer.statusCode).toBe(500);
        expect(answer.body).toBe('{"errcode":"M_UNKNOWN","error":"Internal server error"}');
        expect(answer.headers).not.toHaveProperty('Retry-After');
        expectNothingOfTheVersion(answer);
      }
      expect(instance.log()).toContain('loading the access-policy code failed');
      renameSync(join(copy, 'chunks-aside'), join(copy, 'dist/chunks'));
      await sleep(POLICY_RETRY_SECONDS * 1_000 + 100);
      expect((await ask(instance, read(`Bearer ${TOKEN}`))).statusCode).toBe(200);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
