// `npm run policy` in this process: the edits on a policy document, the token it creates,
// the parameter it names, what it prints, and every command line it refuses before reaching
// AWS. The command against moto_server is policy-command.test.ts.
import { createHash } from 'node:crypto';
import { ParameterNotFound } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { decide, parsePolicy } from '../../handler/access/policy.ts';
import { newToken } from '../../scripts/policy/access-token.ts';
import { parameterName } from '../../scripts/policy/parameter-name.ts';
import {
  admitsNobody,
  EMPTY_POLICY,
  readDocument,
  writeDocument,
} from '../../scripts/policy/policy-document.ts';
import {
  addNetwork,
  addOrigin,
  addToken,
  digestOf,
  EditRefused,
  removeNetwork,
  removeOrigin,
  removeToken,
} from '../../scripts/policy/policy-edits.ts';
import { counts, faultLine } from '../../scripts/policy/report.ts';
import { main } from '../../scripts/policy.ts';
import { runMain } from '../support/run-main.ts';

const A = `${'a'.repeat(63)}1`;
const B = `${'b'.repeat(63)}2`;
const twins = [`abcdef01${'0'.repeat(56)}`, `abcdef01${'1'.repeat(56)}`];
const admitted = (value: string, token: string) =>
  decide(parsePolicy(value), {
    authorization: [`Bearer ${token}`],
    queryTokens: undefined,
    origins: [],
    sourceIp: undefined,
  }) === undefined;

describe('a stored policy, read and written', () => {
  it('keeps the keys it found, in their order, and null lists it did not edit', () => {
    const text = `{"source_cidrs":["192.0.2.0/24"],"page_origins":null,"tokens_sha256":["${A}"]}`;
    const document = readDocument(text);
    expect(writeDocument(document)).toBe(text);
    expect(writeDocument(addNetwork(document, '198.51.100.0/24'))).toBe(
      `{"source_cidrs":["192.0.2.0/24","198.51.100.0/24"],"page_origins":null,"tokens_sha256":["${A}"]}`,
    );
    expect(writeDocument(addOrigin(document, 'https://admin.example.org'))).toBe(
      `{"source_cidrs":["192.0.2.0/24"],"page_origins":["https://admin.example.org"],"tokens_sha256":["${A}"]}`,
    );
  });

  it('adds a key it did not find, last', () => {
    const document = readDocument(`{"tokens_sha256":["${A}"]}`);
    expect(writeDocument(addNetwork(document, '2001:db8::/32'))).toBe(
      `{"tokens_sha256":["${A}"],"source_cidrs":["2001:db8::/32"]}`,
    );
    expect(writeDocument(addToken(EMPTY_POLICY, B))).toBe(`{"tokens_sha256":["${B}"]}`);
  });

  it('reads a value after a byte-order mark, as the function does', () => {
    expect(readDocument(`\uFEFF{"tokens_sha256":["${A}"]}`).lists.tokens_sha256).toEqual([A]);
  });

  it('refuses, with the function parser’s words, a value the function refuses', () => {
    expect(() => readDocument('{"token_sha256":[]}')).toThrow(/key 1 of the object is unknown/);
    expect(() => readDocument('{"tokens_sha256":["secret-looking"]}')).toThrow(
      'tokens_sha256[0] is not 64 hex digits',
    );
  });

  it('admits nobody without a token and without a network, whatever the origins', () => {
    expect(admitsNobody(EMPTY_POLICY)).toBe(true);
    expect(admitsNobody(addToken(EMPTY_POLICY, A))).toBe(false);
    expect(admitsNobody(addNetwork(EMPTY_POLICY, '192.0.2.0/24'))).toBe(false);
    expect(admitsNobody(addOrigin(EMPTY_POLICY, 'https://a.example'))).toBe(true);
  });
});

