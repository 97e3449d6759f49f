import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Caller, PolicyRefusal } from './caller.ts';

/**
 * Admitted source networks, one list per address family: Node's BlockList matches an IPv4
 * address against IPv6 rules as its IPv4-mapped form, so that one list holding `::/0`
 * would admit every IPv4 caller.
 */
export interface SourceNetworks {
  ipv4: BlockList;
  ipv6: BlockList;
}

/** A validated policy: digests of admitted tokens and admitted source networks. */
export interface AccessPolicy {
  tokenDigests: readonly Buffer[];
  networks: SourceNetworks | undefined;
  /** Origins of the web pages whose requests a listed network admits without a token. */
  pageOrigins: ReadonlySet<string>;
}

/** Longest token hashed at all; Synapse's tokens are a few dozen characters. */
export const MAX_TOKEN_LENGTH = 512;

// Either case: sha256sum prints lower case, PowerShell's Get-FileHash upper case.
const DIGEST = /^[0-9a-f]{64}$/i;
// The digests of nothing and of a lone newline: what `printf %s "$TOKEN" | sha256sum` and
// `echo "$TOKEN" | sha256sum` print when the variable is unset or misspelt. Listed, they
// would admit the empty token (`Bearer `, `?access_token=`), which anyone can send.
const EMPTY_DIGESTS = new Set([
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b',
]);
const KEYS = ['tokens_sha256', 'source_cidrs', 'page_origins'];
const isKnown = (key: string): boolean => KEYS.includes(key);
// A prefix length as written by people: no sign, no leading zeros (`/024` is refused, not
// read as 24: it is more likely a typo than a choice).
const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Thrown for a parameter value that is not a usable policy. Its message names the entry
 * by key and position and never carries any part of the value, so that it may be logged.
 */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** The 16-bit groups of an IPv6 address that isIP accepted (no zone id). */
function ipv6Groups(address: string): number[] {
  // The URL parser writes the address canonically: lower case, hex groups only (an
  // embedded IPv4 tail becomes two groups), at most one `::`, which stands for two zero
  // groups or more. Widened to the colons that eight groups have, it leaves empty groups
  // in their place, and an empty group reads as no bits set (NaN & mask is 0).
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const colons = ':'.repeat(10 - canonical.split(':').length);
  return canonical
    .replace('::', colons)
    .split(':')
    .map((group) => Number.parseInt(group, 16));
}

/** True when the address has a bit set past the prefix: it names a host, not a network. */
function hasHostBits(address: string, family: number, prefix: number): boolean {
  const width = family === 4 ? 8 : 16;
  const parts = family === 4 ? address.split('.').map(Number) : ipv6Groups(address);
  return parts.some((part, index) => {
    const kept = Math.min(Math.max(prefix - index * width, 0), width);
    return (part & (2 ** (width - kept) - 1)) !== 0;
  });
}

/**
 * Refuses IPv4-mapped IPv6 networks (`::ffff:10.0.0.0/104`): callers are judged by their
 * family's rules and a mapped caller is an IPv4 host, so such a network admits nobody.
 */
function refuseMapped(address: string, where: string): void {
  if (unmappedIpv4(address) !== undefined) {
    throw new PolicyError(`${where} is an IPv4-mapped IPv6 network: write it in IPv4 notation`);
  }
}

function parseNetwork(cidr: unknown, index: number, into: SourceNetworks): void {
  const where = `source_cidrs[${index}]`;
  if (typeof cidr !== 'string') throw new PolicyError(`${where} is not a string`);
  // Stryker disable next-line StringLiteral: split() always yields a first element, so the default is never used
  const [address = '', prefixText, ...rest] = cidr.split('/');
  // isIP takes a zone id (`fe80::1%eth0`), which BlockList then ignores: a zone is local to
  // one host and never part of the address a gateway reports, so it can only mislead.
  if (address.includes('%')) throw new PolicyError(`${where} has a zone id (%…): remove it`);
  const family = isIP(address);
  if (family === 0 || rest.length > 0) throw new PolicyError(`${where} is not an IP network`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = into[type];
  const maxPrefix = family === 4 ? 32 : 128;
  if (prefixText === undefined) {
    refuseMapped(address, where);
    list.addAddress(address, type);
    return;
  }
  const prefix = PREFIX.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix <= maxPrefix)) {
    throw new PolicyError(
      `${where} has a prefix length that is not a whole number from 0 to ${maxPrefix} without leading zeros`,
    );
  }
  if (hasHostBits(address, family, prefix)) {
    throw new PolicyError(
      `${where} has host bits set: write the network's own address before the /, or the address with /${maxPrefix} for one host`,
    );
  }
  // A mapped network under /96 has host bits (its ffff group), refused above.
  refuseMapped(address, where);
  list.addSubnet(address, prefix, type);
}

