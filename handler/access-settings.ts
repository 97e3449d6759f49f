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
}

/** Seconds between reads of a policy that could not be read, at most. */
export const POLICY_RETRY_SECONDS = 5;

// The rules live in access-rules.json, which the osls settings check (infra/) reads too
// and the SAM template's parameter constraints are tested against: one rule everywhere.
const PARAMETER_PATH = new RegExp(`^${rules.parameterPath}$`);
const WHOLE_NUMBER = /^\d+$/;

/**
 * The access-policy settings, or undefined when `ACCESS_POLICY_PARAMETER` is unset or
 * empty (the route is then open, as in Synapse). Throws, naming the variable, on a value
 * that cannot be used: a misconfigured lock must not quietly become an open door.
 */
export function readAccessSettings(env: NodeJS.ProcessEnv): AccessSettings | undefined {
  const parameterName = env.ACCESS_POLICY_PARAMETER?.trim() ?? '';
  if (parameterName === '') return undefined;
  // A hierarchical name: the infra files grant `parameter<name>`, which needs the slash.
  if (!PARAMETER_PATH.test(parameterName) || parameterName.length > rules.parameterMaxLength) {
    throw new Error(`ACCESS_POLICY_PARAMETER ${rules.parameterProblem}`);
  }
  const ttlText = env.ACCESS_POLICY_TTL_SECONDS?.trim() ?? '';
  const ttlSeconds = ttlText === '' ? rules.ttlDefaultSeconds : Number(ttlText);
  if (
    (ttlText !== '' && !WHOLE_NUMBER.test(ttlText)) ||
    ttlSeconds < rules.ttlMinSeconds ||
    ttlSeconds > rules.ttlMaxSeconds
  ) {
    throw new Error(`ACCESS_POLICY_TTL_SECONDS ${rules.ttlProblem}`);
  }
  return { parameterName, ttlSeconds, retrySeconds: Math.min(ttlSeconds, POLICY_RETRY_SECONDS) };
}
