import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decide,
  MAX_TOKEN_LENGTH,
  PolicyError,
  parsePolicy,
  unmappedIpv4,
} from '../../handler/access/policy.ts';
import type { Caller } from '../../handler/access/verdict.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const TOKEN = 'svt_3q2-7wGf0rV_kNpYx8Lc1mZ9aQeTbUoHdJsRiWnK4lE';
const OTHER = 'svt_another-token-for-the-rotation-0000000000000';

const read = (authorization: string[] = [], sourceIp?: string): Caller => ({
  authorization,
  sourceIp,
});

describe('parsePolicy', () => {
  it('reads digests and networks, both optional', () => {
    const policy = parsePolicy(
      JSON.stringify({ tokens_sha256: [sha256(TOKEN)], source_cidrs: ['203.0.113.0/24'] }),
    );
    expect(policy.tokenDigests.map((d) => d.toString('hex'))).toEqual([sha256(TOKEN)]);
    expect(policy.networks?.ipv4.check('203.0.113.9', 'ipv4')).toBe(true);
    expect(parsePolicy('{}')).toEqual({ tokenDigests: [], networks: undefined });
    expect(parsePolicy('{"tokens_sha256":null,"source_cidrs":null}')).toEqual({
      tokenDigests: [],
      networks: undefined,
    });
  });

  it('accepts a digest in upper case (PowerShell Get-FileHash) as the same digest', () => {
    const upper = parsePolicy(JSON.stringify({ tokens_sha256: [sha256(TOKEN).toUpperCase()] }));
    expect(upper.tokenDigests.map((d) => d.toString('hex'))).toEqual([sha256(TOKEN)]);
    expect(decide(upper, read([`Bearer ${TOKEN}`]))).toBeUndefined();
    expect(decide(upper, read([`Bearer ${OTHER}`]))).toBe('unknown-token');
  });

  it.each([
    ['not JSON', '{tokens_sha256:'],
    ['not an object', '["abc"]'],
    ['null', 'null'],
    ['a misspelt key', '{"token_sha256":[]}'],
    ['digests not in an array', `{"tokens_sha256":"${sha256('x')}"}`],
    ['a digest with a non-hex letter', `{"tokens_sha256":["${sha256('x').replace(/^./, 'g')}"]}`],
    ['a short digest', '{"tokens_sha256":["abcd"]}'],
    ['a raw token where a digest belongs', `{"tokens_sha256":["${TOKEN}"]}`],
    ['networks not in an array', '{"source_cidrs":"10.0.0.0/8"}'],
    ['a bad address', '{"source_cidrs":["300.1.1.1/8"]}'],
    ['a prefix too long', '{"source_cidrs":["10.0.0.0/33"]}'],
    ['an IPv6 prefix too long', '{"source_cidrs":["2001:db8::/129"]}'],
    ['an empty prefix', '{"source_cidrs":["10.0.0.0/"]}'],
    ['two slashes', '{"source_cidrs":["10.0.0.0/8/8"]}'],
    ['a number', '{"source_cidrs":[10]}'],
  ])('refuses %s, without quoting the value', (_name, text) => {
    let message = '';
    try {
      parsePolicy(text);
    } catch (error) {
      message = (error as Error).message;
      expect((error as Error).name).toBe('PolicyError');
    }
    expect(message).not.toBe('');
    expect(message).not.toContain(TOKEN);
    expect(message).not.toContain('300.1.1.1');
    expect(message).not.toContain('{');
  });
});

