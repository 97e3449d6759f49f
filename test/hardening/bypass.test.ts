import * as crypto from 'node:crypto';
import { inspect } from 'node:util';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadEvent } from '../fixtures.ts';

// Counts every digest the policy computes, to show oversized tokens are refused unhashed.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, createHash: vi.fn(original.createHash) };
});

type Handler = (event: unknown) => Promise<{ statusCode: number }>;
type Headers = Record<string, string | string[]>;
// biome-ignore lint/suspicious/noExplicitAny: fixtures are reshaped field by field
type Loose = Record<string, any>;

const TOKEN = 'svt_Zq3-8vLw_0pXnYt5KbMs2HcRd7JfAeG9uQoWi4lE1kT';
const DIGEST = crypto.createHash('sha256').update(TOKEN).digest('hex');
const INSIDE = '203.0.113.5';
const OUTSIDE = '198.51.100.9';
const ssm = mockClient(SSMClient);
const logged: string[] = [];
let handler: Handler;

beforeAll(async () => {
  ssm.on(GetParameterCommand).resolves({
    Parameter: {
      Type: 'SecureString',
      Value: JSON.stringify({ tokens_sha256: [DIGEST], source_cidrs: ['203.0.113.0/24'] }),
    },
  });
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args) => {
      logged.push(inspect(args, { depth: 6 }));
    });
  }
  vi.stubEnv('ACCESS_POLICY_PARAMETER', '/bypass/policy');
  vi.resetModules();
  handler = (await import('../../handler/index.ts')).handler as Handler;
});
afterAll(() => {
  ssm.restore();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A version read through each event format, with the given headers and source address. */
const formats: Record<string, (headers: Headers, sourceIp: string) => unknown> = {
  'payload 2.0': (headers, sourceIp) => {
    const event = loadEvent('http-api-get') as Loose;
    const single = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
    );
    event.headers = { ...event.headers, ...single };
    event.requestContext.http.sourceIp = sourceIp;
    return event;
  },
  'payload 1.0': (headers, sourceIp) => {
    const event = loadEvent('rest-api-get') as Loose;
    event.multiValueHeaders = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
    );
    event.headers = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.at(-1) : v]),
    );
    event.requestContext.identity.sourceIp = sourceIp;
    return event;
  },
  'ALB multi-value': (headers, sourceIp) => {
    const event = loadEvent('alb-multi-value-get') as Loose;
    event.multiValueHeaders = {
      'x-forwarded-for': [sourceIp],
      ...Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
      ),
    };
    return event;
  },
};

const ask = async (event: unknown) => (await handler(event)).statusCode;

describe('positive controls: the corpus is refused for its content, not wholesale', () => {
  it.each(Object.entries(formats))('%s admits the listed token', async (_format, build) => {
    expect(await ask(build({ authorization: `Bearer ${TOKEN}` }, OUTSIDE))).toBe(200);
    expect(await ask(build({ AUTHORIZATION: `Bearer ${TOKEN}` }, OUTSIDE))).toBe(200);
  });

  it('admits a source inside the network where the gateway reports one', async () => {
    expect(await ask(formats['payload 2.0']?.({}, INSIDE))).toBe(200);
    expect(await ask(formats['payload 1.0']?.({}, INSIDE))).toBe(200);
  });
});

const tooLong = 'a'.repeat(64 * 1024);
const HEADER_CORPUS: [string, Headers][] = [
  ['no header', {}],
  ['the token in X-Authorization', { 'x-authorization': `Bearer ${TOKEN}` }],
  ['the token in Proxy-Authorization', { 'proxy-authorization': `Bearer ${TOKEN}` }],
  ['a header name with a trailing space', { 'authorization ': `Bearer ${TOKEN}` }],
  ['lower-case scheme', { authorization: `bearer ${TOKEN}` }],
  ['upper-case scheme', { authorization: `BEARER ${TOKEN}` }],
  ['two spaces', { authorization: `Bearer  ${TOKEN}` }],
  ['a trailing space', { authorization: `Bearer ${TOKEN} ` }],
  ['a leading space', { authorization: ` Bearer ${TOKEN}` }],
  ['a tab', { authorization: `Bearer\t${TOKEN}` }],
  ['no scheme', { authorization: TOKEN }],
  ['Basic', { authorization: `Basic ${Buffer.from(`:${TOKEN}`).toString('base64')}` }],
  ['a comma-joined second value', { authorization: `Bearer ${TOKEN},Bearer wrong` }],
  ['a comma-joined first value', { authorization: `Bearer wrong, Bearer ${TOKEN}` }],
  ['a NUL after the token', { authorization: `Bearer ${TOKEN}\u0000` }],
  ['a character more', { authorization: `Bearer ${TOKEN}x` }],
  ['a character less', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ['full-width look-alikes', { authorization: `Bearer ${TOKEN.replace('s', '\uFF53')}` }],
  ['a zero-width space', { authorization: `Bearer \u200B${TOKEN}` }],
  ['the digest as the token', { authorization: `Bearer ${DIGEST}` }],
  ['the digest, upper case', { authorization: `Bearer ${DIGEST.toUpperCase()}` }],
  ['an empty token', { authorization: 'Bearer ' }],
  ['an empty header', { authorization: '' }],
  ['a 64 KB token', { authorization: `Bearer ${tooLong}` }],
  ['the token padded to 64 KB', { authorization: `Bearer ${TOKEN}${tooLong}` }],
  ['two values, listed first', { authorization: [`Bearer ${TOKEN}`, 'Bearer wrong'] }],
  ['two values, listed last', { authorization: ['Bearer wrong', `Bearer ${TOKEN}`] }],
  ['the listed token twice', { authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] }],
  [
    'two spellings of the name',
    { Authorization: 'Bearer wrong', authorization: `Bearer ${TOKEN}` },
  ],
  ['a spoofed X-Forwarded-For inside the network', { 'x-forwarded-for': INSIDE }],
  ['a spoofed X-Real-IP inside the network', { 'x-real-ip': INSIDE, forwarded: `for=${INSIDE}` }],
];

