import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Caller, Refusal } from './verdict.ts';

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
}

/** Longest token hashed at all; Synapse's tokens are a few dozen characters. */
export const MAX_TOKEN_LENGTH = 512;

// Either case: sha256sum prints lower case, PowerShell's Get-FileHash upper case.
const DIGEST = /^[0-9a-f]{64}$/i;
const KEYS = new Set(['tokens_sha256', 'source_cidrs']);

/** Thrown for a parameter value that is not a usable policy. Never carries the value. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

function parseNetwork(cidr: unknown, index: number, into: SourceNetworks): void {
  const where = `source_cidrs[${index}]`;
  if (typeof cidr !== 'string') throw new PolicyError(`${where} is not a string`);
  // Stryker disable next-line StringLiteral: split() always yields a first element, so the default is never used
  const [address = '', prefixText, ...rest] = cidr.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) throw new PolicyError(`${where} is not an IP network`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = into[type];
  const maxPrefix = family === 4 ? 32 : 128;
  if (prefixText === undefined) {
    list.addAddress(address, type);
    return;
  }
  // Digits only, so never negative; NaN fails the comparison below.
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix <= maxPrefix)) {
    throw new PolicyError(`${where} has a prefix length outside 0-${maxPrefix}`);
  }
  list.addSubnet(address, prefix, type);
}

/**
 * Parses and validates the parameter's value. Unknown keys are refused, so that a typo
 * such as `token_sha256` is reported rather than read as a policy with fewer rules.
 */
export function parsePolicy(text: string): AccessPolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text in its message: keep the value out of every log.
    throw new PolicyError('the value is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyError('the value is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KEYS.has(key)) throw new PolicyError(`unknown key ${JSON.stringify(key.slice(0, 40))}`);
  }
  const tokens = record.tokens_sha256 ?? [];
  const cidrs = record.source_cidrs ?? [];
  if (!Array.isArray(tokens)) throw new PolicyError('tokens_sha256 is not an array');
  if (!Array.isArray(cidrs)) throw new PolicyError('source_cidrs is not an array');
  const tokenDigests = tokens.map((digest, index) => {
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw new PolicyError(`tokens_sha256[${index}] is not 64 hex digits`);
    }
    return Buffer.from(digest, 'hex');
  });
  let networks: SourceNetworks | undefined;
  if (cidrs.length > 0) {
    networks = { ipv4: new BlockList(), ipv6: new BlockList() };
    for (const [index, cidr] of cidrs.entries()) parseNetwork(cidr, index, networks);
  }
  return { tokenDigests, networks };
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

/** The token of the single `Authorization: Bearer <token>` header, as Synapse parses it. */
function bearerToken(values: readonly string[]): string | undefined {
  if (values.length !== 1) return undefined;
  // Stryker disable next-line StringLiteral: values has exactly one element here, so the default is never used
  const parts = (values[0] ?? '').split(' ');
  return parts.length === 2 && parts[0] === 'Bearer' && parts[1] !== '' ? parts[1] : undefined;
}

function isListed(digests: readonly Buffer[], token: string): boolean {
  const digest = createHash('sha256').update(token).digest();
  let listed = false;
  // Compare with every digest, each in constant time, so timing tells nothing of which.
  for (const candidate of digests) listed = timingSafeEqual(candidate, digest) || listed;
  return listed;
}

/**
 * Decides on a read of the version route: undefined admits it, a Refusal names Synapse's
 * answer. The source address is the one the gateway saw, never X-Forwarded-For. A policy
 * without rules admits nobody, and answers as a token policy with no digest left: emptying
 * the list is how an operator revokes in a hurry, and a revoked token is told it is unknown.
 */
export function decide(policy: AccessPolicy, caller: Caller): Refusal | undefined {
  const { tokenDigests, networks } = policy;
  if (networks && inNetworks(networks, caller.sourceIp)) return undefined;
  if (tokenDigests.length === 0 && networks) return 'forbidden';
  const token = bearerToken(caller.authorization);
  // No header, or one Synapse cannot parse: Synapse answers both as a missing token.
  if (token === undefined) return 'missing-token';
  if (token.length > MAX_TOKEN_LENGTH) return 'unknown-token';
  return isListed(tokenDigests, token) ? undefined : 'unknown-token';
}