/** An origin as a browser sends it in `Origin`: scheme, host and port, nothing more. */
function parseOrigin(origin: unknown, index: number): string {
  const where = `page_origins[${index}]`;
  if (typeof origin !== 'string') throw new PolicyError(`${where} is not a string`);
  // `null` is the origin of every sandboxed frame and data: page: listing it would admit any.
  if (origin === 'null')
    throw new PolicyError(`${where} is the opaque origin null, which any page can send`);
  const url = URL.canParse(origin) ? new URL(origin) : undefined;
  // Host names, IP addresses and ports only: a `*` would read as a pattern and match nothing.
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.origin !== origin ||
    !/^[a-z0-9.:[\]-]+$/.test(url.host)
  ) {
    throw new PolicyError(
      `${where} is not an origin as browsers send it: https://host or https://host:port, lower case, no path or trailing slash`,
    );
  }
  return origin;
}

/**
 * The keys of the top-level object, as written, repeats included: JSON.parse keeps only a
 * key's last value, so `{"tokens_sha256":[],"tokens_sha256":["…"]}` would read as the
 * second list. Only called on text JSON.parse has accepted as an object.
 */
function writtenKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      // At the top level, a string followed by a colon is a key, any other a value.
      // Only JSON's whitespace can stand between them in text JSON.parse accepted.
      const after = text.slice(i + 1).trimStart();
      if (depth === 1 && after.startsWith(':')) keys.push(JSON.parse(text.slice(start, i + 1)));
    } else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
  }
  return keys;
}

function listOf(record: Record<string, unknown>, key: string): unknown[] {
  const list = record[key] ?? [];
  if (!Array.isArray(list)) throw new PolicyError(`${key} is not an array`);
  return list;
}

/**
 * Parses and validates the parameter's value. What would read as something other than
 * what was written is refused: an unknown key (a typo such as `token_sha256` would
 * otherwise be a policy with fewer rules), a key given twice, a network with host bits.
 */
export function parsePolicy(text: string): AccessPolicy {
  // A byte-order mark, which some editors write, says nothing: it is not part of the JSON.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // JSON.parse quotes the text in its message: keep the value out of every log.
    throw new PolicyError('the value is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyError('the value is not a JSON object');
  }
  const keys = writtenKeys(json);
  for (const [index, key] of keys.entries()) {
    // By position only: a token pasted where a key belongs must not reach a log.
    if (!isKnown(key)) {
      throw new PolicyError(
        `key ${index + 1} of the object is unknown (known: ${KEYS.join(', ')})`,
      );
    }
    if (keys.indexOf(key) !== index) throw new PolicyError(`${key} is given twice`);
  }
  const record = value as Record<string, unknown>;
  // The parsed keys too: whatever the scan of the text might miss, no unknown key is read.
  // Stryker disable next-line all: writtenKeys finds every key JSON.parse keeps, so this never throws first; it stands guard should the scan ever be wrong
  if (!Object.keys(record).every(isKnown)) throw new PolicyError('a key is unknown');
  const tokens = listOf(record, 'tokens_sha256');
  const cidrs = listOf(record, 'source_cidrs');
  const origins = listOf(record, 'page_origins');
  const tokenDigests = tokens.map((digest, index) => {
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw new PolicyError(`tokens_sha256[${index}] is not 64 hex digits`);
    }
    if (EMPTY_DIGESTS.has(digest.toLowerCase())) {
      throw new PolicyError(
        `tokens_sha256[${index}] is the digest of an empty token (an unset variable?), which anyone can send`,
      );
    }
    return Buffer.from(digest, 'hex');
  });
  let networks: SourceNetworks | undefined;
  if (cidrs.length > 0) {
    networks = { ipv4: new BlockList(), ipv6: new BlockList() };
    for (const [index, cidr] of cidrs.entries()) parseNetwork(cidr, index, networks);
  }
  const pageOrigins = new Set(origins.map(parseOrigin));
  // Origins only lift the web-page rule of a network; without one they would admit nobody.
  if (pageOrigins.size > 0 && !networks) {
    throw new PolicyError('page_origins is given without source_cidrs, and alone admits nobody');
  }
  return { tokenDigests, networks, pageOrigins };
}

// The last 32 bits of an IPv4-mapped IPv6 address, as the URL parser writes it canonically
// (`[::ffff:cb00:7109]` for `::ffff:203.0.113.9`, whichever way the address was spelt).
// Stryker disable next-line Regex: a hostname begins with `[` and this one ends after the second group, so neither anchor can change a match
const MAPPED = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/;

