import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { POLICY_RETRY_SECONDS } from '../../handler/access-settings.ts';
import { readCaller, readEvent } from '../../handler/front-doors.ts';
import { isVersionRead } from '../../handler/responder.ts';
import { healthHeaders, jsonHeaders, preflightHeaders } from '../../handler/synapse-headers.ts';
import { TEST_SERVER_VERSION } from '../baked-for-tests.ts';
import { expectWellFormed } from './answer-invariants.ts';
import { EVENT_KINDS } from './event-arbitraries.ts';

type Handler = (event: unknown) => Promise<unknown>;

const SERVER = `Synapse/${TEST_SERVER_VERSION}`;
const ALLOWED_HEADER_VALUES = new Set([
  ...Object.values(jsonHeaders(SERVER)),
  ...Object.values(preflightHeaders(SERVER)),
  ...Object.values(healthHeaders(SERVER)),
  String(POLICY_RETRY_SECONDS),
]);
const DOCUMENT = { server_version: TEST_SERVER_VERSION, python_version: process.versions.node };
const RUNS_PER_KIND = { open: 2_500, policy: 1_000 };
const generated = { open: 0, policy: 0 };

afterAll(() => {
  // The figure the README reports; fewer would mean a kind silently stopped running.
  expect(generated.open + generated.policy).toBeGreaterThanOrEqual(10_000);
});

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
): Promise<unknown> {
  const arrival = readEvent(event);
  const result = await handler(event);
  if (arrival === undefined) {
    expect(result).toEqual(DOCUMENT);
    return result;
  }
  expectWellFormed(result, arrival.method, ALLOWED_HEADER_VALUES, statuses);
  const shaped = result as Record<string, unknown>;
  if (arrival.door === 'alb-multi-value') expect(shaped).not.toHaveProperty('headers');
  else expect(shaped).not.toHaveProperty('multiValueHeaders');
  return result;
}

describe('generated events, open mode', () => {
  const statuses = new Set([200, 204, 404, 405]);

  it.each(Object.entries(EVENT_KINDS))('%s: never throws, always well formed', async (_k, arb) => {
    const handler = await loadHandler({});
    await fc.assert(
      fc.asyncProperty(arb, async (event) => {
        generated.open++;
        await checkEvent(handler, event, statuses);
      }),
      { numRuns: RUNS_PER_KIND.open },
    );
  });
});

describe('generated events, with an access policy', () => {
  const ssm = mockClient(SSMClient);
  const digest = createHash('sha256').update('a-token-nobody-generates').digest('hex');
  const statuses = new Set([200, 204, 401, 403, 404, 405]);
  let admittedFromNetwork = 0;
  afterAll(() => {
    ssm.restore();
    vi.unstubAllEnvs();
    // The allow path was exercised too, not only refusals.
    expect(admittedFromNetwork).toBeGreaterThan(0);
  });

  it.each(Object.entries(EVENT_KINDS))('%s: never throws, never admits', async (_k, arb) => {
    ssm.on(GetParameterCommand).resolves({
      Parameter: {
        Value: JSON.stringify({ tokens_sha256: [digest], source_cidrs: ['192.0.2.0/24'] }),
      },
    });
    const handler = await loadHandler({ ACCESS_POLICY_PARAMETER: '/generated/policy' });
    await fc.assert(
      fc.asyncProperty(arb, async (event) => {
        generated.policy++;
        const result = (await checkEvent(handler, event, statuses)) as { statusCode?: number };
        // Generated tokens are never listed: a version read is admitted only from the
        // listed network, as the gateway reported the address.
        const arrival = readEvent(event);
        if (arrival && isVersionRead(arrival)) {
          const { sourceIp } = readCaller(arrival);
          // An IPv4-mapped IPv6 address is the same host as its IPv4 form.
          const v4 = sourceIp?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
          const listed = v4 !== undefined && isIPv4(v4) && v4.startsWith('192.0.2.');
          if (!listed) expect(result.statusCode).not.toBe(200);
          else admittedFromNetwork++;
        }
      }),
      { numRuns: RUNS_PER_KIND.policy },
    );
  });
});
