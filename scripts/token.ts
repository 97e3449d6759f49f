// `npm run token`: a fresh access token, its SHA-256 digest, and the command that installs
// a policy admitting it. Only the digest goes into SSM; the token goes to the caller.
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const DEFAULT_PARAMETER = '/synapse-version/access-policy';

const { values } = parseArgs({
  options: { parameter: { type: 'string' } },
  allowPositionals: false,
});
const parameter = values.parameter ?? process.env.ACCESS_POLICY_PARAMETER ?? DEFAULT_PARAMETER;

// 32 random bytes: 256 bits, 43 characters of base64url, safe in a header and a shell.
const token = randomBytes(32).toString('base64url');
const digest = createHash('sha256').update(token, 'utf8').digest('hex');
const policy = JSON.stringify({ tokens_sha256: [digest] });

console.log(`token   ${token}
sha256  ${digest}

Give the token to the caller (Authorization: Bearer <token>); keep only the digest.
Install a policy that admits it:

  aws ssm put-parameter --name '${parameter}' --type SecureString --overwrite \\
    --value '${policy}'

To rotate, list the old and the new digest together until every caller has the new token.`);
