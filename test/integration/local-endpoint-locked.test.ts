import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, send, startLocalServer } from '../../harness/local-server.ts';
import {
  BROWSER_PREFLIGHT,
  FORBIDDEN,
  MISSING_TOKEN,
  synapseJsonHeaders,
  UNKNOWN_TOKEN,
  VERSION_PATH as VERSION,
} from '../../scripts/synapse-reference.ts';
import { expectExactHeaders } from '../support/exact-headers.ts';
import { EMULATOR_CREDENTIALS, type Moto, startMoto } from '../support/moto.ts';
import { projectCopy } from '../support/project-copy.ts';
import { synadmVersion } from '../support/synadm.ts';

// The README's locked-mode quick start, end to end: moto_server as SSM, the policy put
// with awscli as a SecureString, `npm start` reading it through the real AWS SDK.
const PARAMETER = '/synapse-version/access-policy';
const TTL_SECONDS = 1;
const newToken = (): string => randomBytes(32).toString('base64url');
const digest = (token: string): string => createHash('sha256').update(token).digest('hex');
const policy = (...tokens: string[]): string =>
  JSON.stringify({ tokens_sha256: tokens.map(digest) });

// Synapse's other answers (synapse/api/auth/base.py, get_access_token_from_request, and the
// function's own 503), written out from the reference rather than taken from the handler.
const MIXED =
  '{"errcode":"M_MISSING_TOKEN","error":"Mixing Authorization headers and access_token query parameters."}';
const INVALID_HEADER = '{"errcode":"M_MISSING_TOKEN","error":"Invalid Authorization header."}';
const UNAVAILABLE = '{"errcode":"M_UNKNOWN","error":"Access policy unavailable"}';

const first = newToken();
const second = newToken();
let moto: Moto;
let server: LocalServer;
let serverVersion: string;

