import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { synapseJsonHeaders } from '../../scripts/synapse-reference.ts';
import { TEST_SERVER_VERSION } from '../build-info-for-tests.ts';
import { loadEvent } from '../fixtures.ts';

// The handler as Lambda loads it, with a setting it cannot use: the init succeeds, nothing
// is served, the log names the variable once, and callers get Synapse's 500. A lock was
// asked for, so no answer carries the version: `Server: Synapse` alone.
const SERVER_ERROR = '{"errcode":"M_UNKNOWN","error":"Internal server error"}';
const headersByLowerName = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

let logged: string[];

async function loadWith(env: Record<string, string>) {
  logged = [];
  vi.spyOn(console, 'error').mockImplementation((...args) => {
    logged.push(inspect(args));
  });
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return (await import('../../handler/index.ts')).handler;
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe.each([
  [
    { ACCESS_POLICY_PARAMETER: '/p', ACCESS_POLICY_TTL_SECONDS: 'ten' },
    'ACCESS_POLICY_TTL_SECONDS',
  ],
  [{ ACCESS_POLICY_PARAMETER: 'synapse-policy' }, 'ACCESS_POLICY_PARAMETER'],
  [{ ACCESS_POLICY_PARAMETER: ' /synapse/policy' }, 'ACCESS_POLICY_PARAMETER'],
  [
    { ACCESS_POLICY_PARAMETER: '/p', ACCESS_POLICY_MAX_STALE_SECONDS: '-1' },
    'ACCESS_POLICY_MAX_STALE_SECONDS',
  ],
])('with %j', (env, variable) => {
  it('says what is wrong once, at init, naming the variable, and never loads policy code', async () => {
    const handler = await loadWith(env);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`${variable} must be`);
    await handler(loadEvent('http-api-get'));
    // Past any retry interval too: nothing to load, nothing more to say.
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 60_000);
    await handler(loadEvent('http-api-get'));
    expect(logged).toHaveLength(1);
  });

  it.each(['http-api-get', 'http-api-head', 'http-api-health', 'http-api-post', 'rest-api-get'])(
    'answers %s with Synapse’s 500, never the version, never a stack',
    async (name) => {
      const handler = await loadWith(env);
      const result = (await handler(loadEvent(name))) as {
        statusCode: number;
        headers: Record<string, string>;
        body: string;
      };
      expect(result.statusCode).toBe(500);
      expect(headersByLowerName(result.headers)).toEqual(synapseJsonHeaders());
      expect(JSON.stringify(result)).not.toContain(TEST_SERVER_VERSION);
      expect(result.body).toBe(name.endsWith('head') ? '' : SERVER_ERROR);
    },
  );

  it('still answers preflights, so that a browser can read the 500', async () => {
    const handler = await loadWith(env);
    const result = (await handler(loadEvent('http-api-preflight'))) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    expect(result.statusCode).toBe(204);
    expect(result.headers.Server).toBe('Synapse');
  });

  it('fails a direct invocation with the problem, not the document', async () => {
    const handler = await loadWith(env);
    await expect(handler(loadEvent('direct-invoke'))).rejects.toThrow(`${variable} must be`);
  });
});
