import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  synapseHealthHeaders,
  synapseJsonHeaders,
  synapsePreflightHeaders,
} from '../../scripts/synapse-reference.ts';
import { TEST_SERVER_VERSION } from '../build-info-for-tests.ts';
import { expectWellFormed } from './answer-invariants.ts';
import { EVENT_KINDS } from './event-arbitraries.ts';
import { type Expected, expectedFor } from './event-oracle.ts';

type Handler = (event: unknown) => Promise<unknown>;

// Every header value Synapse sends, from the reference (plus the 503's Retry-After and
// the preflight's Content-Length), so that nothing echoed from a request can pass. With a
// policy, the version is allowed only in an admitted read's answer: everyone else gets
// the bare `Server: Synapse`.
const headerValues = (version?: string) => [
  ...Object.values(synapseJsonHeaders(version)),
  ...Object.values(synapsePreflightHeaders(version)),
  ...Object.values(synapseHealthHeaders(version)),
  '5',
  '0',
];
const ALLOWED_HEADER_VALUES = new Set(headerValues(TEST_SERVER_VERSION));
const STRANGER_HEADER_VALUES = new Set(headerValues());
const DOCUMENT = { server_version: TEST_SERVER_VERSION, python_version: process.versions.node };
// 2,500 events of each kind in open mode and 1,000 with a policy: 17,500 a run.
const RUNS_PER_KIND = { open: 2_500, policy: 1_000 };

async function loadHandler(env: Record<string, string>): Promise<Handler> {
  vi.unstubAllEnvs();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return (await import('../../handler/index.ts')).handler;
}

async function checkEvent(
  handler: Handler,
  event: unknown,
  statuses: ReadonlySet<number>,
  locked = false,
): Promise<{ expected: Expected; statusCode: number | undefined }> {
  const expected = expectedFor(event);
  if (expected.kind === 'direct') {
    // Open, the document (anyone may read it); locked, no version to a shape it cannot
    // tell from a request body passed on by an integration wired to it by mistake.
    if (locked) await expect(handler(event)).rejects.toThrow(/^not an HTTP event/);
    else expect(await handler(event)).toEqual(DOCUMENT);
    return { expected, statusCode: undefined };
  }
  const result = await handler(event);
  const admitted = (result as { statusCode?: unknown }).statusCode === 200 && expected.versionRead;
  const allowed = locked && !admitted ? STRANGER_HEADER_VALUES : ALLOWED_HEADER_VALUES;
  expectWellFormed(result, expected.method, allowed, statuses);
  const shaped = result as Record<string, unknown>;
  if (expected.multiValue) expect(shaped).not.toHaveProperty('headers');
  else expect(shaped).not.toHaveProperty('multiValueHeaders');
  return { expected, statusCode: shaped.statusCode as number };
}

describe('generated events, open mode', () => {
  const statuses = new Set([200, 204, 404, 405]);

  it.each(Object.entries(EVENT_KINDS))('%s: never throws, answers as Synapse', async (_k, arb) => {
    const handler = await loadHandler({});
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(arb, async (event) => {
        runs++;
        const { expected, statusCode } = await checkEvent(handler, event, statuses);
        if (expected.kind === 'http') expect(statusCode).toBe(expected.openStatus);
      }),
      { numRuns: RUNS_PER_KIND.open },
    );
    expect(runs).toBe(RUNS_PER_KIND.open);
  });
});

describe('generated events, with an access policy', () => {
  const ssm = mockClient(SSMClient);
  const digest = createHash('sha256').update('a-token-nobody-generates').digest('hex');
  const statuses = new Set([200, 204, 401, 404, 405]);
  afterAll(() => {
    ssm.restore();
    vi.unstubAllEnvs();
  });
  const policyHandler = async () => {
    ssm.on(GetParameterCommand).resolves({
      Parameter: {
        Type: 'SecureString',
        Value: JSON.stringify({ tokens_sha256: [digest], source_cidrs: ['192.0.2.0/24'] }),
      },
    });
    return loadHandler({ ACCESS_POLICY_PARAMETER: '/generated/policy' });
  };

  it.each(Object.entries(EVENT_KINDS))('%s: never throws, never admits', async (_k, arb) => {
    const handler = await policyHandler();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(arb, async (event) => {
        runs++;
        const { expected, statusCode } = await checkEvent(handler, event, statuses, true);
        if (expected.kind !== 'http') return;
        if (!expected.versionRead) {
          expect(statusCode).toBe(expected.openStatus);
          return;
        }
        // Generated tokens are never listed: a version read is admitted only from the
        // listed network, as the gateway reported the address (an IPv4-mapped IPv6 address
        // is the same host as its IPv4 form).
        const v4 = expected.sourceIp?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
        const listed = v4 !== undefined && isIPv4(v4) && v4.startsWith('192.0.2.');
        // A web page (an Origin header) is never admitted by its address.
        expect(statusCode).toBe(listed && !expected.fromPage ? 200 : 401);
      }),
      { numRuns: RUNS_PER_KIND.policy },
    );
    expect(runs).toBe(RUNS_PER_KIND.policy);
  });

  it('admits a read from the listed network (control of the property above)', async () => {
    const handler = await policyHandler();
    const event = {
      version: '2.0',
      rawPath: '/_synapse/admin/v1/server_version',
      requestContext: { http: { method: 'GET', sourceIp: '192.0.2.7' } },
    };
    expect(((await handler(event)) as { statusCode: number }).statusCode).toBe(200);
  });
});