beforeAll(async () => {
  moto = await startMoto();
  await moto.putSecureString(PARAMETER, policy(first));
  server = await startLocalServer(
    {
      ACCESS_POLICY_PARAMETER: PARAMETER,
      ACCESS_POLICY_TTL_SECONDS: String(TTL_SECONDS),
      AWS_ENDPOINT_URL_SSM: moto.url,
      ...EMULATOR_CREDENTIALS,
    },
    projectCopy(),
  );
  serverVersion = /baked server_version: (.+) \(with/.exec(server.output())?.[1] ?? '';
});
afterAll(async () => {
  await server?.stop();
  await moto?.stop();
});

const read = (token?: string) =>
  send(server.baseUrl, 'GET', VERSION, token ? { authorization: `Bearer ${token}` } : {});

describe('npm start with a SecureString policy in moto_server', () => {
  it('refuses no token: 401 M_MISSING_TOKEN with Synapse headers, Server: Synapse alone', async () => {
    const reply = await read();
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(MISSING_TOKEN);
    expectExactHeaders(reply, synapseJsonHeaders());
  });

  it('tells a stranger nothing of the version, from any answer', async () => {
    const replies = [
      await read(),
      await read(second),
      await send(server.baseUrl, 'HEAD', VERSION),
      await send(server.baseUrl, 'OPTIONS', VERSION, BROWSER_PREFLIGHT),
      await send(server.baseUrl, 'GET', '/health'),
      await send(server.baseUrl, 'GET', `${VERSION}/`),
      await send(server.baseUrl, 'POST', VERSION),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([401, 401, 401, 204, 200, 404, 405]);
    for (const reply of replies) {
      expect(reply.headers.server).toBe('Synapse');
      const whole = JSON.stringify(reply);
      for (const fragment of [serverVersion, ...serverVersion.split(/[ (),]+/).filter(Boolean)]) {
        expect(whole).not.toContain(fragment);
      }
    }
  });

  it('refuses two Authorization headers, both with the listed token, as API Gateway joins them', async () => {
    const reply = await send(server.baseUrl, 'GET', VERSION, {
      authorization: [`Bearer ${first}`, `Bearer ${first}`],
    });
    // Joined into one value ("Bearer …,Bearer …"), which Synapse cannot split into a scheme
    // and one token: the invalid-header refusal, not "Too many Authorization headers."
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(INVALID_HEADER);
  });

  it('refuses an unlisted token: 401 M_UNKNOWN_TOKEN', async () => {
    const reply = await read(second);
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(UNKNOWN_TOKEN);
  });

  it('admits the listed token, with Synapse headers, version included', async () => {
    const reply = await read(first);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).server_version).toBe(serverVersion);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it('synadm with the token prints the version; with another, the Matrix error', async () => {
    const admitted = await synadmVersion(server.baseUrl, first);
    expect(admitted.code).toBe(0);
    expect(JSON.parse(admitted.stdout).server_version).toBe(serverVersion);
    const refused = await synadmVersion(server.baseUrl, second);
    // synadm reports the status on stderr and prints the body it got.
    expect(refused.stderr).toContain('returned status code 401');
    expect(JSON.parse(refused.stdout)).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
  });

  it('keeps preflights and /health open', async () => {
    expect((await send(server.baseUrl, 'OPTIONS', VERSION)).status).toBe(204);
    expect((await send(server.baseUrl, 'GET', '/health')).body).toBe('OK');
  });

  it('rotates within the TTL: both tokens, then the new one alone', async () => {
    await moto.putSecureString(PARAMETER, policy(first, second));
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(200);
    expect((await read(second)).status).toBe(200);
    await moto.putSecureString(PARAMETER, policy(second));
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(401);
    expect((await read(second)).status).toBe(200);
  });

  it('admits a digest put in upper case; refuses everyone once the list is emptied', async () => {
    await moto.putSecureString(
      PARAMETER,
      JSON.stringify({ tokens_sha256: [digest(first).toUpperCase()] }),
    );
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(200);
    await moto.putSecureString(PARAMETER, '{"tokens_sha256":[]}');
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(401);
    expect((await read()).status).toBe(401);
  });

  it('never admits this IPv4 caller by an IPv6 rule such as ::/0', async () => {
    await moto.putSecureString(PARAMETER, '{"source_cidrs":["::/0"]}');
    await pause(TTL_SECONDS * 1_000 + 300);
    const reply = await read();
    expect(reply.status).toBe(403);
    expect(reply.headers.server).toBe('Synapse');
  });

  it('answers 503 once the TTL has passed after a value that does not parse, then the parameter deleted', async () => {
    await moto.putSecureString(PARAMETER, policy(first));
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(200);
    await moto.putSecureString(PARAMETER, '{"tokens_sha256": [');
    await pause(TTL_SECONDS * 1_000 + 300);
    const invalid = await read(first);
    expect(invalid.status).toBe(503);
    expect(invalid.headers.server).toBe('Synapse');
    await moto.putSecureString(PARAMETER, policy(first));
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(200);
    await moto.deleteParameter(PARAMETER);
    await pause(TTL_SECONDS * 1_000 + 300);
    expect((await read(first)).status).toBe(503);
    const notFound = /access policy refresh failing: ParameterNotFound/;
    expect(await server.printed(notFound)).toMatch(notFound);
  });

  it('logged no token', () => {
    // The server's output is there to search: its banner and the refresh failures above.
    expect(server.output()).toContain('Server ready');
    for (const token of [first, second]) expect(server.output()).not.toContain(token);
  });
});

/** Puts the policy with awscli, then waits out the TTL so that the next read fetches it. */
const usePolicy = async (value: string, type = 'SecureString'): Promise<void> => {
  await moto.putParameter(PARAMETER, value, type);
  await pause(TTL_SECONDS * 1_000 + 300);
};
const readWith = (query: string, headers: Record<string, string | string[]> = {}) =>
  send(server.baseUrl, 'GET', `${VERSION}${query}`, headers);
/** Every piece of the version string, for "nothing of the version anywhere". */
const versionFragments = (): string[] => [
  serverVersion,
  ...serverVersion.split(/[ (),]+/).filter(Boolean),
];
const expectNoVersion = (reply: { headers: unknown; body: string }): void => {
  const whole = JSON.stringify(reply);
  for (const fragment of versionFragments()) expect(whole).not.toContain(fragment);
};

describe("Synapse's token rules through npm start (header or access_token, never both)", () => {
  beforeAll(() => usePolicy(policy(first)));

  it('admits the listed token as the access_token query parameter, version included', async () => {
    const reply = await readWith(`?access_token=${first}`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).server_version).toBe(serverVersion);
    expectExactHeaders(reply, synapseJsonHeaders(serverVersion));
  });

  it('reads the first access_token value, as Synapse does', async () => {
    expect((await readWith(`?access_token=${first}&access_token=${second}`)).status).toBe(200);
    const reply = await readWith(`?access_token=${second}&access_token=${first}`);
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(UNKNOWN_TOKEN);
  });

  it('refuses a header and a query parameter together, even an empty one, even both listed', async () => {
    for (const query of [`?access_token=${first}`, '?access_token=', '?access_token']) {
      const reply = await readWith(query, { authorization: `Bearer ${first}` });
      expect(reply.status).toBe(401);
      expect(reply.body).toBe(MIXED);
      expectExactHeaders(reply, synapseJsonHeaders());
    }
  });

  it('refuses every Authorization header that is not exactly "Bearer <token>"', async () => {
    const variants = [
      `bearer ${first}`, // the scheme is case-sensitive
      `BEARER ${first}`,
      `Bearer  ${first}`, // two spaces: split on single spaces, three parts
      `Bearer ${first} ${first}`,
      `Basic ${first}`,
      first, // no scheme
      'Bearer',
    ];
    for (const authorization of variants) {
      const reply = await send(server.baseUrl, 'GET', VERSION, { authorization });
      expect(reply.status, authorization.slice(0, 12)).toBe(401);
      expect(reply.body).toBe(INVALID_HEADER);
      expect(reply.headers.server).toBe('Synapse');
    }
  });

  it('sends "Bearer " over HTTP as "Bearer": the server strips trailing blanks (invalid header)', async () => {
    // Synapse would read `Bearer ` as the empty token (M_UNKNOWN_TOKEN), but an HTTP parser
    // removes the whitespace that ends a header value (RFC 9110 §5.5), node's included: the
    // function is handed `Bearer`, one part, which Synapse itself calls an invalid header.
    const reply = await send(server.baseUrl, 'GET', VERSION, { authorization: 'Bearer ' });
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(INVALID_HEADER);
  });

  it('refuses an empty access_token alone as an unknown token, not a missing one', async () => {
    const reply = await readWith('?access_token=');
    expect(reply.status).toBe(401);
    expect(reply.body).toBe(UNKNOWN_TOKEN);
    expectExactHeaders(reply, synapseJsonHeaders());
  });

  it('refuses an unlisted query token and tells nothing of the version, HEAD included', async () => {
    const replies = [
      await readWith(`?access_token=${second}`),
      await send(server.baseUrl, 'HEAD', `${VERSION}?access_token=${second}`),
      await send(server.baseUrl, 'HEAD', `${VERSION}?access_token=${first}`, {
        authorization: `Bearer ${first}`,
      }),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([401, 401, 401]);
    for (const reply of replies) {
      expect(reply.headers.server).toBe('Synapse');
      expectNoVersion(reply);
    }
    // HEAD is answered as GET without the body.
    expect(replies[1]?.body).toBe('');
  });
});

describe('a request with Origin (a web page) from an admitted network', () => {
  const page = 'http://localhost:12345';

  it('networks only: refused 403 with Origin (a page, or null), admitted without', async () => {
    await usePolicy('{"source_cidrs":["127.0.0.0/8"]}');
    const plain = await send(server.baseUrl, 'GET', VERSION);
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body).server_version).toBe(serverVersion);
    for (const origin of [page, 'null']) {
      const reply = await send(server.baseUrl, 'GET', VERSION, { origin });
      expect(reply.status, origin).toBe(403);
      expect(reply.body).toBe(FORBIDDEN);
      expectExactHeaders(reply, synapseJsonHeaders());
      expectNoVersion(reply);
      const head = await send(server.baseUrl, 'HEAD', VERSION, { origin });
      expect(head.status).toBe(403);
      expect(head.body).toBe('');
      expect(head.headers.server).toBe('Synapse');
      expectNoVersion(head);
    }
  });

  it('networks and tokens: a page is asked for a token, and the token admits it', async () => {
    await usePolicy(
      JSON.stringify({ tokens_sha256: [digest(first)], source_cidrs: ['127.0.0.0/8'] }),
    );
    expect((await send(server.baseUrl, 'GET', VERSION)).status).toBe(200);
    const refused = await send(server.baseUrl, 'GET', VERSION, { origin: page });
    expect(refused.status).toBe(401);
    expect(refused.body).toBe(MISSING_TOKEN);
    expectNoVersion(refused);
    const admitted = await send(server.baseUrl, 'GET', VERSION, {
      origin: page,
      authorization: `Bearer ${first}`,
    });
    expect(admitted.status).toBe(200);
    expect(JSON.parse(admitted.body).server_version).toBe(serverVersion);
  });

  it('page_origins: the listed page is admitted by the network, another is not', async () => {
    await usePolicy(JSON.stringify({ source_cidrs: ['127.0.0.0/8'], page_origins: [page] }));
    const listed = await send(server.baseUrl, 'GET', VERSION, { origin: page });
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body).server_version).toBe(serverVersion);
    for (const origin of ['http://localhost:12346', 'null', `${page}/`, 'HTTP://LOCALHOST:12345']) {
      const reply = await send(server.baseUrl, 'GET', VERSION, { origin });
      expect(reply.status, origin).toBe(403);
      expectNoVersion(reply);
    }
    // Two Origin headers arrive joined into one value, which is no listed origin.
    const twice = await send(server.baseUrl, 'GET', VERSION, { origin: [page, page] });
    expect(twice.status).toBe(403);
  });
});

