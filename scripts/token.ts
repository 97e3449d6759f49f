// `npm run token`: a fresh access token, its SHA-256 digest, and the command that installs
// a policy admitting it. Only the digest goes into SSM; the token goes to the caller.
import { createHash, randomBytes } from 'node:crypto';
import { readAccessSettings } from '../handler/access-settings.ts';
import { readOptions, refuse, runScript, type ScriptOutput } from './cli-options.ts';

const DEFAULT_PARAMETER = '/synapse-version/access-policy';
const USAGE = `usage: npm run token [-- --parameter /path/of/the/policy]

Prints a new access token, its SHA-256 digest, and the awscli command that installs an
access policy admitting it in the SSM parameter (default: ACCESS_POLICY_PARAMETER, else
${DEFAULT_PARAMETER}).`;

export function main(
  args: string[],
  output: ScriptOutput,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const options = readOptions({ parameter: { type: 'string' } }, USAGE, args);
  const parameter = options.parameter ?? (env.ACCESS_POLICY_PARAMETER?.trim() || DEFAULT_PARAMETER);
  try {
    // The function's own rule for the name, so that no policy is made that it would refuse.
    readAccessSettings({ ACCESS_POLICY_PARAMETER: parameter });
  } catch (error) {
    const source = options.parameter === undefined ? 'ACCESS_POLICY_PARAMETER' : '--parameter';
    refuse((error as Error).message.replace('ACCESS_POLICY_PARAMETER', source));
  }

  // 32 random bytes: 256 bits, 43 characters of base64url, safe in a header and a shell.
  const token = randomBytes(32).toString('base64url');
  const digest = createHash('sha256').update(token, 'utf8').digest('hex');
  const policy = JSON.stringify({ tokens_sha256: [digest] });

  output.out(`token   ${token}
sha256  ${digest}

Give the token to the caller (Authorization: Bearer <token>); keep only the digest.
Install a policy that admits it:

  aws ssm put-parameter --name '${parameter}' --type SecureString --overwrite \\
    --value '${policy}'

To rotate, list the old and the new digest together until every caller has the new token.`);
  return 0;
}

await runScript(import.meta.url, main);
