// Which parameter the command edits, by the function's own rule for its name, so that no
// policy is written where the function could not be told to read it.
import { readAccessSettings } from '../../handler/access-settings.ts';
import { refuse } from '../command-line.ts';

/** The name docs/access-policy.md and the infra files use. */
export const DEFAULT_PARAMETER = '/synapse-version/access-policy';

/** --parameter as given, else ACCESS_POLICY_PARAMETER trimmed, else the default. */
export function parameterName(given: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = given ?? (env.ACCESS_POLICY_PARAMETER?.trim() || DEFAULT_PARAMETER);
  try {
    readAccessSettings({ ACCESS_POLICY_PARAMETER: name });
  } catch (error) {
    const source = given === undefined ? 'ACCESS_POLICY_PARAMETER' : '--parameter';
    refuse((error as Error).message.replace('ACCESS_POLICY_PARAMETER', source));
  }
  return name;
}