describe('policies that would read as other than written are refused (503) by a warm instance', () => {
  // Each one lists the first token's digest: read as JSON.parse or a lax parser would read
  // it, it would admit that token, so the 503 says it was refused, not merely unmatched.
  const listed = (): string => digest(first);
  const refused: [string, () => string, string?][] = [
    ['a key given twice', () => `{"tokens_sha256":[],"tokens_sha256":["${listed()}"]}`],
    [
      'a network with host bits set',
      () => `{"tokens_sha256":["${listed()}"],"source_cidrs":["198.51.100.99/24"]}`,
    ],
    ['an IPv6 zone id', () => `{"tokens_sha256":["${listed()}"],"source_cidrs":["fe80::1%eth0"]}`],
    [
      'a prefix with a leading zero',
      () => `{"tokens_sha256":["${listed()}"],"source_cidrs":["10.0.0.0/08"]}`,
    ],
    ['a StringList parameter', () => `{"tokens_sha256":["${listed()}"]}`, 'StringList'],
  ];

  // To start from: a good policy, under which the token is admitted (a control, not a test).
  beforeAll(async () => {
    await usePolicy(policy(first));
    expect((await read(first)).status).toBe(200);
  });

  it.each(refused)('answers 503 after the TTL for %s', async (_, value, type) => {
    await usePolicy(value(), type);
    const reply = await read(first);
    expect(reply.status).toBe(503);
    expect(reply.body).toBe(UNAVAILABLE);
    expectExactHeaders(reply, { ...synapseJsonHeaders(), 'retry-after': '5' });
    expectNoVersion(reply);
    const head = await send(server.baseUrl, 'HEAD', VERSION, { authorization: `Bearer ${first}` });
    expect(head.status).toBe(503);
    expect(head.body).toBe('');
    expectNoVersion(head);
  });

  it('accepts a value that starts with a byte-order mark, read as the JSON after it', async () => {
    await usePolicy(`\uFEFF${policy(first)}`);
    const reply = await read(first);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).server_version).toBe(serverVersion);
    expect((await read(second)).status).toBe(401);
  });
});