describe('parsePolicy, what it says of each refusal', () => {
  const hex = sha256('x');
  it.each([
    ['{tokens_sha256:', 'the value is not JSON'],
    ['5', 'the value is not a JSON object'],
    ['true', 'the value is not a JSON object'],
    ['"text"', 'the value is not a JSON object'],
    ['["abc"]', 'the value is not a JSON object'],
    ['null', 'the value is not a JSON object'],
    [`{"${'k'.repeat(100)}":1}`, `unknown key "${'k'.repeat(40)}"`],
    [`{"tokens_sha256":"${hex}"}`, 'tokens_sha256 is not an array'],
    [`{"tokens_sha256":["x${hex}"]}`, 'tokens_sha256[0] is not 64 hex digits'],
    [`{"tokens_sha256":["${hex}x"]}`, 'tokens_sha256[0] is not 64 hex digits'],
    [`{"tokens_sha256":["${hex}",["${hex}"]]}`, 'tokens_sha256[1] is not 64 hex digits'],
    ['{"source_cidrs":"10.0.0.0/8"}', 'source_cidrs is not an array'],
    ['{"source_cidrs":["10.0.0.0/8",10]}', 'source_cidrs[1] is not a string'],
    ['{"source_cidrs":["300.1.1.1/8"]}', 'source_cidrs[0] is not an IP network'],
    ['{"source_cidrs":["10.0.0.0/33"]}', 'source_cidrs[0] has a prefix length outside 0-32'],
    ['{"source_cidrs":["10.0.0.0/+8"]}', 'source_cidrs[0] has a prefix length outside 0-32'],
    ['{"source_cidrs":["10.0.0.0/1e1"]}', 'source_cidrs[0] has a prefix length outside 0-32'],
    ['{"source_cidrs":["10.0.0.0/8x"]}', 'source_cidrs[0] has a prefix length outside 0-32'],
    ['{"source_cidrs":["2001:db8::/129"]}', 'source_cidrs[0] has a prefix length outside 0-128'],
  ])('%s: %s', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(new PolicyError(message));
  });

  it.each([
    ['0.0.0.0/0', ['198.51.100.1', '203.0.113.9'], []],
    ['203.0.113.5/32', ['203.0.113.5'], ['203.0.113.4', '203.0.113.6']],
    ['2001:db8::/64', ['2001:db8::1', '2001:db8::ffff:1'], ['2001:db8:0:1::1']],
    ['2001:db8::1/128', ['2001:db8::1'], ['2001:db8::2']],
    ['::/0', ['2001:db8::1', 'fe80::1', 'fe80::1%eth0'], ['203.0.113.9', '::ffff:203.0.113.9']],
  ])('accepts %s at the prefix bounds, and applies it exactly', (cidr, inside, outside) => {
    const policy = parsePolicy(JSON.stringify({ source_cidrs: [cidr] }));
    for (const sourceIp of inside)
      expect(decide(policy, { authorization: [], sourceIp })).toBe(undefined);
    for (const sourceIp of outside)
      expect(decide(policy, { authorization: [], sourceIp })).toBe('forbidden');
  });
});

