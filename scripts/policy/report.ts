// What `npm run policy` prints: a policy summarised by its digests, networks and origins,
// never a token, and an AWS fault named in one line, never SSM's message (SSM and the SDK
// quote what they received, a fragment of the value among it).

import { faultName } from '../../handler/access/ssm-parameter.ts';
import rules from '../../handler/access-rules.json' with { type: 'json' };
import type { PolicyDocument } from './policy-document.ts';

/** Where the policy lives, as every line names it. */
export interface Place {
  parameter: string;
  region: string;
}

/** A fault of the run (not of its command line): one line on stderr, exit 1. */
export class PolicyFault extends Error {}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `2 tokens, 1 network, 0 page origins` */
export function counts(document: PolicyDocument): string {
  const { tokens_sha256, source_cidrs, page_origins } = document.lists;
  return [
    count(tokens_sha256.length, 'token', 'tokens'),
    count(source_cidrs.length, 'network', 'networks'),
    count(page_origins.length, 'page origin', 'page origins'),
  ].join(', ');
}

/** The line printed after each write. */
export function writtenLine(
  { parameter, region }: Place,
  version: number,
  document: PolicyDocument,
) {
  return `${parameter} in ${region} is now version ${version}: ${counts(document)}`;
}

/** `show`'s lines: the summary, then each entry on a line of its own. */
export function shownLines(
  { parameter, region }: Place,
  version: number,
  document: PolicyDocument,
): string[] {
  const { tokens_sha256, source_cidrs, page_origins } = document.lists;
  return [
    `${parameter} in ${region} is version ${version}: ${counts(document)}`,
    ...tokens_sha256.map((digest) => `token sha256  ${digest}`),
    ...source_cidrs.map((cidr) => `network       ${cidr}`),
    ...page_origins.map((origin) => `page origin   ${origin}`),
  ];
}

/** How long instances take to see an edit, in the function's own words. */
export const SEEN_WITHIN = `ACCESS_POLICY_TTL_SECONDS (${rules.ttlDefaultSeconds} s unless the function sets another)`;

/** What `show` says of a policy without rules. */
export const ADMITS_NOBODY =
  'it admits nobody (the emergency lock-out): every caller is refused (401)';

export const LOCKED_OUT = `this is the emergency lock-out: the policy admits nobody, and every caller is refused (401) within ${SEEN_WITHIN}`;

// Of unknown type, as an error's `code` is: only the codes listed are strings it holds.
const UNREACHABLE: ReadonlySet<unknown> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** One line naming an AWS fault, for the parameter it concerned. */
export function faultLine(error: unknown, { parameter, region }: Place): string {
  if (error instanceof PolicyFault) return error.message;
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown } | undefined)?.code;
  const named = faultName(error);
  if (name === 'ParameterNotFound') {
    return `${parameter} does not exist in ${region} (ParameterNotFound): the function reads it in its own account and region`;
  }
  if (name === 'CredentialsProviderError') {
    return `no AWS credentials found (${named}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  if (/KMS|Kms|InvalidKeyId/.test(name)) {
    return `KMS refused the SecureString's key for ${parameter} in ${region} (${named}): the credentials need kms:Decrypt and kms:Encrypt on it`;
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return `access denied (${named}): the credentials may not read or write ${parameter} in ${region} (ssm:GetParameter, ssm:PutParameter)`;
  }
  if (UNREACHABLE.has(code) || name === 'TimeoutError') {
    return `SSM in ${region} could not be reached (${named}): check the network, and AWS_ENDPOINT_URL_SSM or AWS_ENDPOINT_URL if set`;
  }
  return `SSM refused or failed the request for ${parameter} in ${region} (${named})`;
}
