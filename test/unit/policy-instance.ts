// The handler with an access policy, cold-started in this process against a loopback SSM
// endpoint through the real AWS SDK: what the three access-policy*.test.ts files share
// (three files, so that their waits on the TTL overlap).
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
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

export type Handler = (event: unknown) => Promise<unknown>;
export type Result = APIGatewayProxyStructuredResultV2 & {
  headers: Record<string, string>;
  body: string;
};

export const TOKEN = 'svt_integration-token-aZ09_-aZ09_-aZ09_-aZ09_-aZ09';
export const DIGEST = createHash('sha256').update(TOKEN).digest('hex');
// Each cold start reads a parameter of its own name, so that a read still in flight from
// an earlier instance is never counted against a later one.
let coldStarts = 0;
export let parameter = '';
export const readsOfThisInstance = () => ssm.calls.filter((call) => call.name === parameter);
export const GOOD: SsmBehaviour = {
  kind: 'value',
  value: JSON.stringify({ tokens_sha256: [DIGEST], source_cidrs: ['203.0.113.0/24'] }),
};
export const TTL_SECONDS = 1;
export const MAX_STALE_SECONDS = 3;

export let ssm: SsmEndpoint;
export let warnings: string[];

/** The loopback SSM endpoint for the calling test file, and its checks after each test. */
export function useSsmEndpoint(): void {
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
}

/**
 * A cold start: the handler module evaluated afresh with a policy configured. The import
 * resolves when Lambda's init would end: after the first read of the policy.
 */
/** `maxStaleSeconds` 'unset' leaves ACCESS_POLICY_MAX_STALE_SECONDS unset, to its default. */
export async function coldStart(
  behaviour: SsmBehaviour,
  maxStaleSeconds: number | 'unset' = 600,
): Promise<Handler> {
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
  vi.stubEnv(
    'ACCESS_POLICY_MAX_STALE_SECONDS',
    maxStaleSeconds === 'unset' ? undefined : String(maxStaleSeconds),
  );
  vi.resetModules();
  return (await import('../../handler/index.ts')).handler;
}

export function versionRead(
  authorization?: string,
  sourceIp = '192.0.2.10',
): APIGatewayProxyEventV2 {
  const event = loadEvent('http-api-get') as unknown as APIGatewayProxyEventV2;
  if (authorization !== undefined) event.headers.authorization = authorization;
  event.requestContext.http.sourceIp = sourceIp;
  return event;
}

export const ask = async (handler: Handler, event: unknown): Promise<Result> =>
  (await handler(event)) as Result;

// SSM's faults: those a refresh rides out on the last good policy, and its definitive answers.
export const TRANSIENT: [string, SsmBehaviour][] = [
  ['throttling', THROTTLED],
  ['a 5xx', SERVER_ERROR],
  ['an endpoint that never answers', { kind: 'hang' }],
];
export const DEFINITIVE: [string, SsmBehaviour][] = [
  ['parameter not found', NOT_FOUND],
  ['access denied', DENIED],
  ['a value that is not JSON', { kind: 'value', value: 'tokens: [abc]' }],
  ['a value that does not validate', { kind: 'value', value: '{"token_sha256":[]}' }],
];
// A policy that admits the token from another network, to see recovery take effect.
export const OTHER_NETWORK: SsmBehaviour = {
  kind: 'value',
  value: JSON.stringify({ source_cidrs: ['198.51.100.0/24'] }),
};
