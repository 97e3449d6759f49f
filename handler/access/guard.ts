// Imports nothing but types from the rest of the handler, so that the chunk it heads
// shares no code with open mode and open mode loads one file.
import type { AccessSettings } from '../access-settings.ts';
import type { Caller, PolicyRefusal } from './caller.ts';
import { decide, parsePolicy } from './policy.ts';
import { createPolicyCache } from './policy-cache.ts';
import { faultName, isTransientFault, readParameter } from './ssm-parameter.ts';

export type Guard = (caller: Caller) => Promise<PolicyRefusal | undefined>;

/**
 * The access check for reads of the version route, backed by the SSM parameter. Resolves
 * once the first read has completed or failed (bounded by the SDK limits), so that a
 * caller awaiting it at module load does that work in the function's init.
 */
export async function createGuard(settings: AccessSettings): Promise<Guard> {
  const current = createPolicyCache({
    load: async () => parsePolicy(await readParameter(settings.parameterName)),
    isTransient: isTransientFault,
    describe: faultName,
    ttlMs: settings.ttlSeconds * 1_000,
    retryMs: settings.retrySeconds * 1_000,
    maxStaleMs: settings.maxStaleSeconds * 1_000,
  });
  await current();
  return async (caller) => {
    const policy = await current();
    // No policy in force: fail closed.
    return policy ? decide(policy, caller) : 'unavailable';
  };
}
