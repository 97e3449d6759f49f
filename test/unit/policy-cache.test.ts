import { describe, expect, it, vi } from 'vitest';
import { type AccessPolicy, parsePolicy } from '../../handler/access/policy.ts';
import { createPolicyCache } from '../../handler/access/policy-cache.ts';

const POLICY_A = parsePolicy('{"source_cidrs":["10.0.0.0/8"]}');
const POLICY_B = parsePolicy('{"source_cidrs":["192.0.2.0/24"]}');

/** A cache on a clock the test moves, with a loader the test scripts call by call. */
function setUp(ttlMs = 300_000, retryMs = 5_000) {
  let time = 1_000_000;
  const results: (AccessPolicy | Error)[] = [];
  const load = vi.fn(async () => {
    const next = results.shift();
    if (next === undefined) throw new Error('no scripted result');
    if (next instanceof Error) throw next;
    return next;
  });
  const warn = vi.fn();
  const current = createPolicyCache({ load, ttlMs, retryMs, now: () => time, warn });
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

  it('keeps serving the last good policy when a refresh fails, and warns', async () => {
    const { current, warn, results, advance } = setUp();
    results.push(
      POLICY_A,
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    await current();
    advance(300_000);
    expect(await current()).toBe(POLICY_A);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toMatch(/ThrottlingException.*keeping the last good policy/);
  });

  it('has no policy at all when the first read fails, so the caller fails closed', async () => {
    const { current, warn, results } = setUp();
    results.push(new Error('connect ECONNREFUSED'));
    expect(await current()).toBeUndefined();
    expect(warn.mock.calls[0]?.[0]).toMatch(/no policy yet/);
  });

  it('waits retryMs between failed reads, then recovers', async () => {
    const { current, load, results, advance } = setUp(300_000, 5_000);
    results.push(new Error('down'), POLICY_A);
    expect(await current()).toBeUndefined();
    advance(4_999);
    expect(await current()).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    advance(1);
    expect(await current()).toBe(POLICY_A);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not retry a failed refresh on every request while the stale policy serves', async () => {
    const { current, load, results, advance } = setUp(300_000, 5_000);
    results.push(POLICY_A, new Error('down'), POLICY_B);
    await current();
    advance(300_000);
    await current();
    await current();
    expect(load).toHaveBeenCalledTimes(2);
    advance(5_000);
    expect(await current()).toBe(POLICY_B);
  });

  it('names a fault that is not an Error as an unknown fault, and still fails closed', async () => {
    const warn = vi.fn();
    const current = createPolicyCache({
      load: () => Promise.reject('a string, not an Error'),
      ttlMs: 1_000,
      retryMs: 1_000,
      warn,
    });
    expect(await current()).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      'access policy read failed (unknown fault); no policy yet, refusing reads',
    );
  });
});
