// Retries with a budget per read: a warm instance retries as its cold start did.
import { RETRY_MODES, StandardRetryStrategy } from '@smithy/core/retry';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RetriesPerRead } from '../../handler/access/read-retries.ts';
import {
  SERVER_ERROR,
  type SsmEndpoint,
  ssmEnvironment,
  startSsmEndpoint,
} from '../../harness/ssm-endpoint.ts';

type Strategy = Pick<
  StandardRetryStrategy,
  'acquireInitialRetryToken' | 'refreshRetryTokenForRetry' | 'recordSuccess'
>;

/** One read whose first attempt fails with a 5xx (TRANSIENT, as the SDK classes it): does the strategy grant its retry? */
async function retryGranted(strategy: Strategy): Promise<boolean> {
  const token = await strategy.acquireInitialRetryToken('ssm');
  const granted = strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' }).then(
    () => true,
    () => false,
  );
  await vi.runAllTimersAsync();
  return granted;
}

describe('RetriesPerRead', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants every read its retry, however many reads failed before', async () => {
    vi.useFakeTimers();
    const strategy = new RetriesPerRead(2);
    const granted: boolean[] = [];
    for (let read = 0; read < 60; read++) granted.push(await retryGranted(strategy));
    expect(granted.every(Boolean)).toBe(true);
  });

  it("is needed: the SDK's own strategy, kept across reads, stops granting them", async () => {
    vi.useFakeTimers();
    const shared = new StandardRetryStrategy(2);
    const granted: boolean[] = [];
    for (let read = 0; read < 60; read++) granted.push(await retryGranted(shared));
    expect(granted[0]).toBe(true);
    expect(granted.at(-1)).toBe(false);
  });

  it('grants no more attempts in a read than it was given', async () => {
    vi.useFakeTimers();
    const strategy = new RetriesPerRead(2);
    const token = await strategy.acquireInitialRetryToken('ssm');
    const retry = strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' });
    await vi.runAllTimersAsync();
    const second = strategy.refreshRetryTokenForRetry(await retry, { errorType: 'TRANSIENT' });
    const refused = expect(second).rejects.toThrow('No retry token available');
    await vi.runAllTimersAsync();
    await refused;
  });

  it("is in the SDK's standard mode, which the User-Agent's features name", () => {
    expect(new RetriesPerRead(2).mode).toBe(RETRY_MODES.STANDARD);
    expect(new RetriesPerRead(2).mode).toBe(new StandardRetryStrategy(2).mode);
  });

  it('records the success of its own tokens and refuses tokens it did not give', async () => {
    const strategy = new RetriesPerRead(2);
    const token = await strategy.acquireInitialRetryToken('ssm');
    expect(() => strategy.recordSuccess(token)).not.toThrow();
    const stranger = await new StandardRetryStrategy(2).acquireInitialRetryToken('ssm');
    expect(() => strategy.recordSuccess(stranger)).toThrow(
      'a retry token this strategy did not give',
    );
    await expect(
      strategy.refreshRetryTokenForRetry(stranger, { errorType: 'TRANSIENT' }),
    ).rejects.toThrow('a retry token this strategy did not give');
  });
});

describe("the function's SSM client, after many failed reads", () => {
  let endpoint: SsmEndpoint;
  beforeAll(async () => {
    endpoint = await startSsmEndpoint(SERVER_ERROR);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await endpoint.close();
  });

  it('still retries, as a cold start would: a read whose first attempt fails succeeds', async () => {
    for (const [name, value] of Object.entries(ssmEnvironment(endpoint, '/p', undefined))) {
      vi.stubEnv(name, value);
    }
    vi.resetModules();
    const { readParameter } = await import('../../handler/access/ssm-parameter.ts');
    // 40 reads whose both attempts fail: more than the SDK's budget of 500 at 14 a retry.
    for (let read = 0; read < 40; read++) {
      await expect(readParameter('/p')).rejects.toMatchObject({ name: 'InternalServerError' });
    }
    endpoint.behave({
      kind: 'retried',
      first: SERVER_ERROR,
      retries: { kind: 'value', value: '{}' },
    });
    const calls = endpoint.calls.length;
    expect(await readParameter('/p')).toBe('{}');
    expect(endpoint.calls.length - calls).toBe(2);
  });
});
