import type { AccessPolicy } from './policy.ts';

export interface PolicyCacheOptions {
  /** Reads and validates the policy; rejects on any fault. */
  load: () => Promise<AccessPolicy>;
  ttlMs: number;
  /** How long after a failed read the next one is tried; meanwhile the last answer stands. */
  retryMs: number;
  now?: () => number;
  warn?: (message: string) => void;
}

/** Resolves to the policy in force, or undefined when none has ever been read. */
export type CurrentPolicy = () => Promise<AccessPolicy | undefined>;

/**
 * Keeps the last good policy for `ttlMs`. However many requests wait, one read is in
 * flight. A failed read keeps the last good policy serving (stale beats closed for a
 * caller that was admitted a minute ago); with none yet, callers get undefined, and the
 * caller fails closed. Failures are retried at most every `retryMs`, so an SSM outage
 * does not make every request wait for a timeout.
 */
export function createPolicyCache(options: PolicyCacheOptions): CurrentPolicy {
  const { load, ttlMs, retryMs, now = Date.now, warn = console.warn } = options;
  let good: AccessPolicy | undefined;
  let goodUntil = 0;
  let retryAfter = 0;
  let inFlight: Promise<void> | undefined;

  const refresh = async (): Promise<void> => {
    try {
      good = await load();
      goodUntil = now() + ttlMs;
    } catch (error) {
      retryAfter = now() + retryMs;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown fault';
      warn(
        `access policy read failed (${reason}); ${good ? 'keeping the last good policy' : 'no policy yet, refusing reads'}`,
      );
    }
  };

  return async () => {
    const time = now();
    if (good && time < goodUntil) return good;
    if (time < retryAfter) return good;
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    await inFlight;
    return good;
  };
}
