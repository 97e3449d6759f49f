import { describe, expect, it, vi } from 'vitest';
import { type AccessPolicy, parsePolicy } from '../../handler/access/policy.ts';
import { createPolicyCache, REFRESH_FAILING } from '../../handler/access/policy-cache.ts';
import { faultName } from '../../handler/access/ssm-parameter.ts';

const POLICY_A = parsePolicy('{"source_cidrs":["10.0.0.0/8"]}');
const POLICY_B = parsePolicy('{"source_cidrs":["192.0.2.0/24"]}');

/** A fault that says nothing about the policy, and one that is SSM's answer about it. */
// As the SDK throws them: SSM's message (which may quote what it was sent) and the status.
const sdkFault = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
const transient = () => sdkFault('ThrottlingException', 'Rate exceeded');
const definitive = () => sdkFault('ParameterNotFound', 'not there');

/** A cache on a clock the test moves, with a loader the test scripts call by call. */
function setUp(ttlMs = 300_000, retryMs = 5_000, maxStaleMs = 60_000) {
  let time = 1_000_000;
  const results: (AccessPolicy | Error)[] = [];
  const load = vi.fn(async () => {
    const next = results.shift();
    if (next === undefined) throw new Error('no scripted result');
    if (next instanceof Error) throw next;
    return next;
  });
  const warn = vi.fn();
  const current = createPolicyCache({
    load,
    isTransient: (error) => (error as Error).name === 'ThrottlingException',
    describe: faultName,
    ttlMs,
    retryMs,
    maxStaleMs,
    now: () => time,
    warn,
  });
  return {
    current,
    load,
    warn,
    results,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('createPolicyCache', () => {
  it('reads once and serves the policy until the TTL runs out', async () => {
    const { current, load, results, advance } = setUp();
    results.push(POLICY_A, POLICY_B);
    expect(await current()).toBe(POLICY_A);
    advance(299_999);
    expect(await current()).toBe(POLICY_A);
    expect(load).toHaveBeenCalledTimes(1);
    advance(1);
    expect(await current()).toBe(POLICY_B);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps one read in flight however many requests wait', async () => {
    const { current, load, results } = setUp();
    results.push(POLICY_A);
    const answers = await Promise.all(Array.from({ length: 50 }, () => current()));
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(answers)).toEqual(new Set([POLICY_A]));
  });

  it('keeps serving the last good policy through a transient fault, and says for how long', async () => {
    const { current, warn, results, advance } = setUp(300_000, 5_000, 60_000);
    results.push(POLICY_A, transient());
    await current();
    advance(300_000);
    expect(await current()).toBe(POLICY_A);
    expect(warn).toHaveBeenCalledExactlyOnceWith(
      `${REFRESH_FAILING}: ThrottlingException (HTTP 400); transient; keeping the last good policy for at most 60 s more`,
    );
  });

  it('drops the policy at once when the read says it is gone: a warm instance answers as a cold one', async () => {
    const { current, warn, results, advance } = setUp();
    results.push(POLICY_A, definitive());
    await current();
    advance(300_000);
    expect(await current()).toBeUndefined();
    expect(warn).toHaveBeenCalledExactlyOnceWith(
      `${REFRESH_FAILING}: ParameterNotFound (HTTP 400); definitive; refusing reads (503) until a read succeeds`,
    );
    // Between retries too: the dropped policy does not come back.
    advance(1_000);
    expect(await current()).toBeUndefined();
  });

  it('stops serving a stale policy once the staleness bound has passed', async () => {
    const { current, load, results, advance } = setUp(300_000, 5_000, 10_000);
    results.push(POLICY_A, transient(), transient(), transient());
    await current();
    advance(300_000);
    expect(await current()).toBe(POLICY_A);
    advance(5_000);
    expect(await current()).toBe(POLICY_A);
    // Within a retry interval, the bound still applies: at 9.999 s past the TTL, served.
    advance(4_999);
    expect(await current()).toBe(POLICY_A);
    expect(load).toHaveBeenCalledTimes(3);
    advance(1);
    expect(await current()).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('serves a stale policy not one moment past the bound, between retries', async () => {
    const { current, load, results, advance } = setUp(300_000, 5_000, 3_000);
    results.push(POLICY_A, transient());
    await current();
    advance(300_000);
    expect(await current()).toBe(POLICY_A);
    advance(2_999);
    expect(await current()).toBe(POLICY_A);
    advance(1);
    expect(await current()).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('with no staleness allowed, refuses as soon as a refresh fails', async () => {
    const { current, warn, results, advance } = setUp(300_000, 5_000, 0);
    results.push(POLICY_A, transient());
    await current();
    advance(300_000);
    expect(await current()).toBeUndefined();
    expect(warn.mock.calls[0]?.[0]).toMatch(/; transient; refusing reads \(503\)/);
  });

  it('has no policy at all when the first read fails, so the caller fails closed', async () => {
    const { current, warn, results } = setUp();
    results.push(transient());
    expect(await current()).toBeUndefined();
    expect(warn.mock.calls[0]?.[0]).toMatch(/refusing reads \(503\) until a read succeeds$/);
  });

  it('waits retryMs between failed reads, logging each failure once, then recovers', async () => {
    const { current, load, warn, results, advance } = setUp(300_000, 5_000);
    results.push(definitive(), POLICY_A);
    expect(await current()).toBeUndefined();
    advance(4_999);
    expect(await current()).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    advance(1);
    expect(await current()).toBe(POLICY_A);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not retry a failed refresh on every request while the stale policy serves', async () => {
    const { current, load, results, advance } = setUp(300_000, 5_000);
    results.push(POLICY_A, transient(), POLICY_B);
    await current();
    advance(300_000);
    await current();
    await current();
    expect(load).toHaveBeenCalledTimes(2);
    advance(5_000);
    expect(await current()).toBe(POLICY_B);
  });

  it('measures the staleness bound from the last good read, not from the first', async () => {
    const { current, results, advance } = setUp(300_000, 5_000, 10_000);
    results.push(POLICY_A, POLICY_B, transient());
    await current();
    advance(300_000);
    expect(await current()).toBe(POLICY_B);
    advance(300_000 + 9_999);
    expect(await current()).toBe(POLICY_B);
  });

  it('names a fault that is not an Error as an unknown fault, and still fails closed', async () => {
    const warn = vi.fn();
    const current = createPolicyCache({
      load: () => Promise.reject('a string, not an Error'),
      isTransient: () => false,
      describe: faultName,
      ttlMs: 1_000,
      retryMs: 1_000,
      maxStaleMs: 1_000,
      warn,
    });
    expect(await current()).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      `${REFRESH_FAILING}: unknown fault; definitive; refusing reads (503) until a read succeeds`,
    );
  });
});