describe('decide: the admission table', () => {
  const tokens = parsePolicy(JSON.stringify({ tokens_sha256: [sha256(TOKEN), sha256(OTHER)] }));
  const networks = parsePolicy(
    JSON.stringify({ source_cidrs: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'] }),
  );
  const both = parsePolicy(
    JSON.stringify({ tokens_sha256: [sha256(TOKEN)], source_cidrs: ['203.0.113.0/24'] }),
  );

  it.each([
    '{}',
    '{"tokens_sha256":[]}',
    '{"tokens_sha256":null}',
    '{"source_cidrs":[]}',
    '{"tokens_sha256":[],"source_cidrs":[]}',
  ])(
    'admits nobody under %s, a policy without rules, and answers as to a revoked token',
    (text) => {
      const empty = parsePolicy(text);
      expect(decide(empty, read())).toBe('missing-token');
      expect(decide(empty, read([`Bearer ${TOKEN}`]))).toBe('unknown-token');
      expect(decide(empty, read([`Bearer ${TOKEN}`], '203.0.113.9'))).toBe('unknown-token');
      expect(decide(empty, read([], '2001:db8::1'))).toBe('missing-token');
    },
  );

  it('admits either listed token, as during a rotation', () => {
    expect(decide(tokens, read([`Bearer ${TOKEN}`]))).toBeUndefined();
    expect(decide(tokens, read([`Bearer ${OTHER}`]))).toBeUndefined();
  });

  it('answers no token with M_MISSING_TOKEN and an unlisted one with M_UNKNOWN_TOKEN', () => {
    expect(decide(tokens, read())).toBe('missing-token');
    expect(decide(tokens, read(['Bearer svt_not-listed']))).toBe('unknown-token');
  });

  it.each([
    ['lower-case scheme', `bearer ${TOKEN}`],
    ['two spaces', `Bearer  ${TOKEN}`],
    ['a trailing space', `Bearer ${TOKEN} `],
    ['no scheme', TOKEN],
    ['Basic', `Basic ${TOKEN}`],
    ['an empty token', 'Bearer '],
  ])('treats a header Synapse cannot parse (%s) as a missing token', (_name, header) => {
    expect(decide(tokens, read([header]))).toBe('missing-token');
  });

  it('admits nobody who sends two Authorization headers, even if one is listed', () => {
    expect(decide(tokens, read([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]))).toBe('missing-token');
  });

  it('refuses the digest itself sent as a token', () => {
    expect(decide(tokens, read([`Bearer ${sha256(TOKEN)}`]))).toBe('unknown-token');
  });

  it('refuses an oversized token, even one whose digest is listed', () => {
    const long = 'a'.repeat(MAX_TOKEN_LENGTH + 1);
    const listed = parsePolicy(JSON.stringify({ tokens_sha256: [sha256(long)] }));
    expect(decide(listed, read([`Bearer ${long}`]))).toBe('unknown-token');
    const fits = 'a'.repeat(MAX_TOKEN_LENGTH);
    const fitting = parsePolicy(JSON.stringify({ tokens_sha256: [sha256(fits)] }));
    expect(decide(fitting, read([`Bearer ${fits}`]))).toBeUndefined();
  });

  it('admits sources inside a listed network, IPv4, IPv6 and single addresses', () => {
    expect(decide(networks, read([], '203.0.113.200'))).toBeUndefined();
    expect(decide(networks, read([], '2001:db8:1::5'))).toBeUndefined();
    expect(decide(networks, read([], '198.51.100.7'))).toBeUndefined();
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 host it is', () => {
    expect(decide(networks, read([], '::ffff:203.0.113.9'))).toBeUndefined();
    expect(decide(networks, read([], '::FFFF:cb00:7109'))).toBeUndefined();
    expect(decide(networks, read([], '0:0:0:0:0:ffff:203.0.113.9'))).toBeUndefined();
    expect(decide(networks, read([], '::ffff:192.0.2.9'))).toBe('forbidden');
  });

  it.each([
    '::/0',
    '::/64',
    '::/80',
    '::/96',
    '::ffff:0:0/96',
    '::ffff:203.0.113.0/120',
    '::ffff:203.0.113.9',
  ])('never admits an IPv4 caller, mapped or not, by the IPv6 rule %s', (cidr) => {
    const v6 = parsePolicy(JSON.stringify({ source_cidrs: [cidr] }));
    for (const sourceIp of ['203.0.113.9', '0.0.0.0', '::ffff:203.0.113.9', '10.1.2.3']) {
      expect(decide(v6, read([], sourceIp))).toBe('forbidden');
    }
  });

  it('never admits an IPv6 caller by an IPv4 rule', () => {
    const v4 = parsePolicy('{"source_cidrs":["0.0.0.0/0"]}');
    expect(decide(v4, read([], '198.51.100.1'))).toBeUndefined();
    for (const sourceIp of ['::', '::1', '2001:db8::1', '::cb00:7109', 'fe80::1%eth0']) {
      expect(decide(v4, read([], sourceIp))).toBe('forbidden');
    }
  });

  it('answers a networks-only policy outside its networks with M_FORBIDDEN', () => {
    expect(decide(networks, read([], '198.51.100.8'))).toBe('forbidden');
    expect(decide(networks, read([], '2001:db9::1'))).toBe('forbidden');
    expect(decide(networks, read([`Bearer ${TOKEN}`], '192.0.2.1'))).toBe('forbidden');
    expect(decide(networks, read([], undefined))).toBe('forbidden');
    expect(decide(networks, read([], 'not-an-address'))).toBe('forbidden');
  });

  it('with both rules, admits either a listed network or a listed token', () => {
    expect(decide(both, read([], '203.0.113.1'))).toBeUndefined();
    expect(decide(both, read([`Bearer ${TOKEN}`], '192.0.2.1'))).toBeUndefined();
    expect(decide(both, read([], '192.0.2.1'))).toBe('missing-token');
    expect(decide(both, read(['Bearer nope'], '192.0.2.1'))).toBe('unknown-token');
  });
});

describe('unmappedIpv4', () => {
  it.each([
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::ffff:cb00:7109', '203.0.113.9'],
    ['::FFFF:CB00:7109', '203.0.113.9'],
    ['0:0:0:0:0:ffff:c633:6407', '198.51.100.7'],
    ['::ffff:0:0', '0.0.0.0'],
    ['::ffff:ffff:ffff', '255.255.255.255'],
    ['::ffff:102:304', '1.2.3.4'],
  ])('reads %s as %s', (mapped, ipv4) => {
    expect(unmappedIpv4(mapped)).toBe(ipv4);
  });

  it.each([
    '2001:db8::1',
    '::1',
    '::cb00:7109',
    '::ffff:1:2:3',
    '1::ffff:cb00:7109',
    'fe80::1%eth0',
  ])('finds no IPv4 host in %s', (address) => {
    expect(unmappedIpv4(address)).toBeUndefined();
  });
});
