// Read once, at module load. Part of every cold start, so it imports nothing: the code
// that enforces a policy is loaded only when one is configured.

export interface AccessSettings {
  /** Name of the SSM parameter holding the policy. */
  parameterName: string;
  /** How long a fetched policy is used before it is read again. */
  ttlSeconds: number;
  /** How long after a failed read the next is tried (the 503's Retry-After is the cap). */
  retrySeconds: number;
}

const DEFAULT_TTL_SECONDS = 300;
/** Seconds between reads of a policy that could not be read, at most. */
export const POLICY_RETRY_SECONDS = 5;
const MAX_TTL_SECONDS = 86_400;

/**
 * The access-policy settings, or undefined when `ACCESS_POLICY_PARAMETER` is unset or
 * empty (the route is then open, as in Synapse). Throws, naming the variable, on a value
 * that cannot be used: a misconfigured lock must not quietly become an open door.
 */
export function readAccessSettings(env: NodeJS.ProcessEnv): AccessSettings | undefined {
  const parameterName = env.ACCESS_POLICY_PARAMETER?.trim() ?? '';
  if (parameterName === '') return undefined;
  // A hierarchical name: the infra files grant `parameter<name>`, which needs the slash.
  if (!/^(\/[A-Za-z0-9_.-]+)+$/.test(parameterName) || parameterName.length > 1011) {
    throw new Error(
      'ACCESS_POLICY_PARAMETER must be an SSM parameter path such as /synapse-version/access-policy',
    );
  }
  const ttlText = env.ACCESS_POLICY_TTL_SECONDS?.trim() ?? '';
  const ttlSeconds = ttlText === '' ? DEFAULT_TTL_SECONDS : Number(ttlText);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new Error(
      `ACCESS_POLICY_TTL_SECONDS must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`,
    );
  }
  return { parameterName, ttlSeconds, retrySeconds: Math.min(ttlSeconds, POLICY_RETRY_SECONDS) };
}