/** The IPv4 address an IPv4-mapped IPv6 address stands for; undefined for any other. */
export function unmappedIpv4(address: string): string | undefined {
  const url = `http://[${address}]`;
  // A zone index (`fe80::1%eth0`) is no URL host, and no mapped address either.
  if (!URL.canParse(url)) return undefined;
  const match = MAPPED.exec(new URL(url).hostname);
  if (!match) return undefined;
  const bits = Number.parseInt(`${match[1]}${`${match[2]}`.padStart(4, '0')}`, 16);
  return [bits >>> 24, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff, bits & 0xff].join('.');
}

/**
 * True when the caller's address is inside a listed network of its own family. An
 * IPv4-mapped IPv6 address is the IPv4 host it stands for: judged by IPv4 rules alone.
 */
function inNetworks(networks: SourceNetworks, address: string | undefined): boolean {
  // Stryker disable next-line ConditionalExpression: isIP below answers 0 for undefined too
  if (address === undefined) return false;
  // A zone id is never part of an address a gateway reports; isIP would accept it, and it
  // would slip past the IPv4-mapped rule (the URL parser refuses it).
  if (address.includes('%')) return false;
  const family = isIP(address);
  if (family === 4) return networks.ipv4.check(address, 'ipv4');
  // Stryker disable next-line ConditionalExpression: what is no address maps to no IPv4 host, and BlockList.check answers false for it, so this early return only saves the work
  if (family === 0) return false;
  const ipv4 = unmappedIpv4(address);
  return ipv4 === undefined
    ? // Stryker disable next-line StringLiteral: BlockList.check (Node 24) reads the family from the address when the type is empty
      networks.ipv6.check(address, 'ipv6')
    : networks.ipv4.check(ipv4, 'ipv4');
}

/**
 * The token a request carries, read as Synapse's `get_access_token_from_request` reads it,
 * or the refusal Synapse gives: the header or the `access_token` query parameter, never
 * both; one header, exactly `Bearer <token>` (split on single spaces, the scheme's case
 * kept); `Bearer ` followed by nothing is the empty token, which is looked up and unknown.
 */
export function tokenOf(caller: Caller): { token: string } | PolicyRefusal {
  const { authorization, queryTokens } = caller;
  if (authorization.length > 0) {
    if (queryTokens !== undefined) return 'mixed-token-sources';
    if (authorization.length > 1) return 'too-many-authorization-headers';
    // Stryker disable next-line StringLiteral: authorization has exactly one element here, so the default is never used
    const parts = (authorization[0] ?? '').split(' ');
    return parts.length === 2 && parts[0] === 'Bearer'
      ? { token: parts[1] as string }
      : 'invalid-authorization-header';
  }
  const [first] = queryTokens ?? [];
  return first === undefined ? 'missing-token' : { token: first };
}

function isListed(digests: readonly Buffer[], token: string): boolean {
  const digest = createHash('sha256').update(token).digest();
  let listed = false;
  // Compare with every digest, each in constant time, so timing tells nothing of which.
  for (const candidate of digests) listed = timingSafeEqual(candidate, digest) || listed;
  return listed;
}

/**
 * True when the caller's address may admit it: it is no web page (it sent no Origin), or a
 * page whose origin the policy lists. A browser lends its own address to every page it
 * opens, so an address alone must not admit a page from any site on the web.
 */
function addressMayAdmit(pageOrigins: ReadonlySet<string>, origins: readonly string[]): boolean {
  if (origins.length === 0) return true;
  // Stryker disable next-line StringLiteral: origins has exactly one element when the length test holds
  return origins.length === 1 && pageOrigins.has(origins[0] ?? '');
}

/**
 * Decides on a read of the version route: undefined admits it, a PolicyRefusal names Synapse's
 * answer. The source address is the one the gateway saw, never X-Forwarded-For, and it
 * admits no web page but those of listed origins. A policy without rules admits nobody,
 * and answers as a token policy with no digest left: emptying the list is how an operator
 * revokes in a hurry, and a revoked token is told it is unknown.
 */
export function decide(policy: AccessPolicy, caller: Caller): PolicyRefusal | undefined {
  const { tokenDigests, networks, pageOrigins } = policy;
  if (
    networks &&
    addressMayAdmit(pageOrigins, caller.origins) &&
    inNetworks(networks, caller.sourceIp)
  ) {
    return undefined;
  }
  if (tokenDigests.length === 0 && networks) return 'forbidden';
  const read = tokenOf(caller);
  if (typeof read === 'string') return read;
  // The empty token is never listed (parsePolicy refuses its digest), nor is an oversized one.
  if (read.token === '' || read.token.length > MAX_TOKEN_LENGTH) return 'unknown-token';
  return isListed(tokenDigests, read.token) ? undefined : 'unknown-token';
}
