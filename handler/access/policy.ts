import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Caller } from '../front-doors.ts';
import type { Refusal } from '../responder.ts';

/** A validated policy: digests of admitted tokens and admitted source networks. */
export interface AccessPolicy {
  tokenDigests: readonly Buffer[];
  networks: BlockList | undefined;
}

/** Longest token hashed at all; Synapse's tokens are a few dozen characters. */
export const MAX_TOKEN_LENGTH = 512;

const DIGEST = /^[0-9a-f]{64}$/;
const KEYS = new Set(['tokens_sha256', 'source_cidrs']);

/** Thrown for a parameter value that is not a usable policy. Never carries the value. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

function parseNetwork(cidr: unknown, index: number, into: BlockList): void {
  const where = `source_cidrs[${index}]`;
  if (typeof cidr !== 'string') throw new PolicyError(`${where} is not a string`);
  // Stryker disable next-line StringLiteral: split() always yields a first element, so the default is never used
  const [address = '', prefixText, ...rest] = cidr.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) throw new PolicyError(`${where} is not an IP network`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const maxPrefix = family === 4 ? 32 : 128;
  if (prefixText === undefined) {
    into.addAddress(address, type);
    return;
  }
  // Digits only, so never negative; NaN fails the comparison below.
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix <= maxPrefix)) {
    throw new PolicyError(`${where} has a prefix length outside 0-${maxPrefix}`);
  }
  into.addSubnet(address, prefix, type);
}

/**
 * Parses and validates the parameter's value. Unknown keys are refused, so that a typo
 * such as `token_sha256` cannot turn into a policy with no rules, which admits everyone.
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
      throw new PolicyError(`tokens_sha256[${index}] is not 64 lowercase hex digits`);
    }
    return Buffer.from(digest, 'hex');
  });
  let networks: BlockList | undefined;
  if (cidrs.length > 0) {
    networks = new BlockList();
    for (const [index, cidr] of cidrs.entries()) parseNetwork(cidr, index, networks);
  }
  return { tokenDigests, networks };
}

function inNetworks(networks: BlockList, address: string | undefined): boolean {
  // Stryker disable next-line ConditionalExpression: isIP below answers 0 for undefined too
  if (address === undefined) return false;
  const family = isIP(address);
  // Stryker disable next-line ConditionalExpression: BlockList.check answers false for what is not an address, so this early return only saves the work
  if (family === 0) return false;
  // Stryker disable next-line StringLiteral: BlockList.check (Node 24) reads the family from the address when the type is empty, so only 'ipv4' for a v6 address would differ
  return networks.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
 * answer. The source address is the one the gateway saw, never X-Forwarded-For.
 */
export function decide(policy: AccessPolicy, caller: Caller): Refusal | undefined {
  const { tokenDigests, networks } = policy;
  if (tokenDigests.length === 0 && networks === undefined) return undefined;
  if (networks && inNetworks(networks, caller.sourceIp)) return undefined;
  if (tokenDigests.length === 0) return 'forbidden';
  const token = bearerToken(caller.authorization);
  // No header, or one Synapse cannot parse: Synapse answers both as a missing token.
  if (token === undefined) return 'missing-token';
  if (token.length > MAX_TOKEN_LENGTH) return 'unknown-token';
  return isListed(tokenDigests, token) ? undefined : 'unknown-token';
}
