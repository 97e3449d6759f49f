// Read once, at module load. Part of every cold start, so it imports nothing but the rules:
// the code that enforces a policy is loaded only when one is configured.
import rules from './access-rules.json' with { type: 'json' };

export interface AccessSettings {
  /** Name of the SSM parameter holding the policy. */
  parameterName: string;
  /** How long a fetched policy is used before it is read again. */
  ttlSeconds: number;
  /** How long after a failed read the next is tried (the 503's Retry-After is the cap). */
  retrySeconds: number;
  /** How long past its TTL the last good policy serves while SSM fails transiently. */
  maxStaleSeconds: number;
}

/** Seconds between reads of a policy that could not be read, at most. */
export const POLICY_RETRY_SECONDS = 5;

// The rules live in access-rules.json, which the osls settings check (infra/) reads too
// and the SAM template's parameter constraints are tested against: one rule everywhere.
const PARAMETER_PATH = new RegExp(`^${rules.parameterPath}$`);
const WHOLE_NUMBER = /^\d+$/;

/** A whole number of seconds within [min, max]; `fallback` when unset or empty. */
function seconds(text: string | undefined, min: number, max: number, fallback: number) {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return fallback;
  const value = Number(trimmed);
  return WHOLE_NUMBER.test(trimmed) && value >= min && value <= max ? value : undefined;
}

/**
 * The access-policy settings, or undefined when `ACCESS_POLICY_PARAMETER` is unset or
 * empty (the route is then open, as in Synapse). Throws, naming the variable, on a value
 * that cannot be used: a misconfigured lock must not quietly become an open door.
 */
export function readAccessSettings(env: NodeJS.ProcessEnv): AccessSettings | undefined {
  const parameterName = env.ACCESS_POLICY_PARAMETER ?? '';
  if (parameterName === '') return undefined;
  // A hierarchical name: the infra files grant `parameter<name>`, which needs the slash.
  // Not trimmed: the grant is made for the name as given, so a padded name is refused.
  if (!PARAMETER_PATH.test(parameterName) || parameterName.length > rules.parameterMaxLength) {
    throw new Error(`ACCESS_POLICY_PARAMETER ${rules.parameterProblem}`);
  }
  const ttlSeconds = seconds(
    env.ACCESS_POLICY_TTL_SECONDS,
    rules.ttlMinSeconds,
    rules.ttlMaxSeconds,
    rules.ttlDefaultSeconds,
  );
  if (ttlSeconds === undefined) throw new Error(`ACCESS_POLICY_TTL_SECONDS ${rules.ttlProblem}`);
  const maxStaleSeconds = seconds(
    env.ACCESS_POLICY_MAX_STALE_SECONDS,
    rules.maxStaleMinSeconds,
    rules.maxStaleMaxSeconds,
    rules.maxStaleDefaultSeconds,
  );
  if (maxStaleSeconds === undefined) {
    throw new Error(`ACCESS_POLICY_MAX_STALE_SECONDS ${rules.maxStaleProblem}`);
  }
  return {
    parameterName,
    ttlSeconds,
    retrySeconds: Math.min(ttlSeconds, POLICY_RETRY_SECONDS),
    maxStaleSeconds,
  };
}
