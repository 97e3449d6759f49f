import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../handler/access/caller.ts';
import {
  decide,
  MAX_TOKEN_LENGTH,
  PolicyError,
  parsePolicy,
  tokenOf,
  unmappedIpv4,
} from '../../handler/access/policy.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const TOKEN = 'svt_3q2-7wGf0rV_kNpYx8Lc1mZ9aQeTbUoHdJsRiWnK4lE';
const OTHER = 'svt_another-token-for-the-rotation-0000000000000';

const read = (authorization: string[] = [], sourceIp?: string): Caller => ({
  authorization,
  queryTokens: undefined,
  origins: [],
  sourceIp,
});

/** The message a value is refused with, or 'accepted'; a refusal must be a PolicyError. */
const refusal = (text: string): string => {
  try {
    parsePolicy(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as Error).message;
  }
  return 'accepted';
};

describe('parsePolicy', () => {
  it('reads digests and networks, both optional', () => {
    const policy = parsePolicy(
      JSON.stringify({ tokens_sha256: [sha256(TOKEN)], source_cidrs: ['203.0.113.0/24'] }),
    );
    expect(policy.tokenDigests.map((d) => d.toString('hex'))).toEqual([sha256(TOKEN)]);
    expect(policy.networks?.ipv4.check('203.0.113.9', 'ipv4')).toBe(true);
    const empty = { tokenDigests: [], networks: undefined, pageOrigins: new Set() };
    expect(parsePolicy('{}')).toEqual(empty);
    expect(parsePolicy('{"tokens_sha256":null,"source_cidrs":null,"page_origins":null}')).toEqual(
      empty,
    );
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
  const KNOWN = 'known: tokens_sha256, source_cidrs, page_origins';
  const prefix = (n: number) =>
    `source_cidrs[0] has a prefix length that is not a whole number from 0 to ${n} without leading zeros`;
  it.each([
    ['{tokens_sha256:', 'the value is not JSON'],
    ['5', 'the value is not a JSON object'],
    ['true', 'the value is not a JSON object'],
    ['"text"', 'the value is not a JSON object'],
    ['["abc"]', 'the value is not a JSON object'],
    ['null', 'the value is not a JSON object'],
    [`{"${'k'.repeat(100)}":1}`, `key 1 of the object is unknown (${KNOWN})`],
    [`{"source_cidrs":[],"${TOKEN}":1}`, `key 2 of the object is unknown (${KNOWN})`],
    ['{"tokens_sha256":[],"tokens_sha256":[]}', 'tokens_sha256 is given twice'],
    [`{"tokens_sha256":"${hex}"}`, 'tokens_sha256 is not an array'],
    [`{"tokens_sha256":["x${hex}"]}`, 'tokens_sha256[0] is not 64 hex digits'],
    [`{"tokens_sha256":["${hex}x"]}`, 'tokens_sha256[0] is not 64 hex digits'],
    [`{"tokens_sha256":["${hex}",["${hex}"]]}`, 'tokens_sha256[1] is not 64 hex digits'],
    ['{"source_cidrs":"10.0.0.0/8"}', 'source_cidrs is not an array'],
    ['{"source_cidrs":["10.0.0.0/8",10]}', 'source_cidrs[1] is not a string'],
    ['{"source_cidrs":["300.1.1.1/8"]}', 'source_cidrs[0] is not an IP network'],
    ['{"source_cidrs":["10.0.0.0/33"]}', prefix(32)],
    ['{"source_cidrs":["10.0.0.0/+8"]}', prefix(32)],
    ['{"source_cidrs":["10.0.0.0/1e1"]}', prefix(32)],
    ['{"source_cidrs":["10.0.0.0/8x"]}', prefix(32)],
    ['{"source_cidrs":["2001:db8::/129"]}', prefix(128)],
  ])('%s: %s', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(new PolicyError(message));
  });

  it.each([
    ['0.0.0.0/0', ['198.51.100.1', '203.0.113.9'], []],
    ['203.0.113.5/32', ['203.0.113.5'], ['203.0.113.4', '203.0.113.6']],
    ['2001:db8::/64', ['2001:db8::1', '2001:db8::ffff:1'], ['2001:db8:0:1::1']],
    ['2001:db8::1/128', ['2001:db8::1'], ['2001:db8::2']],
    // A zone id is never in an address a gateway reports: such a caller matches nothing.
    ['::/0', ['2001:db8::1', 'fe80::1'], ['203.0.113.9', '::ffff:203.0.113.9', 'fe80::1%eth0']],
  ])('accepts %s at the prefix bounds, and applies it exactly', (cidr, inside, outside) => {
    const policy = parsePolicy(JSON.stringify({ source_cidrs: [cidr] }));
    for (const sourceIp of inside) expect(decide(policy, read([], sourceIp))).toBe(undefined);
    for (const sourceIp of outside) expect(decide(policy, read([], sourceIp))).toBe('forbidden');
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
    ['a scheme alone', 'Bearer'],
    ['an empty value', ''],
  ])(
    'answers a header Synapse cannot parse (%s) as Synapse does: an invalid header',
    (_n, header) => {
      expect(decide(tokens, read([header]))).toBe('invalid-authorization-header');
    },
  );

  it('reads `Bearer ` with nothing after it as the empty token, which is unknown', () => {
    expect(decide(tokens, read(['Bearer ']))).toBe('unknown-token');
  });

  it('admits nobody who sends two Authorization headers, even if one is listed', () => {
    expect(decide(tokens, read([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]))).toBe(
      'too-many-authorization-headers',
    );
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

  it.each(['::/0', '::/64', '::/80', '::/96'])(
    'never admits an IPv4 caller, mapped or not, by the IPv6 rule %s',
    (cidr) => {
      const v6 = parsePolicy(JSON.stringify({ source_cidrs: [cidr] }));
      for (const sourceIp of ['203.0.113.9', '0.0.0.0', '::ffff:203.0.113.9', '10.1.2.3']) {
        expect(decide(v6, read([], sourceIp))).toBe('forbidden');
      }
    },
  );

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

describe('tokenOf: where Synapse takes the token from', () => {
  const caller = (authorization: string[], queryTokens?: string[]): Caller => ({
    authorization,
    queryTokens,
    origins: [],
    sourceIp: undefined,
  });

  it('takes the header, or else the first access_token query parameter', () => {
    expect(tokenOf(caller([`Bearer ${TOKEN}`]))).toEqual({ token: TOKEN });
    expect(tokenOf(caller([], [TOKEN, OTHER]))).toEqual({ token: TOKEN });
    expect(tokenOf(caller([], ['']))).toEqual({ token: '' });
  });

  it('refuses a header and a query parameter together, even an empty one', () => {
    expect(tokenOf(caller([`Bearer ${TOKEN}`], [TOKEN]))).toBe('mixed-token-sources');
    expect(tokenOf(caller([`Bearer ${TOKEN}`], ['']))).toBe('mixed-token-sources');
    expect(tokenOf(caller(['not even valid'], ['']))).toBe('mixed-token-sources');
  });

  it('names no token without a header or a parameter', () => {
    expect(tokenOf(caller([]))).toBe('missing-token');
    expect(tokenOf(caller([], []))).toBe('missing-token');
  });
});

describe('decide: tokens in the query string', () => {
  const tokens = parsePolicy(JSON.stringify({ tokens_sha256: [sha256(TOKEN)] }));
  const query = (queryTokens: string[], authorization: string[] = []): Caller => ({
    authorization,
    queryTokens,
    origins: [],
    sourceIp: undefined,
  });

  it('admits a listed token given as access_token, and only the first value counts', () => {
    expect(decide(tokens, query([TOKEN]))).toBeUndefined();
    expect(decide(tokens, query([TOKEN, OTHER]))).toBeUndefined();
    expect(decide(tokens, query([OTHER, TOKEN]))).toBe('unknown-token');
  });

  it('answers an empty access_token as an unknown token, and both sources as mixed', () => {
    expect(decide(tokens, query(['']))).toBe('unknown-token');
    expect(decide(tokens, query([TOKEN], [`Bearer ${TOKEN}`]))).toBe('mixed-token-sources');
  });
});

describe('decide: web pages are not admitted by the address they borrow', () => {
  const PAGE = 'https://admin.example.org';
  const INSIDE = '203.0.113.9';
  const networks = parsePolicy(JSON.stringify({ source_cidrs: ['203.0.113.0/24'] }));
  const both = parsePolicy(
    JSON.stringify({ tokens_sha256: [sha256(TOKEN)], source_cidrs: ['203.0.113.0/24'] }),
  );
  const listing = parsePolicy(
    JSON.stringify({ source_cidrs: ['203.0.113.0/24'], page_origins: [PAGE] }),
  );
  const page = (origins: string[], authorization: string[] = []): Caller => ({
    authorization,
    queryTokens: undefined,
    origins,
    sourceIp: INSIDE,
  });

  it('refuses any Origin from inside a listed network, as every refusal is answered', () => {
    for (const origin of ['https://evil.example', 'null', '', PAGE]) {
      expect(decide(networks, page([origin]))).toBe('forbidden');
      expect(decide(both, page([origin]))).toBe('missing-token');
    }
    // Control: the same address without an Origin is admitted.
    expect(decide(networks, page([]))).toBeUndefined();
  });

  it('admits a page anywhere with a listed token', () => {
    const outside = {
      ...page(['https://evil.example'], [`Bearer ${TOKEN}`]),
      sourceIp: '192.0.2.1',
    };
    expect(decide(both, outside)).toBeUndefined();
  });

  it('lets a listed page origin be admitted by the network, and no other', () => {
    expect(decide(listing, page([PAGE]))).toBeUndefined();
    expect(decide(listing, page(['https://admin.example.org:8443']))).toBe('forbidden');
    expect(decide(listing, page(['http://admin.example.org']))).toBe('forbidden');
    expect(decide(listing, page([PAGE, PAGE]))).toBe('forbidden');
    expect(decide(listing, page([`${PAGE}, ${PAGE}`]))).toBe('forbidden');
    // A listed origin is no credential: outside the networks it admits nothing.
    expect(decide(listing, { ...page([PAGE]), sourceIp: '192.0.2.1' })).toBe('forbidden');
  });
});

describe('parsePolicy: a policy means what it says, or is refused', () => {
  it('refuses a key given twice, which JSON.parse would read by its last value', () => {
    const digest = sha256(TOKEN);
    const twice = `{"tokens_sha256":[],"tokens_sha256":["${digest}"]}`;
    expect(refusal(twice)).toBe('tokens_sha256 is given twice');
    // Escapes spell the same key; spaces before the colon change nothing.
    expect(refusal(`{"source_cidrs":[] , "source\\u005fcidrs" \n : []}`)).toBe(
      'source_cidrs is given twice',
    );
    // Keys of nested values and strings that look like keys are not the policy's keys.
    expect(refusal(`{"tokens_sha256":["${digest}"],"source_cidrs":["10.0.0.0/8"]}`)).toBe(
      'accepted',
    );
    expect(refusal('{"source_cidrs":["\\"source_cidrs\\":"]}')).toBe(
      'source_cidrs[0] is not an IP network',
    );
  });

  it.each([
    ['198.51.100.99/24', 32],
    ['10.0.0.1/8', 32],
    ['192.168.1.128/24', 32],
    ['0.0.0.1/0', 32],
    ['2001:db8::1/64', 128],
    ['2001:db8:0:1::/48', 128],
    ['::ffff:203.0.113.9/120', 128],
    ['2001:db8:1:2:3:4:5:6/64', 128],
    ['2001:db8:1:2:3:4:5:6/126', 128],
    // Host bits in the first group alone, and in the last alone.
    ['2001::/8', 128],
    ['fe80::1/64', 128],
  ])('refuses %s, a host address with a network prefix', (cidr, hostPrefix) => {
    const message = refusal(JSON.stringify({ source_cidrs: ['10.0.0.0/8', cidr] }));
    expect(message).toBe(
      `source_cidrs[1] has host bits set: write the network's own address before the /, or the address with /${hostPrefix} for one host`,
    );
  });

  it.each([
    '198.51.100.0/24',
    '198.51.100.99/32',
    '10.0.0.0/8',
    '0.0.0.0/0',
    '2001:db8::/32',
    '2001:db8:0:1::/64',
    '2001:db8::1/128',
    '::/0',
    'fe80::/10',
    '2001:db8:1:2:3:4:5:6/128',
  ])('accepts %s, a network address', (cidr) => {
    expect(refusal(JSON.stringify({ source_cidrs: [cidr] }))).toBe('accepted');
  });

  it('refuses an IPv6 zone id, which no gateway reports', () => {
    expect(refusal('{"source_cidrs":["fe80::1%eth0"]}')).toBe(
      'source_cidrs[0] has a zone id (%…): remove it',
    );
    expect(refusal('{"source_cidrs":["fe80::%1/64"]}')).toBe(
      'source_cidrs[0] has a zone id (%…): remove it',
    );
  });

  it.each(['10.0.0.0/08', '10.0.0.0/008', '2001:db8::/032', '10.0.0.0/-0'])(
    'refuses %s, a prefix with a sign or leading zeros',
    (cidr) => {
      expect(refusal(JSON.stringify({ source_cidrs: [cidr] }))).toMatch(/without leading zeros$/);
    },
  );

  it('accepts the prefix 0 and the whole range at each bound', () => {
    expect(refusal('{"source_cidrs":["0.0.0.0/0","10.0.0.0/8","1.2.3.4/32","::1/128"]}')).toBe(
      'accepted',
    );
  });

  it('reads a value after a byte-order mark as the JSON it is', () => {
    const policy = parsePolicy(`\uFEFF${JSON.stringify({ tokens_sha256: [sha256(TOKEN)] })}`);
    expect(decide(policy, read([`Bearer ${TOKEN}`]))).toBeUndefined();
    expect(refusal('\uFEFF\uFEFF{}')).toBe('the value is not JSON');
  });

  it.each([
    ['a trailing slash', 'https://admin.example.org/'],
    ['a path', 'https://admin.example.org/admin'],
    ['upper case', 'https://Admin.example.org'],
    ['a default port', 'https://admin.example.org:443'],
    ['another scheme', 'ftp://admin.example.org'],
    ['no scheme', 'admin.example.org'],
    ['a wildcard', 'https://*.example.org'],
    ['a wildcard inside the name', 'https://admin.*.example.org'],
  ])('refuses a page origin with %s', (_name, origin) => {
    const text = JSON.stringify({ source_cidrs: ['10.0.0.0/8'], page_origins: [origin] });
    expect(refusal(text)).toBe(
      'page_origins[0] is not an origin as browsers send it: https://host or https://host:port, lower case, no path or trailing slash',
    );
  });

  it('refuses the opaque origin null, a number, and origins without networks', () => {
    const withNetworks = (origins: unknown[]) =>
      refusal(JSON.stringify({ source_cidrs: ['10.0.0.0/8'], page_origins: origins }));
    expect(withNetworks(['null'])).toBe(
      'page_origins[0] is the opaque origin null, which any page can send',
    );
    expect(withNetworks(['http://localhost:8080', 5])).toBe('page_origins[1] is not a string');
    expect(withNetworks(['http://localhost:8080', 'http://[::1]:8080'])).toBe('accepted');
    expect(refusal('{"page_origins":"https://a.example"}')).toBe('page_origins is not an array');
    expect(refusal('{"tokens_sha256":[],"page_origins":["https://a.example"]}')).toBe(
      'page_origins is given without source_cidrs, and alone admits nobody',
    );
    expect(refusal('{"tokens_sha256":[],"page_origins":[]}')).toBe('accepted');
  });
});

describe('parsePolicy: entries that could only mislead', () => {
  it.each(['::ffff:0:0/96', '::ffff:10.0.0.0/104', '::ffff:203.0.113.9', '::FFFF:cb00:7100/120'])(
    'refuses %s, an IPv4-mapped network, which admits nobody',
    (cidr) => {
      expect(refusal(JSON.stringify({ source_cidrs: ['10.0.0.0/8', cidr] }))).toBe(
        'source_cidrs[1] is an IPv4-mapped IPv6 network: write it in IPv4 notation',
      );
    },
  );

  it.each([
    ['the empty token', sha256('')],
    ['a lone newline', sha256('\n')],
    ['the empty token, upper case', sha256('').toUpperCase()],
  ])('refuses the digest of %s, which an unset variable gives', (_name, digest) => {
    expect(refusal(JSON.stringify({ tokens_sha256: [sha256(TOKEN), digest] }))).toBe(
      'tokens_sha256[1] is the digest of an empty token (an unset variable?), which anyone can send',
    );
  });

  it('reads a key with an escaped quote, and keys inside nested values are not its keys', () => {
    expect(refusal('{"source_cidrs":[],"a\\"b":1}')).toBe(
      'key 2 of the object is unknown (known: tokens_sha256, source_cidrs, page_origins)',
    );
    expect(refusal('{"tokens_sha256":[{"tokens_sha256":1}]}')).toBe(
      'tokens_sha256[0] is not 64 hex digits',
    );
    expect(refusal('{"source_cidrs":[{"x":1}],"tokens_sha256":[]}')).toBe(
      'source_cidrs[0] is not a string',
    );
  });

  it('still finds the keys after a nested object or array has closed', () => {
    expect(refusal('{"page_origins":{"x":[1]},"page_origins":[]}')).toBe(
      'page_origins is given twice',
    );
    expect(refusal('{"tokens_sha256":[[]],"source_cidrs":[],"tokens_sha256":[]}')).toBe(
      'tokens_sha256 is given twice',
    );
  });
});

describe('decide: what never admits', () => {
  it('the empty token is unknown without being looked up', () => {
    const policy = parsePolicy(JSON.stringify({ tokens_sha256: [sha256(TOKEN)] }));
    expect(decide(policy, read(['Bearer ']))).toBe('unknown-token');
    // Even a policy that lists its digest, which parsePolicy refuses to build, admits no one
    // with it: the empty token is never hashed.
    const listing = { ...policy, tokenDigests: [Buffer.from(sha256(''), 'hex')] };
    expect(decide(listing, read(['Bearer ']))).toBe('unknown-token');
    expect(decide(listing, { ...read(), queryTokens: [''] })).toBe('unknown-token');
  });

  it('a source address with a zone id matches no network', () => {
    const policy = parsePolicy('{"source_cidrs":["2001:db8::/32","0.0.0.0/0"]}');
    expect(decide(policy, read([], '2001:db8::1'))).toBeUndefined();
    expect(decide(policy, read([], '2001:db8::1%eth0'))).toBe('forbidden');
    expect(decide(policy, read([], '::ffff:198.51.100.7%eth0'))).toBe('forbidden');
  });
});