describe.each(Object.entries(formats))('bypass attempts through %s', (_format, build) => {
  it.each(HEADER_CORPUS)('%s: not admitted', async (_name, headers) => {
    // The policy lists tokens, so every refusal is Synapse's 401, never a 403.
    expect(await ask(build(headers, OUTSIDE))).toBe(401);
  });
});

describe('source addresses', () => {
  it.each<[string, Loose]>([
    ['a v1 field in a v2 event', { identity: { sourceIp: INSIDE } }],
    ['an address with a space', { http: { method: 'GET', sourceIp: `${INSIDE} ` } }],
    ['two addresses', { http: { method: 'GET', sourceIp: `${INSIDE}, ${OUTSIDE}` } }],
    ['leading zeros', { http: { method: 'GET', sourceIp: '203.000.113.005' } }],
    ['a host name', { http: { method: 'GET', sourceIp: 'inside.example' } }],
  ])('%s: not admitted', async (_name, context) => {
    const event = loadEvent('http-api-get') as Loose;
    event.requestContext = { ...context, http: { method: 'GET', ...context.http } };
    expect(await ask(event)).toBe(401);
  });

  it.each<[string, Headers]>([
    ['an Origin', { origin: 'https://evil.example' }],
    ['the opaque origin', { origin: 'null' }],
    ['an empty Origin', { origin: '' }],
    ['an Origin in capitals', { ORIGIN: 'https://evil.example' }],
    ['two Origins', { origin: ['https://a.example', 'https://b.example'] }],
  ])('a web page inside the network, with %s: not admitted by its address', async (_n, headers) => {
    expect(await ask(formats['payload 2.0']?.(headers, INSIDE))).toBe(401);
    expect(await ask(formats['payload 1.0']?.(headers, INSIDE))).toBe(401);
  });

  it('an ALB event claiming an address inside the network in X-Forwarded-For', async () => {
    expect(await ask(formats['ALB multi-value']?.({}, INSIDE))).toBe(401);
  });
});

describe('oversized tokens', () => {
  it('are refused before any hashing', async () => {
    const createHash = vi.mocked(crypto.createHash);
    await ask(formats['payload 2.0']?.({ authorization: `Bearer ${TOKEN}` }, OUTSIDE));
    createHash.mockClear();
    expect(
      await ask(formats['payload 2.0']?.({ authorization: `Bearer ${tooLong}` }, OUTSIDE)),
    ).toBe(401);
    expect(createHash).not.toHaveBeenCalled();
    await ask(formats['payload 2.0']?.({ authorization: 'Bearer short-wrong-token' }, OUTSIDE));
    expect(createHash).toHaveBeenCalledOnce();
  });
});

describe('logs', () => {
  it('carry no token, digest or Authorization value, even when the policy read fails', async () => {
    // A cold start whose policy read fails logs a warning, and each request after it is
    // refused: the paths that log, fed the whole corpus through every format.
    ssm.on(GetParameterCommand).rejects(new Error(`denied for ${'x'.repeat(10)}`));
    vi.resetModules();
    const failing = (await import('../../handler/index.ts')).handler as Handler;
    for (const build of Object.values(formats)) {
      for (const [, headers] of HEADER_CORPUS) {
        expect((await failing(build(headers, OUTSIDE))).statusCode).toBe(503);
      }
    }
    expect(logged.length).toBeGreaterThan(0);
    const all = logged.join('\n');
    expect(all).toContain('access policy refresh failing');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(DIGEST);
    expect(all).not.toMatch(/Bearer/i);
  });
});