describe('the edits', () => {
  const two = readDocument(`{"tokens_sha256":["${A}","${B.toUpperCase()}"]}`);

  it('removes a token by its whole digest or a prefix of it, in either case', () => {
    expect(removeToken(two, A).lists.tokens_sha256).toEqual([B.toUpperCase()]);
    expect(removeToken(two, 'bbbbbbbb').lists.tokens_sha256).toEqual([A]);
    expect(removeToken(two, 'AAAAAAAA').lists.tokens_sha256).toEqual([B.toUpperCase()]);
  });

  it('refuses a prefix that starts no digest, or several, naming them', () => {
    expect(() => removeToken(two, 'cccccccc')).toThrow(
      new EditRefused('no listed token digest starts with cccccccc; nothing written'),
    );
    const document = readDocument(JSON.stringify({ tokens_sha256: twins }));
    expect(() => digestOf(document, 'abcdef01')).toThrow(
      `abcdef01 starts 2 listed token digests (${twins.join(', ')}): give more of it; nothing written`,
    );
    expect(digestOf(document, 'abcdef011')).toBe(twins[1]);
  });

  it('refuses to add what is listed, or remove what is not', () => {
    expect(() => addToken(two, B)).toThrow(`token digest ${B} is already listed`);
    const networks = addNetwork(EMPTY_POLICY, '2001:DB8::/32');
    expect(() => addNetwork(networks, '2001:db8::/32')).toThrow('network 2001:db8::/32 is already');
    expect(removeNetwork(networks, '2001:db8::/32').lists.source_cidrs).toEqual([]);
    expect(() => removeNetwork(networks, '192.0.2.0/24')).toThrow(
      'network 192.0.2.0/24 is not listed; nothing written',
    );
    const origins = addOrigin(networks, 'https://a.example');
    expect(removeOrigin(origins, 'https://a.example').lists.page_origins).toEqual([]);
    expect(() => removeOrigin(origins, 'https://b.example')).toThrow('page origin https://b');
  });

  it('changes nothing but the list it edits', () => {
    const document = readDocument(
      `{"tokens_sha256":["${A}"],"source_cidrs":["192.0.2.0/24"],"page_origins":["https://a.example"]}`,
    );
    const edited = removeNetwork(addNetwork(document, '198.51.100.0/24'), '198.51.100.0/24');
    expect(writeDocument(edited)).toBe(writeDocument(document));
  });

  it('counts what a policy lists, in words', () => {
    expect(counts(EMPTY_POLICY)).toBe('0 tokens, 0 networks, 0 page origins');
    const one = addOrigin(addNetwork(addToken(EMPTY_POLICY, A), '192.0.2.0/24'), 'https://a.b');
    expect(counts(one)).toBe('1 token, 1 network, 1 page origin');
    expect(counts(addNetwork(addToken(one, B), '2001:db8::/32'))).toBe(
      '2 tokens, 2 networks, 1 page origin',
    );
  });
});

describe('a new token', () => {
  it('is 32 random bytes in base64url, listed by the SHA-256 of its text, and admits', () => {
    const { token, digest } = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(digest).toBe(createHash('sha256').update(token).digest('hex'));
    const value = writeDocument(addToken(EMPTY_POLICY, digest));
    expect(admitted(value, token)).toBe(true);
    expect(admitted(value, newToken().token)).toBe(false);
  });

  it('is never the same twice', () => {
    expect(newToken().token).not.toBe(newToken().token);
  });
});

describe('the parameter it edits', () => {
  it('is --parameter, over ACCESS_POLICY_PARAMETER', () => {
    expect(parameterName('/ops/version-policy', { ACCESS_POLICY_PARAMETER: '/from/env' })).toBe(
      '/ops/version-policy',
    );
  });

  it('else ACCESS_POLICY_PARAMETER, trimmed; else the default for a blank one', () => {
    expect(parameterName(undefined, { ACCESS_POLICY_PARAMETER: ' /from/env ' })).toBe('/from/env');
    expect(parameterName(undefined, { ACCESS_POLICY_PARAMETER: '  ' })).toBe(
      '/synapse-version/access-policy',
    );
    expect(parameterName(undefined, {})).toBe('/synapse-version/access-policy');
  });
});

