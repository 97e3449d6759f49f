// What each verb changes in a policy: one list, one entry, nothing else. Each edit refuses,
// rather than guesses, when the entry it names is already there, absent, or ambiguous.
import { type PolicyDocument, type PolicyKey, withList } from './policy-document.ts';
import { PolicyFault } from './report.ts';

/** An edit that cannot be made to this policy; nothing is written. */
export class EditRefused extends PolicyFault {}

/** The shortest part of a digest that `remove-token` takes: 32 bits, unlikely to collide. */
export const MIN_DIGEST_PREFIX = 8;

const WHAT: Record<PolicyKey, string> = {
  tokens_sha256: 'token digest',
  source_cidrs: 'network',
  page_origins: 'page origin',
};

// Digests are listed in either case and networks may be written in IPv6 upper case: an
// entry is the same entry whatever its case. Origins are lower case by the parser's rule.
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function added(document: PolicyDocument, key: PolicyKey, entry: string): PolicyDocument {
  const list = document.lists[key];
  if (list.some((listed) => same(listed, entry))) {
    throw new EditRefused(`${WHAT[key]} ${entry} is already listed; nothing written`);
  }
  return withList(document, key, [...list, entry]);
}

function removed(document: PolicyDocument, key: PolicyKey, entry: string): PolicyDocument {
  const list = document.lists[key];
  if (!list.some((listed) => same(listed, entry))) {
    throw new EditRefused(`${WHAT[key]} ${entry} is not listed; nothing written`);
  }
  return withList(
    document,
    key,
    list.filter((listed) => !same(listed, entry)),
  );
}

export const addToken = (document: PolicyDocument, digest: string) =>
  added(document, 'tokens_sha256', digest);
export const addNetwork = (document: PolicyDocument, cidr: string) =>
  added(document, 'source_cidrs', cidr);
export const removeNetwork = (document: PolicyDocument, cidr: string) =>
  removed(document, 'source_cidrs', cidr);
export const addOrigin = (document: PolicyDocument, origin: string) =>
  added(document, 'page_origins', origin);
export const removeOrigin = (document: PolicyDocument, origin: string) =>
  removed(document, 'page_origins', origin);

/** The listed digest that `prefix` (hex, any case) starts, when exactly one does. */
export function digestOf(document: PolicyDocument, prefix: string): string {
  const lower = prefix.toLowerCase();
  const matches = document.lists.tokens_sha256.filter((digest) =>
    digest.toLowerCase().startsWith(lower),
  );
  if (matches.length === 0) {
    throw new EditRefused(`no listed token digest starts with ${prefix}; nothing written`);
  }
  if (matches.length > 1) {
    throw new EditRefused(
      `${prefix} starts ${matches.length} listed token digests (${matches.join(', ')}): give more of it; nothing written`,
    );
  }
  return matches[0] as string;
}

/** The policy without the one token whose digest starts with `prefix`. */
export function removeToken(document: PolicyDocument, prefix: string): PolicyDocument {
  const digest = digestOf(document, prefix);
  return withList(
    document,
    'tokens_sha256',
    document.lists.tokens_sha256.filter((listed) => listed !== digest),
  );
}