describe('what npm start logs of refused policies and tokens', () => {
  // A token pasted where a key belongs: the log must name the fault, not quote the key.
  // Short enough (20 characters) that a log quoting a key's first 40 would quote it whole.
  const pastedKey = `svt_${randomBytes(12).toString('base64url')}`;

  it('names an unknown key by its position, never by its text', async () => {
    const before = server.output().length;
    await usePolicy(`{"tokens_sha256":["${digest(first)}"],"${pastedKey}":[]}`);
    expect((await read(first)).status).toBe(503);
    const unknownKey = /access policy refresh failing: .*key 2 of the object is unknown/;
    const logged = await server.printed(unknownKey, before);
    expect(logged).toMatch(unknownKey);
    expect(logged).not.toContain(pastedKey);
  });

  it('printed no token, digest, pasted key or policy value in all its output', () => {
    const output = server.output();
    expect(output).toContain('Server ready');
    const secrets = [
      first,
      second,
      digest(first),
      digest(second),
      digest(first).toUpperCase(),
      pastedKey,
      '198.51.100.99',
      'fe80::1%eth0',
      '10.0.0.0/08',
      'tokens_sha256":[',
    ];
    for (const secret of secrets) expect(output).not.toContain(secret);
    // The refused policies above were logged, each by its fault (at least six lines).
    expect(output.match(/access policy refresh failing/g)?.length ?? 0).toBeGreaterThanOrEqual(6);
  });
});