describe('an AWS fault, named', () => {
  const place = { parameter: '/p', region: 'eu-west-1' };

  it('in one line without SSM’s message, which may quote the value', () => {
    const notFound = new ParameterNotFound({ message: 'secret-value', $metadata: {} });
    expect(faultLine(notFound, place)).toBe(
      '/p does not exist in eu-west-1 (ParameterNotFound): the function reads it in its own account and region',
    );
    const denied = Object.assign(new Error('User arn:… secret-value'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(faultLine(denied, place)).toBe(
      'access denied (AccessDeniedException (HTTP 400)): the credentials may not read or write /p in eu-west-1 (ssm:GetParameter, ssm:PutParameter)',
    );
    const other = Object.assign(new Error('secret-value'), { name: 'InternalServerError' });
    expect(faultLine(other, place)).toBe(
      'SSM refused or failed the request for /p in eu-west-1 (InternalServerError)',
    );
  });

  const unreachable = (detail: string) =>
    `SSM in eu-west-1 could not be reached (${detail}): check the network, and AWS_ENDPOINT_URL_SSM or AWS_ENDPOINT_URL if set`;

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
  ])('SSM not reached: %s', (code) => {
    const error = Object.assign(new Error('connect 10.0.0.1:443'), { code });
    expect(faultLine(error, place)).toBe(unreachable(`Error ${code}`));
  });

  it('SSM not reached: the SDK’s own timeout, whatever its code', () => {
    const error = Object.assign(new Error('slow'), { name: 'TimeoutError' });
    expect(faultLine(error, place)).toBe(unreachable('TimeoutError'));
  });

  it('any other code, and a thrown value that is no error, as a failed request', () => {
    const error = Object.assign(new Error('odd'), { code: 'EPROTO' });
    expect(faultLine(error, place)).toBe(
      'SSM refused or failed the request for /p in eu-west-1 (Error EPROTO)',
    );
    expect(faultLine(undefined, place)).toBe(
      'SSM refused or failed the request for /p in eu-west-1 (unknown fault)',
    );
  });
});

/** The command in this process, with `env` for its parameter name. */
const policy = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runMain((a, output) => main(a, output, env), args);

describe('npm run policy, its command line', () => {
  it('prints its usage for --help and exits 0', async () => {
    const run = await policy(['--help']);
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(/^usage: npm run policy -- <verb> \[argument\] \[--parameter/);
    expect(run.out.join('\n')).toContain('add-token [--token-file <f>]');
    expect(run.err).toEqual([]);
  });

  // A file that exists at a path the same from run to run: a test's name is its identity.
  const existing = 'package.json';
  const pasted = newToken().token;

  it.each([
    [['--nope', 'show'], "Unknown option '--nope'"],
    [[], 'give a verb: show, add-token, remove-token, add-network, remove-network'],
    [['list'], 'unknown verb "list" (verbs: show, add-token,'],
    [['show', 'extra'], 'show takes no argument'],
    [['add-network'], 'add-network takes one argument: <cidr>'],
    [['add-network', '192.0.2.0/24', '198.51.100.0/24'], 'add-network takes one argument'],
    [['add-network', '192.0.2.9/24'], 'network "192.0.2.9/24" has host bits set'],
    [['remove-network', 'office'], 'network "office" is not an IP network'],
    [['add-origin', 'https://a.example/'], 'page origin "https://a.example/" is not an origin'],
    [['remove-token', 'abcdef0'], "remove-token takes the token's sha256 digest, or at least"],
    [['remove-token', 'abcdefgh'], 'at least its first 8 hex digits (never the token itself)'],
    [['show', '--token-file', '/tmp/x'], '--token-file goes with add-token only'],
    [
      ['add-token', '--token-file', existing],
      `--token-file ${existing} exists: a token file is never`,
    ],
    [['show', '--lock-everyone-out'], '--lock-everyone-out goes with an edit, not show'],
    [['show', '--discard-invalid'], '--discard-invalid goes with an edit, not show'],
    [['show', '--region', 'Ireland'], '--region must be an AWS region such as eu-west-1'],
    [['show', '--parameter', 'other'], '--parameter must be an SSM parameter path'],
    [['show', '--region'], "Option '--region <value>' argument missing"],
  ])('refuses %j in one line, exit 2, before reaching AWS', async (args, message) => {
    const run = await policy(args);
    expect(run).toEqual({ code: 2, out: [], err: [expect.stringContaining(message)] });
    expect(run.err[0]).toMatch(/^error: .* \(--help for usage\)$/);
  });

  it('never echoes a token pasted where a digest belongs', async () => {
    const run = await policy(['remove-token', pasted]);
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).not.toContain(pasted);
  });

  it('refuses an unusable ACCESS_POLICY_PARAMETER, naming the variable', async () => {
    const run = await policy(['show'], { ACCESS_POLICY_PARAMETER: 'no-slash' });
    expect(run.code).toBe(2);
    expect(run.err).toEqual([
      expect.stringMatching(/^error: ACCESS_POLICY_PARAMETER must be an SSM parameter path/),
    ]);
  });
});
