import type { AccessPolicy } from './policy.ts';

export interface PolicyCacheOptions {
  /** Reads and validates the policy; rejects on any fault. */
  load: () => Promise<AccessPolicy>;
  /**
   * True for a fault that says nothing about the policy (throttling, a 5xx, a timeout, a
   * lost connection). Any other fault is an answer: the policy is gone or unusable.
   */
  isTransient: (error: unknown) => boolean;
  /** Names a fault for the log, never quoting any of its content. */
  describe: (error: unknown) => string;
  ttlMs: number;
  /** How long after a failed read the next one is tried. */
  retryMs: number;
  /** How long past its TTL the last good policy may serve through transient faults. */
  maxStaleMs: number;
  now?: () => number;
  warn?: (message: string) => void;
}

/** Resolves to the policy in force, or undefined when there is none: callers fail closed. */
export type CurrentPolicy = () => Promise<AccessPolicy | undefined>;

/**
 * The start of every log line about a failed read: stable, so that a metric filter
 * (the infra files' "policy refresh failing" alarm) and a grep can count them.
 */
export const REFRESH_FAILING = 'access policy refresh failing';

/**
 * Keeps the last good policy for `ttlMs`. However many requests wait, one read is in
 * flight. After the TTL, a warm instance answers what a cold start would: a read that
 * says the policy is gone or unusable (not found, access denied, a value that does not
 * validate) drops it at once. Only a transient fault keeps the last good policy serving,
 * and only until `maxStaleMs` past its TTL. Failed reads are retried at most every
 * `retryMs`, so an SSM outage does not make every request wait for a timeout, and each
 * failure is logged once.
 */
export function createPolicyCache(options: PolicyCacheOptions): CurrentPolicy {
  const {
    load,
    isTransient,
    describe,
    ttlMs,
    retryMs,
    maxStaleMs,
    now = Date.now,
    warn = console.warn,
  } = options;
  let good: AccessPolicy | undefined;
  let goodUntil = 0;
  let retryAfter = 0;
  let inFlight: Promise<void> | undefined;

  const staleUntil = () => goodUntil + maxStaleMs;
  /** The policy that may serve now, between reads. */
  const inForce = (time: number) => (good && time < staleUntil() ? good : undefined);

  const refresh = async (): Promise<void> => {
    try {
      good = await load();
      goodUntil = now() + ttlMs;
    } catch (error) {
      const time = now();
      retryAfter = time + retryMs;
      const transient = isTransient(error);
      if (!transient) good = undefined;
      const reason = describe(error);
      const kept = inForce(time);
      const consequence = kept
        ? `keeping the last good policy for at most ${Math.ceil((staleUntil() - time) / 1_000)} s more`
        : 'refusing reads (503) until a read succeeds';
      warn(
        `${REFRESH_FAILING}: ${reason}; ${transient ? 'transient' : 'definitive'}; ${consequence}`,
      );
    }
  };

  return async () => {
    const time = now();
    if (good && time < goodUntil) return good;
    if (time < retryAfter) return inForce(time);
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    await inFlight;
    return inForce(now());
  };
}
